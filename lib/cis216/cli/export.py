"""`cis216 export`: findings for a SIEM (OCSF) or a spreadsheet (CSV), from three sources.

- FINDINGS (a file, '-': stdin) as JSON Lines, as `cis216 evaluate|invoke --format jsonl` print
  them. A line may carry `scan_id`, `evaluated_at` and `finding_id` (as the findings logstore holds
  them); `--scan-id` and `--time` give them to lines that do not. A malformed line is exit 2,
  naming the line and the field.
- FINDINGS an inventory snapshot (recognised: one JSON object with `version` or `regions` and no
  `status`; or said: `--snapshot`): evaluated here as `cis216 evaluate` does (`--profile`,
  default strict; `--settings`; `--mutelist`, expiry judged on the snapshot's date), the findings
  timed at the snapshot's `collected_at` (or `--time`). A bad snapshot is exit 2, naming the JSON path.
- `--from-sls`: the findings logs of the findings logstore (cli/sls_source.py, shared with
  `cis216 report`), each with its scan id (OCSF metadata.correlation_uid), finding id and
  evaluated_at (OCSF `time`). A failed read is exit 3; no finding in the range exit 2.

Output: OCSF 1.8.0 Compliance Findings (class 2003) as JSON Lines, or CSV with the columns of
`--format csv`; same input, same bytes (with `--time`, or times on the lines).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from typing import Any, TextIO

from ..adapters.calls import CallError
from ..adapters.credentials import CredentialsError
from ..core import DEFAULT_PROFILE, PROFILES
from ..core import evaluate as evaluate_inventory
from ..export import ExportedFinding, read_findings, write_csv, write_ocsf
from ..export.logs import findings_of_logs, latest_scans
from ..export.ocsf import ocsf_finding
from ..inventory import MAX_INPUT_BYTES, decode_json, parse_inventory, read_file, require_scanned
from ..mute import apply_mutelist
from .evaluate import SETTINGS_PROFILE, load_mutelist, load_settings, read_stdin
from .output import EXIT_OK, EXIT_RUN_FAILED, CliError, check_writable, output_to, silence_stdout
from .sls_source import add_sls_options, read_logs, refuse_sls_options, sls_source

EXPORT_FORMATS = ("ocsf", "csv")
_MIB = MAX_INPUT_BYTES // (1024 * 1024)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "export",
        help="turn findings (JSON Lines, a snapshot, or read back from SLS) into OCSF or CSV",
        description="Export findings as OCSF 1.8.0 Compliance Findings (class 2003, JSON Lines) or CSV: "
        "findings as `cis216 evaluate|invoke --format jsonl` print them, an inventory snapshot "
        "(evaluated here), or the findings logs read back from SLS (--from-sls).",
        epilog="Exit codes: 0 exported; 2 bad input or usage (a malformed line is named with its field, "
        "a bad snapshot with its JSON path); 3 reading SLS failed. Examples: cis216 export findings.jsonl "
        "-o findings.ocsf.jsonl; cis216 export snapshot.json --format csv; cis216 export --from-sls "
        "--project P --logstore L --region R --since 1d -o findings.ocsf.jsonl",
    )
    parser.add_argument(
        "findings",
        nargs="?",
        metavar="FINDINGS",
        help=f"JSON Lines of findings (or a JSON array of them), or an inventory snapshot ('-' for "
        f"stdin), at most {_MIB} MiB",
    )
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="ocsf", help="ocsf (default) or csv")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (UTF-8) instead of stdout")
    parser.add_argument(
        "--scan-id",
        metavar="ID",
        help="the scan id of findings without one (OCSF metadata.correlation_uid); with --from-sls, "
        "only the findings of that scan",
    )
    parser.add_argument(
        "--time",
        type=_iso_time,
        metavar="ISO8601",
        help="the evaluation time of findings without one (default: a snapshot's collected_at, else now)",
    )
    snapshot = parser.add_argument_group("evaluating a snapshot")
    snapshot.add_argument(
        "--snapshot",
        action="store_true",
        help="FINDINGS is an inventory snapshot (recognised without it when it is one JSON object "
        "with `version` or `regions`)",
    )
    snapshot.add_argument(
        "--profile",
        choices=PROFILES,
        help=f"the profile a snapshot is evaluated with (default: {DEFAULT_PROFILE})",
    )
    snapshot.add_argument("--settings", metavar="FILE", help="JSON file of strict-profile settings (README)")
    snapshot.add_argument(
        "--mutelist", metavar="FILE", help="JSON accepted-risk list applied to the snapshot's findings"
    )
    add_sls_options(parser, "the findings logs of the last --since")
    parser.add_argument(
        "--latest",
        action="store_true",
        help="with --from-sls: only each account's latest scan (what is true now); "
        "--scan-id ID: only that scan",
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
    try:
        findings = _from_sls(args) if args.from_sls else _from_input(args)
    except (CallError, CredentialsError) as error:
        print(f"cis216: reading findings failed: {error}", file=sys.stderr)
        return EXIT_RUN_FAILED
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


def _from_input(args: argparse.Namespace) -> list[ExportedFinding]:
    if not args.findings:
        raise CliError("give a findings file or snapshot (FINDINGS, '-' for stdin), or --from-sls")
    _refuse_sls_options(args)
    source = "stdin" if args.findings == "-" else args.findings
    text = read_stdin() if args.findings == "-" else read_file(args.findings)
    document = decode_json(text, source) if args.snapshot else snapshot_document(text)
    if document is not None:
        return _evaluated(document, source, args)
    _refuse_snapshot_options(args, "a findings file")
    return read_findings(text, source)


def snapshot_document(text: str) -> Any:
    """`text` as a snapshot's JSON when it looks like one (one JSON object naming `version` or
    `regions`, and no `status`, which every finding has), else None: JSON Lines of findings."""
    if not text.lstrip("\ufeff \t\r\n").startswith("{"):
        return None
    try:
        document = json.loads(text.removeprefix("\ufeff"))
    except (ValueError, RecursionError):
        return None  # several lines of JSON, or broken JSON: the JSON Lines reader names the line
    looks = isinstance(document, dict) and "status" not in document
    return document if looks and ("version" in document or "regions" in document) else None


def _evaluated(document: Any, source: str, args: argparse.Namespace) -> list[ExportedFinding]:
    """The snapshot's findings, as `cis216 evaluate` gives them, timed at its collection."""
    profile = args.profile or DEFAULT_PROFILE
    if args.settings and profile != SETTINGS_PROFILE:
        raise CliError(f"--settings applies to the {SETTINGS_PROFILE} profile only")
    settings = load_settings(args.settings)
    mutelist = load_mutelist(args.mutelist)
    inventory = require_scanned(parse_inventory(document, source=source), source)
    findings = evaluate_inventory(inventory, profile, settings)
    if mutelist is not None:  # expiry judged on the snapshot's date, as `cis216 evaluate` judges it
        findings = apply_mutelist(findings, mutelist, inventory.collected_at.astimezone(timezone.utc).date())
    moment = args.time or inventory.collected_at
    return [ExportedFinding(finding, None, moment) for finding in findings]


