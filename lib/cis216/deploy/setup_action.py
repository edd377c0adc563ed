"""The s.yaml pre-deploy action that runs `cis216 setup`: it must set up the store the function
writes to (the same project, logstore and region as its FINDINGS_* variables), for real.

The function never creates its findings store (it fails naming `cis216 setup`), so a deploy whose
setup action names another store would deploy a function that fails on its first run.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping

SETUP_WORDS = ("cis216", "setup")


def is_setup_command(run: str) -> bool:
    """Whether a pre-deploy `run` is `cis216 setup` (as `cis216 setup` or `python -m cis216 setup`)."""
    words = _words(run)
    return any(words[i : i + 2] == list(SETUP_WORDS) for i in range(len(words) - 1))


def setup_problem(run: str, environment: Mapping[str, str]) -> str | None:
    """Why the setup command does not set up the function's store, or None."""
    words = _words(run)
    wanted = {
        "--project": environment.get("FINDINGS_PROJECT"),
        "--logstore": environment.get("FINDINGS_LOGSTORE"),
        "--region": environment.get("FINDINGS_REGION"),
        "--cloud": "real",
    }
    problems = []
    for option, value in wanted.items():
        given = _option(words, option)
        if value is not None and given != value:
            problems.append(f"{option} {given or '(not given)'} instead of {value}")
    if "--apply" not in words:
        problems.append("--apply is missing (without it setup only plans)")
    if not problems:
        return None
    return "the cis216 setup action must set up the function's findings store: " + "; ".join(problems)


def _words(run: str) -> list[str]:
    try:
        return shlex.split(run)
    except ValueError:
        return run.split()


def _option(words: list[str], option: str) -> str | None:
    for position, word in enumerate(words):
        if word == option and position + 1 < len(words):
            return words[position + 1]
        if word.startswith(option + "="):
            return word.split("=", 1)[1]
    return None
