"""Command line: `cis216 evaluate SNAPSHOT` (offline), `cis216 invoke EVENT` (the FC scan, locally),
`cis216 setup` (the findings store), `cis216 report` (HTML) and `cis216 export` (OCSF, CSV).

The parser and `main` live here; each command in its module (evaluate.py, invoke.py); what is
printed and the exit codes in output.py (documented there, re-exported here).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TextIO

from .. import __version__
from ..core import DEFAULT_PROFILE, PROFILES
from ..export import FindingsInputError
from ..inventory import MAX_INPUT_BYTES, InventoryError
from ..mute import MutelistError
from .evaluate import evaluate
from .output import (
    EXIT_BAD_INPUT,
    EXIT_FAIL_ON,
    EXIT_OK,
    EXIT_RUN_FAILED,
    CliError,
    add_output_options,
    fail_on_exit,
    render,
    silence_stdout,
)

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAIL_ON",
    "EXIT_OK",
    "EXIT_RUN_FAILED",
    "CliError",
    "build_parser",
    "fail_on_exit",
    "main",
    "render",
]


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(only=_command_named(argv)).parse_args(argv)
    try:
        if args.command == "evaluate":
            return evaluate(args, out)
        if args.command in LAZY_COMMANDS:
            run: Callable[[argparse.Namespace, TextIO], int] = _command_module(args.command).run
            return run(args, out)
        # Imported when run: the scan's shell, adapters and SDKs would add about 50 ms to every
        # `cis216 evaluate` (issue 15: 0.2 s on the sample).
        from .invoke import invoke

        return invoke(args, out)
    except (CliError, InventoryError, MutelistError, FindingsInputError) as error:
        print(f"cis216: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        silence_stdout()  # `cis216 invoke ... | head`: the run is done, its reader went away
        return EXIT_OK
    except ModuleNotFoundError as error:
        if error.name not in LOCAL_EXTRA:
            raise
        print(
            f"cis216: error: the emulated cloud needs {error.name}, which the `local` extra installs: "
            "pip install 'cis216[local]'",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT


# What the emulated cloud needs beyond the runtime requirements (pyproject's `local` extra): a user
# who installed cis216 without it is told so, not shown a traceback.
LOCAL_EXTRA = frozenset({"responses", "duckdb"})


_MIB = MAX_INPUT_BYTES // (1024 * 1024)

# Commands whose modules (`cli/<name>.py`, with `add_parser` and `run`) are imported only when they
# run, or to list them: they load the SDKs, the store, the report, which `cis216 evaluate` never
# uses (issue 15: 0.2 s on the sample; importing them cost about 45 ms).
LAZY_COMMANDS = ("setup", "report", "export")


def _command_module(name: str) -> ModuleType:
    return importlib.import_module(f".{name}", __name__)


def _command_named(argv: Sequence[str]) -> str | None:
    """The command `argv` runs, when its first word names one (else None: options, help, a typo)."""
    return argv[0] if argv and argv[0] in ("evaluate", "invoke", *LAZY_COMMANDS) else None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser; with `only`, the lazy commands other than `only` are left out: that
    parser reads an argument list starting with `only` exactly as the whole one does (a command's
    own options, usage and errors are its subparser's)."""
    parser = argparse.ArgumentParser(
        prog="cis216",
        description="CIS Alibaba Cloud Foundations Benchmark v2.0.0, control 2.16: are unauthorized API "
        "calls monitored and alerted on?",
        epilog="Exit codes: 0 ran, 1 the verdict failed (--fail-on; by default an alarm or error "
        "verdict), 2 bad input or usage, 3 scan or write failed.",
    )
    parser.add_argument("--version", action="version", version=f"cis216 {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    evaluate_command = commands.add_parser(
        "evaluate",
        help="evaluate a recorded inventory snapshot offline",
        description="Evaluate control 2.16 over an inventory snapshot (see README, 'Inventory snapshot').",
        epilog="Exit codes: 0 ran and the verdict did not fail it, 1 it did (--fail-on: by default "
        "the control's verdict is alarm or error), 2 bad input or usage (the error is on stderr).",
    )
    evaluate_command.add_argument(
        "snapshot",
        metavar="SNAPSHOT",
        help=f"path of a snapshot JSON file ('-' for stdin), at most {_MIB} MiB, naming at least one region",
    )
    evaluate_command.add_argument(
        "--report", metavar="PATH", help="also write the HTML report of the findings to PATH (cis216 report)"
    )
    _add_output_options(evaluate_command)
    _add_invoke_parser(commands)
    for name in LAZY_COMMANDS:
        if only is None or only == name:
            _command_module(name).add_parser(commands)
    return parser


def _add_invoke_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    invoke_command = commands.add_parser(
        "invoke",
        help="run the FC handler locally on an event file",
        description="Run the FC function's scan on EVENT_FILE with a context like FC's. By default "
        "against the built-in emulated cloud seeded with the bundled sample account: no credentials needed.",
        epilog="Exit codes: 0 ran and the verdict did not fail it, 1 it did (--fail-on: by default the "
        "control's verdict is alarm or error), 2 bad input or usage, 3 the scan or the write of findings "
        "failed. Dry run (collect and evaluate, write nothing): --dry-run, DRY_RUN=true, or "
        '"dry_run": true in the event.',
    )
    invoke_command.add_argument(
        "event", metavar="EVENT_FILE", help=f"an FC event, e.g. events/timer.json, at most {_MIB} MiB"
    )
    invoke_command.add_argument(
        "--cloud",
        choices=("emulated", "real"),
        default="emulated",
        help="emulated (default): in-process emulator; real: your Alibaba Cloud credentials",
    )
    invoke_command.add_argument(
        "--seed",
        metavar="SNAPSHOT",
        help=f"snapshot the emulated cloud is seeded with, at most {_MIB} MiB (default: the bundled "
        "sample account)",
    )
    invoke_command.add_argument(
        "--save-snapshot", metavar="PATH", help="also write the collected inventory to PATH"
    )
    invoke_command.add_argument(
        "--report", metavar="PATH", help="also write the HTML report of the findings to PATH (cis216 report)"
    )
    invoke_command.add_argument(
        "--dry-run",
        action="store_true",
        help="collect and evaluate, write no finding to SLS (as DRY_RUN=true); says what it would write",
    )
    _add_output_options(invoke_command, with_profile=False)


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
            "--settings",
            metavar="FILE",
            help=f"JSON file of strict-profile settings (README), at most {_MIB} MiB; "
            "an error with any other profile",
        )
    add_output_options(parser)
