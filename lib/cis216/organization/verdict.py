"""A member's verdict in an organisation scan: its own scan's findings, combined with the organisation
trail's coverage of it (coverage.py) and Log Audit's central collection's (log_audit.py). Pure.

The member is `ok` when its own feed has an effective alert OR the organisation trail covers it
(advisory COVERED_BY_ORGANIZATION_TRAIL, the trail, project and alert in `evidence.organization`) OR
Log Audit's multi-account collection does (COVERED_BY_LOG_AUDIT, `evidence.organization.log_audit`).
Otherwise the organisation feed replaces the `FEED_IN_OTHER_ACCOUNT` its own scan gave for it (the
member cannot read the log-archive account; the coordinator did) by a definite verdict:
- the organisation side unread (`covers` None): `error`, ORGANIZATION_UNREAD, never a kinder verdict;
  so is Log Audit's configuration or central project unread (LOG_AUDIT_UNREAD);
- a side that is undecided (`error`, `info`) keeps the member there: it could still be `ok`; the
  other side's failing codes become advisories;
- both sides failing: `alarm`, with both sides' codes.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..findings import AccountEvidence, Finding, LogAuditEvidence, ScanErrorEvidence, Status, TrailEvidence
from ..profiles.strict import codes
from .coverage import OrgCoverage

_UNDECIDED: tuple[Status, ...] = ("error", "info")


def member_findings(findings: Sequence[Finding], coverage: OrgCoverage) -> list[Finding]:
    """The member's findings with its account finding (and the organisation trail's) decided."""
    return [_decided(f, coverage) for f in findings]


def _decided(finding: Finding, coverage: OrgCoverage) -> Finding:
    evidence = finding.evidence
    if finding.scope == "account" and isinstance(evidence, AccountEvidence):
        own = _own_codes(finding, coverage, [f.name for f in evidence.feeds if f.other_account])
        decided = _combine(finding, own, coverage)
        return decided.model_copy(update={"evidence": evidence.model_copy(update={"organization": coverage})})
    if (
        finding.scope == "trail"
        and isinstance(evidence, TrailEvidence)
        and evidence.trail == coverage.trail
        and codes.FEED_IN_OTHER_ACCOUNT in finding.reason_codes
    ):
        # The member's copy of the organisation trail: judged from the log-archive side now.
        return _combine(
            finding, [c for c in finding.reason_codes if c != codes.FEED_IN_OTHER_ACCOUNT], coverage
        )
    return finding


def _own_codes(finding: Finding, coverage: OrgCoverage, other_account_feeds: list[str]) -> list[str]:
    """The member's own codes; FEED_IN_OTHER_ACCOUNT goes when every such feed is the organisation
    trail, which the coordinator judged from the side that can read it."""
    if other_account_feeds and all(name == coverage.trail for name in other_account_feeds):
        return [c for c in finding.reason_codes if c != codes.FEED_IN_OTHER_ACCOUNT]
    return list(finding.reason_codes)


def _combine(finding: Finding, own: list[str], coverage: OrgCoverage) -> Finding:
    if finding.status == "ok":
        return finding  # its own feed covers it: the organisation's is only evidence
    if coverage.covers:
        advisories = [*finding.advisories, *own, codes.COVERED_BY_ORGANIZATION_TRAIL]
        return _with(finding, [], advisories, _covered_reason(coverage))
    audit = coverage.log_audit
    if audit is not None and audit.covers:
        return _covered_by_log_audit(finding, own, coverage)
    unread = _unread_codes(coverage)
    if unread:
        found = [*unread, *own]
        return _with(finding, found, finding.advisories, _unread_reason(coverage, finding))
    org, remarks = _organization_codes(coverage)
    found, advisories = _both_sides(own, org)
    return _with(
        finding,
        found,
        [*finding.advisories, *remarks, *advisories],
        _not_covered_reason(coverage, finding, own),
    )


def _covered_by_log_audit(finding: Finding, own: list[str], coverage: OrgCoverage) -> Finding:
    """Log Audit's central collection covers the member. The member's copy of the organisation
    trail is then what a trail is beside another covering feed: `skip`, its codes as advisories."""
    audit = coverage.log_audit
    assert audit is not None
    if finding.scope == "trail":
        advisories = [*finding.advisories, *own, *coverage.codes, codes.COVERED_BY_LOG_AUDIT]
        covered = _with(finding, [], advisories, _log_audit_reason(audit))
        return covered.model_copy(update={"status": "skip"})
    advisories = [*finding.advisories, *own, codes.COVERED_BY_LOG_AUDIT]
    return _with(finding, [], advisories, _log_audit_reason(audit))


def _unread_codes(coverage: OrgCoverage) -> list[str]:
    """Why no organisation feed can be said to cover the member (none covers, one is unread)."""
    audit = coverage.log_audit
    found = [codes.ORGANIZATION_UNREAD] if coverage.covers is None else []
    return found + ([codes.LOG_AUDIT_UNREAD] if audit is not None and audit.covers is None else [])


def _organization_codes(coverage: OrgCoverage) -> tuple[list[str], list[str]]:
    """(codes, advisories) of the organisation side when nothing of it covers the member: the
    trail's; Log Audit's instead when there is no organisation trail; both otherwise, judged as
    two sides (an undecided one keeps the member undecided)."""
    audit = coverage.log_audit
    if audit is None or not audit.codes:
        return list(coverage.codes), []
    if coverage.trail is None:
        return list(audit.codes), []
    return _both_sides(list(coverage.codes), list(audit.codes))


def _both_sides(own: list[str], org: list[str]) -> tuple[list[str], list[str]]:
    """(reason codes, advisories) when neither side covers the member: an undecided side keeps it
    undecided, and the other side's failing codes are remarks until it is decided."""
    if not own:
        return org, []
    own_status, org_status = codes.status_for(own), codes.status_for(org)
    if own_status in _UNDECIDED and org_status not in _UNDECIDED:
        return own, org
    if org_status in _UNDECIDED and own_status not in _UNDECIDED:
        return org, own
    return [*own, *org], []


