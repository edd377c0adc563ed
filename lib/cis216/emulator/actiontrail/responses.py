"""ActionTrail request handlers: read the query, ask the backend, answer the API's shape."""

from __future__ import annotations

from typing import Any

from ..context import CallContext
from ..errors import ServiceError
from ..regions import LOCAL_NAMES


def _flag(ctx: CallContext, name: str) -> bool:
    return ctx.query.get(name, "false").lower() == "true"


def describe_trails(ctx: CallContext) -> dict[str, Any]:
    names = ctx.query.get("NameList")
    trails = ctx.cloud.actiontrail.describe(
        ctx.account,
        ctx.region or "",
        include_shadow=_flag(ctx, "IncludeShadowTrails"),
        include_org=_flag(ctx, "IncludeOrganizationTrail"),
        names=names.split(",") if names else None,
    )
    return {"TrailList": trails}


def describe_regions(ctx: CallContext) -> dict[str, Any]:
    regions = [
        {
            "RegionId": region,
            "LocalName": LOCAL_NAMES.get(region, region),
            "RegionEndpoint": f"actiontrail.{region}.aliyuncs.com",
        }
        for region in ctx.cloud.regions_for(ctx.account)
    ]
    return {"Regions": {"Region": regions}}


def get_trail_status(ctx: CallContext) -> dict[str, Any]:
    name = ctx.query.get("Name", "")
    trail = ctx.cloud.actiontrail.find(ctx.account, name)
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
        "SlsLogStoreStatus": "enable" if trail.get("SlsProjectArn") else "",
        "OssBucketStatus": bool(trail.get("OssBucketName")),
    }
    answer.update(ctx.cloud.actiontrail.status_overrides.get((ctx.account, name), {}))
    return answer
