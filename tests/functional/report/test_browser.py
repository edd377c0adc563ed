"""The report in a real browser: headless Chromium (Debian package `chromium`; .ci/run installs
it) renders the page; the screenshot must not be blank and the page must request nothing.

The net log is what tells a request of the page apart from the browser's own background traffic
(a control page with a stylesheet, an image and a script from outside shows the check works)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cis216.report import read_jsonl, render_report, report_of, scans_of
from tests.browser import distinct_pixels, find_chromium, shoot
from tests.report_samples import jsonl, organisation, sample_findings

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="chromium is not installed (apt-get install chromium; .ci/run installs it)",
)

OUTSIDE = (
    '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://cdn.example.com/x.css"></head>'
    '<body><img src="http://img.example.org/a.png">x<script src="https://js.example.net/a.js"></script></body></html>'
)
# A blank page has one colour (a few with anti-aliasing at the edges); the report has hundreds.
NOT_BLANK = 50


def write_report(findings: list[dict], path: Path) -> Path:
    rows = read_jsonl(jsonl(findings), "test")
    path.write_text(render_report(report_of(scans_of(rows), "test", with_history=False)), encoding="utf-8")
    return path


def test_the_check_sees_requests_and_blank_pages(tmp_path: Path) -> None:
    control = tmp_path / "outside.html"
    control.write_text(OUTSIDE, encoding="utf-8")
    shot = shoot(control, tmp_path / "outside.png", width=320, height=240)
    assert sorted(shot.page_requests) == [
        "http://img.example.org/a.png",
        "https://cdn.example.com/x.css",
        "https://js.example.net/a.js",
    ]
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    assert distinct_pixels(shoot(blank, tmp_path / "blank.png", width=320, height=240).png) < NOT_BLANK


def test_the_sample_report_renders_offline(tmp_path: Path) -> None:
    page = write_report(sample_findings() + sample_findings("cis-text-account.json"), tmp_path / "r.html")
    shot = shoot(page, tmp_path / "r.png", width=800, height=1000)
    assert shot.page_requests == []
    assert distinct_pixels(shot.png, every=4) > NOT_BLANK


def test_a_thousand_findings_render_offline(tmp_path: Path) -> None:
    page = write_report(organisation(), tmp_path / "big.html")
    assert page.stat().st_size < 5 * 1024 * 1024  # the budget of tests/unit/report/test_html.py
    shot = shoot(page, tmp_path / "big.png", width=800, height=1000)
    assert shot.page_requests == []
    assert distinct_pixels(shot.png, every=4) > NOT_BLANK
