"""Function Compute 3.0 asynchronous invocation (the organisation scan's fan-out), signed and sent
by the OpenAPI core the other SDKs already bring (alibabacloud-tea-openapi), so the function needs no
FC SDK: the call is one ROA request, `POST /2023-03-30/functions/<name>/invocations` with
`x-fc-invocation-type: Async` and `x-fc-async-task-id`, answered 202.

FC refuses an async task id it has seen with 409: the invocation is queued already (a rerun of the
coordinator re-sends the same deterministic ids), which is "already_queued", not an error.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from ._openapi import classify, make_config
from .calls import CallError
from .credentials import Credentials

VERSION = "2023-03-30"
API = "InvokeFunction"
Dispatch = Literal["enqueued", "already_queued"]


def endpoint(account_id: str, region: str) -> str:
    """The account's own FC endpoint, as FC documents it for InvokeFunction."""
    return f"{account_id}.{region}.fc.aliyuncs.com"


def invoke_async(
    credentials: Credentials,
    region: str,
    account_id: str,
    function_name: str,
    payload: bytes,
    task_id: str,
    timeout: float,
) -> Dispatch:
    """Queue one asynchronous invocation of `function_name` with async task id `task_id`; raises
    CallError for anything but 202 (queued) and 409 (queued before)."""
    from alibabacloud_tea_openapi import utils_models as open_api_util_models
    from alibabacloud_tea_openapi.client import Client
    from darabonba.runtime import RuntimeOptions

    host = endpoint(account_id, region)
    params = open_api_util_models.Params(
        action=API,
        version=VERSION,
        protocol="HTTPS",
        pathname=f"/{VERSION}/functions/{quote(function_name, safe='')}/invocations",
        method="POST",
        auth_type="AK",
        style="ROA",
        req_body_type="json",
        body_type="binary",
    )
    headers = {"x-fc-invocation-type": "Async", "x-fc-async-task-id": task_id}
    request = open_api_util_models.OpenApiRequest(headers=headers, body=payload, stream=payload)
    millis = max(1, int(timeout * 1000))
    runtime = RuntimeOptions(autoretry=False, max_attempts=1, read_timeout=millis, connect_timeout=millis)
    try:
        answer = Client(make_config(credentials, region, host)).call_api(params, request, runtime)
    except Exception as error:
        failure = classify(API, host, error)
        if failure.status == 409:
            return "already_queued"
        raise failure from None
    status = answer.get("statusCode") if isinstance(answer, dict) else None
    if status != 202:
        raise CallError(
            API, "UnexpectedStatus", f"an asynchronous invocation answered {status}, not 202", status
        )
    return "enqueued"
