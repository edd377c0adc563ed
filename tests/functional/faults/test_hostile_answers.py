"""Hostile and malformed cloud answers, and the exact finding each must give (issue 12).

Each row changes what the emulated cloud answers for one sample account (mostly
`multi-region-trail`: `ok` through its multi-region trail `all-regions` and the alert
`unauth-calls` of project sh-audit, next to an unrelated alert `sh-5xx`), runs the FC handler's
scan, and pins the account finding and the finding of the trail the row is about (status and
reason codes), and the API an `error` finding must name. Whatever the answer holds, the scan
ends with its summary, writes every finding once and leaks no secret (invariants (d)-(f)).
Rows the product gets wrong today are xfail(strict) with their diagnosis.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from cis216.emulator import EmulatedCloud
from cis216.findings import Finding
from tests.functional.faults import invariants
from tests.functional.faults.harness import Outcome, run_scan
from tests.functional.faults.matrix import Case, accounts

Document = dict[str, Any]
ERROR_AND_MISSING = ("SCAN_ERROR", "ALERT_MISSING")


@dataclass(frozen=True)
class Expect:
    status: str | frozenset[str]  # a set: any of these (the design leaves the choice open)
    codes: tuple[str, ...] | None = None  # None: not pinned

    def check(self, finding: Finding | None, what: str) -> list[str]:
        if finding is None:
            return [f"{what}: no finding, expected {self.status} {self.codes}"]
        statuses = {self.status} if isinstance(self.status, str) else self.status
        codes = tuple(finding.reason_codes)
        if finding.status not in statuses or (self.codes is not None and codes != self.codes):
            return [f"{what}: {finding.status} {list(codes)}, expected {self.status} {self.codes}"]
        return []


OK = Expect("ok", ())


@dataclass(frozen=True)
class Hostile:
    id: str
    verdict: Expect  # the account finding
    trail: tuple[str, Expect | None] | None = None  # (trail name, its finding; None: it has none)
    names_api: str | None = None  # an `error` finding must name this API
    change: Callable[[Document], None] = lambda doc: None  # on a copy of the account's snapshot
    prepare: Callable[[EmulatedCloud], None] | None = None  # on the seeded cloud
    account: str = "multi-region-trail"
    bug: str | None = None  # why it fails today (the xfail reason)


# ---- what the rows change ----------------------------------------------------------------------


def _alerts(doc: Document) -> list[dict[str, Any]]:
    alerts: list[dict[str, Any]] = doc["regions"]["cn-shanghai"]["sls_projects"]["sh-audit"]["alerts"]
    return alerts


def _cis(doc: Document) -> dict[str, Any]:
    [alert] = [a for a in _alerts(doc) if a["name"] == "unauth-calls"]
    return alert


def _other(doc: Document) -> dict[str, Any]:
    [alert] = [a for a in _alerts(doc) if a["name"] == "sh-5xx"]
    return alert


def _query(alert: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = alert["configuration"]["queryList"][0]
    return entry


def _nest(depth: int, which: Callable[[Document], dict[str, Any]]) -> Callable[[Document], None]:
    def change(doc: Document) -> None:
        entry = _query(which(doc))
        search, pipe = entry["query"].split(" | ", 1)
        entry["query"] = "(" * depth + search + ")" * depth + " | " + pipe

    return change


def _huge(which: Callable[[Document], dict[str, Any]]) -> Callable[[Document], None]:
    def change(doc: Document) -> None:
        entry = _query(which(doc))
        search, pipe = entry["query"].split(" | ", 1)
        padding = " or ".join(f"event.errorCode: Custom{n:06d}" for n in range(40_000))[:1_000_000]
        entry["query"] = f"{search} or {padding} | {pipe}"

    return change


def _set(which: Callable[[Document], dict[str, Any]], path: str, value: Any) -> Callable[[Document], None]:
    """`path` like "configuration.queryList.0.query" inside the chosen alert."""

    def change(doc: Document) -> None:
        node: Any = which(doc)
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value

    return change


def _replace_in_query(old: str, new: str) -> Callable[[Document], None]:
    def change(doc: Document) -> None:
        entry = _query(_cis(doc))
        assert old in entry["query"]
        entry["query"] = entry["query"].replace(old, new, 1)

    return change


def _every_copy_of_trail(name: str, **fields: Any) -> Callable[[Document], None]:
    def change(doc: Document) -> None:
        for region in doc["regions"].values():
            for trail in region["trails"]:
                if trail["Name"] == name:
                    for key, value in fields.items():
                        trail[key] = value(trail[key]) if callable(value) else value

    return change


def _add_project(region: str, name: str) -> Callable[[Document], None]:
    def change(doc: Document) -> None:
        doc["regions"][region]["sls_projects"][name] = {"alerts": [], "logstores": {}}

    return change


def _regions(*regions: str, unreachable: str | None = None) -> Callable[[EmulatedCloud], None]:
    """What DescribeRegions answers; `unreachable`: a region without an endpoint (every call to it
    times out connecting: the emulator answers any well-formed region id)."""

    def prepare(cloud: EmulatedCloud) -> None:
        cloud.set_regions(regions)
        if unreachable is not None:
            cloud.faults.add("connect_timeout", region=unreachable)

    return prepare


def _unreachable(region: str) -> Callable[[EmulatedCloud], None]:
    def prepare(cloud: EmulatedCloud) -> None:
        cloud.faults.add("connect_timeout", region=region)

    return prepare


MULTI_REGIONS = ("cn-hangzhou", "cn-shanghai", "eu-central-1")
NO_TRAIL_HERE: Document = {
    "version": 1,
    "account_id": "7890123456789012",
    "collected_at": "2026-11-29T02:00:00Z",
    "regions": {
        "cn-shanghai": {
            "trails": [
                {
                    "Name": "sh-only",
                    "Status": "Enable",
                    "HomeRegion": "cn-shanghai",
                    "TrailRegion": "cn-shanghai",
                    "EventRW": "All",
                    "SlsProjectArn": "",
                    "IsOrganizationTrail": False,
                }
            ],
            "sls_projects": {},
            "errors": [],
        }
    },
}
EMPTY: Document = {
    "version": 1,
    "account_id": "8901234567890123",
    "collected_at": "2026-11-29T02:00:00Z",
    "regions": {"cn-hangzhou": {"trails": [], "sls_projects": {}, "errors": []}},
}
ROWS = (
    # Deep nesting, huge strings: the damage stays with that alert.
    Hostile("deep-nesting-300-in-another-alert", OK, ("all-regions", OK), change=_nest(300, _other)),
    Hostile("deep-nesting-5000-in-another-alert", OK, ("all-regions", OK), change=_nest(5000, _other)),
    Hostile(
        "deep-nesting-300-in-the-covering-alert",
        Expect("info", ("ALERT_QUERY_UNVERIFIABLE",)),
        ("all-regions", Expect("info", ("ALERT_QUERY_UNVERIFIABLE",))),
        change=_nest(300, _cis),
    ),
    Hostile(
        "deep-nesting-300-in-the-covering-alert-other-trail",
        Expect("info", ("ALERT_QUERY_UNVERIFIABLE",)),
        ("eu-writes", Expect("info")),
        change=_nest(300, _cis),
    ),
    Hostile(
        "deep-nesting-300-in-a-trigger-condition",
        Expect("info", ("ALERT_CONDITION_UNVERIFIABLE",)),
        ("all-regions", Expect("info", ("ALERT_CONDITION_UNVERIFIABLE",))),
        change=_set(
            _cis,
            "configuration.severityConfigurations.0.evalCondition.condition",
            "(" * 300 + "cnt > 0" + ")" * 300,
        ),
    ),
    Hostile("query-of-1MB-in-another-alert", OK, ("all-regions", OK), change=_huge(_other)),
    Hostile(
        "query-of-1MB-in-the-covering-alert",
        Expect("info", ("ALERT_QUERY_UNVERIFIABLE",)),
        ("all-regions", Expect("info", ("ALERT_QUERY_UNVERIFIABLE",))),
        change=_huge(_cis),
    ),
    # Odd Unicode and control characters.
    Hostile(
        "zero-width-space-after-a-required-code",
        Expect("alarm", ("ALERT_QUERY_INCOMPLETE",)),
        ("all-regions", Expect("alarm", ("ALERT_QUERY_INCOMPLETE",))),
        change=_replace_in_query("NoPermission or", "NoPermission\u200b or"),
    ),
    Hostile(
        "control-characters-and-line-separator-in-a-query-value",
        OK,
        ("all-regions", OK),
        change=_replace_in_query(" | ", ' and not event.userAgent: "\x00\x1f\u2028" | '),
    ),
    Hostile(
        "nul-bidi-override-emoji-escape-in-alert-names",
        OK,
        ("all-regions", OK),
        change=lambda doc: _cis(doc).update(
            name="cis-\u202e\x00\U0001f4a5", displayName="\x07\x1b[31m红色\u202e"
        ),
    ),
    Hostile(
        "nul-in-the-alert-logstore",
        Expect("alarm", ("ALERT_WRONG_LOGSTORE",)),
        ("all-regions", Expect("alarm", ("ALERT_WRONG_LOGSTORE",))),
        change=_set(_cis, "configuration.queryList.0.store", "actiontrail_all-regions\x00"),
    ),
    # Wrong types: the alert cannot be read, which is a failed read of ListAlerts, not "no alert".
    *(
        Hostile(
            f"alert-{label}",
            Expect("error", ERROR_AND_MISSING),
            ("all-regions", Expect("error", ERROR_AND_MISSING)),
            names_api="ListAlerts",
            change=_set(_cis, path, value),
        )
        for label, path, value in (
            ("status-a-number", "status", 1),
            ("configuration-a-string", "configuration", "{}"),
            ("query-list-an-object", "configuration.queryList", {"query": "event.errorCode: NoPermission"}),
            ("query-a-number", "configuration.queryList.0.query", 42),
            ("query-region-a-number", "configuration.queryList.0.region", 123),
            ("severity-configurations-a-string", "configuration.severityConfigurations", "cnt > 0"),
        )
    ),
    Hostile(
        "alert-schedule-null",
        Expect("info", ("ALERT_SCHEDULE_UNVERIFIABLE",)),
        ("all-regions", Expect("info", ("ALERT_SCHEDULE_UNVERIFIABLE",))),
        change=_set(_cis, "schedule", None),
    ),
    Hostile(
        "trail-region-a-list",
        Expect("error", ("SCAN_ERROR", "TRAIL_NOT_ALL_REGIONS", "TRAIL_NOT_ALL_EVENTS", "ALERT_MISSING")),
        ("all-regions", None),
        names_api="DescribeTrails",
        change=_every_copy_of_trail("all-regions", TrailRegion=["All"]),
    ),
    Hostile(
        "a-listed-project-name-sls-cannot-have",
        OK,
        ("all-regions", OK),
        names_api="ListProject",
        change=_add_project("cn-shanghai", "Bad_Project!"),
    ),
    # Unknown regions.
    Hostile(
        "describe-regions-lists-a-region-without-endpoint",
        OK,
        ("all-regions", OK),
        names_api="DescribeTrails",
        prepare=_regions(*MULTI_REGIONS, "xx-nowhere-1", unreachable="xx-nowhere-1"),
    ),
    Hostile(
        "describe-regions-lists-a-malformed-region-id",
        OK,
        ("all-regions", OK),
        names_api="DescribeRegions",
        prepare=_regions(*MULTI_REGIONS, "CN_HANGZHOU"),
    ),
    Hostile(
        "trail-delivers-to-a-misspelt-region",
        Expect("error", ERROR_AND_MISSING),
        # Its own ALERT_MISSING is an advisory: whether another feed covers the account is unknown.
        ("all-regions", Expect("error", ("SCAN_ERROR",))),
        names_api="ListProject",
        change=_every_copy_of_trail(
            "all-regions", SlsProjectArn=lambda arn: arn.replace("cn-shanghai", "cn-shanghia")
        ),
        prepare=_unreachable("cn-shanghia"),
    ),
    # Empty inventories.
    Hostile(
        "describe-regions-lists-nothing-multi-region-trail-seen-at-home",
        OK,
        ("all-regions", OK),
        names_api="DescribeRegions",
        prepare=_regions(),
    ),
    Hostile(
        "describe-regions-lists-nothing-the-only-trail-elsewhere",
        Expect("error", ("SCAN_ERROR", "NO_TRAIL")),
        names_api="DescribeRegions",
        prepare=_regions(),
        account="no-trail-here",
    ),
    Hostile(
        "describe-regions-lists-nothing-log-audit-elsewhere",
        Expect("error", ("SCAN_ERROR", "TRAIL_NOT_DELIVERING_TO_SLS")),
        ("oss-archive", Expect(frozenset({"error", "info"}))),
        names_api="DescribeRegions",
        prepare=_regions(),
        account="log-audit",
    ),
    Hostile("an-account-with-nothing", Expect("alarm", ("NO_TRAIL",)), account="empty"),
)

DOCUMENTS = {"no-trail-here": NO_TRAIL_HERE, "empty": EMPTY}


def _scan(row: Hostile) -> Outcome:
    document = copy.deepcopy(DOCUMENTS.get(row.account) or accounts()[row.account])
    row.change(document)
    return run_scan(document, prepare=row.prepare)


def _finding(outcome: Outcome, scope: str, name: str | None = None) -> Finding | None:
    for finding in outcome.findings:
        if finding.scope == scope and (name is None or (finding.resource or "").endswith(f"/{name}")):
            return finding
    return None


def _param(row: Hostile) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=row.bug)] if row.bug else []
    return pytest.param(row, id=row.id, marks=marks)


@pytest.mark.parametrize("row", [_param(row) for row in ROWS])
def test_hostile_answer(row: Hostile) -> None:
    outcome = _scan(row)
    case = Case(row.account, "-", row.id, "persistent", "every")  # names the row in (d)
    problems = [
        *invariants.no_crash(case, outcome),
        *invariants.logs_exact(outcome),
        *invariants.no_secret(outcome),
    ]
    problems += row.verdict.check(_finding(outcome, "account"), "account")
    if row.trail is not None:
        name, expected = row.trail
        trail = _finding(outcome, "trail", name)
        if expected is None:
            problems += [] if trail is None else [f"trail {name}: {trail.status}, expected no finding"]
        else:
            problems += expected.check(trail, f"trail {name}")
    if row.names_api is not None:
        errors = [f for f in outcome.findings if f.status == "error" and f.scope == "scan"]
        if not any(row.names_api in (f.reason or "") for f in errors):
            problems.append(f"no error finding names {row.names_api}: {[f.reason for f in errors]}")
    assert not problems, f"{row.id}:\n  " + "\n  ".join(problems)
