"""Synthetic accounts for the benchmark: snapshot documents in the shape of README, "Inventory snapshot".

Deterministic (seeded), no I/O. Two shapes:

* `scan_account()`: the account the scan benchmark seeds the emulator with (20 regions, 3 trails,
  50 projects holding alerts) and `minimum_calls()`, the calls the design cannot do without.
* `large_inventory()`: 10,000 trails and 100,000 alerts for the evaluation benchmark.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from cis216.aliyun import SLS_PAGE_SIZE, SlsProjectArn, log_audit_project, sls_project_arn, trail_logstore

ACCOUNT_ID = "1357924680135792"
COLLECTED_AT = "2026-11-29T02:00:00Z"

# 20 ActionTrail regions (the emulator's default list starts with these).
REGIONS: tuple[str, ...] = (
    "cn-qingdao",
    "cn-beijing",
    "cn-zhangjiakou",
    "cn-huhehaote",
    "cn-wulanchabu",
    "cn-hangzhou",
    "cn-shanghai",
    "cn-shenzhen",
    "cn-heyuan",
    "cn-guangzhou",
    "cn-chengdu",
    "cn-hongkong",
    "ap-southeast-1",
    "ap-southeast-3",
    "ap-southeast-5",
    "ap-northeast-1",
    "ap-northeast-2",
    "us-west-1",
    "us-east-1",
    "eu-central-1",
)

CIS_QUERY = (
    "event.eventType: ApiCall and (event.errorCode: NoPermission or event.errorCode: NoPermission.* "
    "or event.errorCode: Forbidden or event.errorCode: Forbidden.* or event.errorCode: InvalidAccessKeyId "
    "or event.errorCode: InvalidAccessKeyId.* or event.errorCode: InvalidSecurityToken "
    "or event.errorCode: InvalidSecurityToken.* or event.errorCode: SignatureDoesNotMatch "
    "or event.errorCode: InvalidAuthorization or event.errorCode: AccessForbidden "
    "or event.errorCode: NotAuthorized) | select count(1) as cnt"
)
# Queries real accounts hold besides the CIS one: partial, negated, unrelated.
OTHER_QUERIES = (
    "event.eventType: ApiCall and event.errorCode: NoPermission | select count(1) as cnt",
    "event.eventType: ApiCall and not event.errorCode: Forbidden.RAM | select count(1) as cnt",
    "status >= 500 | select count(1) as cnt",
    "* | select approx_distinct(client_ip) as ips",
    "event.eventName: ConsoleSignin and event.errorMessage: Failed | select count(1) as cnt",
    "level: ERROR and service: payment | select count(1) as errors",
)

DEFAULT_TOKENS = [
    ",",
    " ",
    "'",
    '"',
    ";",
    "=",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "?",
    "@",
    "&",
    "<",
    ">",
    "/",
    ":",
    "\n",
    "\t",
    "\r",
]


def actiontrail_index() -> dict[str, Any]:
    return {
        "ttl": 180,
        "max_text_len": 16384,
        "log_reduce": False,
        "line": {"token": list(DEFAULT_TOKENS), "caseSensitive": False, "chn": False},
        "keys": {
            "event": {
                "type": "json",
                "token": list(DEFAULT_TOKENS),
                "caseSensitive": False,
                "chn": False,
                "alias": "",
                "doc_value": True,
                "index_all": True,
                "max_depth": 3,
                "json_keys": {},
            },
            "__topic__": {"type": "text", "token": [], "caseSensitive": False, "doc_value": True},
        },
    }


def trail(
    name: str,
    home: str,
    sls_region: str | None,
    sls_project: str | None,
    *,
    account: str = ACCOUNT_ID,
    trail_region: str = "All",
    status: str = "Enable",
    event_rw: str = "All",
) -> dict[str, Any]:
    arn = sls_project_arn(sls_region, account, sls_project) if sls_region and sls_project else ""
    return {
        "Name": name,
        "Status": status,
        "HomeRegion": home,
        "TrailRegion": trail_region,
        "Region": home,
        "EventRW": event_rw,
        "IsOrganizationTrail": False,
        "OrganizationId": "",
        "CreateTime": "2025-03-02 10:11:12",
        "UpdateTime": "2026-10-01 08:00:00",
        "StartLoggingTime": "2025-03-02 10:11:12",
        "StopLoggingTime": "",
        "SlsProjectArn": arn,
        "SlsWriteRoleArn": f"acs:ram::{account}:role/aliyunactiontraildefaultrole" if arn else "",
        "OssBucketName": "",
        "OssBucketLocation": "",
        "OssKeyPrefix": "",
        "OssWriteRoleArn": "",
        "MaxComputeProjectArn": "",
        "TrailArn": f"acs:actiontrail:{home}:{account}:actiontrail/{name}",
    }


def alert(
    name: str,
    query: str,
    project: str,
    region: str,
    store: str,
    *,
    enabled: bool = True,
    threshold: int = 1,
    action_policy: str = "sls.app.actiontrail.builtin",
) -> dict[str, Any]:
    return {
        "name": name,
        "displayName": name.replace("_", " "),
        "description": "",
        "type": "Alert",
        "status": "ENABLED" if enabled else "DISABLED",
        "schedule": {"type": "FixedRate", "interval": "15m", "runImmediately": False, "delay": 0},
        "createTime": 1735689600,
        "lastModifiedTime": 1764000000,
        "configuration": {
            "version": "2.0",
            "type": "default",
            "dashboard": "internal-alert-analysis",
            "queryList": [
                {
                    "query": query,
                    "store": store,
                    "storeType": "log",
                    "project": project,
                    "region": region,
                    "start": "-30m",
                    "end": "now",
                    "timeSpanType": "Truncated",
                    "roleArn": "",
                    "chartTitle": "",
                    "dashboardId": "",
                    "powerSqlMode": "auto",
                }
            ],
            "groupConfiguration": {"type": "no_group", "fields": []},
            "joinConfigurations": [],
            "severityConfigurations": [
                {"severity": 6, "evalCondition": {"condition": "cnt > 0", "countCondition": ""}}
            ],
            "labels": [],
            "annotations": [{"key": "title", "value": name}],
            "autoAnnotation": True,
            "sendResolved": False,
            "threshold": threshold,
            "noDataFire": False,
            "noDataSeverity": 6,
            "muteUntil": 0,
            "policyConfiguration": {
                "alertPolicyId": "sls.builtin.dynamic",
                "actionPolicyId": action_policy,
                "repeatInterval": "1h",
                "useDefault": False,
            },
            "tags": [],
        },
    }


def _empty_regions(regions: Sequence[str]) -> dict[str, dict[str, Any]]:
    return {region: {"trails": [], "sls_projects": {}, "errors": []} for region in regions}


def scan_account(
    n_regions: int = 20, n_trails: int = 3, n_projects: int = 50, alerts_per_project: int = 4, seed: int = 216
) -> dict[str, Any]:
    """The scan benchmark's account.

    Trail i lives in region i and delivers to project `audit-<i>` in SLS region `sls_regions[i]`
    (three distinct regions). The first trail covers all regions (`TrailRegion: All`, so it also
    shows as a shadow trail in every other region's DescribeTrails answer, as the real API does with
    IncludeShadowTrails); the others cover their home region. The 50 projects (the trails' own
    included) are spread over the trails' SLS regions, each holding `alerts_per_project` alerts;
    one alert per trail project is the CIS query on that trail's logstore.
    """
    if n_regions > len(REGIONS):
        raise ValueError(f"at most {len(REGIONS)} regions")
    rng = random.Random(seed)
    regions = list(REGIONS[:n_regions])
    doc: dict[str, Any] = {
        "version": 1,
        "account_id": ACCOUNT_ID,
        "collected_at": COLLECTED_AT,
        "regions": _empty_regions(regions),
    }
    sls_regions = [regions[(5 + 3 * i) % n_regions] for i in range(n_trails)]  # cn-hangzhou, cn-heyuan, ...
    trails: list[dict[str, Any]] = []
    for i in range(n_trails):
        home = regions[(5 + i) % n_regions]
        t = trail(
            f"trail-{i:02d}", home, sls_regions[i], f"audit-{i:02d}", trail_region="All" if i == 0 else home
        )
        trails.append(t)
    for region in regions:
        for t in trails:
            if t["HomeRegion"] == region or t["TrailRegion"] in ("All", region):
                doc["regions"][region]["trails"].append(dict(t))
    # Projects: the trails' projects first, then others round-robin over the SLS regions.
    names: list[tuple[str, str]] = [(f"audit-{i:02d}", sls_regions[i]) for i in range(n_trails)]
    for j in range(n_projects - n_trails):
        names.append((f"app-{j:03d}-logs", sls_regions[j % len(sls_regions)]))
    for index, (project, region) in enumerate(names):
        trail_store = trail_logstore(f"trail-{index:02d}") if index < n_trails else None
        alerts = []
        for k in range(alerts_per_project):
            if trail_store and k == 0:
                query, store = CIS_QUERY, trail_store
            else:
                query, store = rng.choice(OTHER_QUERIES), trail_store or "app-logs"
            alerts.append(alert(f"alert_{index:03d}_{k}", query, project, region, store))
        entry: dict[str, Any] = {"alerts": alerts, "logstores": {}}
        if trail_store:
            entry["logstores"][trail_store] = {"index": actiontrail_index()}
        doc["regions"][region]["sls_projects"][project] = entry
    return doc


def _trail_targets(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(SLS region, project, logstore) of every trail that names an SLS project."""
    out = []
    for region in doc["regions"]:
        for t in doc["regions"][region]["trails"]:
            arn = SlsProjectArn.parse(t.get("SlsProjectArn"))
            if arn is not None:
                target = (arn.region, arn.project, trail_logstore(t["Name"]))
                if target not in out:
                    out.append(target)
    return out


