"""`cis216 report`: findings as one self-contained HTML page.

`cis216 report FINDINGS.jsonl -o report.html` reads findings as `cis216 evaluate|invoke --format
jsonl` print them ('-': stdin). `cis216 report --from-sls --project P --logstore L --region R
[--since 30d]` reads the findings logs back from SLS (GetLogs; credentials as `cis216 invoke
--cloud real` finds them) and adds the history: what fails since when, what is new or resolved
since the previous scan. `--dry-run` reads and says what it would write, and writes nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from ..adapters.calls import Caller, CallError, RetryPolicy
from ..adapters.credentials import CredentialsError, resolve
from ..adapters.findings_reader import FindingsReader
from ..aliyun import is_logstore_name, is_project_name, is_region_id
from ..inventory import MAX_INPUT_BYTES, InventoryError, read_file
from ..report import (
    Report,
    ReportInputError,
    finding_from_log,
    read_jsonl,
    render_report,
    report_of,
    scans_of,
)
from ..report.model import normalized
from .evaluate import read_stdin
from .output import EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, CliError

READ_BUDGET_SECONDS = 300.0


def retry_policy() -> RetryPolicy:
    """How GetLogs pages are retried (tests replace it with one that does not sleep)."""
    return RetryPolicy()


_SINCE = re.compile(r"^(?P<n>[1-9][0-9]{0,4})(?P<unit>[dhm])$")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60}


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "report",
        help="write findings as a self-contained HTML report",
        description="Write findings as one self-contained HTML page (no script, nothing loaded from the "
        "network; prints well). From a JSON Lines file, or read back from the findings logstore in SLS "
        "with the history of the last scans.",
        epilog="Exit codes: 0 written, 2 bad input or usage, 3 reading SLS failed.",
    )
    parser.add_argument(
        "findings",
        nargs="?",
        metavar="FINDINGS.jsonl",
        help="findings as `cis216 evaluate|invoke --format jsonl` print them ('-' for stdin)",
    )
    parser.add_argument("-o", "--output", metavar="PATH", default="-", help="the HTML file (default: stdout)")
    parser.add_argument(
        "--dry-run", action="store_true", help="read, say what would be written, write nothing"
    )
    sls = parser.add_argument_group("reading from SLS")
    sls.add_argument("--from-sls", action="store_true", help="read the findings logs from SLS (GetLogs)")
    sls.add_argument("--project", help="findings project (default: $FINDINGS_PROJECT)")
    sls.add_argument("--logstore", help="findings logstore (default: $FINDINGS_LOGSTORE)")
    sls.add_argument("--region", help="region of the project (default: $FINDINGS_REGION)")
    sls.add_argument(
        "--since",
        default="30d",
        type=_since,
        metavar="AGE",
        help="how far back: 30d, 12h, 90m (default: 30d)",
    )
    sls.add_argument(
        "--until",
        type=_moment,
        metavar="TIME",
        help="end of the range, ISO 8601 (e.g. 2026-12-01T00:00:00Z) or Unix seconds (default: now)",
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    try:
        target = _checked_output(args.output)
        report = _from_sls(args) if args.from_sls else _from_file(args)
    except (CliError, ReportInputError, InventoryError) as error:
        print(f"cis216: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (CallError, CredentialsError) as error:
        print(f"cis216: reading findings failed: {error}", file=sys.stderr)
        return EXIT_RUN_FAILED
    page = render_report(report)
    where = "standard output" if target is None else str(target)
    if args.dry_run:
        print(
            f"dry run: would write {len(page.encode('utf-8'))} bytes to {where} "
            f"({len(report.scan.findings)} findings of scan {report.scan.scan_id or '(unnamed)'})",
            file=out,
        )
        return EXIT_OK
    if target is None:
        out.write(page)
        return EXIT_OK
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as error:
        print(f"cis216: cannot write {target}: {error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"report: {target}", file=sys.stderr)
    return EXIT_OK


def write_scan_report(
    findings: list[dict[str, Any]], summary: dict[str, Any], source: str, path: str
) -> None:
    """The page on one scan's findings (`--format json` dicts) and its summary, written to `path`
    (`cis216 invoke --report`); OSError when it cannot be written."""
    scan_id = str(summary.get("scan_id") or "")
    rows = [normalized({**finding, "scan_id": scan_id}) for finding in findings]
    record = normalized({"scan_id": scan_id, "account_id": summary.get("account_id"), "evidence": summary})
    report = report_of(scans_of(rows, [record]), source, with_history=False)
    Path(path).write_text(render_report(report), encoding="utf-8")


def _checked_output(path: str) -> Path | None:
    if path == "-":
        return None
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise CliError(f"-o {path}: is a directory")
    if not parent.is_dir():
        raise CliError(f"-o {path}: no such directory {str(parent)!r}")
    return target


def _from_file(args: argparse.Namespace) -> Report:
    if not args.findings:
        raise CliError("give a findings file (FINDINGS.jsonl, '-' for stdin) or --from-sls")
    if args.findings == "-":
        text, source = read_stdin(), "stdin"
    else:
        text, source = read_file(args.findings, MAX_INPUT_BYTES), args.findings
    findings = read_jsonl(text, source)
    return report_of(scans_of(findings), f"JSON Lines ({len(findings)} findings)", with_history=False)


def _from_sls(args: argparse.Namespace) -> Report:
    if args.findings:
        raise CliError("give either a findings file or --from-sls, not both")
    project = _setting(args.project, "FINDINGS_PROJECT", "--project", is_project_name)
    logstore = _setting(args.logstore, "FINDINGS_LOGSTORE", "--logstore", is_logstore_name)
    region = _setting(args.region, "FINDINGS_REGION", "--region", is_region_id)
    end = args.until if args.until is not None else int(datetime.now(timezone.utc).timestamp())
    start = end - args.since
    credentials = resolve(None, os.environ)
    caller = Caller(retry_policy(), deadline=time.monotonic() + READ_BUDGET_SECONDS)
    reader = FindingsReader(credentials, caller, region, project, logstore)
    findings: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    for log in reader.read(start, end + 1):
        record, item = finding_from_log(log.contents, log.time)
        (summaries if record == "summary" else findings).append(item)
    source = (
        f"SLS {project}/{logstore} ({region}), {len(findings)} finding logs of the last {_age(args.since)}"
    )
    scans = scans_of(findings, summaries)
    if not scans:
        raise ReportInputError(
            f"{project}/{logstore} ({region}) holds no findings in the last {_age(args.since)}"
        )
    return report_of(scans, source, with_history=True)


def _setting(value: str | None, variable: str, option: str, valid: Any) -> str:
    chosen = value or os.environ.get(variable, "")
    if not chosen:
        raise CliError(f"{option} is required with --from-sls (or set {variable})")
    if not valid(chosen):
        raise CliError(f"{option} {chosen!r} is not a valid name")
    return str(chosen)


def _since(text: str) -> int:
    found = _SINCE.match(text.strip())
    if found is None:
        raise argparse.ArgumentTypeError(f"expected a number and d, h or m (e.g. 30d); got {text!r}")
    return int(found["n"]) * _UNIT_SECONDS[found["unit"]]


def _moment(text: str) -> int:
    if text.strip().isdigit():
        return int(text.strip())
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected ISO 8601 or Unix seconds; got {text!r}") from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp())


def _age(seconds: int) -> str:
    for unit, size in _UNIT_SECONDS.items():
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
