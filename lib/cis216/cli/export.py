"""`cis216 export FINDINGS.jsonl --format ocsf|csv [-o FILE]`: findings for a SIEM or a spreadsheet.

Input: JSON Lines of findings, as `cis216 evaluate|invoke --format jsonl` print them ('-': stdin),
so a snapshot is exported through a pipe (`cis216 evaluate SNAPSHOT --format jsonl | cis216 export -`).
A line may carry `scan_id`, `evaluated_at` and `finding_id` (as the findings logstore holds them);
`--scan-id` and `--time` give them to lines that do not. A malformed line is exit 2, naming the line
and the field. Output: OCSF 1.8.0 Compliance Findings (class 2003) as JSON Lines, or CSV with the
columns of `--format csv`; same input, same bytes (with `--time`, or times on the lines).
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from typing import TextIO

from ..export import read_findings, write_csv, write_ocsf
from ..export.ocsf import ocsf_finding
from ..inventory import MAX_INPUT_BYTES, read_file
from .evaluate import read_stdin
from .output import EXIT_OK, check_writable, output_to, silence_stdout

EXPORT_FORMATS = ("ocsf", "csv")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "export",
        help="turn findings (JSON Lines) into OCSF or CSV",
        description="Export findings, as `cis216 evaluate|invoke --format jsonl` print them, as OCSF "
        "1.8.0 Compliance Findings (class 2003, JSON Lines) or CSV.",
        epilog="Exit codes: 0 exported, 2 bad input or usage (a malformed line is named with its "
        "field). Example: cis216 evaluate snapshot.json --format jsonl --fail-on none | "
        "cis216 export - --format ocsf -o findings.ocsf.jsonl",
    )
    parser.add_argument(
        "findings",
        metavar="FINDINGS",
        help=f"JSON Lines file of findings ('-' for stdin), at most {MAX_INPUT_BYTES // (1024 * 1024)} MiB",
    )
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="ocsf", help="ocsf (default) or csv")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (UTF-8) instead of stdout")
    parser.add_argument(
        "--scan-id", metavar="ID", help="the scan id of lines without one (OCSF metadata.correlation_uid)"
    )
    parser.add_argument(
        "--time",
        type=_iso_time,
        metavar="ISO8601",
        help="the evaluation time of lines without evaluated_at (default: now)",
    )


def _iso_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time, like 2026-11-29T02:00:00Z"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.output:
        check_writable(args.output, "-o")
    source = "stdin" if args.findings == "-" else args.findings
    text = read_stdin() if args.findings == "-" else read_file(args.findings)
    findings = read_findings(text, source)
    default_time = args.time or datetime.now(timezone.utc)
    try:
        with output_to(args.output, out) as target:
            if args.format == "csv":
                rows = (
                    (e.finding, e.scan_id or args.scan_id, _iso(e.evaluated_at or args.time))
                    for e in findings
                )
                write_csv(rows, target)
            else:
                events = (
                    ocsf_finding(
                        e.finding, e.evaluated_at or default_time, e.scan_id or args.scan_id, e.finding_id
                    )
                    for e in findings
                )
                write_ocsf(events, target)
    except BrokenPipeError:
        silence_stdout()
    return EXIT_OK


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
