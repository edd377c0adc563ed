"""Snapshot builders for the strict-profile tests: one complete trail and one alert by default."""

from __future__ import annotations

import copy
from typing import Any

from cis216.findings import Finding
from cis216.inventory import parse_inventory
from cis216.profiles import strict
from cis216.profiles.strict.decide import Decisions
from cis216.settings import CIS_REQUIRED_CODES, Settings
from tests.unit.profiles.schema_check import assert_fit_the_schema

ACCOUNT = "1234567890123456"
REGION = "cn-hangzhou"
CODES = list(CIS_REQUIRED_CODES)


def ors(fmt: str, codes: list[str] | None = None, op: str = " or ") -> str:
    return op.join(fmt.format(c) for c in (codes or CODES))


TEMPLATE_QUERY = f"event.eventType: ApiCall and ({ors('event.errorCode: {}')}) | select count(1) as cnt"
CIS_TEXT_QUERY = (
    '"event.eventType": ApiCall and (' + ors('"event.errorCode": "{}"') + ") | select count(1) as cnt"
)


def trail(
    name: str = "main",
    *,
    status: str = "Enable",
    trail_region: str = "All",
    event_rw: str = "All",
    home: str = REGION,
    project: str | None = "audit",
    sls_region: str | None = None,
    account: str = ACCOUNT,
    **extra: Any,
) -> dict[str, Any]:
    arn = f"acs:log:{sls_region or home}:{account}:project/{project}" if project else ""
    return {
        "Name": name,
        "Status": status,
        "HomeRegion": home,
        "TrailRegion": trail_region,
        "Region": home,
        "EventRW": event_rw,
        "SlsProjectArn": arn,
        "IsOrganizationTrail": False,
        **extra,
    }


def alert(
    name: str = "unauth",
    *,
    query: str | None = TEMPLATE_QUERY,
    store: str | None = "actiontrail_main",
    project: str | None = None,
    region: str | None = None,
    status: str | None = "ENABLED",
    interval: str = "15m",
    start: str = "-15m",
    end: str = "now",
    condition: str = "cnt > 0",
    count_condition: str = "",
    action_policy: str = "sls.app.actiontrail.builtin",
    alert_policy: str = "",
    mute_until: int = 0,
    legacy_store: bool = False,
    schedule: dict | None = None,
    config: dict | None = None,
    queries: list | None = None,
    **extra: Any,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"query": query, "storeType": "log", "start": start, "end": end}
    entry["logStore" if legacy_store else "store"] = store
    if project:
        entry["project"] = project
    if region:
        entry["region"] = region
    configuration: dict[str, Any] = {
        "version": "2.0",
        "type": "default",
        "queryList": queries if queries is not None else [entry],
        "severityConfigurations": [
            {"severity": 6, "evalCondition": {"condition": condition, "countCondition": count_condition}}
        ],
        "policyConfiguration": {
            "alertPolicyId": alert_policy,
            "actionPolicyId": action_policy,
            "repeatInterval": "1h",
            "useDefault": False,
        },
        "threshold": 1,
        "muteUntil": mute_until,
    }
    configuration.update(config or {})
    doc = {
        "name": name,
        "displayName": name,
        "type": "Alert",
        "schedule": schedule or {"type": "FixedRate", "interval": interval},
        "configuration": configuration,
        **extra,
    }
    if status is not None:
        doc["status"] = status
    return doc


def snapshot(
    trails: list[dict] | None = None,
    alerts: list[dict] | None = None,
    *,
    project: str = "audit",
    regions: dict[str, dict] | None = None,
    errors: list[dict] | None = None,
    logstores: dict | None = None,
    projects: dict[str, dict] | None = None,
) -> dict[str, Any]:
    """One region holding the trails and project `project` with `alerts` (defaults: one of each)."""
    base_region = {
        "trails": [trail()] if trails is None else trails,
        "sls_projects": {
            project: {"alerts": [alert()] if alerts is None else alerts, "logstores": logstores or {}}
        },
        "errors": errors or [],
    }
    for name, extra in (projects or {}).items():
        base_region["sls_projects"][name] = {"alerts": [], "logstores": {}, **extra}
    doc = {
        "version": 1,
        "account_id": ACCOUNT,
        "collected_at": "2026-11-29T02:00:00Z",
        "regions": {REGION: base_region},
    }
    for name, region in (regions or {}).items():
        doc["regions"][name] = {"trails": [], "sls_projects": {}, "errors": [], **copy.deepcopy(region)}
    return doc


def run(doc: dict[str, Any], **settings: Any) -> list[Finding]:
    """The findings, each checked against docs/finding.schema.json on the way."""
    findings = strict.evaluate(parse_inventory(doc), Settings(**settings))
    assert_fit_the_schema(findings)
    return findings


def decide(doc: dict[str, Any], **settings: Any) -> Decisions:
    return strict.decisions(parse_inventory(doc), Settings(**settings))


def account(findings: list[Finding]) -> Finding:
    (found,) = [f for f in findings if f.scope == "account"]
    return found


def trail_finding(findings: list[Finding], name: str = "main") -> Finding:
    (found,) = [f for f in findings if f.scope == "trail" and f.resource.endswith(f"/{name}")]
    return found
