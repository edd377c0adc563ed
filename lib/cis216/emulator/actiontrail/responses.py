"""ActionTrail request handlers: read the query, ask the backend, answer the API's shape."""

from __future__ import annotations

from typing import Any

from ..context import CallContext
from ..errors import ServiceError
from ..regions import LOCAL_NAMES
from .backend import ActionTrailBackend

Context = CallContext[ActionTrailBackend]


def _flag(ctx: Context, name: str) -> bool:
    return ctx.query.get(name, "false").lower() == "true"


def describe_trails(ctx: Context) -> dict[str, Any]:
    names = ctx.query.get("NameList")
    trails = ctx.backend.describe(
        ctx.account,
        ctx.region or "",
        include_shadow=_flag(ctx, "IncludeShadowTrails"),
        include_org=_flag(ctx, "IncludeOrganizationTrail"),
        names=names.split(",") if names else None,
    )
    return {"TrailList": trails}


def describe_regions(ctx: Context) -> dict[str, Any]:
    regions = [
        {
            "RegionId": region,
            "LocalName": LOCAL_NAMES.get(region, region),
            "RegionEndpoint": f"actiontrail.{region}.aliyuncs.com",
        }
        for region in ctx.backend.regions.of(ctx.account)
    ]
    return {"Regions": {"Region": regions}}


def get_trail_status(ctx: Context) -> dict[str, Any]:
    """The fields of the real answer (RequestId comes with the protocol); a test sets others with
    the backend's `status_overrides` (or a snapshot's `trail_status`)."""
    name = ctx.query.get("Name", "")
    owner = ctx.account
    if _flag(ctx, "IsOrganizationTrail"):
        owner = ctx.backend.management_of.get(ctx.account, ctx.account)
    trail = ctx.backend.find(owner, name)
    if trail is None:
        raise ServiceError(404, "TrailNotFoundException", f"The trail {name} does not exist.")
    logging = trail.get("Status") == "Enable"
    answer: dict[str, Any] = {
        "IsLogging": logging,
        "LatestDeliveryError": "",
        "LatestDeliveryLogServiceError": "",
        "LatestDeliveryLogServiceTime": trail.get("UpdateTime", "") if logging else "",
        "LatestDeliveryTime": trail.get("UpdateTime", "") if logging else "",
        "StartLoggingTime": trail.get("StartLoggingTime", ""),
        "StopLoggingTime": trail.get("StopLoggingTime", ""),
        "SlsLogStoreStatus": bool(trail.get("SlsProjectArn")),
        "OssBucketStatus": bool(trail.get("OssBucketName")),
    }
    answer.update(ctx.backend.status_overrides.get((owner, name), {}))
    return answer
