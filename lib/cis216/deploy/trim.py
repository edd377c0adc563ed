"""What the code package leaves out of the installed dependencies, and the check that it may.

Nothing here edits a file of an SDK: whole files are left out, never changed. Three kinds:

* files the runtime never reads: console scripts (`bin/`), bytecode, type stubs (`.pyi`), C and
  Cython sources, test folders inside packages, and the .dist-info bookkeeping pip keeps for
  itself (RECORD, INSTALLER, REQUESTED, direct_url.json); METADATA, WHEEL, entry points and the
  licence files stay, so `importlib.metadata` still answers.
* distributions FC's Python does not need: installed only because pip judged a marker for the
  build machine's interpreter (see wheels.py).
* distributions the SDKs declare but the function never imports: `UNUSED` names each, the feature
  of the SDK that needs it, and the files that import it. The build fails when any other file left
  in the package imports one of them (`stray_imports`), so an SDK update that starts using one is
  caught at build time rather than on FC.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from .wheels import installed

DROP_DIRS = ("__pycache__",)
# Test folders inside a package (websocket/tests, regex/tests, ...); never a top-level module.
DROP_NESTED_DIRS = ("tests", "test")
KEEP_IN_DIST_INFO = ("METADATA", "WHEEL", "top_level.txt", "entry_points.txt")
LICENCE_NAMES = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)


@dataclass(frozen=True)
class Unused:
    """A declared dependency the function never imports."""

    distribution: str
    why: str
    # Files left in the package that may import it (patterns relative to python/): lazy imports
    # on paths the scan never takes. Any other importer fails the build.
    imported_by: tuple[str, ...] = ()


UNUSED = (
    Unused(
        "elasticsearch",
        "aliyun-log-python-sdk: the Elasticsearch-to-SLS migration (LogClient.es_migration)",
        ("aliyun/log/es_migration/*",),
    ),
    Unused("elastic-transport", "elasticsearch's HTTP transport"),
    Unused("anyio", "elasticsearch's async client"),
    Unused("sniffio", "elasticsearch and anyio"),
    Unused("exceptiongroup", "anyio's backport for Python < 3.11"),
    Unused(
        "dateparser",
        "aliyun-log-python-sdk: parse_timestamp's fallback for free-text times (a lazy import whose "
        "ImportError the SDK handles); the scan passes no times",
        ("aliyun/log/util.py",),
    ),
    Unused("regex", "dateparser"),
    Unused("pytz", "dateparser"),
)


def _is_licence(relative: Path) -> bool:
    return relative.parts[0] == "licenses" or LICENCE_NAMES.match(relative.name) is not None


def drop_reason(relative: Path) -> str | None:
    """Why a file (path relative to python/) is one the runtime never reads, or None to keep it."""
    parts = relative.parts
    if parts[0] == "bin":
        return "console scripts"
    if any(part in DROP_DIRS for part in parts[:-1]) or relative.suffix in (".pyc", ".pyo"):
        return "bytecode"
    if any(part in DROP_NESTED_DIRS for part in parts[1:-1]):
        return "tests inside packages"
    if parts[0].endswith(".dist-info") and len(parts) > 1:
        inside = Path(*parts[1:])
        keep = inside.as_posix() in KEEP_IN_DIST_INFO or _is_licence(inside)
        return None if keep else "pip's bookkeeping (RECORD, INSTALLER, ...)"
    if relative.suffix == ".pyi" or relative.name == "py.typed":
        return "type stubs"
    if relative.suffix in (".c", ".h", ".cpp", ".pyx", ".pxd"):
        return "C and Cython sources"
    return None


def drop_files(site: Path) -> dict[str, int]:
    """Delete the files `drop_reason` names; bytes removed per reason."""
    removed: dict[str, int] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        reason = drop_reason(path.relative_to(site))
        if reason is not None:
            removed[reason] = removed.get(reason, 0) + path.stat().st_size
            path.unlink()
    _remove_empty_dirs(site)
    return removed


def distribution_files(site: Path, dist_info: Path) -> list[Path]:
    """The files of one installed distribution, from its RECORD (those inside `site` only)."""
    files = [dist_info / "RECORD"]
    for line in (dist_info / "RECORD").read_text(encoding="utf-8").splitlines():
        path = (site / line.rsplit(",", 2)[0]).resolve()
        if line and path.is_relative_to(site.resolve()):
            files.append(path)
    return files


def top_level_modules(site: Path, files: Iterable[Path]) -> set[str]:
    """The importable top-level names among a distribution's files."""
    names = set()
    for path in files:
        first = path.relative_to(site.resolve()).parts[0]
        if not first.endswith((".dist-info", ".data")) and first not in ("bin", "__pycache__"):
            names.add(first.split(".", 1)[0])
    return names


