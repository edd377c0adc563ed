"""ActionTrail 2020-07-06 through the official SDK: DescribeRegions, DescribeTrails (verbatim items)."""

from __future__ import annotations

import threading
from typing import Any

from ._openapi import call_rpc, make_config
from .calls import CallError, is_retryable
from .credentials import Credentials

VERSION = "2020-07-06"


def endpoint(region: str) -> str:
    return f"actiontrail.{region}.aliyuncs.com"


class ActionTrailAdapter:
    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _client(self, region: str) -> Any:
        with self._lock:
            client = self._clients.get(region)
            if client is None:
                from alibabacloud_actiontrail20200706.client import Client

                client = Client(make_config(self._credentials, region, endpoint(region)))
                self._clients[region] = client
            return client

    def describe_regions(self, region: str, timeout: float) -> list[str]:
        """Region ids ActionTrail serves (asked in `region`)."""
        body = call_rpc(self._client(region), "DescribeRegions", VERSION, None, timeout)
        regions = body.get("Regions")
        items = regions.get("Region") if isinstance(regions, dict) else regions
        if not isinstance(items, list):
            raise CallError("DescribeRegions", "MalformedResponse", "no Regions.Region list in the answer")
        out: list[str] = []
        for item in items:
            region_id = item.get("RegionId") if isinstance(item, dict) else None
            if isinstance(region_id, str) and region_id not in out:
                out.append(region_id)
        return out

    def describe_trails(self, region: str, timeout: float) -> list[dict[str, Any]]:
        """DescribeTrails in `region` with shadow and organization trails: TrailList items verbatim."""
        body = call_rpc(
            self._client(region),
            "DescribeTrails",
            VERSION,
            {"IncludeShadowTrails": True, "IncludeOrganizationTrail": True},
            timeout,
        )
        if "TrailList" not in body:
            # Not "no trails" (that is `"TrailList": []`): an answer without the list would
            # otherwise read as an account without any trail, an `alarm` instead of an `error`.
            code = body.get("Code")
            raise CallError(
                "DescribeTrails",
                code if isinstance(code, str) and code else "MalformedResponse",
                str(body.get("Message") or "the answer has no TrailList")[:500],
                None,
                is_retryable(code if isinstance(code, str) else None, None),
            )
        trails = body["TrailList"]
        if trails is None:
            trails = []
        if not isinstance(trails, list) or not all(isinstance(t, dict) and t.get("Name") for t in trails):
            raise CallError("DescribeTrails", "MalformedResponse", "TrailList is not a list of named trails")
        return trails
