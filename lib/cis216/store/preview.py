"""A local, faithful preview of the findings dashboard: one panel per chart, with its title, its
query and the rows that query returns, as one self-contained HTML page (inline CSS, no script, no
external resource). The SLS console cannot be shown offline; this shows what each chart computes.

Bar charts are drawn as labelled bars (the value is written beside each bar, and a status is
named in its segment, so nothing depends on colour alone); tables as tables. Everything is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .dashboard import DAY, Chart

STATUS_COLOURS = {
    "alarm": "#c62828",
    "error": "#ef6c00",
    "ok": "#2e7d32",
    "skip": "#78909c",
    "info": "#1565c0",
}

_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#eef1f5;color:#1d2733}
header{background:#1f2d3d;color:#fff;padding:14px 22px}header h1{font-size:19px;margin:0}
header p{margin:4px 0 0;color:#c5d0dc;font-size:12.5px}
main{display:grid;grid-template-columns:repeat(24,1fr);gap:12px;padding:14px 22px}
section{background:#fff;border:1px solid #d5dbe3;border-radius:6px;padding:10px 12px;overflow:hidden}
h2{font-size:14.5px;margin:0 0 2px}.meta{color:#5b6877;font-size:11.5px;margin-bottom:6px}
pre{background:#f5f7fa;border:1px solid #e3e7ed;border-radius:4px;padding:6px;font-size:10.5px;
white-space:pre-wrap;overflow-wrap:anywhere;margin:0 0 8px;color:#2b3846}
table{border-collapse:collapse;width:100%;font-size:11.5px}th,td{border-bottom:1px solid #e6e9ee;
padding:3px 5px;text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f0f3f7;
white-space:nowrap}td.word{white-space:nowrap}td.none{color:#5b6877}
.bar{display:flex;align-items:center;margin:3px 0;font-size:12px}.label{width:38%;padding-right:6px;
word-break:break-all}.track{flex:1;display:flex;background:#f0f3f7;border-radius:3px;min-height:18px}
.seg{color:#fff;font-size:10.5px;padding:1px 4px;white-space:nowrap;overflow:hidden}
.value{width:42px;text-align:right;font-weight:600}.empty{color:#5b6877;font-style:italic}
"""

Layout = dict[str, tuple[tuple[int, int], tuple[int, int]]]


def render(
    results: Sequence[tuple[Chart, list[dict[str, str]]]], layout: Layout, title: str, note: str
) -> str:
    """The page: `results` pairs each chart with the rows its query returned."""
    panels = "\n".join(_panel(chart, rows, layout[chart.name]) for chart, rows in results)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(note)}</p></header>"
        f"<main>{panels}</main></body></html>\n"
    )


def _panel(chart: Chart, rows: list[dict[str, str]], place: tuple[tuple[int, int], tuple[int, int]]) -> str:
    (x, y), (width, height) = place
    style = f"grid-column:{x + 1}/span {width};grid-row:{y + 1}/span {height}"
    days = f"last {chart.days} days" if chart.days * DAY > DAY else "last day"
    meta = f"{chart.name} · {chart.kind} · {days} · {len(rows)} row{'s' if len(rows) != 1 else ''}"
    body = _bars(chart, rows) if chart.kind == "barpro" else _table(rows)
    return (
        f'<section style="{style}"><h2>{escape(chart.display)}</h2><div class="meta">{escape(meta)}</div>'
        f"<pre>{escape(chart.query)}</pre>{body}</section>"
    )


def _table(rows: list[dict[str, str]]) -> str:
    if not rows:
        return '<p class="empty">no rows</p>'
    columns = list(rows[0])
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    cells = "".join("<tr>" + "".join(_cell(r.get(c)) for c in columns) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>"


def _cell(value: str | None) -> str:
    """One value as the console's table shows it: "-" for nothing (a query's null, or the empty
    region of an account finding), an id or a time kept on one line, long text cut at `_LIMIT`."""
    if value is None or value in ("", "null"):
        return '<td class="none">-</td>'
    if len(value) <= _WORD and "  " not in value:
        return f'<td class="word">{escape(value)}</td>'
    return f"<td>{escape(_short(value))}</td>"


_WORD = 24  # an account id, a region, a time: never broken across lines
_LIMIT = 240


def _short(text: str, limit: int = _LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bars(chart: Chart, rows: list[dict[str, str]]) -> str:
    if not rows:
        return '<p class="empty">no rows</p>'
    value = chart.y[0]
    if "status" in rows[0] and chart.x:
        return _stacked(chart.x[0], value, rows)
    label = chart.x[0]
    top = max(_number(r.get(value)) for r in rows) or 1
    out = []
    for row in rows:
        n = _number(row.get(value))
        seg = f'<span class="seg" style="width:{100 * n / top:.1f}%;background:#3f6fb5"></span>'
        out.append(_bar(row.get(label, ""), seg, n))
    return "".join(out)


def _stacked(label: str, value: str, rows: list[dict[str, str]]) -> str:
    """One bar per `label` (a day), a named segment per status."""
    groups: dict[str, list[tuple[str, float]]] = {}
    for row in rows:
        groups.setdefault(row.get(label, ""), []).append((row.get("status", ""), _number(row.get(value))))
    top = max(sum(n for _, n in parts) for parts in groups.values()) or 1
    out = []
    for key, parts in groups.items():
        segs = "".join(
            f'<span class="seg" style="width:{100 * n / top:.1f}%;background:{STATUS_COLOURS.get(s, "#546e7a")}">'
            f"{escape(s)} {n:g}</span>"
            for s, n in parts
        )
        out.append(_bar(key, segs, sum(n for _, n in parts)))
    return "".join(out)


def _bar(label: str, segments: str, total: float) -> str:
    return (
        f'<div class="bar"><span class="label">{escape(label)}</span>'
        f'<span class="track">{segments}</span><span class="value">{total:g}</span></div>'
    )


def _number(text: str | None) -> float:
    try:
        return float(text or 0)
    except ValueError:
        return 0.0
