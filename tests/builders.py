"""One family of keyword-only builders of snapshot documents (the raw JSON cis216 reads), and the
small helpers the tests share.

Every builder returns a fresh plain dict. The defaults describe one compliant account, so a test
states only what differs:

- trail `main`, home cn-hangzhou, recording every region and every event into SLS project `audit`
  of its home region (so into logstore `audit/actiontrail_main`);
- alert `unauth` on that logstore, enabled, with Alibaba's template query, a 15-minute window run
  every 15 minutes, trigger `cnt > 0` and the built-in action policy: an effective alert;
- `snapshot()`: account ACCOUNT, one region (REGION) holding that trail and project `audit` with
  that alert.

Missing and empty are different answers (the reference SQL tells them apart): UNSET leaves a field
out, `""` or `None` writes it. `minimal=True` keeps only the fields the reference SQL reads (a trail's
Name, Status, HomeRegion and SlsProjectArn; an alert's name, status and configuration.queryList).
Any other API field passes through `**fields` verbatim, under its API name, and wins over a default.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any, Final

from cis216.aliyun import sls_project_arn, trail_logstore
from cis216.findings import Finding
from cis216.inventory import SNAPSHOT_VERSION, parse_inventory
from cis216.profiles import strict
from cis216.profiles.strict.decide import Decisions
from cis216.settings import CIS_REQUIRED_CODES, Settings
from tests.unit.profiles.schema_check import assert_fit_the_schema


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final[Any] = _Unset()
"""Leave the field out of the document (not the same as an empty or null value)."""

_DERIVED: Final[Any] = object()  # a default computed from the other arguments

ACCOUNT = "1234567890123456"
REGION = "cn-hangzhou"
PROJECT = "audit"
LOGSTORE = trail_logstore("main")  # where trail `main` delivers
COLLECTED_AT = "2026-11-29T02:00:00Z"
CODES = list(CIS_REQUIRED_CODES)


def ors(fmt: str, codes: Iterable[str] | None = None, op: str = " or ") -> str:
    """`fmt` filled with each code (default: every CIS code), joined by `op`."""
    return op.join(fmt.format(code) for code in (CODES if codes is None else codes))


# Alibaba's template: every required code, unquoted, so `X.*` is a wildcard.
TEMPLATE_QUERY = f"event.eventType: ApiCall and ({ors('event.errorCode: {}')}) | select count(1) as cnt"
# The CIS benchmark's text: quoted values, so `"X.*"` is a literal star and the families are missed.
CIS_TEXT_QUERY = (
    '"event.eventType": ApiCall and (' + ors('"event.errorCode": "{}"') + ") | select count(1) as cnt"
)
# Enough for the reference SQL (the event type and any one code), far too little for the strict profile.
ONE_CODE_QUERY = "event.eventType: ApiCall and event.errorCode: NoPermission"


def _present(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if value is not UNSET}


def trail(
    *,
    name: str = "main",
    status: Any = "Enable",
    home: Any = REGION,
    trail_region: Any = "All",
    region: Any = _DERIVED,
    event_rw: Any = "All",
    project: str | None = PROJECT,
    sls_region: str | None = None,
    account: str = ACCOUNT,
    sls_arn: Any = _DERIVED,
    organization: Any = False,
    minimal: bool = False,
    **fields: Any,
) -> dict[str, Any]:
    """A DescribeTrails item (PascalCase fields, as the API answers).

    `region` (the `Region` field) defaults to `home`. The SLS project ARN is built from `project`
    in `sls_region` (default: the home region, cn-hangzhou when the home is missing or empty) of
    `account`; `project=None` makes it empty (no SLS delivery); `sls_arn` sets it verbatim.
    `minimal=True` leaves out TrailRegion, Region, EventRW and IsOrganizationTrail.
    """
    if region is _DERIVED:
        region = home
    if sls_arn is _DERIVED:
        arn_region = sls_region or (home if isinstance(home, str) and home else REGION)
        sls_arn = sls_project_arn(arn_region, account, project) if project else ""
    doc: dict[str, Any] = {"Name": name, "Status": status, "HomeRegion": home}
    if not minimal:
        doc.update({"TrailRegion": trail_region, "Region": region, "EventRW": event_rw})
    doc["SlsProjectArn"] = sls_arn
    if not minimal:
        doc["IsOrganizationTrail"] = organization
    doc.update(fields)
    return _present(doc)


def query_entry(
    *,
    query: Any = TEMPLATE_QUERY,
    store: Any = LOGSTORE,
    store_type: Any = "log",
    start: Any = "-15m",
    end: Any = "now",
    project: str | None = None,
    region: str | None = None,
    legacy_store: bool = False,
    **fields: Any,
) -> dict[str, Any]:
    """One entry of an alert's configuration.queryList. `project` and `region` are stated only when
    given (unstated, SLS reads the alert's own); `legacy_store=True` names the store `logStore`."""
    entry: dict[str, Any] = {"query": query, "storeType": store_type, "start": start, "end": end}
    entry["logStore" if legacy_store else "store"] = store
    if project:
        entry["project"] = project
    if region:
        entry["region"] = region
    entry.update(fields)
    return _present(entry)


def alert(
    *,
    name: str = "unauth",
    status: Any = "ENABLED",
    query: Any = TEMPLATE_QUERY,
    store: Any = LOGSTORE,
    project: str | None = None,
    region: str | None = None,
    start: Any = "-15m",
    end: Any = "now",
    legacy_store: bool = False,
    queries: list[Any] | None = None,
    interval: str = "15m",
    schedule: dict[str, Any] | None = None,
    condition: str = "cnt > 0",
    count_condition: str = "",
    action_policy: str = "sls.app.actiontrail.builtin",
    alert_policy: str = "",
    mute_until: int = 0,
    config: dict[str, Any] | None = None,
    minimal: bool = False,
    **fields: Any,
) -> dict[str, Any]:
    """A ListAlerts item (camelCase fields, as the API answers).

    The query list is `queries` verbatim when given, else one `query_entry()` made of `query`,
    `store`, `project`, `region`, `start`, `end` and `legacy_store` (with `minimal=True`, just
    `{"query": query}`). `status=None` leaves the status out, as UNSET does. `config` is merged
    over the configuration. `minimal=True` leaves out displayName, type, schedule and every
    configuration key but queryList.
    """
    if queries is None:
        if minimal:
            queries = [{"query": query}]
        else:
            entry = query_entry(
                query=query,
                store=store,
                project=project,
                region=region,
                start=start,
                end=end,
                legacy_store=legacy_store,
            )
            queries = [entry]
    doc: dict[str, Any] = {"name": name, "status": UNSET if status is None else status}
    if minimal:
        configuration: dict[str, Any] = {"queryList": queries}
    else:
        doc.update({"displayName": name, "type": "Alert"})
        doc["schedule"] = schedule or {"type": "FixedRate", "interval": interval}
        configuration = _effective_configuration(queries, condition, count_condition)
        configuration["policyConfiguration"]["alertPolicyId"] = alert_policy
        configuration["policyConfiguration"]["actionPolicyId"] = action_policy
        configuration["muteUntil"] = mute_until
    configuration.update(config or {})
    doc["configuration"] = configuration
    doc.update(fields)
    return _present(doc)


def _effective_configuration(queries: list[Any], condition: str, count_condition: str) -> dict[str, Any]:
    return {
        "version": "2.0",
        "type": "default",
        "queryList": queries,
        "severityConfigurations": [
            {"severity": 6, "evalCondition": {"condition": condition, "countCondition": count_condition}}
        ],
        "policyConfiguration": {
            "alertPolicyId": "",
            "actionPolicyId": "",
            "repeatInterval": "1h",
            "useDefault": False,
        },
        "threshold": 1,
        "muteUntil": 0,
    }


def scan_error(
    *,
    api: str,
    code: str,
    message: Any = UNSET,
    project: Any = UNSET,
    logstore: Any = UNSET,
    **fields: Any,
) -> dict[str, Any]:
    """A failed call as the collector records it in a region's `errors`."""
    doc = {"api": api, "project": project, "logstore": logstore, "code": code, "message": message}
    doc.update(fields)
    return _present(doc)


def region(
    *,
    trails: Any = (),
    alerts: Any = UNSET,
    project: str = PROJECT,
    logstores: Any = UNSET,
    errors: Any = UNSET,
    projects: Mapping[str, dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """One region of a snapshot: its `trails` (UNSET: no `trails` key), and, when `alerts` is given,
    SLS project `project` holding them (with `logstores` when given). `projects` adds more projects,
    each with no alerts and no logstores unless it says otherwise."""
    doc: dict[str, Any] = {"trails": UNSET if trails is UNSET else list(trails)}
    listed: dict[str, Any] = {}
    if alerts is not UNSET:
        listed[project] = _present({"alerts": list(alerts), "logstores": logstores})
    for name, extra in (projects or {}).items():
        listed[name] = {"alerts": [], "logstores": {}, **extra}
    if listed:
        doc["sls_projects"] = listed
    doc["errors"] = errors
    doc.update(fields)
    return _present(doc)


def document(
    *, regions: Mapping[str, Any], account: Any = ACCOUNT, collected_at: Any = COLLECTED_AT
) -> dict[str, Any]:
    """The snapshot document around exactly these `regions` (taken as they are)."""
    return _present(
        {"version": SNAPSHOT_VERSION, "account_id": account, "collected_at": collected_at, "regions": regions}
    )


def snapshot(
    *,
    trails: list[dict[str, Any]] | None = None,
    alerts: list[dict[str, Any]] | None = None,
    project: str = PROJECT,
    logstores: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    projects: Mapping[str, dict[str, Any]] | None = None,
    regions: Mapping[str, dict[str, Any]] | None = None,
    account: str = ACCOUNT,
) -> dict[str, Any]:
    """An account whose region REGION holds `trails` (None: one default `trail()`), project
    `project` with `alerts` (None: one default `alert()`) and `logstores`, the extra `projects`, and
    the scan `errors`. `regions` adds more regions, each completed with no trails, no projects and
    no errors unless it says otherwise."""
    home = region(
        trails=[trail()] if trails is None else trails,
        alerts=[alert()] if alerts is None else alerts,
        project=project,
        logstores=logstores or {},
        projects=projects,
        errors=errors or [],
    )
    listed = {REGION: home}
    for name, extra in (regions or {}).items():
        listed[name] = {"trails": [], "sls_projects": {}, "errors": [], **copy.deepcopy(extra)}
    return document(regions=listed, account=account)


# --- running the strict profile --------------------------------------------------------------------


def run_strict(doc: dict[str, Any], **settings: Any) -> list[Finding]:
    """The strict profile's findings on `doc`, each checked against docs/finding.schema.json."""
    findings = strict.evaluate(parse_inventory(doc), Settings(**settings))
    assert_fit_the_schema(findings)
    return findings


def decide_strict(doc: dict[str, Any], **settings: Any) -> Decisions:
    """The strict profile's decisions on `doc`, before any sentence is written."""
    return strict.decisions(parse_inventory(doc), Settings(**settings))


def account_finding(findings: list[Finding]) -> Finding:
    """The one account-scope finding."""
    (found,) = [f for f in findings if f.scope == "account"]
    return found


def trail_finding(findings: list[Finding], name: str = "main") -> Finding:
    """The one finding of trail `name`."""
    (found,) = [f for f in findings if f.scope == "trail" and f.resource.endswith(f"/{name}")]
    return found


# The names the strict-profile tests imported from their own builders module, kept so that tests
# written against it only need the new module path.
run = run_strict
account = account_finding
decide = decide_strict
