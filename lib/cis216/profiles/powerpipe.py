"""The `powerpipe` profile: the reference query `cis_v200_2_16.sql`, row for row.

Each step names the part of the SQL it reproduces. Known weaknesses of the reference (region-only
matching, any one error code is enough, negated queries pass, no row without a trail) are kept on
purpose: this profile exists to be compared with Powerpipe. The `strict` profile fixes them.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Status
from ..inventory import Alert, Inventory, Trail
from .errors import error_findings
from .sqltext import ilike_contains_in_order, json_field_text, jsonb_text, pg_lower, pg_trim
from .strict.remediation import with_remediation

PROFILE = "powerpipe"

# alert_check: the error codes, each tried as `%event.errorCode%<code>%` (the quoted variants of
# the SQL, `%"event.errorCode":%"<code>%`, can only match where these already do). `Forbbiden`
# is the reference's own misspelling, kept for parity.
ERROR_CODE_PATTERNS = (
    "NoPermission",
    "Forbidden",
    "Forbbiden",
    "InvalidAccessKeyId",
    "InvalidSecurityToken",
    "SignatureDoesNotMatch",
    "InvalidAuthorization",
    "AccessForbidden",
    "NotAuthorized",
)


def query_text(query_obj: object) -> str | None:
    """coalesce(query_obj ->> 'Query', query_obj ->> 'query', query_obj::text)."""
    for key in ("Query", "query"):
        text = json_field_text(query_obj, key)
        if text is not None:
            return text
    return jsonb_text(query_obj)


def is_unauthorized_call_query(text: str) -> bool:
    """The two ilike groups of alert_check."""
    if not ilike_contains_in_order(text, "event.eventType", "ApiCall"):
        return False
    return any(ilike_contains_in_order(text, "event.errorCode", code) for code in ERROR_CODE_PATTERNS)


def alert_regions(inventory: Inventory) -> set[str]:
    """alert_check: the regions (as joined: trim(lower(region))) holding a qualifying alert."""
    regions: set[str] = set()
    # Accounts repeat a query on many alerts: each distinct text is matched once.
    judged: dict[str, bool] = {}
    for region, region_inventory in inventory.regions.items():
        joined = pg_trim(pg_lower(region))
        if joined in regions:
            continue  # one qualifying alert is all the join asks of a region
        if any(_qualifies(project.alerts, judged) for project in region_inventory.sls_projects.values()):
            regions.add(joined)
    return regions


def _qualifies(alerts: Iterable[Alert], judged: dict[str, bool]) -> bool:
    """Whether one of `alerts` is a qualifying one; `judged` memoises the verdict of each text."""
    for alert in alerts:
        if alert.status not in ("ENABLED", None) or alert.query_list is None:
            continue
        for text in _query_texts(alert.query_list):
            verdict = judged.get(text)
            if verdict is None:
                verdict = judged[text] = is_unauthorized_call_query(text)
            if verdict:
                return True
    return False


def _query_texts(query_list: Iterable[object]) -> Iterable[str]:
    for query_obj in query_list:
        text = query_text(query_obj)
        if text is not None:
            yield text


def _delivers(trail: Trail) -> bool:
    # actiontrail_check: status = 'Enable' and sls_project_arn is not null
    return trail.status == "Enable" and trail.sls_project_arn is not None


def matched_trail_names(rows: list[tuple[str, Trail]], regions_with_alert: set[str]) -> set[str]:
    """matched_pairs, reduced to what the final `exists` asks: which trail names have a pair."""
    names = set()
    for _, trail in rows:
        sls_region = trail.sls_region
        if not _delivers(trail) or sls_region is None or sls_region == "":
            continue
        if pg_trim(pg_lower(sls_region)) in regions_with_alert:
            names.add(trail.name)
    return names


def _concat(*parts: str | None) -> str | None:
    """SQL `||`: NULL as soon as any part is NULL."""
    if any(part is None for part in parts):
        return None
    return "".join(parts)  # type: ignore[arg-type]


def _row(trail: Trail, region: str, account_id: str, matched: bool) -> Finding:
    resource = _concat("acs:actiontrail:", trail.home_region, ":", account_id, ":actiontrail/", trail.name)
    status: Status
    if _delivers(trail) and matched:
        status = "ok"
        reason = _concat(
            trail.name,
            " is configured with ActionTrail enabled, delivering to SLS project in region ",
            trail.sls_region,
            ", and has an unauthorized API call monitoring alert configured",
        )
    elif _delivers(trail):
        status = "alarm"
        reason = _concat(
            trail.name,
            " is configured with ActionTrail enabled and delivering to SLS project in region ",
            trail.sls_region,
            ", but no unauthorized API call monitoring alert found in that region",
        )
    elif trail.status == "Enable":
        status = "alarm"
        reason = _concat(trail.name, " is enabled but not configured to deliver logs to SLS")
    else:
        status = "alarm"
        reason = _concat(trail.name, " is not enabled")
    return Finding(
        resource=resource,
        status=status,
        reason=reason,
        account_id=account_id,
        region=region,
        profile=PROFILE,
        scope="trail",
    )


def evaluate(inventory: Inventory) -> list[Finding]:
    """One finding per alicloud_action_trail row, then one `error` finding per failed call."""
    rows = [(region, trail) for region, ri in inventory.regions.items() for trail in ri.trails]
    matched = matched_trail_names(rows, alert_regions(inventory))
    findings = [_row(trail, region, inventory.account_id, trail.name in matched) for region, trail in rows]
    # The reference query has no remediation column: the fix is the benchmark's own, per alarm.
    return with_remediation(findings + error_findings(inventory, PROFILE), complete_query="")
