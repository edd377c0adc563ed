"""`cis216 evaluate SNAPSHOT`: the pure core over a recorded inventory snapshot, offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from ..core import evaluate as evaluate_inventory
from ..inventory import decode_json, load_inventory, parse_inventory
from ..settings import Settings
from ..validation import describe
from .output import CliError, fail_on_exit, render, silence_stdout


def evaluate(args: argparse.Namespace, out: TextIO) -> int:
    settings = load_settings(args.settings)
    if args.snapshot == "-":
        inventory = parse_inventory(decode_json(read_stdin(), "stdin"), source="stdin")
    else:
        inventory = load_inventory(args.snapshot)
    findings = evaluate_inventory(inventory, args.profile, settings)
    try:
        render(findings, args.format, out)
    except BrokenPipeError:
        silence_stdout()  # the reader went away: not an error; the verdict still decides the exit code
    return fail_on_exit(findings, args.fail_on)


def load_settings(path: str | None) -> Settings:
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


def read_stdin() -> str:
    """Standard input as UTF-8 whatever the locale says (a snapshot is UTF-8 JSON)."""
    buffer = getattr(sys.stdin, "buffer", None)
    try:
        if buffer is not None:
            text: str = buffer.read().decode("utf-8")
            return text
        return sys.stdin.read()
    except UnicodeDecodeError:
        raise CliError("stdin: not UTF-8 text") from None
