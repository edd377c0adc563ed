"""What `make package` prints: the zip's sizes against the budget, what was left out, what dominates."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .trim import Trimmed
from .ziptree import Entry, compressed_size, tree_entries

LARGEST_SHOWN = 12
OWN_CODE = "cis216 (this package) and index.py"


@dataclass(frozen=True)
class Sizes:
    unzipped: int = 0
    zipped: int = 0

    def __add__(self, other: Sizes) -> Sizes:
        return Sizes(self.unzipped + other.unzipped, self.zipped + other.zipped)


@dataclass
class Breakdown:
    """The zip's sizes in total and per owner (a distribution 'name version', or our own code)."""

    total: Sizes = Sizes()
    by_owner: dict[str, Sizes] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def measure_tree(root: Path | None, extra: Iterable[Entry] = ()) -> Sizes:
    """Unzipped and zipped (deflated, headers not counted) size of the files under `root` and `extra`."""
    entries = [*(tree_entries(root, "") if root is not None else []), *extra]
    sizes = Sizes()
    for entry in entries:
        data = entry.read()
        sizes += Sizes(len(data), compressed_size(data))
    return sizes


def sizes_by_owner(infos: Iterable[zipfile.ZipInfo], owners: Mapping[str, str], prefix: str) -> Breakdown:
    breakdown = Breakdown()
    for info in infos:
        sizes = Sizes(info.file_size, info.compress_size)
        inside = info.filename.removeprefix(prefix)
        owner = owners.get(inside, OWN_CODE) if info.filename.startswith(prefix) else OWN_CODE
        breakdown.total += sizes
        breakdown.files.append(info.filename)
        breakdown.by_owner[owner] = breakdown.by_owner.get(owner, Sizes()) + sizes
    return breakdown


def mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _listed(sizes: Mapping[str, int]) -> str:
    ranked = sorted(sizes.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{name} {mb(size)}" for name, size in ranked) or "none"


def describe(
    path: str, zip_bytes: int, before: Sizes, after: Breakdown, trimmed: Trimmed, budget: tuple[int, int]
) -> str:
    """The report; sizes in MB (10^6 bytes). Zipped sizes but the zip's own count deflated contents
    without the zip's headers."""
    total = after.total
    lines = [
        f"{path}: {mb(zip_bytes)} zipped (budget {mb(budget[0])}), {mb(total.unzipped)} unzipped "
        f"(budget {mb(budget[1])}), {len(after.files)} files",
        f"  before trimming: {mb(before.zipped)} deflated, {mb(before.unzipped)} unzipped; "
        f"after: {mb(total.zipped)} deflated, {mb(total.unzipped)} unzipped",
        f"  left out, declared by the SDKs but never imported: {_listed(trimmed.unused)}",
        f"  left out, not needed on FC's Python 3.10: {_listed(trimmed.not_needed)}",
        f"  left out, files never read: {_listed(trimmed.files)}",
        "  largest (zipped / unzipped):",
    ]
    ranked = sorted(after.by_owner.items(), key=lambda item: (-item[1].zipped, item[0]))
    for owner, sizes in ranked[:LARGEST_SHOWN]:
        lines.append(f"    {owner:<44} {mb(sizes.zipped):>9} / {mb(sizes.unzipped):>8}")
    rest = ranked[LARGEST_SHOWN:]
    if rest:
        others = sum((sizes for _, sizes in rest), Sizes())
        label = f"{len(rest)} more"
        lines.append(f"    {label:<44} {mb(others.zipped):>9} / {mb(others.unzipped):>8}")
    return "\n".join(lines)
