"""Failed API calls recorded in a snapshot become `error` findings: a scan that could not see
everything says so, instead of letting missing data read as "no alert" or "no trail"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..aliyun import sls_logstore_arn, sls_project_arn
from ..findings import Finding, ScanErrorEvidence
from ..inventory import Inventory, ScanError

SCAN_ERROR = "SCAN_ERROR"
ACTIONTRAIL_APIS = ("DescribeTrails", "DescribeRegions", "GetTrailStatus", "GetCallerIdentity")


@dataclass(frozen=True)
class FailedCall:
    """A call that failed while collecting, and the region whose listing recorded it."""

    region: str
    error: ScanError


def failed_calls(inventory: Inventory) -> list[FailedCall]:
    """Every failed call of the scan, region by region in snapshot order."""
    return [
        FailedCall(region, error)
        for region, region_inventory in inventory.regions.items()
        for error in region_inventory.errors
    ]


def error_resource(account_id: str, region: str, error: ScanError) -> str:
    if error.project and error.logstore:
        return sls_logstore_arn(region, account_id, error.project, error.logstore)
    if error.project:
        return sls_project_arn(region, account_id, error.project)
    service = "actiontrail" if error.api in ACTIONTRAIL_APIS else "log"
    return f"acs:{service}:{region}:{account_id}:*"


def error_reason(region: str, error: ScanError) -> str:
    where = f"project {error.project} in {region}" if error.project else region or "every region"
    if error.logstore:
        where = f"logstore {error.logstore} of {where}"
    detail = f"{error.code}: {error.message}" if error.message else error.code
    return (
        f"{error.api} failed for {where} ({detail}); what it would have returned is missing, "
        "so verdicts that depend on it may be wrong"
    )


def error_findings(inventory: Inventory, profile: str) -> list[Finding]:
    return failed_call_findings(inventory.account_id, failed_calls(inventory), profile)


def failed_call_findings(account_id: str, calls: Iterable[FailedCall], profile: str) -> list[Finding]:
    """One `error` finding (scope `scan`) per failed call."""
    return [
        Finding(
            resource=error_resource(account_id, call.region, call.error),
            status="error",
            reason=error_reason(call.region, call.error),
            account_id=account_id,
            region=call.region or None,  # "": no region (a snapshot that lists none)
            profile=profile,
            scope="scan",
            reason_codes=[SCAN_ERROR],
            evidence=ScanErrorEvidence(
                api=call.error.api,
                code=call.error.code,
                message=call.error.message,
                project=call.error.project,
                logstore=call.error.logstore,
            ),
        )
        for call in calls
    ]
