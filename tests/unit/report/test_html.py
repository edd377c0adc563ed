"""The report page: self-contained, escaped, deterministic, and showing what an auditor needs."""

from __future__ import annotations

import copy
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from cis216.core import evaluate
from cis216.inventory import load_inventory
from cis216.mute import apply_mutelist, parse_mutelist
from cis216.report import Scan, read_jsonl, render_report, report_of, scans_of
from cis216.report.cards import mark_query
from cis216.report.model import normalized
from cis216.report.style import CSP
from tests.paths import SAMPLES
from tests.report_samples import jsonl, organisation, sample_findings

HOSTILE = "<script>alert('x')</script>\"' onmouseover=\"x\" &amp; 无告警 – \u202e</b>"


def page(findings: list[dict], history: bool = False) -> str:
    rows = read_jsonl(jsonl(findings), "test")
    return render_report(report_of(scans_of(rows), "test input", with_history=history))


# Every tag and attribute the page may have: anything else came from the input, unescaped.
TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "dl",
    "dt",
    "dd",
    "section",
    "div",
    "span",
    "b",
    "code",
    "pre",
    "mark",
    "svg",
    "circle",
    "path",
    "article",
    "table",
    "tr",
    "th",
    "td",
    "details",
    "summary",
    "footer",
    "ul",
    "li",
    "wbr",  # where a long name may wrap (the alerts table)
}
ATTRIBUTES = {
    "lang",
    "charset",
    "http-equiv",
    "content",
    "name",
    "class",
    "id",
    "viewbox",
    "width",
    "height",
    "aria-hidden",
    "aria-label",
    "cx",
    "cy",
    "r",
    "d",
}


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.meta: dict[str, str] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)
        values = dict(attrs)
        if tag == "meta" and values.get("http-equiv"):
            self.meta[str(values["http-equiv"])] = str(values.get("content"))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def structure(html: str) -> Structure:
    parsed = Structure()
    parsed.feed(html)
    parsed.close()
    return parsed


def outside_references(html: str) -> list[str]:
    """Anything that would make a browser load something: URLs, src/href attributes, CSS url()."""
    found = re.findall(
        r"(?i)https?://|\bsrc\s*=|\bhref\s*=|url\(|@import|<script|<link|<iframe|<object", html
    )
    return found


def test_same_input_same_bytes_whatever_the_input_order() -> None:
    findings = sample_findings()
    assert page(findings) == page(findings)
    assert page(findings) == page(list(reversed(findings)))


def test_self_contained() -> None:
    html = page(sample_findings() + sample_findings("cis-text-account.json"))
    assert outside_references(html) == []
    assert structure(html).meta == {"Content-Security-Policy": CSP}
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert "@media print" in html


def test_hostile_strings_are_escaped_everywhere() -> None:
    [finding] = [f for f in sample_findings("cis-text-account.json") if f["scope"] == "trail"]
    evil = copy.deepcopy(finding)
    evil.update(resource=HOSTILE, reason=HOSTILE, account_id=HOSTILE, region=HOSTILE, profile=HOSTILE)
    evil.update(
        reason_codes=[HOSTILE], advisories=[HOSTILE], remediation=HOSTILE, title=HOSTILE, scope="trail"
    )
    evil.update(muted=True, mute={"justification": HOSTILE, "expires": HOSTILE, "entry": {"x": HOSTILE}})
    evil["evidence"]["alert"].update(
        query=HOSTILE, alert=HOSTILE, display_name=HOSTILE, suggested_query=HOSTILE
    )
    evil["evidence"]["alert"]["missed_codes"] = ["alert('x')"]
    evil["evidence"]["feed"]["project"] = HOSTILE
    html = page([evil])
    parsed = structure(html)
    assert parsed.tags <= TAGS and parsed.attributes <= ATTRIBUTES
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    assert sum(HOSTILE in text for text in parsed.text) >= 10  # shown as text, as it was
    assert "无告警" in html and "&amp;amp;" in html
    assert outside_references(html) == []


def test_verdict_strip_says_each_status_in_words_with_an_icon() -> None:
    html = page(sample_findings())
    strip = html.split('<div class="strip">', 1)[1].split("</div>", 1)[0]
    for word, count in (("ERROR", 1), ("ALARM", 0), ("INFO", 0), ("SKIP", 4), ("OK", 2)):
        assert re.search(rf'<svg class="icon"[^>]*>.*?</svg>{word} <b>{count}</b>', strip), word


