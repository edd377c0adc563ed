"""The page's look: its one stylesheet (inline, screen and print) and the status icons (inline SVG).

Every status is shown as icon + word + colour, so it reads without colour (print in black and
white, colour blindness). Nothing here loads anything: no font, no image, no script.
"""

from __future__ import annotations

# Content-Security-Policy of the page: nothing may load, only the inline stylesheet applies.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

STATUS_WORDS = {"error": "Error", "alarm": "Alarm", "info": "Info", "skip": "Skip", "ok": "OK"}

# The mark drawn in white on the status colour; stroke paths in a 16x16 box.
_MARKS = {
    "ok": "M4.5 8.5l2.3 2.3L11.5 5.8",
    "alarm": "M5.5 5.5l5 5M10.5 5.5l-5 5",
    "error": "M8 4.2v4.6M8 11.3v.4",
    "skip": "M4.8 8h6.4",
    "info": "M8 7.2v4.6M8 4.4v.4",
}


def icon(status: str) -> str:
    mark = _MARKS.get(status, _MARKS["info"])
    return (
        '<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">'
        f'<circle cx="8" cy="8" r="7.5"/><path d="{mark}"/></svg>'
    )


CSS = """
:root{--alarm:#b42318;--error:#b54708;--ok:#067647;--skip:#475467;--info:#175cd3;--muted:#6941c6;
--ink:#101828;--soft:#475467;--line:#d0d5dd;--bg:#f9fafb}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}h3{font-size:15px;margin:0}
h4{font-size:13px;margin:14px 0 6px;text-transform:uppercase;letter-spacing:.04em;color:var(--soft)}
.sub{color:var(--soft);margin:0 0 16px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0;
background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px}
dl.facts dt{color:var(--soft)}dl.facts dd{margin:0;overflow-wrap:anywhere}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f2f4f7;border:1px solid var(--line);
border-radius:6px;padding:8px 10px;margin:6px 0}
.strip{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}
.pill{display:inline-flex;align-items:center;gap:6px;padding:6px 12px;border-radius:999px;
border:2px solid currentColor;background:#fff;font-weight:600}
.pill b{font-size:16px}
.icon{width:16px;height:16px;flex:none;vertical-align:-3px}
.icon circle{fill:currentColor}.icon path{stroke:#fff;stroke-width:2;fill:none;stroke-linecap:round;
stroke-linejoin:round}
.st-alarm{color:var(--alarm)}.st-error{color:var(--error)}.st-ok{color:var(--ok)}
.st-skip{color:var(--skip)}.st-info{color:var(--info)}
.box{background:#fff;border:1px solid var(--line);border-left:6px solid var(--ok);border-radius:8px;
padding:12px 16px;margin:12px 0}
.box.partial{border-left-color:var(--error)}
.box ul{margin:6px 0 0;padding-left:20px}.box h2{margin-top:0}
.card{background:#fff;border:1px solid var(--line);border-left:6px solid currentColor;border-radius:8px;
padding:14px 16px;margin:14px 0;break-inside:avoid}
.card>*{color:var(--ink)}
.card h3{display:flex;gap:8px;align-items:flex-start;overflow-wrap:anywhere}
.verdict{display:inline-flex;gap:4px;align-items:center;font-weight:700;white-space:nowrap}
.card .st-alarm{color:var(--alarm)}.card .st-error{color:var(--error)}.card .st-ok{color:var(--ok)}
.card .st-skip{color:var(--skip)}.card .st-info{color:var(--info)}
.meta{color:var(--soft);margin:4px 0 8px;font-size:13px}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0}
.chip{font:600 11.5px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:1px 8px;
border-radius:4px;border:1px solid var(--line);background:#f2f4f7}
.chip.code{background:#fef3f2;border-color:#fda29b;color:#7a271a}
.chip.adv{background:#eff8ff;border-color:#b2ddff;color:#194185}
.chip.change{background:#f4f3ff;border-color:#d9d6fe;color:#3e1c96}
.path{display:flex;flex-wrap:wrap;gap:4px;align-items:center;margin:4px 0}
.path span.node{border:1px solid var(--line);border-radius:4px;padding:1px 8px;background:#f9fafb}
.path span.arrow{color:var(--soft)}
table{border-collapse:collapse;width:100%;margin:6px 0;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
th{color:var(--soft);font-weight:600;overflow-wrap:normal}table.kv th{width:30%}
table.alerts td{overflow-wrap:break-word}
mark{background:#fee4e2;color:#7a271a;outline:2px solid var(--alarm);border-radius:2px;padding:0 1px}
mark::before{content:"\\2192 ";font-weight:700}
.fix{border:1px solid #abefc6;background:#ecfdf3;border-radius:6px;padding:8px 12px;margin:8px 0}
.fix pre{background:#fff}
.mute{border:1px dashed var(--muted);border-radius:6px;padding:8px 12px;margin:8px 0;color:var(--muted)}
.mute.expired{border-color:var(--error);color:var(--error)}
details{margin:8px 0}summary{cursor:pointer;color:var(--soft)}
footer{color:var(--soft);font-size:12px;margin:32px 0 8px}
.empty{color:var(--soft);font-style:italic}
@media print{body{background:#fff;font-size:11px}main{max-width:none;padding:0}
.card,.box,.pill{print-color-adjust:exact;-webkit-print-color-adjust:exact}
details{display:none}h2{break-after:avoid}a{color:inherit;text-decoration:none}}
"""
