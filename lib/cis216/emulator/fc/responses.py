"""FC request handlers."""

from __future__ import annotations

import uuid

from ..context import CallContext
from ..errors import ServiceError
from .backend import FcBackend, Invocation

Context = CallContext[FcBackend]


def invoke_function(ctx: Context) -> tuple[int, dict[str, str], bytes]:
    name = ctx.params["function"]
    fc = ctx.backend
    if fc.functions is not None and name not in fc.functions:
        raise ServiceError(404, "FunctionNotFound", f"function '{name}' does not exist")
    headers = ctx.request.headers
    kind = headers.get("x-fc-invocation-type", "Sync")
    task_id = headers.get("x-fc-async-task-id")
    if (
        kind == "Async"
        and task_id
        and any(i.async_task_id == task_id and i.function == name for i in fc.invocations)
    ):
        # Async task ids are unique per function: a repeat is refused, as the service does.
        raise ServiceError(409, "AsyncTaskAlreadyExist", f"async task {task_id} already exists")
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
    fc.invocations.append(invocation)
    request_id = str(uuid.uuid4())
    if kind == "Async":
        answer_headers = {"x-fc-request-id": request_id}
        if task_id:
            answer_headers["x-fc-async-task-id"] = task_id
        return 202, answer_headers, b""
    body = fc.sync_handler(invocation) if fc.sync_handler else b""
    return 200, {"x-fc-request-id": request_id, "Content-Type": "application/octet-stream"}, body
