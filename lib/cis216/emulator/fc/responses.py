"""FC request handlers."""

from __future__ import annotations

import re
import uuid

from ..context import CallContext
from ..errors import ServiceError
from .backend import ASYNC_PAYLOAD_LIMIT, FcBackend, Invocation

Context = CallContext[FcBackend]
# FC's rule for an async task id: a letter or `_` first, then letters, digits, `_` and `-`, 128 at most.
TASK_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$")


def invoke_function(ctx: Context) -> tuple[int, dict[str, str], bytes]:
    name = ctx.params["function"]
    fc = ctx.backend
    if fc.functions is not None and name not in fc.functions:
        raise ServiceError(404, "FunctionNotFound", f"function '{name}' does not exist")
    headers = ctx.request.headers
    kind = headers.get("x-fc-invocation-type", "Sync")
    task_id = headers.get("x-fc-async-task-id")
    if kind == "Async":
        _check_async(task_id, ctx.request.body)
    invocation = Invocation(
        account=ctx.account,
        region=ctx.region or "",
        function=name,
        qualifier=ctx.query.get("qualifier"),
        invocation_type=kind,
        async_task_id=task_id,
        body=ctx.request.body,
        headers={k: v for k, v in headers.items() if k.lower().startswith("x-fc-")},
    )
    if not fc.accept(invocation):
        # Async task ids are unique per function: a repeat is refused, as the service does.
        raise ServiceError(409, "AsyncTaskAlreadyExist", f"async task {task_id} already exists")
    request_id = str(uuid.uuid4())
    if kind == "Async":
        answer_headers = {"x-fc-request-id": request_id}
        if task_id:
            answer_headers["x-fc-async-task-id"] = task_id
        return 202, answer_headers, b""
    body = fc.sync_handler(invocation) if fc.sync_handler else b""
    return 200, {"x-fc-request-id": request_id, "Content-Type": "application/octet-stream"}, body


def _check_async(task_id: str | None, body: bytes) -> None:
    if task_id is not None and not TASK_ID.match(task_id):
        raise ServiceError(
            400,
            "InvalidArgument",
            f"async task id {task_id!r}: a letter or '_' first, then letters, digits, '_' or '-', "
            "at most 128 characters",
        )
    if len(body) > ASYNC_PAYLOAD_LIMIT:
        raise ServiceError(
            413,
            "EntityTooLarge",
            f"payload size {len(body)} bytes exceeds the asynchronous invocation limit of {ASYNC_PAYLOAD_LIMIT} bytes",
        )
