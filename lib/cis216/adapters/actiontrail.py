"""ActionTrail 2020-07-06 through the official SDK: DescribeRegions, DescribeTrails (verbatim items),
GetTrailStatus."""

from __future__ import annotations

import threading
from typing import Any

from ._openapi import call_rpc, make_config
from .answers import (
    RPC_ERROR,
    DescribeRegionsAnswer,
    DescribeTrailsAnswer,
    GetTrailStatusAnswer,
    read_answer,
)
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
        """Region ids ActionTrail serves (asked in `region`), each once, as answered: judging their
        shape is the collector's (it records the ones it cannot use)."""
        body = call_rpc(self._client(region), endpoint(region), "DescribeRegions", VERSION, None, timeout)
        answer = read_answer(DescribeRegionsAnswer, "DescribeRegions", body, error_keys=RPC_ERROR)
        return list(dict.fromkeys(item.region_id for item in answer.regions.region))

    def describe_trails(self, region: str, timeout: float) -> list[Any]:
        """DescribeTrails in `region` with shadow and organization trails: TrailList items verbatim
        (the collector types each one). An answer without a TrailList is an error, not "no trails":
        it would otherwise read as an account without any trail, an `alarm` instead of an `error`."""
        body = call_rpc(
            self._client(region),
            endpoint(region),
            "DescribeTrails",
            VERSION,
            {"IncludeShadowTrails": True, "IncludeOrganizationTrail": True},
            timeout,
        )
        return read_answer(DescribeTrailsAnswer, "DescribeTrails", body, error_keys=RPC_ERROR).trail_list

    def get_trail_status(
        self, region: str, name: str, timeout: float, *, organization: bool = False
    ) -> dict[str, Any]:
        """GetTrailStatus of trail `name`, asked in its home region `region`: the answer verbatim
        once its shape is checked (GetTrailStatusAnswer), without the RequestId."""
        query: dict[str, Any] = {"Name": name}
        if organization:
            query["IsOrganizationTrail"] = True
        body = call_rpc(self._client(region), endpoint(region), "GetTrailStatus", VERSION, query, timeout)
        read_answer(GetTrailStatusAnswer, "GetTrailStatus", body, error_keys=RPC_ERROR)
        assert isinstance(body, dict)  # read_answer accepts nothing else
        return {key: value for key, value in body.items() if key != "RequestId"}
