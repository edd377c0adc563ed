"""What the CLI prints, and the exit codes scripts can rely on:

0  the command ran (and no finding matched --fail-on)
1  a finding matched --fail-on
2  bad input or usage (the error is on stderr)
3  the scan or write failed (invoke only)
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TextIO

from ..findings import STATUS_ORDER, Finding

if TYPE_CHECKING:  # `cis216 evaluate` never loads the scan's shell (issue 15: 0.2 s on the sample)
    from ..shell.report import ScanSummary

EXIT_OK, EXIT_FAIL_ON, EXIT_BAD_INPUT, EXIT_RUN_FAILED = 0, 1, 2, 3
FORMATS = ("table", "json", "jsonl")


class CliError(Exception):
    """A user-facing error: printed on stderr, exit code 2."""


def render(findings: Sequence[Finding], fmt: str, out: TextIO) -> None:
    rows = [f.model_dump(mode="json") for f in findings]
    if fmt == "json":
        json.dump(rows, out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        _render_table(findings, out)


def _render_table(findings: Sequence[Finding], out: TextIO) -> None:
    if not findings:
        out.write("no findings\n")
        return
    header = ("STATUS", "REGION", "RESOURCE")
    table = [(f.status.upper(), f.region or "-", f.resource or "(null)") for f in findings]
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(2)]
    out.write(f"{header[0]:<{widths[0]}}  {header[1]:<{widths[1]}}  {header[2]}\n")
    for finding, row in zip(findings, table, strict=True):
        out.write(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}\n")
        out.write(f"{'':<{widths[0]}}  {finding.reason or '(null)'}\n")
        if finding.reason_codes:
            out.write(f"{'':<{widths[0]}}  codes: {', '.join(finding.reason_codes)}\n")
        for advisory in finding.advisories:
            out.write(f"{'':<{widths[0]}}  advisory: {advisory}\n")
    counts = {s: sum(1 for f in findings if f.status == s) for s in STATUS_ORDER}
    out.write("\n" + ", ".join(f"{n} {s}" for s, n in counts.items() if n) + "\n")


def render_summary(summary: ScanSummary, out: TextIO) -> None:
    """The scan summary as the table format opens with it."""
    # In the order of the summary's JSON (sorted keys), as this line always printed them.
    counts = ", ".join(f"{n} {s}" for s, n in sorted(summary.counts.items()) if n) or "none"
    calls = summary.api_calls
    lines = [
        f"scan {summary.scan_id}  account {summary.account_id}  profile {summary.profile}",
        f"verdict: {summary.account_verdict or 'none'} ({summary.verdict_reason})",
        f"findings: {summary.findings} ({counts}); collection errors: {summary.collection_errors}",
        f"regions: {len(summary.regions)}; api calls: {calls.total} (retries {calls.retries}, "
        f"failed {calls.failed}); duration {summary.duration_ms} ms",
    ]
    out.write("\n".join(lines) + "\n\n")


def fail_on_exit(findings: Iterable[Finding], fail_on: Sequence[str]) -> int:
    return EXIT_FAIL_ON if any(f.status in fail_on for f in findings) else EXIT_OK


def silence_stdout() -> None:
    """After a closed pipe (`cis216 evaluate ... | head`): point stdout at /dev/null so that the
    interpreter's final flush does not fail again and print a traceback (Python's documented recipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (tests): nothing will flush it at exit
