"""`cis216 evaluate SNAPSHOT`: the pure core over a recorded inventory snapshot, offline."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from pydantic import ValidationError

from ..core import evaluate as evaluate_inventory
from ..gcpause import collection_paused
from ..inventory import Inventory, decode_json, parse_inventory, read_file, read_text, require_scanned
from ..settings import Settings
from ..validation import describe
from .output import CliError, fail_on_exit, render, silence_stdout

# The only profile with settings: another would ignore a settings file without a word.
SETTINGS_PROFILE = "strict"


def evaluate(args: argparse.Namespace, out: TextIO) -> int:
    if args.settings and args.profile != SETTINGS_PROFILE:
        raise CliError(f"--settings applies to the {SETTINGS_PROFILE} profile only")
    settings = load_settings(args.settings)
    # One short run over objects without cycles: the collector would only walk them (gcpause.py).
    with collection_paused():
        findings = evaluate_inventory(read_snapshot(args.snapshot), args.profile, settings)
        try:
            render(findings, args.format, out)
        except BrokenPipeError:
            silence_stdout()  # the reader went away: not an error; the verdict still decides the exit code
    return fail_on_exit(findings, args.fail_on)


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