def test_coverage_box_lists_what_could_not_be_read() -> None:
    html = page(sample_findings())
    box = html.split('<section class="box partial">', 1)[1].split("</section>", 1)[0]
    assert "Coverage: partial scan" in box
    assert "<b>ListAlerts</b> in ap-southeast-1 / sg-data-platform" in box and "Unauthorized" in box
    clean = page([f for f in sample_findings() if f["scope"] != "scan"])
    assert "Every read the verdicts depend on succeeded." in clean


def test_a_failing_trail_card_shows_the_path_the_marked_query_facts_and_fix() -> None:
    html = page(sample_findings("cis-text-account.json"))
    assert "<mark>&quot;" not in html  # quotes stay quotes in text: the query reads as written
    assert '<mark>"Forbidden.*"</mark>' in html and '<mark>"NoPermission.*"</mark>' in html
    assert '<span class="chip code">ALERT_QUERY_INCOMPLETE</span>' in html
    assert re.search(
        r'<span class="node">trail [^<]+</span><span class="arrow">&#8594;</span><span class="node">project ',
        html,
    )
    for fact in ("query window", "window seconds", "interval seconds", "fires from", "notifies"):
        assert f"<th>{fact}</th>" in html, fact
    # The finding's remediation carries the corrected query itself; the card shows it once.
    fixes = [part.split("</div>", 1)[0] for part in html.split("<h4>How to fix</h4>")[1:]]
    assert any("with: event.eventType: ApiCall" in fix and "Forbidden.*" in fix for fix in fixes), fixes
    assert not any("Corrected query:" in fix for fix in fixes)
    assert "<details><summary>Raw evidence (JSON)</summary>" in html


def test_remediation_text_is_shown_when_the_finding_has_one() -> None:
    findings = [
        dict(f, remediation="Set the alert's query to X.") for f in sample_findings("cis-text-account.json")
    ]
    assert "<p>Set the alert's query to X.</p>" in page(findings)


def test_muted_findings_are_shown_apart_with_their_justification() -> None:
    findings = sample_findings("cis-text-account.json")
    findings[1].update(
        muted=True,
        mute={
            "justification": "legacy trail, removed in Q1",
            "expires": "2027-03-31",
            "entry": {"resource": "*"},
        },
    )
    html = page(findings)
    muted = html.split("<h2>Muted (1)</h2>", 1)[1]
    assert "legacy trail, removed in Q1" in muted and "2027-03-31" in muted
    assert "<h2>Trails" not in html  # the only trail finding is muted: shown apart, not twice
    assert "(1 muted)" in html


def muted_sample(resource: str, expires: str) -> list[dict]:
    """The findings of `cis216 evaluate sample-account.json`, through `apply_mutelist` with one entry."""
    entry = {
        "account": "*",
        "resource": resource,
        "justification": "read denied by design",
        "expires": expires,
    }
    findings = evaluate(load_inventory(SAMPLES / "sample-account.json"), "strict")
    muted = apply_mutelist(findings, parse_mutelist({"entries": [entry]}, "test"), date(2026, 11, 29))
    return [f.model_dump(mode="json") for f in muted]


def coverage(html: str) -> str:
    return html.split("<h2>Coverage", 1)[1].split("</section>", 1)[0]


def test_an_expired_mute_says_so() -> None:
    # apply_mutelist leaves a finding whose entry expired unmuted, with a MUTE_EXPIRED advisory.
    findings = muted_sample("*actiontrail/stopped-trail-sg", "2020-01-01")
    trails = [f for f in findings if f["scope"] == "trail" and "MUTE_EXPIRED" in str(f["advisories"])]
    assert trails and not any(f["muted"] or f["mute"] for f in trails)
    html = page(findings)
    assert "MUTE_EXPIRED: entries[0] expired on 2020-01-01" in html.split("<h2>Trails", 1)[1]
    assert "<h2>Muted" not in html