def _status_targets(doc: dict[str, Any]) -> set[tuple[str, str, bool]]:
    """(home region, name, organization) of every enabled trail that names an SLS project: each is
    asked GetTrailStatus once (strict only)."""
    out = set()
    for region in doc["regions"]:
        for t in doc["regions"][region]["trails"]:
            if (
                str(t.get("Status") or "").lower() != "enable"
                or SlsProjectArn.parse(t.get("SlsProjectArn")) is None
            ):
                continue
            home = t.get("HomeRegion") or t.get("Region") or region
            out.add((home, t["Name"], str(t.get("IsOrganizationTrail")).lower() == "true"))
    return out


def _pages(items: int, page_size: int) -> int:
    return max(1, math.ceil(items / page_size))


def minimum_calls(
    doc: dict[str, Any],
    *,
    profile: str = "strict",
    page_size: int = SLS_PAGE_SIZE,
    put_logs_batch: int = 4096,
    findings: int = 0,
    regions_configured: bool = False,
    account_known: bool = True,
) -> dict[str, int]:
    """The calls a scan of `doc` cannot do without, per API (the call plan of shell/collect/account.py).

    DescribeRegions once (unless regions are configured); DescribeTrails once per region; ListProject
    (every page) in each SLS region a trail delivers to; ListAlerts (every page, at least one) for each
    project listed there. Strict only: GetTrailStatus once per enabled trail delivering to SLS,
    GetIndex once per distinct trail logstore, and one ListProject
    filtered to the Log Audit central project in every other scanned region (there is no way to know
    it is absent without asking). PutLogs once per batch of findings (+1 log: the account summary);
    GetCallerIdentity only when the account is not known from the FC context.
    """
    regions = list(doc["regions"])
    targets = _trail_targets(doc)
    sls_regions = sorted({region for region, _, _ in targets})
    list_project = 0
    list_alerts = 0
    for region in sls_regions:
        projects = doc["regions"].get(region, {}).get("sls_projects", {})
        list_project += _pages(len(projects), page_size)
        for entry in projects.values():
            list_alerts += _pages(len(entry.get("alerts", [])), page_size)
    calls = {
        "GetCallerIdentity": 0 if account_known else 1,
        "DescribeRegions": 0 if regions_configured else 1,
        "DescribeTrails": len(regions),
        "ListProject": list_project,
        "ListAlerts": list_alerts,
        "GetIndex": 0,
        "PutLogs": max(1, math.ceil((findings + 1) / put_logs_batch)),
    }
    if profile == "strict":
        calls["GetTrailStatus"] = len(_status_targets(doc))
        calls["GetIndex"] = len(targets)
        calls["ListProject"] += len([r for r in regions if r not in sls_regions])
        for region in regions:
            central = log_audit_project(doc["account_id"], region)
            entry = doc["regions"][region]["sls_projects"].get(central)
            if entry is not None and region not in sls_regions:
                calls["ListAlerts"] += _pages(len(entry.get("alerts", [])), page_size)
                calls["GetIndex"] += 1
    calls["total"] = sum(calls.values())
    return calls


