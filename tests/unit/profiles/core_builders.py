"""Small builders of raw snapshot documents for the core tests."""

from __future__ import annotations

from typing import Any

from cis216.inventory import Inventory, parse_inventory

ACCOUNT = "1234567890123456"
GOOD_QUERY = "event.eventType: ApiCall and event.errorCode: NoPermission"
UNSET = object()
DEFAULT = object()


def snapshot(regions: dict[str, Any], account_id: str = ACCOUNT) -> dict[str, Any]:
    return {
        "version": 1,
        "account_id": account_id,
        "collected_at": "2026-11-29T02:00:00Z",
        "regions": regions,
    }


def arn(region: str, project: str = "actiontrail-central") -> str:
    return f"acs:log:{region}:{ACCOUNT}:project/{project}"


def trail(
    name: str = "t", status: Any = "Enable", home: Any = "cn-hangzhou", sls_arn: Any = DEFAULT, **extra: Any
) -> dict[str, Any]:
    """A DescribeTrails item; UNSET leaves a field out, DEFAULT delivers to SLS in the home region."""
    doc: dict[str, Any] = {"Name": name}
    if status is not UNSET:
        doc["Status"] = status
    if home is not UNSET:
        doc["HomeRegion"] = home
    if sls_arn is DEFAULT:
        sls_arn = arn(home if isinstance(home, str) and home else "cn-hangzhou")
    if sls_arn is not UNSET:
        doc["SlsProjectArn"] = sls_arn
    doc.update(extra)
    return doc


def alert(
    query_list: Any = UNSET, status: Any = "ENABLED", name: str = "unauth", **extra: Any
) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": name}
    if status is not UNSET:
        doc["status"] = status
    if query_list is UNSET:
        query_list = [{"query": GOOD_QUERY}]
    doc["configuration"] = {"queryList": query_list}
    doc.update(extra)
    return doc


def region(
    trails: list | None = None, alerts: list | None = None, project: str = "actiontrail-central", **extra: Any
) -> dict[str, Any]:
    doc: dict[str, Any] = {"trails": trails or []}
    if alerts is not None:
        doc["sls_projects"] = {project: {"alerts": alerts}}
    doc.update(extra)
    return doc


def inventory(regions: dict[str, Any]) -> Inventory:
    return parse_inventory(snapshot(regions))
