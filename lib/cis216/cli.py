"""Command line: `cis216 evaluate SNAPSHOT` (offline) and `cis216 invoke EVENT` (the FC handler, locally).

Exit codes scripts can rely on:
  0  the command ran (and no finding matched --fail-on)
  1  a finding matched --fail-on
  2  bad input or usage (the error is on stderr)
  3  the scan or write failed (invoke only)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from .core import DEFAULT_PROFILE, PROFILES
from .findings import STATUS_ORDER, Finding

EXIT_OK, EXIT_FAIL_ON, EXIT_BAD_INPUT, EXIT_RUN_FAILED = 0, 1, 2, 3
FORMATS = ("table", "json", "jsonl")


class CliError(Exception):
    """A user-facing error: printed on stderr, exit code 2."""


def _statuses(text: str) -> list[str]:
    statuses = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [s for s in statuses if s not in STATUS_ORDER]
    if unknown or not statuses:
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated list of {', '.join(STATUS_ORDER)}; got {text!r}"
        )
    return statuses


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cis216",
        description="CIS Alibaba Cloud Foundations Benchmark v2.0.0, control 2.16: are unauthorized API "
        "calls monitored and alerted on?",
        epilog="Exit codes: 0 ran, 1 a finding matched --fail-on, 2 bad input or usage, "
        "3 scan or write failed.",
    )
    parser.add_argument("--version", action="version", version=f"cis216 {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    evaluate = commands.add_parser(
        "evaluate",
        help="evaluate a recorded inventory snapshot offline",
        description="Evaluate control 2.16 over an inventory snapshot (see README, 'Inventory snapshot').",
        epilog="Exit codes: 0 ran and no finding matched --fail-on, 1 a finding matched --fail-on, "
        "2 bad input or usage (the error is on stderr).",
    )
    evaluate.add_argument("snapshot", metavar="SNAPSHOT", help="path of a snapshot JSON file ('-' for stdin)")
    _add_output_options(evaluate)

    invoke = commands.add_parser(
        "invoke",
        help="run the FC handler locally on an event file",
        description="Run handler.index.handler on EVENT_FILE with a context like FC's. By default "
        "against the built-in emulated cloud seeded with the bundled sample account: no credentials needed.",
    )
    invoke.add_argument("event", metavar="EVENT_FILE", help="an FC event, e.g. events/timer.json")
    invoke.add_argument(
        "--cloud",
        choices=("emulated", "real"),
        default="emulated",
        help="emulated (default): in-process emulator; real: your Alibaba Cloud credentials",
    )
    invoke.add_argument(
        "--seed",
        metavar="SNAPSHOT",
        help="snapshot the emulated cloud is seeded with (default: the bundled sample account)",
    )
    invoke.add_argument("--save-snapshot", metavar="PATH", help="also write the collected inventory to PATH")
    _add_output_options(invoke, with_profile=False)
    return parser


def _add_output_options(parser: argparse.ArgumentParser, with_profile: bool = True) -> None:
    if with_profile:
        parser.add_argument(
            "--profile",
            choices=PROFILES,
            default=DEFAULT_PROFILE,
            help=f"strict: the control's real question; powerpipe: the reference "
            f"query row for row (default: {DEFAULT_PROFILE})",
        )
        parser.add_argument(
            "--settings", metavar="FILE", help="JSON file of strict-profile settings (README)"
        )
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument(
        "--fail-on",
        type=_statuses,
        metavar="STATUSES",
        default=[],
        help="exit 1 when any finding has one of these statuses, e.g. 'alarm' or 'alarm,error'",
    )


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


def fail_on_exit(findings: Iterable[Finding], fail_on: Sequence[str]) -> int:
    return EXIT_FAIL_ON if any(f.status in fail_on for f in findings) else EXIT_OK


def _load_settings(path: str | None):
    from pydantic import ValidationError

    from .inventory import decode_json
    from .settings import Settings
    from .validation import describe

    if not path:
        return Settings()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CliError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 text") from None
    try:
        return Settings.model_validate(decode_json(text, path))
    except ValidationError as error:
        unknown = "unknown setting (see README, Settings)"
        raise CliError(describe(error, path, unknown_field=unknown)) from None


def _read_stdin() -> str:
    """Standard input as UTF-8 whatever the locale says (a snapshot is UTF-8 JSON)."""
    buffer = getattr(sys.stdin, "buffer", None)
    try:
        if buffer is not None:
            return buffer.read().decode("utf-8")
        return sys.stdin.read()
    except UnicodeDecodeError:
        raise CliError("stdin: not UTF-8 text") from None


def _silence_stdout() -> None:
    """After a closed pipe (`cis216 evaluate ... | head`): point stdout at /dev/null so that the
    interpreter's final flush does not fail again and print a traceback (Python's documented recipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (tests): nothing will flush it at exit


def _evaluate(args: argparse.Namespace, out: TextIO) -> int:
    from .core import evaluate
    from .inventory import decode_json, load_inventory, parse_inventory

    settings = _load_settings(args.settings)
    if args.snapshot == "-":
        inventory = parse_inventory(decode_json(_read_stdin(), "stdin"), source="stdin")
    else:
        inventory = load_inventory(args.snapshot)
    findings = evaluate(inventory, args.profile, settings)
    try:
        render(findings, args.format, out)
    except BrokenPipeError:
        _silence_stdout()  # the reader went away: not an error; the verdict still decides the exit code
    return fail_on_exit(findings, args.fail_on)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    from .inventory import InventoryError

    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        if args.command == "evaluate":
            return _evaluate(args, out)
        from .shell.local import invoke

        return invoke(args, out)
    except (CliError, InventoryError) as error:
        print(f"cis216: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        _silence_stdout()  # `cis216 invoke ... | head`: the run is done, its reader went away
        return EXIT_OK