def longest_chain(
    doc: dict[str, Any],
    *,
    page_size: int = SLS_PAGE_SIZE,
    put_logs_batch: int = 4096,
    findings: int = 0,
    regions_configured: bool = False,
    account_known: bool = True,
) -> int:
    """Calls on the longest chain of calls that depend on each other (the critical path).

    [GetCallerIdentity ->] [DescribeRegions ->] DescribeTrails -> ListProject first page [-> the other
    pages, all at once: the first page tells the total] -> ListAlerts first page [-> the other pages]
    -> PutLogs batches, one after the other (they need the evaluation, which needs everything).
    GetIndex hangs off DescribeTrails/ListProject and is never longer than the alert branch.
    """
    project_levels = 1
    alert_levels = 1
    for region in doc["regions"]:
        projects = doc["regions"][region]["sls_projects"]
        project_levels = max(project_levels, min(2, _pages(len(projects), page_size)))
        for entry in projects.values():
            alert_levels = max(alert_levels, min(2, _pages(len(entry.get("alerts", [])), page_size)))
    put_batches = max(1, math.ceil((findings + 1) / put_logs_batch))
    return (
        (0 if account_known else 1)
        + (0 if regions_configured else 1)
        + 1
        + project_levels
        + alert_levels
        + put_batches
    )


