"""What `s deploy` would put in the code package: the files under `code` minus `.fcignore`.

`.fcignore` is gitignore syntax, matched here by the `pathspec` library (git's own rules).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pathspec


def package_files(root: str | Path, fcignore: str | Path | None = None) -> Iterator[str]:
    """Relative '/'-separated paths of the files the package would hold, in a stable order."""
    root = Path(root)
    ignore_file = Path(fcignore) if fcignore else root / ".fcignore"
    lines = ignore_file.read_text(encoding="utf-8").splitlines() if ignore_file.exists() else []
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    for current, dirs, files in os.walk(root):
        relative = Path(current).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        # As in git, an ignored directory hides everything in it: not walked at all.
        dirs[:] = sorted(d for d in dirs if not spec.match_file(f"{prefix}{d}/"))
        yield from (prefix + name for name in sorted(files) if not spec.match_file(prefix + name))
