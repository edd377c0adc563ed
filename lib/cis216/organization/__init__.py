"""Organisation mode (issue 13): a Resource Directory scanned member by member.

snapshot.py reads the organisation snapshot form; coverage.py decides once, from the management and
log-archive side, whether the organisation trail's feed covers a member; verdict.py combines that with
the member's own scan. All pure.
"""
