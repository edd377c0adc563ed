"""`cis216 evaluate SNAPSHOT`: the pure core over a recorded inventory snapshot, offline."""

from __future__ import annotations

import argparse
import sys
from datetime import timezone
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from ..core import evaluate as evaluate_inventory
from ..findings import Finding
from ..gcpause import collection_paused
from ..inventory import Inventory, decode_json, parse_inventory, read_file, read_text, require_scanned
from ..mute import Mutelist, apply_mutelist, mutelist_from_text
from ..settings import Settings
from ..validation import describe
from .output import CliError, check_writable, fail_on_exit, output_to, render, silence_stdout

# The only profile with settings: another would ignore a settings file without a word.
SETTINGS_PROFILE = "strict"


def evaluate(args: argparse.Namespace, out: TextIO) -> int:
    if args.settings and args.profile != SETTINGS_PROFILE:
        raise CliError(f"--settings applies to the {SETTINGS_PROFILE} profile only")
    if args.output:
        check_writable(args.output, "-o")
    if args.report:
        check_writable(args.report, "--report")
    settings = load_settings(args.settings)
    mutelist = load_mutelist(args.mutelist)
    # One short run over objects without cycles: the collector would only walk them (gcpause.py).
    with collection_paused():
        inventory = read_snapshot(args.snapshot)
        # The findings' evaluated_at: the moment the snapshot describes, so the same snapshot
        # exports the same bytes (an OCSF `time`), in the writer's format.
        collected_at = inventory.collected_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        findings = evaluated(inventory, args.profile, settings, mutelist)
        del inventory  # freed here, before the collector is back on to walk it
        try:
            with output_to(args.output, out) as target:
                render(findings, args.format, target, evaluated_at=collected_at)
        except BrokenPipeError:
            silence_stdout()  # the reader went away: not an error; the verdict still decides the exit code
        if args.report:
            _write_report(args.report, findings, args.snapshot, collected_at)
    return fail_on_exit(findings, args.fail_on)


def _write_report(path: str, findings: list[Finding], snapshot: str, collected: str) -> None:
    """`--report PATH`: the HTML report of these findings (`cis216 report`), as `invoke --report`."""
    from ..report import render_report, report_of_findings  # only when asked: evaluate starts fast

    rows = [f.model_dump(mode="json") for f in findings]
    source = "snapshot on stdin" if snapshot == "-" else f"snapshot {snapshot}"
    page = render_report(report_of_findings(rows, f"cis216 evaluate ({source})", collected))
    try:
        Path(path).write_text(page, encoding="utf-8")
    except OSError as error:
        raise CliError(f"--report {path}: cannot write: {error.strerror or error}") from None
    print(f"report: {path}", file=sys.stderr)


def evaluated(
    inventory: Inventory, profile: str, settings: Settings, mutelist: Mutelist | None
) -> list[Finding]:
    findings = evaluate_inventory(inventory, profile, settings)
    if mutelist is None:
        return findings
    # Expiry judged on the snapshot's date: the same input, the same output.
    return apply_mutelist(findings, mutelist, inventory.collected_at.astimezone(timezone.utc).date())


def load_mutelist(path: str | None) -> Mutelist | None:
    return mutelist_from_text(read_file(path), path) if path else None


def read_snapshot(path: str) -> Inventory:
    """The snapshot at `path` ('-': stdin), parsed, and with something scanned in it."""
    source = "stdin" if path == "-" else path
    text = read_stdin() if path == "-" else read_file(path)
    return require_scanned(parse_inventory(decode_json(text, source), source=source), source)


def load_settings(path: str | None) -> Settings:
    if not path:
        return Settings()
    try:
        return Settings.model_validate(decode_json(read_file(path), path))
    except ValidationError as error:
        unknown = "unknown setting (see README, Settings)"
        raise CliError(describe(error, path, unknown_field=unknown)) from None


def read_stdin() -> str:
    """Standard input as UTF-8 whatever the locale says (a snapshot is UTF-8 JSON)."""
    return read_text(getattr(sys.stdin, "buffer", None) or sys.stdin, "stdin")
