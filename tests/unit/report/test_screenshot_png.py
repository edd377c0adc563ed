"""tests/browser.py's PNG handling, used by `make screenshots`: a picture read back as written, and
the empty page below the content trimmed off."""

from __future__ import annotations

from tests.browser import decode, distinct_pixels, encode, trim_bottom

WHITE, INK = b"\xff\xff\xff", b"\x10\x20\x30"


def picture(content_rows: int, blank_rows: int, width: int = 4) -> bytes:
    rows = [INK * width] * content_rows + [WHITE * width] * blank_rows
    return encode(width, 3, rows)


def test_a_png_reads_back_as_written() -> None:
    width, step, rows = decode(picture(2, 3))
    assert (width, step, len(rows)) == (4, 3, 5)
    assert distinct_pixels(picture(2, 3)) == 2


def test_the_blank_bottom_is_trimmed_to_a_margin() -> None:
    _, _, rows = decode(trim_bottom(picture(5, 100), margin=10))
    assert len(rows) == 15 and rows[4] == INK * 4 and rows[5] == WHITE * 4


def test_a_picture_filled_to_the_bottom_is_left_as_it_is() -> None:
    full = picture(6, 0)
    assert trim_bottom(full) == full
