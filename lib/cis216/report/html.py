"""The report page: one self-contained HTML file (inline CSS, no script, nothing loaded from
anywhere: a Content-Security-Policy says so to the browser), readable printed.

Deterministic: the page holds no clock reading and no random id; everything comes from the input,
in a stable order, so the same findings always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .. import __version__
from ..findings import CONTROL, STATUS_ORDER
from .cards import attr, card, chips, e, mute_block, verdict
from .history import History, ResourceHistory, history_per_account
from .model import Finding, Report, Scan, resource_key
from .style import CSP, CSS, icon

DEFAULT_TITLE = "CIS Alibaba Cloud Foundations Benchmark v2.0.0, 2.16: unauthorized API calls are monitored and alerted on"


def render_report(report: Report) -> str:
    """The whole page, as text (write it as UTF-8)."""
    scan = report.scan
    past = history_per_account(list(report.scans)) if report.has_history else None
    items = {(i.account_id, i.resource): i for i in past.resources} if past else {}
    visible = [f for f in scan.findings if not f.get("muted") and f.get("scope") != "scan"]
    muted = [f for f in scan.findings if f.get("muted") and f.get("scope") != "scan"]
    title = next((str(f["title"]) for f in scan.findings if f.get("title")), DEFAULT_TITLE)
    body = [
        f'<header><h1>cis216 report: {e(CONTROL)}</h1><p class="sub">{e(title)}</p></header>',
        _facts(scan, report.source),
        _strip(scan.findings),
        _coverage(scan),
        _history(past) if past else "",
        _cards("Accounts", [f for f in visible if f.get("scope") == "account"], "a", items),
        _cards("Trails", [f for f in visible if f.get("scope") != "account"], "t", items),
        _muted(muted, items),
        f"<footer>Made by cis216 {e(__version__)} from {e(report.source)}. One self-contained file: "
        "no script, nothing loaded from the network.</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{attr(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>cis216 report {e(scan.scan_id or CONTROL)}</title>\n<style>{CSS}</style>\n</head>\n"
        "<body><main>\n" + "\n".join(part for part in body if part) + "\n</main></body>\n</html>\n"
    )


def _distinct(values: Iterable[object]) -> list[str]:
    return sorted({str(v) for v in values if v})


def _facts(scan: Scan, source: str) -> str:
    findings = [*scan.findings, *scan.summaries]
    regions = _distinct(f.get("region") for f in scan.findings)
    for summary in scan.summaries:
        regions = _distinct([*regions, *(summary.get("evidence") or {}).get("regions", [])])
    rows = [
        ("Scan", scan.scan_id or "not recorded in the input"),
        *(("Triggered", trigger) for trigger in _triggers(scan)),
        ("Evaluated at", scan.evaluated_at or "not recorded in the input"),
        ("Accounts", ", ".join(_distinct(f.get("account_id") for f in findings)) or "-"),
        ("Regions", f"{len(regions)}: {', '.join(regions)}" if regions else "-"),
        ("Profile", ", ".join(_distinct(f.get("profile") for f in findings)) or "-"),
        ("Findings", str(len(scan.findings))),
        ("Source", source),
        ("cis216", __version__),
    ]
    cells = "".join(f"<dt>{e(name)}</dt><dd>{e(value)}</dd>" for name, value in rows)
    return f'<dl class="facts">{cells}</dl>'


def _triggers(scan: Scan) -> list[str]:
    """What started the scan, as its summaries say (a timer's time is what the scan id is named
    after; the evaluation follows it, later when an old event is replayed)."""
    said = []
    for summary in scan.summaries:
        trigger = (summary.get("evidence") or {}).get("trigger") or {}
        if isinstance(trigger, dict) and trigger.get("kind"):
            named = " ".join(str(trigger[key]) for key in ("kind", "name") if trigger.get(key))
            said.append(f"{named}, {trigger['time']}" if trigger.get("time") else named)
    return sorted(set(said))


def _strip(findings: Sequence[Finding]) -> str:
    pills = []
    for status in STATUS_ORDER:
        count = sum(1 for f in findings if f.get("status") == status)
        quiet = sum(1 for f in findings if f.get("status") == status and f.get("muted"))
        extra = f" ({quiet} muted)" if quiet else ""
        pills.append(
            f'<span class="pill st-{status}">{icon(status)}{e(status.upper())} <b>{count}</b>{e(extra)}</span>'
        )
    return '<section aria-label="verdicts"><div class="strip">' + "".join(pills) + "</div></section>"


def _coverage(scan: Scan) -> str:
    """What could not be read: failed calls (scope scan) and findings in error, so a partial scan
    shows as partial."""
    failed = [f for f in scan.findings if f.get("scope") == "scan"]
    errors = [f for f in scan.findings if f.get("status") == "error" and f.get("scope") != "scan"]
    stated = sum(int((s.get("evidence") or {}).get("collection_errors") or 0) for s in scan.summaries)
    if not failed and not errors and not stated:
        return '<section class="box"><h2>Coverage</h2><p>Every read the verdicts depend on succeeded.</p></section>'
    items = [f"<li>{_failed_call(f)}</li>" for f in failed]
    items += [f"<li>{verdict('error')} {e(f.get('resource'))}: {e(f.get('reason'))}</li>" for f in errors]
    summary = f"<p>The scan summary counts {stated} collection error(s).</p>" if stated else ""
    return (
        '<section class="box partial"><h2>Coverage: partial scan</h2>'
        f"<p>{len(failed)} read(s) failed and {len(errors)} verdict(s) could not be given; what they would "
        f"have returned is missing, so verdicts that depend on them are errors, not passes.</p>{summary}"
        f"<ul>{''.join(items)}</ul></section>"
    )


def _failed_call(finding: Finding) -> str:
    evidence = finding.get("evidence") or {}
    where = " / ".join(
        str(x) for x in (finding.get("region"), evidence.get("project"), evidence.get("logstore")) if x
    )
    return (
        f"<b>{e(evidence.get('api') or 'a read')}</b> in {e(where or finding.get('resource'))}: "
        f"<code>{e(evidence.get('code'))}</code> {e(evidence.get('message') or finding.get('reason'))}"
        # A failed read can be an accepted risk too (or its mute expired): say so where it is listed.
        f"{mute_block(finding)}{chips(finding.get('advisories') or [], 'adv')}"
    )


def _history(past: History) -> str:
    rows = []
    for item in past.resources:
        if not item.failing_since and not item.change:
            continue
        rows.append(
            f"<tr><td>{verdict(item.status) if item.status else 'not reported'}</td><td>{e(item.resource)}</td>"
            f"<td>{e(item.account_id)}</td><td>{e(item.failing_since or '-')}</td>"
            f"<td>{item.days_in_alarm if item.failing_since else '-'}</td><td>{e(item.change or '-')}</td></tr>"
        )
    head = "<tr><th>now</th><th>resource</th><th>account</th><th>failing since</th><th>days in alarm</th><th>change</th></tr>"
    table = (
        f"<table>{head}{''.join(rows)}</table>"
        if rows
        else '<p class="empty">Nothing failing, nothing changed.</p>'
    )
    counts = (
        f"{past.scans} scan(s) from {past.first_scan} to {past.latest_scan}; since the previous scan "
        f"({past.previous_scan or 'none'}): {len(past.changed('new'))} new, {len(past.changed('resolved'))} "
        f"resolved, {len(past.changed('gone'))} no longer reported; {len(past.failing)} failing now."
    )
    return f"<section><h2>History</h2><p>{e(counts)}</p>{table}</section>"


def _cards(
    heading: str, findings: Sequence[Finding], prefix: str, items: dict[tuple[str, str], ResourceHistory]
) -> str:
    if not findings:
        return ""
    cards = [card(f, f"{prefix}{n}", items.get(resource_key(f))) for n, f in enumerate(findings, 1)]
    return f"<section><h2>{e(heading)} ({len(findings)})</h2>\n" + "\n".join(cards) + "</section>"


def _muted(findings: Sequence[Finding], items: dict[tuple[str, str], ResourceHistory]) -> str:
    if not findings:
        return ""
    cards = [card(f, f"m{n}", items.get(resource_key(f))) for n, f in enumerate(findings, 1)]
    intro = "<p>Accepted risks: these findings match a mute entry; they are shown, not hidden.</p>"
    return f"<section><h2>Muted ({len(findings)})</h2>{intro}\n" + "\n".join(cards) + "</section>"
