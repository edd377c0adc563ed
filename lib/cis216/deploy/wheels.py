"""The runtime requirements, installed with pip for FC's Python (3.10, x86_64 Linux) on any build machine.

Three things pip does not do by itself when installing for another platform:

* `--platform` takes the exact tags a wheel may carry; pip widens `manylinux2014` to the older
  manylinux1/2010 but does not widen `manylinux_2_28`. FC's python3.10 runs on Debian 10 (glibc
  2.28), so every tag from manylinux_2_28 down to manylinux_2_17 (= manylinux2014) is listed.
  Left to the build machine's own tags, pip picks wheels such as cryptography's manylinux_2_34 that
  do not load on glibc 2.28.
* `--only-binary=:all:` (which `--platform` requires) refuses source distributions, and some
  Alibaba Cloud SDKs ship nothing else (aliyun-log-python-sdk, alibabacloud-tea, ...). They are
  pure Python: `pip wheel` builds them here and the install finds them with `--find-links`. A
  source distribution that builds into a compiled wheel stops the build (no cross-compiling).
* pip evaluates environment markers against the interpreter it runs in, not `--python-version`:
  run by Python 3.11, it leaves out `async-timeout; python_version < "3.11"`, which aiohttp
  (imported by the SDKs' Tea core) needs on 3.10. `unmet()` walks the installed metadata under FC's
  markers and the install is repeated with what is missing, until nothing is.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

PYTHON_VERSION = "3.10"
# Debian 10, the image of FC's python3.10 runtime.
GLIBC_MINOR = 28
# manylinux_2_17 is manylinux2014; pip adds manylinux2010 and manylinux1 to the legacy alias itself.
PLATFORMS = (
    *(f"manylinux_2_{minor}_x86_64" for minor in range(GLIBC_MINOR, 16, -1)),
    "manylinux2014_x86_64",
)
# What environment markers see on FC (python_full_version: the lowest 3.10, no patch is promised).
FC_MARKERS = {
    "implementation_name": "cpython",
    "implementation_version": f"{PYTHON_VERSION}.0",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "platform_release": "",
    "platform_system": "Linux",
    "platform_version": "",
    "python_full_version": f"{PYTHON_VERSION}.0",
    "python_version": PYTHON_VERSION,
    "sys_platform": "linux",
}
MAX_ROUNDS = 4
_PURE_WHEEL = re.compile(r"-py[23.]*-none-any\.whl$")


class InstallError(RuntimeError):
    """The requirements cannot be installed for FC's platform (pip's reason, or ours)."""


@dataclass(frozen=True)
class Distribution:
    """One installed distribution, from its .dist-info."""

    name: str  # canonical (PEP 503)
    version: Version
    requires: tuple[Requirement, ...]
    dist_info: Path


def read_requirements(path: Path) -> list[Requirement]:
    """requirements.txt as requirements (comments and blank lines skipped; no pip options used)."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [Requirement(line) for line in lines if line]


def installed(site: Path) -> dict[str, Distribution]:
    """The distributions pip put in `site`, by canonical name."""
    found: dict[str, Distribution] = {}
    for dist_info in sorted(site.glob("*.dist-info")):
        text = (dist_info / "METADATA").read_text(encoding="utf-8")
        headers = HeaderParser().parsestr(text, headersonly=True)
        requires = tuple(Requirement(value) for value in headers.get_all("Requires-Dist") or [])
        name = canonicalize_name(headers["Name"])
        found[name] = Distribution(name, Version(headers["Version"]), requires, dist_info)
    return found


def _applies(requirement: Requirement, extras: Iterable[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({**FC_MARKERS, "extra": extra}) for extra in (*extras, ""))


def unmet(roots: Sequence[Requirement], site: Path) -> tuple[list[Requirement], set[str]]:
    """(requirements FC's Python needs that `site` lacks, the distributions the roots need there).

    Raises InstallError when an installed version does not satisfy a requirement."""
    dists = installed(site)
    missing: dict[str, Requirement] = {}
    visited: set[tuple[str, tuple[str, ...]]] = set()
    queue: list[tuple[Requirement, tuple[str, ...]]] = [(root, ()) for root in roots]
    while queue:
        requirement, parent_extras = queue.pop()
        if not _applies(requirement, parent_extras):
            continue
        name = canonicalize_name(requirement.name)
        dist = dists.get(name)
        if dist is None:
            missing.setdefault(str(requirement), requirement)
            continue
        if not requirement.specifier.contains(dist.version, prereleases=True):
            raise InstallError(f"{dist.name} {dist.version} installed, but {requirement} is required")
        extras = tuple(sorted(requirement.extras))
        if (name, extras) not in visited:
            visited.add((name, extras))
            queue.extend((child, extras) for child in dist.requires)
    return list(missing.values()), {name for name, _ in visited}


def unconditional(requirement: Requirement) -> str:
    """The requirement without its marker: a marker already judged true for FC would be judged again
    by pip against the interpreter it runs in."""
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    return f"{requirement.name}{extras}{requirement.specifier}"


def _pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise InstallError(f"{' '.join(command)}\n{result.stdout[-2000:]}{result.stderr[-4000:]}")


def build_pure_wheels(requirement_lines: Sequence[str], wheelhouse: Path, cache: Path) -> None:
    """Wheels of every requirement (built here when only a source distribution exists); the pure
    Python ones kept in `wheelhouse` for the platform install's --find-links."""
    scratch = wheelhouse.with_name(wheelhouse.name + ".new")
    wheelhouse.mkdir(parents=True, exist_ok=True)
    _pip("wheel", "--quiet", "--cache-dir", str(cache), "--wheel-dir", str(scratch), *requirement_lines)
    for wheel in sorted(scratch.glob("*.whl")):
        if _PURE_WHEEL.search(wheel.name):
            wheel.replace(wheelhouse / wheel.name)
        else:
            wheel.unlink()
    scratch.rmdir()


def install_for_fc(requirement_lines: Sequence[str], target: Path, wheelhouse: Path, cache: Path) -> None:
    """`pip install --target` with FC's platform tags, Python version and implementation."""
    platforms = [arg for tag in PLATFORMS for arg in ("--platform", tag)]
    _pip(
        "install",
        "--quiet",
        "--no-compile",
        "--only-binary=:all:",
        *platforms,
        "--python-version",
        PYTHON_VERSION,
        "--implementation",
        "cp",
        "--target",
        str(target),
        "--find-links",
        str(wheelhouse),
        "--cache-dir",
        str(cache),
        *requirement_lines,
    )


def install_requirements(requirements: Path, target: Path, cache: Path) -> set[str]:
    """requirements.txt and everything it needs on FC's Python, installed into `target` (emptied first).

    Returns the canonical names of the distributions the requirements need there."""
    roots = read_requirements(requirements)
    lines = [unconditional(r) for r in roots if _applies(r, ())]
    wheelhouse = cache / "wheels"
    missing: list[Requirement] = []
    for _ in range(MAX_ROUNDS):
        if target.exists():
            shutil.rmtree(target)
        build_pure_wheels(lines, wheelhouse, cache / "pip")
        install_for_fc(lines, target, wheelhouse, cache / "pip")
        missing, needed = unmet(roots, target)
        if not missing:
            return needed
        lines += [unconditional(r) for r in missing]
    raise InstallError(f"still unmet after {MAX_ROUNDS} rounds: {', '.join(str(r) for r in missing)}")
