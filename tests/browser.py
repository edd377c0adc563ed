"""Headless Chromium for the report's browser test and `make screenshots` (no Python dependency:
Chromium's own --screenshot and --log-net-log, and the PNG read with the standard library).

    python -m tests.browser PAGE.html SHOT.png [WIDTH HEIGHT]   # what `make screenshots` runs
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome")
# Every name resolves to nowhere, so even a request that got past the page's CSP could not leave.
NO_NETWORK = "MAP * ~NOTFOUND"


def find_chromium() -> str | None:
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass(frozen=True)
class Shot:
    png: bytes
    page_requests: list[str]  # URLs the page itself asked for (none, for a self-contained page)


def shoot(html: Path, png: Path, width: int = 1200, height: int = 1800, timeout: float = 90) -> Shot:
    """`html` rendered by headless Chromium into `png`; with the requests the page made."""
    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError("no chromium on PATH (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="cis216-chromium-") as scratch:
        netlog = Path(scratch) / "net.json"
        command = [
            browser,
            "--headless",
            "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={scratch}/profile",
            f"--host-resolver-rules={NO_NETWORK}",
            f"--log-net-log={netlog}",
            f"--window-size={width},{height}",
            f"--screenshot={png}",
            html.resolve().as_uri(),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)
        return Shot(png.read_bytes(), page_requests(netlog))


def page_requests(netlog: Path) -> list[str]:
    """URLs requested on behalf of a file:// page (the browser's own background requests are left
    out: they are not the page's, and the resolver rules send them nowhere anyway)."""
    log = json.loads(netlog.read_text(encoding="utf-8", errors="replace"))
    types = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log.get("events", []):
        params = event.get("params") or {}
        if types.get(event.get("type")) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        if "file://" in str(params.get("network_isolation_key", "")) or params.get("initiator") == "null":
            urls.append(str(params["url"]))
    return urls


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind: int, line: bytearray, prior: bytearray, step: int) -> None:
    if kind == 1:
        for i in range(step, len(line)):
            line[i] = (line[i] + line[i - step]) & 0xFF
    elif kind == 2:
        for i in range(len(line)):
            line[i] = (line[i] + prior[i]) & 0xFF
    elif kind == 3:
        for i in range(len(line)):
            left = line[i - step] if i >= step else 0
            line[i] = (line[i] + (left + prior[i]) // 2) & 0xFF
    elif kind == 4:
        for i in range(len(line)):
            left = line[i - step] if i >= step else 0
            corner = prior[i - step] if i >= step else 0
            line[i] = (line[i] + _paeth(left, prior[i], corner)) & 0xFF


def decode(png: bytes) -> tuple[int, int, list[bytes]]:
    """An 8-bit RGB(A) PNG as (width, pixel size in bytes, rows of raw pixels)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, data, header = 8, b"", b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        data += body if kind == b"IDAT" else b""
        pos += length + 12
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    if depth != 8 or colour not in (2, 6):
        raise ValueError(f"only 8-bit RGB/RGBA is read here (depth {depth}, colour type {colour})")
    step = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(data), width * step
    prior, rows = bytearray(stride), []
    for row in range(height):
        start = row * (stride + 1)
        line = bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(raw[start], line, prior, step)
        rows.append(bytes(line))
        prior = line
    return width, step, rows


def encode(width: int, step: int, rows: list[bytes]) -> bytes:
    """Rows of raw pixels as a PNG (no filter: small enough for a screenshot, and plain)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, len(rows), 8, 2 if step == 3 else 6, 0, 0, 0)
    data = zlib.compress(b"".join(b"\x00" + row for row in rows), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def distinct_pixels(png: bytes, every: int = 1) -> int:
    """How many different colours an 8-bit RGB(A) PNG has (every `every`-th row counted)."""
    _, step, rows = decode(png)
    colours = set()
    for line in rows[::every]:
        colours.update(line[i : i + step] for i in range(0, len(line), step))
    return len(colours)


def trim_bottom(png: bytes, margin: int = 16) -> bytes:
    """The picture without the empty page below the content (rows of the bottom row's one colour),
    `margin` rows of it kept: a screenshot as tall as what it shows."""
    width, step, rows = decode(png)
    blank = rows[-1]
    if blank != blank[:step] * width:
        return png  # the content reaches the bottom: nothing to trim
    last = len(rows) - 1
    while last > 0 and rows[last] == blank:
        last -= 1
    return encode(width, step, rows[: min(len(rows), last + 1 + margin)])


def main(argv: list[str]) -> int:
    """`HTML PNG [WIDTH HEIGHT]`: the page shot at WIDTHxHEIGHT (default 1200x1500), the empty page
    below a shorter content trimmed off."""
    html, png = Path(argv[0]), Path(argv[1])
    width, height = (int(argv[2]), int(argv[3])) if len(argv) >= 4 else (1200, 1500)
    png.parent.mkdir(parents=True, exist_ok=True)
    shoot(html, png, width=width, height=height)
    picture = trim_bottom(png.read_bytes())
    png.write_bytes(picture)
    print(f"{png}: {len(picture)} bytes, {distinct_pixels(picture, every=4)} colours")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