def _with(finding: Finding, found: list[str], advisories: list[str], reason: str) -> Finding:
    reason_codes = codes.ordered(found)
    taken = set(reason_codes)
    return finding.model_copy(
        update={
            "status": codes.status_for(reason_codes),
            "reason_codes": reason_codes,
            "advisories": [a for a in codes.ordered(advisories) if a not in taken],
            "reason": reason,
        }
    )


def _covered_reason(coverage: OrgCoverage) -> str:
    return (
        f"Covered by the {coverage.label}: alert '{coverage.alert}' (log-archive account "
        f"{coverage.log_archive_account}) is effective and its query keeps this member's events."
    )


def _log_audit_reason(audit: LogAuditEvidence) -> str:
    return (
        f"Covered by Log Audit's multi-account collection: alert '{audit.alert}' of its central project "
        f"{audit.project}/{audit.logstore} ({audit.region}, account {audit.central_account}) is effective "
        "and its query keeps this member's events."
    )


def _unread_reason(coverage: OrgCoverage, finding: Finding) -> str:
    audit = coverage.log_audit
    if coverage.covers is None:
        failed = _reads(coverage.failed_reads, coverage.failed_reads_not_shown) or "unknown"
        reason = (
            f"No verdict: the member's own feeds do not cover it ({finding.reason}) and the organisation side "
            f"could not be read ({failed}), so whether the {coverage.label} covers it is unknown."
        )
        if audit is not None and audit.covers is None:
            reason += f" Log Audit's central collection could not be read either ({_reads(audit.failed_reads, audit.failed_reads_not_shown)})."
        return reason
    failed = _reads(audit.failed_reads, audit.failed_reads_not_shown) if audit is not None else "unknown"
    return (
        f"No verdict: neither the member's own feeds ({finding.reason}) nor the {coverage.label} cover it, "
        f"and Log Audit's multi-account collection could not be read ({failed}), so whether it covers "
        "the member is unknown."
    )


def _reads(shown: list[str], not_shown: int) -> str:
    return "; ".join(shown) + (f"; and {not_shown} more" if not_shown else "")


def _not_covered_reason(coverage: OrgCoverage, finding: Finding, own: list[str]) -> str:
    org = f"the {coverage.label} does not cover it: {coverage.detail}"
    if coverage.log_audit is not None:
        org += f"; Log Audit: {coverage.log_audit.detail}"
    if not own:
        return f"Organisation scan: {org}; the member has no complete feed of its own that does."
    return f"Organisation scan: {org}; its own feeds: {finding.reason}"


def failure_finding(member: str, code: str, cause: str, profile: str = "strict") -> Finding:
    """The `error` finding of a member that could not be scanned at all, naming why."""
    what = {
        codes.MEMBER_ROLE_NOT_ASSUMABLE: ("AssumeRole", "the member's role could not be assumed"),
        codes.MEMBER_LEFT_ORGANIZATION: ("AssumeRole", "the member left the resource directory"),
        codes.MEMBER_NOT_DISPATCHED: ("InvokeFunction", "the member's scan could not be queued"),
    }.get(code, ("Scan", "the member's scan failed"))
    api, sentence = what
    return Finding(
        resource=f"acs:actiontrail::{member}:*",
        status="error",
        reason=f"Organisation scan: no verdict for member {member}: {sentence} ({cause}).",
        account_id=member,
        region=None,
        profile=profile,
        scope="account",
        reason_codes=[code],
        evidence=ScanErrorEvidence(api=api, code=code, message=cause, project=None, logstore=None),
    )
