"""Reading a snapshot: bounded in size, read in chunks; and a snapshot must have scanned something."""

from __future__ import annotations

import io

import pytest

from cis216.inventory import (
    MAX_INPUT_BYTES,
    InventoryError,
    load_inventory,
    parse_inventory,
    read_bytes,
    read_file,
    read_text,
    require_scanned,
)
from tests.builders import document

NOTHING_SCANNED = "no region was scanned, so there is nothing to evaluate (a collection records at least one)"


class Chunks(io.RawIOBase):
    """`size` bytes of "a", remembering each read's size."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.reads: list[int] = []

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.reads.append(size)
        n = self.left if size < 0 else min(size, self.left)
        self.left -= n
        return b"a" * n


def test_the_limit_is_64_mib():
    assert MAX_INPUT_BYTES == 64 * 1024 * 1024


def test_up_to_the_limit_is_read_whole():
    assert read_bytes(Chunks(100), "x", limit=100) == b"a" * 100
    assert read_text(io.BytesIO("ünï".encode()), "x") == "ünï"


def test_past_the_limit_is_refused_naming_source_and_limit():
    stream = Chunks(10**12)
    with pytest.raises(InventoryError, match=r"^big: larger than 2 MiB, the most cis216 reads$"):
        read_bytes(stream, "big", limit=2 * 1024 * 1024)
    assert max(stream.reads) <= 1024 * 1024 and sum(stream.reads) <= 2 * 1024 * 1024 + 1  # in chunks


def test_text_streams_count_bytes_not_characters():
    with pytest.raises(InventoryError, match="larger than"):
        read_text(io.StringIO("é" * (1024 * 1024)), "stdin", limit=1024 * 1024 + 1)
    assert read_text(io.StringIO("é" * 10), "stdin", limit=20) == "é" * 10


def test_not_utf8_and_unreadable_files():
    with pytest.raises(InventoryError, match=r"^stdin: not UTF-8 text$"):
        read_text(io.BytesIO(b"\xff{}"), "stdin")
    with pytest.raises(
        InventoryError, match=r"^/nonexistent/x\.json: cannot read: No such file or directory$"
    ):
        read_file("/nonexistent/x.json")


def test_an_empty_regions_map_parses_but_cannot_be_evaluated(tmp_path):
    inventory = parse_inventory(document(regions={}))  # a seed of an empty account is fine
    with pytest.raises(InventoryError) as caught:
        require_scanned(inventory, "snap.json")
    assert str(caught.value) == f"snap.json: regions: {NOTHING_SCANNED}"
    path = tmp_path / "s.json"
    path.write_text(
        '{"version": 1, "account_id": "1234567890123456", "collected_at": "2026-11-29T02:00:00Z", '
        '"regions": {"cn-hangzhou": {"errors": [{"api": "DescribeRegions", "code": "Throttling"}]}}}'
    )
    scanned = load_inventory(path)
    assert require_scanned(scanned) is scanned  # a region whose calls failed was scanned: judged `error`