@dataclass
class Removal:
    """What `remove_distributions` took out: per distribution its files' sizes, and its modules."""

    sizes: dict[str, int]
    modules: set[str]


def remove_distributions(site: Path, names: Iterable[str]) -> Removal:
    dists = installed(site)
    removal = Removal({}, set())
    for name in sorted(canonicalize_name(n) for n in names):
        if name not in dists:
            continue
        files = distribution_files(site, dists[name].dist_info)
        removal.modules |= top_level_modules(site, files)
        removal.sizes[name] = sum(f.stat().st_size for f in files if f.is_file())
        for path in files:
            path.unlink(missing_ok=True)
        shutil.rmtree(dists[name].dist_info, ignore_errors=True)
    _remove_empty_dirs(site)
    return removal


def _remove_empty_dirs(site: Path) -> None:
    for directory in sorted((d for d in site.rglob("*") if d.is_dir()), key=lambda d: -len(d.parts)):
        if not any(directory.iterdir()):
            directory.rmdir()


def _imported(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module.split(".")[0]


def stray_imports(site: Path, removed: set[str], allowed: Iterable[str]) -> list[str]:
    """'file: module' for each kept file importing a removed module outside the allowed patterns."""
    if not removed:
        return []
    # A cheap filter first (any mention of a name); the syntax tree decides.
    mention = re.compile(rf"\b(?:{'|'.join(map(re.escape, sorted(removed)))})\b")
    patterns = tuple(allowed)
    strays = []
    for path in sorted(site.rglob("*.py")):
        relative = path.relative_to(site).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if not mention.search(text) or any(fnmatch.fnmatch(relative, p) for p in patterns):
            continue
        try:
            modules = set(_imported(ast.parse(text)))
        except SyntaxError:  # what the build's Python cannot parse: left to the functional test
            continue
        strays += [f"{relative}: {module}" for module in sorted(modules & removed)]
    return strays


class TrimError(RuntimeError):
    """A file left in the package imports a distribution left out."""


@dataclass(frozen=True)
class Trimmed:
    """Bytes (unzipped) left out: per unused distribution, per distribution FC's Python does not
    need, and per kind of file."""

    unused: dict[str, int]
    not_needed: dict[str, int]
    files: dict[str, int]


def owners(site: Path) -> dict[str, str]:
    """'name version' of the distribution each installed file belongs to, by path relative to `site`."""
    out = {}
    resolved = site.resolve()
    for dist in installed(site).values():
        for path in distribution_files(site, dist.dist_info):
            out[path.relative_to(resolved).as_posix()] = f"{dist.name} {dist.version}"
    return out


def trim(site: Path, needed: set[str]) -> Trimmed:
    """Leave out of `site` what the function never reads; `needed`: what FC's Python needs there."""
    present = set(installed(site))
    unused_names = {canonicalize_name(u.distribution) for u in UNUSED} & present
    unused = remove_distributions(site, unused_names)
    not_needed = remove_distributions(site, present - needed - unused_names)
    files = drop_files(site)
    allowed = [pattern for u in UNUSED for pattern in u.imported_by]
    strays = stray_imports(site, unused.modules, allowed)
    if strays:
        raise TrimError(
            "files left in the package import distributions listed in trim.UNUSED: "
            + "; ".join(strays)
            + " (keep the distribution, or list the importer with the reason it never runs)"
        )
    return Trimmed(unused.sizes, not_needed.sizes, files)
