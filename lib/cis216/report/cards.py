"""One card per account or trail finding: verdict, reason, codes, feed path, the alert examined
(its query, with the part that fails marked), window and threshold facts, the fix, raw evidence.

Evidence is read as the JSON the findings carry (lib/cis216/findings/evidence.py), with `.get()`:
a key that is absent renders as nothing rather than failing the page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from .history import ResourceHistory
from .model import Finding
from .style import STATUS_WORDS, icon


def e(value: object) -> str:
    """Text for element content (quotes need no escaping there, and `&quot;` for each `"` would
    make raw evidence JSON twice as large)."""
    return escape("" if value is None else str(value), quote=False)


def attr(value: object) -> str:
    """Text for a double-quoted attribute value."""
    return escape("" if value is None else str(value), quote=True)


def verdict(status: str) -> str:
    word = STATUS_WORDS.get(status, status or "unknown")
    return f'<span class="verdict st-{attr(status)}">{icon(status)}{e(word)}</span>'


def chips(items: Iterable[str], kind: str) -> str:
    spans = "".join(f'<span class="chip {kind}">{e(item)}</span>' for item in items)
    return f'<div class="chips">{spans}</div>' if spans else ""


def _path(nodes: Iterable[str]) -> str:
    parts = [f'<span class="node">{e(node)}</span>' for node in nodes if node]
    return '<div class="path">' + '<span class="arrow">&#8594;</span>'.join(parts) + "</div>"


def _dict(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def feed_path(finding: Finding) -> str:
    """Where the events flow: trail -> project -> logstore (region), for each feed the finding names."""
    evidence = _dict(finding.get("evidence"))
    if not evidence:
        return ""  # nothing recorded (a powerpipe row): no path to show, rather than an invented one
    if finding.get("scope") == "trail":
        feed = _dict(evidence.get("feed"))
        if not feed:
            where = evidence.get("sls_project_arn") or "no SLS delivery"
            return "<h4>Feed</h4>" + _path([f"trail {evidence.get('trail', '')}", str(where)])
        return "<h4>Feed</h4>" + _feed_nodes(feed, f"trail {evidence.get('trail', '')}")
    feeds = [_dict(feed) for feed in _list(evidence.get("feeds"))]
    if not feeds:
        return ""
    rows = "".join(_feed_nodes(feed, f"{feed.get('kind', 'feed')} {feed.get('name', '')}") for feed in feeds)
    hidden = evidence.get("feeds_not_shown") or 0
    more = f'<p class="meta">and {e(hidden)} more feed(s) not listed</p>' if hidden else ""
    return "<h4>Feeds</h4>" + rows + more


def _feed_nodes(feed: Mapping[str, Any], start: str) -> str:
    logstore = f"logstore {feed.get('logstore', '')} ({feed.get('region', '')})"
    state = "complete" if feed.get("complete") else "incomplete"
    gaps = _list(feed.get("gaps"))
    return _path([start, f"project {feed.get('project', '')}", logstore, state]) + chips(gaps, "adv")


_QUOTED = '"{}"'


def mark_query(query: str, missed_codes: Iterable[str]) -> str:
    """The query, escaped, with each quoted occurrence of a missed code marked: inside double
    quotes SLS reads `*` as a literal, so `"Forbidden.*"` matches no real code."""
    spans: list[tuple[int, int]] = []
    for code in missed_codes:
        for found in re.finditer(re.escape(_QUOTED.format(code)), query):
            spans.append(found.span())
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(e(query[last:start]) + f"<mark>{e(query[start:end])}</mark>")
        last = end
    return "".join(out) + e(query[last:])


def _facts(rows: Iterable[tuple[str, object]]) -> str:
    cells = "".join(
        f"<tr><th>{e(name)}</th><td>{e(value)}</td></tr>" for name, value in rows if value not in (None, "")
    )
    return f'<table class="kv">{cells}</table>' if cells else ""


def _window_rows(alert: Mapping[str, Any]) -> list[tuple[str, object]]:
    window, trigger = _dict(alert.get("window")), _dict(alert.get("trigger"))
    assumed = " (assumed from the template)" if window.get("window_assumed_from_template") else ""
    seconds = window.get("window_seconds")
    interval = window.get("interval_seconds")
    rows: list[tuple[str, object]] = [
        ("query window", f"{window.get('query_window', '')}{assumed}" if window else ""),
        ("window seconds", seconds),
        ("schedule", window.get("schedule")),
        ("interval seconds", interval),
    ]
    if isinstance(seconds, int) and isinstance(interval, int) and interval > seconds:
        rows.append(
            ("gap", f"runs every {interval} s but looks back {seconds} s: calls in between are missed")
        )
    if trigger:
        rows += [
            ("fires from", _calls(trigger.get("min_count_to_fire"), "never fires")),
            ("stops firing at", _calls(trigger.get("stops_firing_at"), "")),
            ("consecutive evaluations", trigger.get("consecutive_evaluations")),
        ]
        rows += [
            (f"condition {c.get('where', '')}", f"{c.get('condition', '')} -> {c.get('outcome', '')}")
            for c in map(_dict, _list(trigger.get("conditions")))
        ]
    notification = _dict(alert.get("notification"))
    rows.append(("notifies", ", ".join(f"{k} {v}" for k, v in notification.items()) or "nobody"))
    return rows


def _calls(count: object, none: str) -> str:
    if count is None:
        return none
    return f"{count} call(s) in one window"


def alert_block(alert: Mapping[str, Any]) -> str:
    """The alert the verdict is about: where it is, its query (failing part marked), the facts."""
    if not alert:
        return ""
    name = alert.get("display_name") or alert.get("alert")
    entry = alert.get("query_entry")
    where = f"project {alert.get('project', '')} ({alert.get('region', '')})"
    head = f'<p><b>{e(name)}</b> <span class="mono">{e(alert.get("alert"))}</span> &middot; {e(where)}'
    head += f" &middot; queryList[{e(entry)}]" if entry is not None else " &middot; by template"
    head += f" &middot; reads {e(alert.get('logstore'))}</p>"
    query = alert.get("query")
    missed = [str(code) for code in _list(alert.get("missed_codes"))]
    body = (
        f"<pre>{mark_query(str(query), missed)}</pre>"
        if query
        else '<p class="empty">query from the template</p>'
    )
    rows: list[tuple[str, object]] = [
        ("query verdict", alert.get("query_verdict")),
        ("detail", alert.get("query_detail")),
        ("codes not alerted on", ", ".join(missed)),
        ("e.g. events missed", ", ".join(str(x) for x in _list(alert.get("missed_events")))),
        ("judged with", alert.get("index_source")),
        ("muted until", alert.get("mute_until")),
        *_window_rows(alert),
    ]
    return "<h4>Alert examined</h4>" + head + body + _facts(rows)


def other_alerts(finding: Finding) -> str:
    """The short form of every alert on the feed(s), with why each is not effective."""
    evidence = _dict(finding.get("evidence"))
    feeds = [_dict(evidence.get("feed"))] if finding.get("scope") == "trail" else []
    feeds += [_dict(feed) for feed in _list(evidence.get("feeds"))]
    rows = []
    for feed in feeds:
        for alert in map(_dict, _list(feed.get("alerts"))):
            codes = ", ".join(str(c) for c in [*_list(alert.get("codes")), *_list(alert.get("advisories"))])
            rows.append(
                f"<tr><td>{_breakable(feed.get('project'))}/<wbr>{_breakable(feed.get('logstore'))}</td>"
                f"<td>{_breakable(alert.get('alert'))}</td><td>{e(alert.get('query_entry'))}</td>"
                f"<td>{e(codes or 'effective')}</td></tr>"
            )
    if not rows:
        return ""
    head = "<tr><th>feed</th><th>alert</th><th>entry</th><th>codes</th></tr>"
    return f'<h4>Alerts on the feed</h4><table class="alerts">{head}{"".join(rows)}</table>'


def _breakable(value: object) -> str:
    """A name, escaped, that may wrap after '/', '_' or '-' (project, logstore and alert names are
    single words of up to 63 characters: broken anywhere else they read as two names)."""
    return re.sub(r"([/_-])", r"\1<wbr>", e(value))


def fix_block(finding: Finding) -> str:
    alert = _dict(_dict(finding.get("evidence")).get("alert"))
    remediation = str(finding.get("remediation") or "")
    suggested = alert.get("suggested_query")
    if not remediation and not suggested:
        return ""
    text = f"<p>{e(remediation)}</p>" if remediation else ""
    query = (
        f"<p>Corrected query:</p><pre>{e(suggested)}</pre>"
        if suggested and str(suggested) not in remediation
        else ""
    )
    return f'<div class="fix"><h4>How to fix</h4>{text}{query}</div>'


def mute_block(finding: Finding) -> str:
    mute = _dict(finding.get("mute"))
    if not finding.get("muted") and not mute:
        return ""
    state = "muted (accepted risk)" if finding.get("muted") else "not muted: the entry has expired"
    kind = "mute" if finding.get("muted") else "mute expired"
    rows = _facts(
        [
            ("justification", mute.get("justification")),
            ("expires", mute.get("expires")),
            ("entry", _entry(mute.get("entry"))),
        ]
    )
    return f'<div class="{kind}"><b>{e(state)}</b>{rows}</div>'


def _entry(entry: object) -> str:
    """The mutelist entry as its JSON path (`entries[0]`), or the entry itself as JSON."""
    if entry in (None, ""):
        return ""
    return entry if isinstance(entry, str) else json.dumps(entry, ensure_ascii=False, sort_keys=True)


def raw_evidence(finding: Finding) -> str:
    evidence = finding.get("evidence") or {}
    if not evidence:
        return ""  # an empty fold would promise evidence the finding does not have
    text = json.dumps(
        evidence, ensure_ascii=False
    )  # one line, wrapped by the page: 1,000 findings stay small
    return f"<details><summary>Raw evidence (JSON)</summary><pre>{e(text)}</pre></details>"


def history_line(item: ResourceHistory | None) -> str:
    if item is None:
        return ""
    facts = []
    if item.failing_since:
        facts.append(f"failing since {item.failing_since} ({item.days_in_alarm} day(s) in alarm)")
    elif item.first_seen_failing:
        facts.append(f"first seen failing {item.first_seen_failing}")
    change = {"new": "new since the previous scan", "resolved": "resolved since the previous scan"}
    label = change.get(item.change, "")
    out = f'<p class="meta">{e("; ".join(facts))}</p>' if facts else ""
    return out + (f'<div class="chips"><span class="chip change">{e(label)}</span></div>' if label else "")


def card(finding: Finding, anchor: str, item: ResourceHistory | None = None) -> str:
    status = str(finding.get("status") or "")
    evidence = _dict(finding.get("evidence"))
    meta = [
        f"account {finding.get('account_id') or '-'}",
        f"region {finding.get('region') or ('all' if finding.get('scope') == 'account' else '-')}",
        f"scope {finding.get('scope') or '-'}",
    ]
    if finding.get("severity"):
        meta.append(f"severity {finding.get('severity')}")
    covered = _dict(evidence.get("covered_by"))
    covered_text = (
        f"<p>Covered by alert <b>{e(covered.get('alert'))}</b> on feed {e(covered.get('feed'))}.</p>"
        if covered
        else ""
    )
    parts = [
        f'<article class="card st-{attr(status)}" id="{attr(anchor)}">',
        f"<h3>{verdict(status)}<span>{e(finding.get('resource') or '(no resource)')}</span></h3>",
        f'<p class="meta">{e(" · ".join(meta))}</p>',
        history_line(item),
        f"<p>{e(finding.get('reason') or '(no reason given)')}</p>",
        chips(finding.get("reason_codes") or [], "code"),
        chips(finding.get("advisories") or [], "adv"),
        mute_block(finding),
        feed_path(finding),
        covered_text,
        alert_block(_dict(evidence.get("alert"))),
        other_alerts(finding),
        fix_block(finding),
        raw_evidence(finding),
        "</article>",
    ]
    return "\n".join(part for part in parts if part)