def test_a_muted_failed_read_shows_its_mute_in_coverage() -> None:
    findings = muted_sample("*project/sg-data-platform", "2027-03-31")
    assert [f["scope"] for f in findings if f["muted"]] == ["scan"]
    box = coverage(page(findings))
    assert "sg-data-platform" in box and "muted (accepted risk)" in box
    assert "read denied by design" in box and "2027-03-31" in box and "entries[0]" in box


def test_an_expired_mute_on_a_failed_read_shows_in_coverage() -> None:
    findings = muted_sample("*project/sg-data-platform", "2020-01-01")
    assert not any(f["muted"] for f in findings)
    box = coverage(page(findings))
    assert "MUTE_EXPIRED: entries[0] expired on 2020-01-01" in box
    assert "muted (accepted risk)" not in box


def test_marking_only_quoted_occurrences() -> None:
    query = 'a: "X.*" or a: X.* or b: "<X.*>"'
    assert mark_query(query, ["X.*"]) == 'a: <mark>"X.*"</mark> or a: X.* or b: "&lt;X.*&gt;"'
    assert mark_query("<q>", []) == "&lt;q&gt;"


def test_history_shows_since_when_and_what_changed() -> None:
    def scan(scan_id: str, when: str, status: str) -> Scan:
        finding = normalized(
            {"resource": "acs:trail/x", "status": status, "scope": "trail", "account_id": "1"}
        )
        return Scan(scan_id, when, 0, (finding,))

    scans = [scan("a", "2026-11-01T00:00:00Z", "ok"), scan("b", "2026-11-02T00:00:00Z", "alarm")]
    html = render_report(report_of(scans, "sls", with_history=True))
    assert "<h2>History</h2>" in html and "1 new, 0 resolved" in html
    assert "failing since 2026-11-02T00:00:00Z (0 day(s) in alarm)" in html
    assert '<span class="chip change">new since the previous scan</span>' in html


def test_a_scan_without_id_or_time_says_so() -> None:
    html = page(sample_findings())
    assert "<dt>Scan</dt><dd>not recorded in the input</dd>" in html


@pytest.mark.parametrize("profile", ["strict", "powerpipe"])
def test_every_sample_renders(profile: str) -> None:
    # powerpipe rows have no scope and no evidence: they render as cards all the same.
    for name in ("sample-account.json", "cis-text-account.json"):
        html = page(sample_findings(name, profile))
        assert html.count("<article ") == len(
            [f for f in sample_findings(name, profile) if f.get("scope") != "scan"]
        )


# The size budget of a large report: 1,000 findings (an organisation of 100 accounts) in < 5 MB,
# and at most 1.75 times the JSON Lines it renders (the raw evidence is in the page, once: most of it).
BUDGET_BYTES = 5 * 1024 * 1024
BUDGET_RATIO = 1.75


def test_a_thousand_findings_within_the_size_budget() -> None:
    findings = organisation()
    size = len(page(findings).encode("utf-8"))
    assert size < BUDGET_BYTES
    assert size < BUDGET_RATIO * len(jsonl(findings).encode("utf-8"))


def test_a_finding_without_evidence_shows_no_invented_feed_and_no_empty_fold() -> None:
    # powerpipe rows carry no evidence: an "ok" trail delivering to SLS must not read "no SLS delivery".
    html = page(sample_findings("sample-account.json", "powerpipe"))
    assert "no SLS delivery" not in html and "<h4>Feed</h4>" not in html
    assert "Raw evidence (JSON)" not in html
    strict = page(sample_findings())
    assert "<h4>Feed</h4>" in strict and "Raw evidence (JSON)" in strict  # evidence still shown


def test_the_mute_entry_reads_as_its_json_path_and_long_names_wrap_at_their_separators() -> None:
    findings = sample_findings("cis-text-account.json")
    findings[1].update(
        muted=True, mute={"justification": "j", "expires": "2027-03-31", "entry": "entries[0]"}
    )
    html = page(findings)
    assert "<th>entry</th><td>entries[0]</td>" in html  # as the mutelist names it, not a quoted string
    alerts = html.split('<table class="alerts">', 1)[1].split("</table>", 1)[0]
    assert "sls_<wbr>app_<wbr>audit_<wbr>cis_<wbr>at_<wbr>unauth_<wbr>apicall" in alerts
    assert "actiontrail-<wbr>central/<wbr>actiontrail_<wbr>org-<wbr>audit-<wbr>trail" in alerts
