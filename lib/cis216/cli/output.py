"""What the CLI prints, where, and the exit codes scripts can rely on:

0  the command ran, and the verdict did not fail it (see below)
1  the verdict failed it (--fail-on)
2  bad input or usage (the error is on stderr)
3  the scan or write failed (invoke only)

--fail-on: by default `evaluate` and `invoke` exit 1 when the control's verdict is alarm or error:
the account finding's status (the strict profile's answer to the control), or, without one (the
powerpipe profile), the worst status of the findings. A scan error that does not change the
account's verdict (a region it did not need) does not fail the run. `--fail-on STATUSES` exits 1
when any finding has one of them; `--fail-on none` never. Muted findings (accepted risk) never
fail a run: a muted account finding leaves no verdict to fail on.

Formats: table (default; the fix of each finding under it, muted findings apart), json (one
array), jsonl (one finding per line; json and jsonl add the envelope keys known: `evaluated_at`,
and for a scan `scan_id` and `finding_id`, the ids its logs carry), csv (the flat fields,
export/flat.py's columns), md (a Markdown table, then each finding's fix). `-o FILE` writes the
output to FILE instead of stdout.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pydantic_core import PydanticSerializationError, to_json

from ..export.flat import write_csv
from ..findings import STATUS_ORDER, Finding, Status
from ..mute import unmuted

if TYPE_CHECKING:  # `cis216 evaluate` never loads the scan's shell (issue 15: 0.2 s on the sample)
    from ..shell.report import ScanSummary

EXIT_OK, EXIT_FAIL_ON, EXIT_BAD_INPUT, EXIT_RUN_FAILED = 0, 1, 2, 3
FORMATS = ("table", "json", "jsonl", "csv", "md")
DEFAULT_FAIL_ON: tuple[Status, ...] = ("alarm", "error")
NO_FAIL_ON = "none"


class CliError(Exception):
    """A user-facing error: printed on stderr, exit code 2."""


def render(
    findings: Sequence[Finding],
    fmt: str,
    out: TextIO,
    scan_id: str | None = None,
    evaluated_at: str | None = None,
    finding_ids: Sequence[str] | None = None,
) -> None:
    """json, jsonl and csv rows carry the envelope keys known (`scan_id`, `evaluated_at`,
    `finding_id`, as the findings logstore holds them), so that `export` times and correlates them."""
    rows = _rows(findings, scan_id, evaluated_at, finding_ids)
    if fmt == "json":
        out.write(json_text(rows) + "\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        write_csv(((f, scan_id, evaluated_at) for f in findings), out)
    elif fmt == "md":
        _render_markdown(findings, out)
    else:
        _render_table(findings, out)


def _rows(
    findings: Sequence[Finding],
    scan_id: str | None,
    evaluated_at: str | None,
    finding_ids: Sequence[str] | None,
) -> list[dict[str, Any]]:
    ids: Sequence[str | None] = finding_ids if finding_ids is not None else [None] * len(findings)
    rows = []
    for finding, finding_id in zip(findings, ids, strict=True):
        envelope = {"scan_id": scan_id, "evaluated_at": evaluated_at, "finding_id": finding_id}
        known = {key: value for key, value in envelope.items() if value}
        rows.append({**finding.model_dump(mode="json"), **known})
    return rows


def json_text(rows: list[dict[str, Any]]) -> str:
    """`json.dumps(rows, indent=2, ensure_ascii=False)`, written by pydantic-core (Rust): the same
    text (findings hold strings, integers, booleans and null only) in a quarter of the time. What it
    refuses (a lone surrogate read from a snapshot) is left to json.dumps, to behave as it did."""
    try:
        return to_json(rows, indent=2).decode("utf-8")
    except (PydanticSerializationError, UnicodeDecodeError):
        return json.dumps(rows, indent=2, ensure_ascii=False)


def _region(finding: Finding) -> str:
    # The account finding has no region: its verdict is about every region at once.
    if finding.region:
        return finding.region
    return "(all)" if finding.scope == "account" else "-"


def _render_table(findings: Sequence[Finding], out: TextIO) -> None:
    if not findings:
        out.write("no findings\n")
        return
    live = unmuted(findings)
    muted = [f for f in findings if f.muted]
    header = ("STATUS", "REGION", "RESOURCE")
    table = [(f.status.upper(), _region(f), f.resource or "(null)") for f in findings]
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(2)]
    out.write(f"{header[0]:<{widths[0]}}  {header[1]:<{widths[1]}}  {header[2]}\n")
    _table_rows(live, widths, out)
    if muted:
        out.write(f"\nMuted (accepted risk; status unchanged): {len(muted)}\n")
        _table_rows(muted, widths, out)
    out.write("\n" + _counts(findings) + "\n")


def _table_rows(findings: Sequence[Finding], widths: list[int], out: TextIO) -> None:
    pad = f"{'':<{widths[0]}}  "
    for finding in findings:
        row = (finding.status.upper(), _region(finding), finding.resource or "(null)")
        out.write(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}\n")
        out.write(f"{pad}{finding.reason or '(null)'}\n")
        if finding.reason_codes:
            out.write(f"{pad}codes: {', '.join(finding.reason_codes)}\n")
        for advisory in finding.advisories:
            out.write(f"{pad}advisory: {advisory}\n")
        if finding.remediation:
            out.write(f"{pad}fix: {finding.remediation}\n")
        if finding.mute is not None:
            mute = finding.mute
            out.write(f"{pad}muted by {mute.entry} until {mute.expires}: {mute.justification}\n")


def _counts(findings: Sequence[Finding]) -> str:
    counts = {s: sum(1 for f in findings if f.status == s) for s in STATUS_ORDER}
    text = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    muted = sum(1 for f in findings if f.muted)
    return f"{text}; {muted} muted" if muted else text


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def _md(text: str | None) -> str:
    """Text as Markdown shows it literally, on one line (queries hold `*`, `|` and quotes)."""
    return " ".join((text or "(null)").split()).translate(_MD_SPECIAL)


def _render_markdown(findings: Sequence[Finding], out: TextIO) -> None:
    title = findings[0].title if findings else "CIS 2.16"
    out.write(f"# {_md(title)}\n\n")
    if not findings:
        out.write("No findings.\n")
        return
    for heading, group in (
        ("Findings", unmuted(findings)),
        ("Muted (accepted risk)", [f for f in findings if f.muted]),
    ):
        if group:
            _markdown_group(heading, group, out)
    out.write(f"{_counts(findings)}\n")


def _markdown_group(heading: str, findings: Sequence[Finding], out: TextIO) -> None:
    out.write(
        f"## {heading}\n\n| status | region | resource | reason codes | reason |\n|---|---|---|---|---|\n"
    )
    for f in findings:
        codes = ", ".join(f.reason_codes) or "-"
        cells = (f.status.upper(), _region(f), f.resource, codes, f.reason)
        out.write("| " + " | ".join(_md(cell) for cell in cells) + " |\n")
    out.write("\n")
    for f in findings:
        if f.remediation or f.mute is not None:
            out.write(f"### {_md(f.status.upper())} {_md(f.resource)}\n\n")
        if f.remediation:
            out.write(f"Fix: {_md(f.remediation)}\n\n")
        if f.mute is not None:
            out.write(f"Muted by {_md(f.mute.entry)} until {f.mute.expires}: {_md(f.mute.justification)}\n\n")


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


def control_verdict(findings: Sequence[Finding]) -> Status | None:
    """The verdict --fail-on judges by default: the account finding's status (None when it is
    muted), else the worst status of the unmuted findings (None when there is none)."""
    for finding in findings:
        if finding.scope == "account":
            return None if finding.muted else finding.status
    live = unmuted(findings)
    return min((f.status for f in live), key=STATUS_ORDER.index, default=None)


def fail_on_exit(findings: Sequence[Finding], fail_on: Sequence[str] | None) -> int:
    """`fail_on` None: the default (the control's verdict is alarm or error); a list: any unmuted
    finding with one of these statuses (empty: `--fail-on none`, never)."""
    if fail_on is None:
        failed = control_verdict(findings) in DEFAULT_FAIL_ON
    else:
        failed = any(f.status in fail_on for f in unmuted(findings))
    return EXIT_FAIL_ON if failed else EXIT_OK


def fail_on_statuses(text: str) -> list[str]:
    """--fail-on's value: 'none', or a comma-separated list of statuses."""
    if text.strip().lower() == NO_FAIL_ON:
        return []
    statuses = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [s for s in statuses if s not in STATUS_ORDER]
    if unknown or not statuses:
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated list of {', '.join(STATUS_ORDER)}; got {text!r} "
            f"(or '{NO_FAIL_ON}': never exit 1)"
        )
    return statuses


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """--format, -o, --fail-on and --mutelist: what `evaluate` and `invoke` share."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (default; each finding's fix under it), json, jsonl (one finding per line, "
        "what `cis216 export` reads), csv (flat fields) or md (Markdown)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the output to FILE (UTF-8) instead of stdout"
    )
    parser.add_argument(
        "--fail-on",
        type=fail_on_statuses,
        metavar="STATUSES",
        default=None,
        help="exit 1 when any unmuted finding has one of these statuses, e.g. 'alarm' or "
        "'alarm,error'; 'none': never. Default: exit 1 when the control's verdict (the account "
        "finding's status; without one, the worst finding's) is alarm or error",
    )
    parser.add_argument(
        "--mutelist",
        metavar="FILE",
        help="JSON accepted-risk list (README, 'Accepted risk'): matching findings are marked "
        "muted, keep their status and never fail the run",
    )


def check_writable(path: str, option: str) -> None:
    """Before anything runs: a path that cannot be written is a usage error (exit 2), not a lost scan."""
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise CliError(f"{option} {path}: is a directory")
    if not parent.is_dir():
        raise CliError(f"{option} {path}: no such directory {str(parent)!r}")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise CliError(f"{option} {path}: not writable")


@contextmanager
def output_to(path: str | None, out: TextIO) -> Iterator[TextIO]:
    """`out`, or (with -o PATH) a buffer written to PATH, UTF-8, once everything was rendered."""
    if not path:
        yield out
        return
    buffer = io.StringIO()
    yield buffer
    try:
        with open(path, "w", encoding="utf-8", newline="") as stream:
            stream.write(buffer.getvalue())
    except OSError as error:
        raise CliError(f"-o {path}: cannot write: {error.strerror or error}") from None


def silence_stdout() -> None:
    """After a closed pipe (`cis216 evaluate ... | head`): point stdout at /dev/null so that the
    interpreter's final flush does not fail again and print a traceback (Python's documented recipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (tests): nothing will flush it at exit
