"""A zip whose bytes depend on its entries' names and contents only.

Entries sorted by name, each with the same timestamp (1980-01-01, the zip format's first
representable date), the same permissions (a regular file, rw-r--r--), created-by Unix, no
directory entries, no extra fields, no comment, deflated at a fixed level. The build machine's
clock, umask, file order and user leave no trace. (The compressed bytes also depend on the deflate
implementation: zlib's output for a fixed level has been stable for years, a zlib-ng drop-in
compresses differently; the zip's hash tells either way.)
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # S_IFREG | rw-r--r--
COMPRESS_LEVEL = 6  # level 9 saves 0.6% here for 3.4 times the time
_UNIX = 3


@dataclass(frozen=True)
class Entry:
    """One file of the zip: its name inside, and its content (bytes, or the file to read)."""

    name: str
    source: Path | bytes

    def read(self) -> bytes:
        return self.source if isinstance(self.source, bytes) else self.source.read_bytes()


def tree_entries(root: Path, prefix: str) -> list[Entry]:
    """Every file under `root`, named `prefix` + its '/'-separated path relative to `root`."""
    files = (path for path in root.rglob("*") if path.is_file())
    return [Entry(prefix + path.relative_to(root).as_posix(), path) for path in files]


def compressed_size(data: bytes) -> int:
    """What `data` takes in the zip (raw deflate at the zip's level; headers not counted)."""
    compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return len(compressor.compress(data)) + len(compressor.flush())


def write_zip(path: Path, entries: Iterable[Entry]) -> list[zipfile.ZipInfo]:
    """Write the zip (replacing `path` only once complete); the entries as written, in order."""
    ordered = sorted(entries, key=lambda entry: entry.name)
    duplicates = sorted(name for name, count in Counter(e.name for e in ordered).items() if count > 1)
    if duplicates:
        raise ValueError(f"duplicate zip entries: {duplicates}")
    partial = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as archive:
        for entry in ordered:
            info = zipfile.ZipInfo(entry.name, date_time=FIXED_TIME)
            info.create_system = _UNIX
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entry.read(), compresslevel=COMPRESS_LEVEL)
        infos = archive.infolist()
    partial.replace(path)
    return infos


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