def _from_sls(args: argparse.Namespace) -> list[ExportedFinding]:
    if args.findings:
        raise CliError("give either a findings file or --from-sls, not both")
    _refuse_snapshot_options(args, "findings read from SLS")
    if args.time:
        raise CliError("--time does not apply to --from-sls: every log names its evaluation time")
    if args.latest and args.scan_id:
        raise CliError("give either --latest or --scan-id, not both")
    source = sls_source(args)
    logs = read_logs(source, "cis216-export")
    findings = findings_of_logs(((log.time, log.contents) for log in logs), f"SLS {source}")
    if not findings:
        raise CliError(f"{source} holds no findings in the last {source.age}")
    if args.scan_id:
        findings = [e for e in findings if e.scan_id == args.scan_id]
        if not findings:
            raise CliError(f"{source} holds no findings of scan {args.scan_id!r} in the last {source.age}")
    return latest_scans(findings) if args.latest else findings


def _refuse_sls_options(args: argparse.Namespace) -> None:
    """What only reading from SLS means, given without --from-sls: said, not silently ignored."""
    if args.latest:
        raise CliError("--latest applies to --from-sls")
    refuse_sls_options(args)


def _refuse_snapshot_options(args: argparse.Namespace, what: str) -> None:
    """A snapshot's options given for findings already evaluated: said, not silently ignored."""
    given = [
        option
        for option, value in (
            ("--snapshot", args.snapshot),
            ("--profile", args.profile),
            ("--settings", args.settings),
            ("--mutelist", args.mutelist),
        )
        if value
    ]
    if given:
        raise CliError(
            f"{', '.join(given)} appl{'ies' if len(given) == 1 else 'y'} to a snapshot, not to {what} "
            "(already evaluated, muted as they were written)"
        )


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
