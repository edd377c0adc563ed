"""`cis216 report`: findings (a JSON Lines file, or the findings logs read back from SLS) as one
self-contained HTML page.

model.py reads and groups findings (dicts, read with `.get()`: a finding of an older or newer
cis216 may lack a field or carry one more); history.py computes, over several scans, what has been
failing since when; html.py renders the page (escaped, deterministic: same input, same bytes).
"""

from __future__ import annotations

from .history import History, ResourceHistory, history
from .html import render_report
from .model import (
    Report,
    ReportInputError,
    Scan,
    finding_from_log,
    read_jsonl,
    report_of,
    report_of_findings,
    scans_of,
)

__all__ = [
    "History",
    "Report",
    "ReportInputError",
    "ResourceHistory",
    "Scan",
    "finding_from_log",
    "history",
    "read_jsonl",
    "render_report",
    "report_of",
    "report_of_findings",
    "scans_of",
]
