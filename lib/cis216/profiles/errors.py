"""Failed API calls recorded in a snapshot become `error` findings: a scan that could not see
everything says so, instead of letting missing data read as "no alert" or "no trail"."""

from __future__ import annotations

from ..findings import Finding
from ..inventory import Inventory, ScanError

SCAN_ERROR = "SCAN_ERROR"
ACTIONTRAIL_APIS = ("DescribeTrails", "DescribeRegions", "GetTrailStatus", "GetCallerIdentity")


def error_resource(account_id: str, region: str, error: ScanError) -> str:
    if error.project and error.logstore:
        return f"acs:log:{region}:{account_id}:project/{error.project}/logstore/{error.logstore}"
    if error.project:
        return f"acs:log:{region}:{account_id}:project/{error.project}"
    service = "actiontrail" if error.api in ACTIONTRAIL_APIS else "log"
    return f"acs:{service}:{region}:{account_id}:*"


def error_reason(region: str, error: ScanError) -> str:
    where = f"project {error.project} in {region}" if error.project else region
    if error.logstore:
        where = f"logstore {error.logstore} of {where}"
    detail = f"{error.code}: {error.message}" if error.message else error.code
    return (
        f"{error.api} failed for {where} ({detail}); what it would have returned is missing, "
        "so verdicts that depend on it may be wrong"
    )


def error_findings(inventory: Inventory, profile: str) -> list[Finding]:
    findings = []
    for region, region_inventory in inventory.regions.items():
        for error in region_inventory.errors:
            findings.append(
                Finding(
                    resource=error_resource(inventory.account_id, region, error),
                    status="error",
                    reason=error_reason(region, error),
                    account_id=inventory.account_id,
                    region=region,
                    profile=profile,
                    scope="scan",
                    reason_codes=[SCAN_ERROR],
                    evidence={
                        "api": error.api,
                        "code": error.code,
                        "message": error.message,
                        "project": error.project,
                        "logstore": error.logstore,
                    },
                )
            )
    return findings
