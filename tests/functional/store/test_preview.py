"""`cis216 setup --preview FILE`: the dashboard's charts computed on the bundled samples, one
self-contained, escaped, reproducible HTML page."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pytest

from cis216.cli import main
from cis216.store.dashboard import CHARTS, LAYOUT, Chart
from cis216.store.preview import render


def test_the_preview_shows_every_chart_with_its_query_and_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "dashboard.html"
    assert main(["setup", "--preview", str(page)]) == 0
    assert f"wrote a preview of the dashboard's {len(CHARTS)} charts to {page}" in capsys.readouterr().out
    html = page.read_text(encoding="utf-8")
    for chart in CHARTS:
        assert chart.display in html
        assert f"{chart.name} · {chart.kind}" in html
    assert "alarm 2" in html and "2026-11-29" in html  # the status bars of the sample scans
    assert "acs:actiontrail:cn-hangzhou:2345678901234567:actiontrail/org-audit-trail" in html  # failing now
    assert "ListAlerts" in html  # the sample's collection error
    # Self-contained: nothing loads from elsewhere, no script.
    assert not re.search(r"(?i)<script|<link|src=|https?://", html)
    again = tmp_path / "again.html"
    assert main(["setup", "--preview", str(again)]) == 0
    assert again.read_bytes() == page.read_bytes()


def test_the_preview_escapes_what_it_shows() -> None:
    chart = Chart("failing-now", "<b>", "tablepro", "* | select 1", days=1)
    html = render([(chart, [{"<col>": "<script>alert(1)</script>"}])], LAYOUT, "t<", "n&")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html.split("<body>")[1]


def test_a_preview_that_cannot_be_written_is_exit_2(tmp_path: Path) -> None:
    assert main(["setup", "--preview", str(tmp_path / "missing" / "x.html")]) == 2


def test_the_preview_reads_as_a_person_expects(tmp_path: Path) -> None:
    """Nothing cut off, no "null" cell, ids and times on one line, the muted chart not empty."""
    page = tmp_path / "dashboard.html"
    assert main(["setup", "--preview", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "max-height" not in html and "<td>null</td>" not in html
    for chart in CHARTS:
        assert f"<pre>{escape(chart.query)}</pre>" in html  # every query whole
    assert '<td class="word">2345678901234567</td>' in html  # an account id is never broken
    assert '<td class="none">-</td>' in html  # the account finding's empty region
    muted = html.split("muted-findings · ")[1].split("</section>")[0]
    assert "1 row" in muted and "the data team&#x27;s project" in muted and "2027-03-31" in muted
