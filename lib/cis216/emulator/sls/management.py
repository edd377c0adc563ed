"""SLS calls that create and change the findings store: projects, logstores, indexes, dashboards.

They answer as SLS does (reference: /work/shared/reference/findings-outputs.md, section 1):
- a project name is unique per region across every account: CreateProject of a name another
  account holds is `ProjectAlreadyExist`, and that account's project stays invisible to GetProject
  (`ProjectNotExist`);
- `LogStoreAlreadyExist`, `IndexAlreadyExist` (400); a bad index body `IndexInfoInvalid`;
- a logstore just created may answer `LogStoreNotExist` for a few calls (eventual consistency:
  `SlsBackend.logstore_lag_calls`, 0 by default);
- dashboards: `DashboardAlreadyExist` / `DashboardNotExist` (the exact codes are unverified; the
  reference says to treat any `*AlreadyExist*` as "already there").
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from ...aliyun import is_logstore_name, is_project_name
from ..errors import ServiceError
from ..http import Answer, sls_request_id
from .backend import Logstore, Project
from .responses import Context, _logstore, _project

INDEX_TYPES = ("text", "long", "double", "json")
DASHBOARD_NAME = re.compile(r"[0-9a-z][0-9a-z_-]{0,126}[0-9a-z]")
CHART_TITLE = re.compile(r"[0-9a-z][0-9a-z_-]{0,98}[0-9a-z]")
MAX_DESCRIPTION = 64
_DESCRIPTION_FORBIDDEN = set("<>'\\\"")


def _done() -> Answer:
    return 200, {"x-log-requestid": sls_request_id(), "Content-Type": "application/json"}, b""


def _body(ctx: Context) -> dict[str, Any]:
    try:
        body = json.loads(ctx.request.body or b"{}")
    except ValueError:
        raise ServiceError(400, "PostBodyInvalid", "the body is not JSON") from None
    if not isinstance(body, dict):
        raise ServiceError(400, "PostBodyInvalid", "the body is not a JSON object")
    return body


def create_project(ctx: Context) -> Answer:
    body = _body(ctx)
    name = body.get("projectName")
    if not isinstance(name, str) or name != ctx.project:
        raise ServiceError(400, "ParameterInvalid", "projectName differs from the project of the Host")
    if not is_project_name(name):
        raise ServiceError(400, "ParameterInvalid", f"project name {name!r} is invalid")
    description = body.get("description", "")
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        raise ServiceError(400, "ParameterInvalid", f"description is at most {MAX_DESCRIPTION} characters")
    if _DESCRIPTION_FORBIDDEN & set(description):
        raise ServiceError(400, "ParameterInvalid", "description must not contain < > ' \\ \"")
    region = ctx.region or ""
    if ctx.backend.owner(region, name) is not None:  # ours or anyone's: names are global per region
        raise ServiceError(400, "ProjectAlreadyExist", f"Project {name} already exist")
    ctx.backend.create_project(ctx.account, region, name, description)
    return _done()


def _int(body: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = body.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ServiceError(400, "ParameterInvalid", f"{key} must be an integer in [{low}, {high}]")
    return value


def create_logstore(ctx: Context) -> Answer:
    project = _project(ctx)
    body = _body(ctx)
    name = body.get("logstoreName")
    if not isinstance(name, str) or not is_logstore_name(name):
        raise ServiceError(400, "ParameterInvalid", f"logstore name {name!r} is invalid")
    if name in project.logstores:
        raise ServiceError(400, "LogStoreAlreadyExist", f"logstore {name} already exists")
    store = Logstore(
        name,
        ttl=_int(body, "ttl", 30, 1, 3650),
        shard_count=_int(body, "shardCount", 2, 1, 256),
        auto_split=bool(body.get("autoSplit", True)),
        max_split_shard=_int(body, "maxSplitShard", 64, 1, 256),
        unseen_calls=ctx.backend.logstore_lag_calls,
    )
    project.logstores[name] = store
    return _done()


def _check_key(name: str, spec: object) -> None:
    if not isinstance(spec, dict):
        raise ServiceError(400, "IndexInfoInvalid", f"index key {name} is not an object")
    kind = spec.get("type")
    if kind not in INDEX_TYPES:
        raise ServiceError(
            400, "IndexInfoInvalid", f"index key {name}: type {kind!r} is not one of {INDEX_TYPES}"
        )
    token = spec.get("token", [])
    if not isinstance(token, list) or not all(isinstance(t, str) for t in token):
        raise ServiceError(400, "IndexInfoInvalid", f"index key {name}: token must be a list of strings")
    if kind == "json" and not isinstance(spec.get("json_keys", {}), dict):
        raise ServiceError(400, "IndexInfoInvalid", f"index key {name}: json_keys must be an object")


def checked_index(body: dict[str, Any]) -> dict[str, Any]:
    """The index body as SLS accepts it: a full-text `line` and/or field `keys`."""
    line, keys = body.get("line"), body.get("keys")
    if line is None and not keys:
        raise ServiceError(400, "IndexInfoInvalid", "the index has neither a full-text index nor keys")
    if line is not None and not isinstance(line, dict):
        raise ServiceError(400, "IndexInfoInvalid", "line is not an object")
    if keys is not None and not isinstance(keys, dict):
        raise ServiceError(400, "IndexInfoInvalid", "keys is not an object")
    lowered: set[str] = set()
    for name, spec in (keys or {}).items():
        if name.lower() in lowered:  # SLS key names are unique regardless of case
            raise ServiceError(400, "IndexInfoInvalid", f"index key {name} is given twice")
        lowered.add(name.lower())
        _check_key(name, spec)
    max_text_len = body.get("max_text_len", 2048)
    if not isinstance(max_text_len, int) or not 64 <= max_text_len <= 16384:
        raise ServiceError(400, "IndexInfoInvalid", "max_text_len must be in [64, 16384]")
    return copy.deepcopy(body)


def create_index(ctx: Context) -> Answer:
    store = _logstore(ctx)
    if store.index is not None:
        raise ServiceError(400, "IndexAlreadyExist", f"index of logstore {store.name} already exists")
    store.index = checked_index(_body(ctx))
    return _done()


def update_index(ctx: Context) -> Answer:
    store = _logstore(ctx)
    if store.index is None:
        raise ServiceError(
            404, "IndexConfigNotExist", f"index config of logstore {store.name} does not exist"
        )
    store.index = checked_index(_body(ctx))  # replaces the whole configuration
    return _done()


def _checked_dashboard(body: dict[str, Any]) -> dict[str, Any]:
    name = body.get("dashboardName")
    if not isinstance(name, str) or DASHBOARD_NAME.fullmatch(name) is None:
        raise ServiceError(400, "ParameterInvalid", f"dashboardName {name!r} is invalid")
    charts = body.get("charts", [])
    if not isinstance(charts, list):
        raise ServiceError(400, "ParameterInvalid", "charts must be a list")
    titles: set[str] = set()
    for chart in charts:
        title = chart.get("title") if isinstance(chart, dict) else None
        if not isinstance(title, str) or CHART_TITLE.fullmatch(title) is None:
            raise ServiceError(400, "ParameterInvalid", f"chart title {title!r} is invalid")
        if title in titles:
            raise ServiceError(400, "ParameterInvalid", f"chart title {title} is not unique")
        titles.add(title)
    return copy.deepcopy(body)


def _dashboard_named(project: Project, name: str) -> dict[str, Any]:
    found = project.dashboards.get(name)
    if found is None:
        raise ServiceError(404, "DashboardNotExist", f"dashboard {name} does not exist")
    return found


def create_dashboard(ctx: Context) -> Answer:
    project = _project(ctx)
    dashboard = _checked_dashboard(_body(ctx))
    name = dashboard["dashboardName"]
    if name in project.dashboards:
        raise ServiceError(400, "DashboardAlreadyExist", f"dashboard {name} already exists")
    project.dashboards[name] = dashboard
    return _done()


def get_dashboard(ctx: Context) -> dict[str, Any]:
    return copy.deepcopy(_dashboard_named(_project(ctx), ctx.params["dashboard"]))


def update_dashboard(ctx: Context) -> Answer:
    project = _project(ctx)
    name = ctx.params["dashboard"]
    _dashboard_named(project, name)
    dashboard = _checked_dashboard(_body(ctx))
    if dashboard["dashboardName"] != name:
        raise ServiceError(400, "ParameterInvalid", "dashboardName differs from the dashboard of the path")
    project.dashboards[name] = dashboard
    return _done()
