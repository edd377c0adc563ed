"""SLS request handlers. The project comes from the Host header, as the service reads it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..context import CallContext
from ..errors import ServiceError
from ..http import Answer, sls_request_id
from .backend import Logstore, Project, SlsBackend
from .getlogs import get_logs as query_logs
from .getlogs import get_logs_v2 as query_logs_v2
from .putlogs import decode_body

Context = CallContext[SlsBackend]


def _page(ctx: Context, items: Sequence[Any], max_size: int = 500) -> tuple[list[Any], int]:
    try:
        offset = int(ctx.query.get("offset", "0"))
        size = int(ctx.query.get("size", "100"))
    except ValueError:
        raise ServiceError(400, "ParameterInvalid", "offset and size must be integers") from None
    if offset < 0 or size < 0 or size > max_size:
        raise ServiceError(400, "ParameterInvalid", f"offset must be >= 0 and size in [0, {max_size}]")
    return list(items[offset : offset + size]), len(items)


def _project(ctx: Context) -> Project:
    if not ctx.project:
        raise ServiceError(400, "ProjectNotExist", "The request does not name a project in its Host.")
    project = ctx.backend.project(ctx.account, ctx.region or "", ctx.project)
    if project is None:
        raise ServiceError(404, "ProjectNotExist", f"Project {ctx.project} does not exist")
    return project


def _logstore(ctx: Context) -> Logstore:
    project = _project(ctx)
    name = ctx.params["logstore"]
    store = project.logstores.get(name)
    if store is not None and store.unseen_calls > 0:  # just created: not visible everywhere yet
        store.unseen_calls -= 1
        store = None
    if store is None:
        raise ServiceError(404, "LogStoreNotExist", f"logstore {name} does not exist")
    return store


def list_project(ctx: Context) -> dict[str, Any]:
    wanted = ctx.query.get("projectName") or ""
    projects = [p for p in ctx.backend.projects(ctx.account, ctx.region or "") if wanted in p.name]
    page, total = _page(ctx, projects)
    return {"count": len(page), "total": total, "projects": [p.listing() for p in page]}


def get_project(ctx: Context) -> dict[str, Any]:
    return _project(ctx).listing()


def list_logstores(ctx: Context) -> dict[str, Any]:
    wanted = ctx.query.get("logstoreName") or ""
    names = [name for name in _project(ctx).logstores if wanted in name]
    page, total = _page(ctx, names)
    return {"count": len(page), "total": total, "logstores": page}


def get_logstore(ctx: Context) -> dict[str, Any]:
    store = _logstore(ctx)
    return {
        "logstoreName": store.name,
        "ttl": store.ttl,
        "shardCount": store.shard_count,
        "autoSplit": store.auto_split,
        "maxSplitShard": store.max_split_shard,
        "enable_tracking": False,
        "appendMeta": True,
        "mode": "standard",
        "telemetryType": "None",
    }


def get_index(ctx: Context) -> dict[str, Any]:
    store = _logstore(ctx)
    if store.index is None:
        raise ServiceError(
            404, "IndexConfigNotExist", f"index config of logstore {store.name} does not exist"
        )
    return store.index


def list_jobs(ctx: Context) -> dict[str, Any]:
    # Only Alert jobs are emulated; another jobType lists nothing rather than alerts.
    alerts: list[dict[str, Any]] = []
    if ctx.query.get("jobType", "Alert") == "Alert":
        alerts = list(_project(ctx).alerts.values())
    page, total = _page(ctx, alerts)
    return {"count": len(page), "total": total, "results": page}


def _empty_ok() -> Answer:
    return 200, {"x-log-requestid": sls_request_id(), "Content-Type": "application/json"}, b""


def put_logs(ctx: Context) -> Answer:
    store = _logstore(ctx)
    logs = decode_body(ctx.request.body, ctx.request.headers, ctx.backend.putlogs_limits)
    store.logs.extend(logs)
    return _empty_ok()


def get_logs(ctx: Context) -> Answer:
    store = _logstore(ctx)
    return query_logs(store.logs, store.index, ctx.query)


def get_logs_v2(ctx: Context) -> Answer:
    store = _logstore(ctx)
    return query_logs_v2(store.logs, store.index, ctx.request.body)
