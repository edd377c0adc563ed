"""The findings dashboard `cis216 setup` creates: one chart per question a security team asks.

Every chart is an SLS query over the flat finding logs (adapters/writer.py, the findings contract):
a search part, then SQL over table `log`. "Now" means each account's latest scan: a scan writes
all its logs with one `__time__`, so a log is in its account's latest scan when its `__time__` is
the account's largest (a window function), and a trail deleted since does not linger. Muted
findings (accepted risk) are left out of the failing charts and shown in a chart of their own.

The console's current ("pro") chart shape is used (reference, section 5); chart titles are ids
(`^[0-9a-z][0-9a-z_-]{0,98}[0-9a-z]$`), what people read is `displayName`. tests run each query
through the emulator's SLS query support over stored findings and check its rows. That is
Trino semantics run by DuckDB, not a live SLS: window functions in sub-queries, `unnest` of a
`json_parse`d array and `"evidence.api"` leaf columns are documented SLS SQL but unverified here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DASHBOARD_NAME = "cis216-findings"
DAY = 86400

# The logs of each account's latest scan, with the columns the charts read.
_LATEST = (
    "(select account_id, region, scope, resource, status, reason_codes, remediation, muted, mute,"
    " __time__, max(__time__) over (partition by account_id) as latest from log)"
)
_NOT_MUTED = "coalesce(muted, 'false') <> 'true'"
# reason_codes is a JSON list ('["ALERT_DISABLED"]'); logs written before that were comma-joined.
_CODES = "coalesce(try(cast(json_parse(reason_codes) as array(varchar))), split(reason_codes, ','))"


@dataclass(frozen=True)
class Chart:
    name: str  # the chart's title: an id, unique in the dashboard
    display: str  # what the panel is headed with
    kind: str  # statpro | barpro | linepro | tablepro
    query: str
    days: int  # time range: the last `days` days
    x: tuple[str, ...] = ()
    y: tuple[str, ...] = ()

    def body(
        self, project: str, logstore: str, position: tuple[int, int], size: tuple[int, int]
    ) -> dict[str, Any]:
        start = f"-{self.days * DAY}s"
        return {
            "title": self.name,
            "type": self.kind,
            "search": {
                "logstore": logstore,
                "topic": "",
                "query": self.query,
                "start": start,
                "end": "now",
                "chartQueries": [
                    {
                        "name": "A",
                        "datasource": "logstore",
                        "project": project,
                        "logstore": logstore,
                        "query": self.query,
                        "tokenQuery": self.query,
                        "start": start,
                        "end": "now",
                    }
                ],
            },
            "display": {
                "displayName": self.display,
                "xPos": position[0],
                "yPos": position[1],
                "width": size[0],
                "height": size[1],
                "xAxis": list(self.x),
                "yAxis": list(self.y),
                "version": "2",
                "basicOptions": {"displayName": self.display},
                "queryOptionMap": {"A": {"xAxisKey": list(self.x), "yAxisKeys": list(self.y)}},
            },
            "action": {},
        }


CHARTS = (
    Chart(
        "in-alarm-now",
        "Accounts and trails in alarm now (latest scan, muted left out)",
        "barpro",
        "record: finding | select scope, count(distinct resource) as resources from "
        + _LATEST
        + f" where __time__ = latest and status = 'alarm' and {_NOT_MUTED} group by scope order by scope",
        days=2,
        x=("scope",),
        y=("resources",),
    ),
    Chart(
        "status-per-day",
        "Resources per status and day (30 days)",
        "barpro",
        "record: finding | select date_format(date_trunc('day', from_unixtime(__time__)), '%Y-%m-%d') as day,"
        " status, count(distinct resource) as resources group by day, status order by day, status limit 1000",
        days=30,
        x=("day",),
        y=("resources",),
    ),
    Chart(
        "failing-now",
        "What fails now, with its reason codes, since when, and the fix",
        "tablepro",
        "record: finding | select account_id, region, resource, reason_codes, remediation,"
        " from_unixtime(since) as failing_since, from_unixtime(last_seen) as last_evaluated from ("
        "select account_id, region, resource, max_by(status, __time__) as status,"
        " max_by(reason_codes, __time__) as reason_codes, max_by(remediation, __time__) as remediation,"
        " max_by(muted, __time__) as muted, max(__time__) as last_seen, max(latest) as latest,"
        " min(case when status = 'alarm' and __time__ > passed then __time__ end) as since from ("
        "select account_id, region, resource, status, reason_codes, remediation, muted, __time__,"
        " coalesce(max(case when status in ('ok', 'info', 'skip') then __time__ end)"
        " over (partition by resource), 0) as passed,"
        " max(__time__) over (partition by account_id) as latest from log)"
        " group by account_id, region, resource)"
        f" where last_seen = latest and status = 'alarm' and {_NOT_MUTED}"
        " order by failing_since, account_id, resource limit 1000",
        days=30,
    ),
    Chart(
        "top-reason-codes",
        "Top reason codes of what fails now",
        "barpro",
        "record: finding | select code, count(distinct resource) as resources from "
        + _LATEST
        + " as latest_logs,"
        " unnest(" + _CODES + ") as t(code)"
        f" where __time__ = latest and status = 'alarm' and {_NOT_MUTED} and code <> ''"
        " group by code order by resources desc, code limit 20",
        days=2,
        x=("code",),
        y=("resources",),
    ),
    Chart(
        "scan-coverage",
        "Scan coverage: what could not be read (latest scan), per API and region",
        "tablepro",
        "record: finding | select region, api, error, count(distinct resource) as failures from ("
        'select region, status, scope, resource, "evidence.api" as api, "evidence.code" as error, __time__,'
        " max(__time__) over (partition by account_id) as latest from log)"
        " where __time__ = latest and scope = 'scan' and status = 'error'"
        " group by region, api, error order by failures desc, region, api limit 100",
        days=2,
    ),
    Chart(
        "muted-findings",
        "Muted findings (accepted risk), shown apart",
        "tablepro",
        "record: finding | select account_id, resource, status,"
        " json_extract_scalar(mute, '$.justification') as justification,"
        " json_extract_scalar(mute, '$.expires') as expires from "
        + _LATEST
        + " where __time__ = latest and muted = 'true' order by account_id, resource limit 1000",
        days=2,
    ),
    Chart(
        "last-scans",
        "Last scan per account, and its verdict",
        "tablepro",
        "record: summary | select account_id, max_by(status, __time__) as verdict,"
        " from_unixtime(max(__time__)) as last_scan, max_by(scan_id, __time__) as scan_id"
        " group by account_id order by account_id limit 1000",
        days=7,
    ),
)

# Where each chart sits on the dashboard's 24-column grid: (x, y), (width, height).
LAYOUT = {
    "in-alarm-now": ((0, 0), (8, 6)),
    "status-per-day": ((8, 0), (16, 6)),
    "failing-now": ((0, 6), (24, 10)),
    "top-reason-codes": ((0, 16), (10, 8)),
    "scan-coverage": ((10, 16), (14, 8)),
    "muted-findings": ((0, 24), (14, 6)),
    "last-scans": ((14, 24), (10, 6)),
}


def dashboard_body(project: str, logstore: str, name: str = DASHBOARD_NAME) -> dict[str, Any]:
    """The dashboard as CreateDashboard/UpdateDashboard take it."""
    return {
        "dashboardName": name,
        "displayName": "cis216: unauthorized API call alerts (CIS 2.16)",
        "description": f"Findings of cis216 in {project}/{logstore}; made by cis216 setup",
        "attribute": {"type": "grid"},
        "charts": [chart.body(project, logstore, *LAYOUT[chart.name]) for chart in CHARTS],
    }


def differs(current: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether the dashboard SLS holds is not the one cis216 makes: what setup owns (its display
    name, description and charts, each with every field setup sets) must be there as set;
    whatever SLS adds beside it (fields it fills in on its own) is ignored, so that a dashboard
    SLS normalised is not rewritten on every run."""
    return any(
        not holds(current.get(key), wanted.get(key)) for key in ("displayName", "description", "charts")
    )


def holds(current: object, wanted: object) -> bool:
    """Whether `current` has everything `wanted` has: objects key by key (extra keys allowed),
    lists item by item (same length, same order), anything else equal."""
    if isinstance(wanted, dict):
        return isinstance(current, dict) and all(holds(current.get(k), v) for k, v in wanted.items())
    if isinstance(wanted, list):
        return (
            isinstance(current, list)
            and len(current) == len(wanted)
            and all(holds(c, w) for c, w in zip(current, wanted, strict=True))
        )
    return current == wanted
