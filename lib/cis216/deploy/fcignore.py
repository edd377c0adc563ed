"""What `s deploy` would put in the code package: the files under `code` minus `.fcignore`.

`.fcignore` uses gitignore syntax. This implements the subset the project's file uses: comments,
blank lines, `!` negation, a leading `/` anchoring at the code root, a trailing `/` for
directories, `*`, `?` and `**`. A pattern without a `/` (other than a trailing one) matches at any
depth, like git.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Rule:
    regex: re.Pattern
    negate: bool
    directory_only: bool
    text: str


def _translate(pattern: str) -> str:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return out


def parse(text: str) -> list[Rule]:
    rules = []
    for line in text.splitlines():
        raw = line.rstrip()
        if not raw or raw.startswith("#"):
            continue
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        directory_only = pattern.endswith("/")
        pattern = pattern.rstrip("/")
        anchored = pattern.startswith("/") or "/" in pattern
        pattern = pattern.lstrip("/")
        body = _translate(pattern)
        regex = re.compile(("^" if anchored else r"^(?:.*/)?") + body + "$")
        rules.append(Rule(regex, negate, directory_only, raw))
    return rules


def ignored(rules: list[Rule], relpath: str, is_dir: bool) -> bool:
    """Whether this path (relative, '/'-separated) is itself matched (last matching rule wins)."""
    result = False
    for rule in rules:
        if rule.directory_only and not is_dir:
            continue
        if rule.regex.match(relpath):
            result = not rule.negate
    return result


def package_files(root: str | Path, fcignore: str | Path | None = None) -> Iterator[str]:
    """Relative paths of the files the package would hold (an ignored directory hides its content)."""
    root = Path(root)
    ignore_file = Path(fcignore) if fcignore else root / ".fcignore"
    rules = parse(ignore_file.read_text(encoding="utf-8")) if ignore_file.exists() else []
    for current, dirs, files in os.walk(root):
        rel_dir = Path(current).relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        dirs[:] = sorted(d for d in dirs if not ignored(rules, prefix + d, True))
        for name in sorted(files):
            if not ignored(rules, prefix + name, False):
                yield prefix + name