def large_inventory(
    n_trails: int = 10_000,
    n_alerts: int = 100_000,
    n_regions: int = 20,
    alerts_per_project: int = 100,
    seed: int = 1216,
) -> dict[str, Any]:
    """An account far beyond any real one: n_trails trails and n_alerts alerts over n_regions.

    Trails are spread evenly over the regions, a third of them delivering to their own project;
    alerts fill projects of `alerts_per_project`, one in fifty being the CIS query on a trail's logstore.
    """
    rng = random.Random(seed)
    regions = list(REGIONS[:n_regions])
    doc: dict[str, Any] = {
        "version": 1,
        "account_id": ACCOUNT_ID,
        "collected_at": COLLECTED_AT,
        "regions": _empty_regions(regions),
    }
    trail_sites: list[tuple[str, str, str]] = []  # (region, project, logstore)
    for i in range(n_trails):
        region = regions[i % n_regions]
        delivers = i % 3 == 0
        project = f"audit-{i:05d}" if delivers else None
        status = "Enable" if i % 7 else "Disable"
        doc["regions"][region]["trails"].append(
            trail(
                f"trail-{i:05d}",
                region,
                region if delivers else None,
                project,
                trail_region=region,
                status=status,
            )
        )
        if project:
            trail_sites.append((region, project, trail_logstore(f"trail-{i:05d}")))
    n_projects = math.ceil(n_alerts / alerts_per_project)
    made = 0
    for j in range(n_projects):
        if j < len(trail_sites):
            region, project, store = trail_sites[j]
        else:
            region, project, store = regions[j % n_regions], f"app-{j:05d}-logs", "app-logs"
        count = min(alerts_per_project, n_alerts - made)
        alerts = []
        for k in range(count):
            cis = (k % 50 == 0) and store.startswith("actiontrail_")
            query = CIS_QUERY if cis else rng.choice(OTHER_QUERIES)
            alerts.append(
                alert(f"alert_{j:05d}_{k:03d}", query, project, region, store, enabled=(k % 11 != 0))
            )
        made += count
        entry: dict[str, Any] = {"alerts": alerts, "logstores": {}}
        if store.startswith("actiontrail_"):
            entry["logstores"][store] = {"index": actiontrail_index()}
        doc["regions"][region]["sls_projects"][project] = entry
    # Trail projects beyond the alert-holding ones still exist (with no alerts).
    for region, project, store in trail_sites[n_projects:]:
        doc["regions"][region]["sls_projects"].setdefault(
            project, {"alerts": [], "logstores": {store: {"index": actiontrail_index()}}}
        )
    return doc


def counts(doc: dict[str, Any]) -> dict[str, int]:
    regions = doc["regions"].values()
    return {
        "regions": len(doc["regions"]),
        "trail_rows": sum(len(r["trails"]) for r in regions),
        "trails": len({t["Name"] for r in regions for t in r["trails"]}),
        "projects": sum(len(r["sls_projects"]) for r in regions),
        "alerts": sum(len(p["alerts"]) for r in regions for p in r["sls_projects"].values()),
    }
