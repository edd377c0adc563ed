"""The findings store's SLS calls (`cis216 setup`): project, logstore, index, dashboard.

Through `aliyun-log-python-sdk`'s client as adapters/sls.py uses it (its own retry loop bypassed,
errors classified into `CallError`), with the HTTP API's own bodies: the SDK's request models
drop or rename fields (an `IndexConfig` round trip loses keys it does not know, the dashboard
update reads only the name). A missing resource is `None`; every answer read is checked by a
model, as adapters/answers.py checks the scan's.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .answers import SLS_ERROR, GetIndexAnswer, read_answer
from .calls import Caller, CallError
from .credentials import Credentials
from .sls import _client_class, classify, host, url

NOT_FOUND = {
    "GetProject": ("ProjectNotExist",),
    "GetLogStore": ("LogStoreNotExist",),
    "GetIndex": ("IndexConfigNotExist", "IndexNotExist"),
    "GetDashboard": ("DashboardNotExist", "DashboardNotFound"),
}


class _Answer(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class GetProjectAnswer(_Answer):
    """`GET /` on the project's host: `{"projectName", "region", "status", "description", ...}`"""

    project_name: str = Field(alias="projectName", min_length=1)
    description: str = ""


class GetLogStoreAnswer(_Answer):
    """`GET /logstores/<name>`: `{"logstoreName", "ttl", "shardCount", "autoSplit", "maxSplitShard", ...}`"""

    logstore_name: str = Field(alias="logstoreName", min_length=1)
    ttl: int
    shard_count: int = Field(alias="shardCount")


class GetDashboardAnswer(_Answer):
    """`GET /dashboards/<name>`: `{"dashboardName", "displayName", "description", "charts": [...]}`"""

    dashboard_name: str = Field(alias="dashboardName", min_length=1)
    charts: list[Any] = Field(default_factory=list)


def is_already_there(error: CallError) -> bool:
    """Whether a create was refused because the thing exists (`ProjectAlreadyExist`,
    `LogStoreAlreadyExist` or the older `LogstoreAlreadyExist`, `IndexAlreadyExist`, ...)."""
    return "alreadyexist" in error.code.lower()


class StoreAdapter:
    """One region's SLS, for the findings store. Each call goes through `caller` (retries, timeout)."""

    def __init__(self, credentials: Credentials, region: str, caller: Caller, source: str = "cis216-setup"):
        self.region = region
        self.caller = caller
        creds = credentials
        self._client = _client_class()(
            url(region),
            creds.access_key_id,
            creds.access_key_secret,
            securityToken=creds.security_token,
            source=source,
        )
        self._client.set_user_agent("cis216-setup")

    # ---- reads: the answer checked, None when the resource does not exist -----------------------
    def get_project(self, project: str) -> GetProjectAnswer | None:
        body = self._read("GetProject", project, "/")
        return (
            None if body is None else read_answer(GetProjectAnswer, "GetProject", body, error_keys=SLS_ERROR)
        )

    def get_logstore(self, project: str, logstore: str) -> GetLogStoreAnswer | None:
        body = self._read("GetLogStore", project, f"/logstores/{logstore}")
        if body is None:
            return None
        return read_answer(GetLogStoreAnswer, "GetLogStore", body, error_keys=SLS_ERROR)

    def get_index(self, project: str, logstore: str) -> dict[str, Any] | None:
        body = self._read("GetIndex", project, f"/logstores/{logstore}/index")
        return (
            None if body is None else read_answer(GetIndexAnswer, "GetIndex", body, error_keys=SLS_ERROR).root
        )

    def get_dashboard(self, project: str, name: str) -> dict[str, Any] | None:
        body = self._read("GetDashboard", project, f"/dashboards/{name}")
        if body is None:
            return None
        read_answer(GetDashboardAnswer, "GetDashboard", body, error_keys=SLS_ERROR)
        assert isinstance(body, dict)  # read_answer accepts only an object
        return body

    # ---- writes ---------------------------------------------------------------------------------
    def create_project(self, project: str, description: str) -> None:
        body = {"projectName": project, "description": description, "resourceGroupId": ""}
        self._write("CreateProject", "POST", project, "/", body)

    def create_logstore(self, project: str, logstore: str, ttl: int, shards: int) -> None:
        body = {
            "logstoreName": logstore,
            "ttl": ttl,
            "shardCount": shards,
            "autoSplit": True,
            "maxSplitShard": max(8, shards),
            "appendMeta": True,
            "enable_tracking": False,
            "mode": "standard",  # the query mode cannot run SQL, which the dashboard needs
        }
        self._write("CreateLogStore", "POST", project, "/logstores", body)

    def create_index(self, project: str, logstore: str, index: dict[str, Any]) -> None:
        self._write("CreateIndex", "POST", project, f"/logstores/{logstore}/index", index)

    def update_index(self, project: str, logstore: str, index: dict[str, Any]) -> None:
        self._write("UpdateIndex", "PUT", project, f"/logstores/{logstore}/index", index)

    def create_dashboard(self, project: str, dashboard: dict[str, Any]) -> None:
        self._write("CreateDashboard", "POST", project, "/dashboards", dashboard)

    def update_dashboard(self, project: str, dashboard: dict[str, Any]) -> None:
        name = dashboard["dashboardName"]
        self._write("UpdateDashboard", "PUT", project, f"/dashboards/{name}", dashboard)

    # ---- plumbing -------------------------------------------------------------------------------
    def _read(self, api: str, project: str, resource: str) -> object | None:
        try:
            return self.caller.call(
                api, lambda timeout: self._send(api, "GET", project, resource, None, timeout)
            )
        except CallError as error:
            if error.code in NOT_FOUND[api]:
                return None
            raise

    def _write(self, api: str, method: str, project: str, resource: str, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.caller.call(api, lambda timeout: self._send(api, method, project, resource, data, timeout))

    def _send(
        self, api: str, method: str, project: str, resource: str, data: bytes | None, timeout: float
    ) -> object:
        headers = {"Content-Type": "application/json"}
        if data is not None:
            headers["x-log-bodyrawsize"] = str(len(data))
        self._client.timeout = max(0.5, timeout)
        try:
            answer, _headers = self._client._send(method, project, data, resource, {}, headers)
        except Exception as error:
            raise classify(api, host(self.region, project), error) from None
        return answer


# What SLS answers PutLogs with when the findings store is not there.
MISSING_STORE_CODES = ("ProjectNotExist", "LogStoreNotExist")


def missing_store_hint(code: str, project: str, logstore: str, region: str) -> str:
    """What to do when writing finds no findings store: the function never creates one."""
    if code not in MISSING_STORE_CODES:
        return ""
    return (
        f"; the findings store {project}/{logstore} does not exist in {region}: create it with "
        f"`cis216 setup --cloud real --apply --project {project} --logstore {logstore} --region {region}` "
        "(the function never creates resources)"
    )
