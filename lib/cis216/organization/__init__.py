"""Whole-organisation scans (issue 13): the organisation snapshot form and the organisation's coverage."""
