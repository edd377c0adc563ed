"""`cis216 report`: findings as one self-contained HTML page.

`cis216 report FINDINGS.jsonl -o report.html` reads findings as `cis216 evaluate|invoke --format
jsonl` print them ('-': stdin). `cis216 report --from-sls --project P --logstore L --region R
[--since 30d]` reads the findings logs back from SLS (GetLogs; credentials as `cis216 invoke
--cloud real` finds them) and adds the history: what fails since when, what is new or resolved
since the previous scan. `--dry-run` reads and says what it would write, and writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from ..adapters.calls import CallError
from ..adapters.credentials import CredentialsError
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
from .export import snapshot_document
from .output import EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, CliError, check_writable
from .sls_source import add_sls_options, read_logs, refuse_sls_options, sls_source


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
    add_sls_options(parser, "the findings logs and their history")


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
    findings: list[dict[str, Any]],
    summary: dict[str, Any],
    source: str,
    path: str,
    evaluated_at: str = "",
) -> None:
    """The page on one scan's findings (`--format json` dicts) and its summary, written to `path`
    (`cis216 invoke --report`); OSError when it cannot be written. `evaluated_at`: the time the
    findings judge (the collection's), shown in the header."""
    scan_id = str(summary.get("scan_id") or "")
    rows = [normalized({**finding, "scan_id": scan_id, "evaluated_at": evaluated_at}) for finding in findings]
    record = normalized(
        {
            "scan_id": scan_id,
            "account_id": summary.get("account_id"),
            "evaluated_at": evaluated_at,
            "evidence": summary,
        }
    )
    report = report_of(scans_of(rows, [record]), source, with_history=False)
    Path(path).write_text(render_report(report), encoding="utf-8")


def _checked_output(path: str) -> Path | None:
    """The HTML file ('-': standard output), checked as every command checks -o, before reading."""
    if path == "-":
        return None
    check_writable(path, "-o")
    return Path(path)


def _from_file(args: argparse.Namespace) -> Report:
    if not args.findings:
        raise CliError("give a findings file (FINDINGS.jsonl, '-' for stdin) or --from-sls")
    refuse_sls_options(args)
    if args.findings == "-":
        text, source = read_stdin(), "stdin"
    else:
        text, source = read_file(args.findings, MAX_INPUT_BYTES), args.findings
    if snapshot_document(text) is not None:
        raise CliError(
            f"{source}: this is an inventory snapshot, not findings: run "
            f"`cis216 evaluate {args.findings} --report PATH`"
        )
    findings = read_jsonl(text, source)
    return report_of(scans_of(findings), f"JSON Lines ({len(findings)} findings)", with_history=False)


def _from_sls(args: argparse.Namespace) -> Report:
    if args.findings:
        raise CliError("give either a findings file or --from-sls, not both")
    source = sls_source(args)
    findings: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    for log in read_logs(source, "cis216-report"):
        record, item = finding_from_log(log.contents, log.time)
        (summaries if record == "summary" else findings).append(item)
    scans = scans_of(findings, summaries)
    if not scans:
        raise ReportInputError(f"{source} holds no findings in the last {source.age}")
    described = f"SLS {source.project}/{source.logstore} ({source.region}), {len(findings)} finding logs"
    return report_of(scans, f"{described} of the last {source.age}", with_history=True)
