"""Shared plumbing for the RPC-style SDKs (ActionTrail, STS): build clients, call, classify errors.

`call_rpc` goes through the SDK client's own `call_api` with the same `Params` the generated
`*_with_options` methods use, but returns the answer's JSON body verbatim: the typed response
models would drop fields the model does not know, and the snapshot keeps what the API said.
"""

from __future__ import annotations

import json
from typing import Any

from .calls import CallError, is_retryable
from .credentials import Credentials


def make_config(credentials: Credentials, region: str, endpoint: str) -> Any:
    from alibabacloud_tea_openapi.utils_models import Config

    return Config(
        access_key_id=credentials.access_key_id,
        access_key_secret=credentials.access_key_secret,
        security_token=credentials.security_token,
        region_id=region,
        endpoint=endpoint,
        protocol="HTTPS",
    )


def _message(error: Any) -> str:
    data = getattr(error, "data", None)
    if isinstance(data, dict):
        for key in ("Message", "message", "errorMessage"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return value
    return str(getattr(error, "message", "") or "")[:500]


def classify(api: str, error: BaseException) -> CallError:
    """Turn whatever the tea/darabonba stack raised into a CallError."""
    from darabonba.exceptions import ResponseException
    from Tea.exceptions import UnretryableException

    if isinstance(error, CallError):
        return error
    if isinstance(error, ResponseException):
        status = getattr(error, "status_code", None)
        code = str(getattr(error, "code", None) or f"HTTP{status}")
        retryable = is_retryable(code, status) or type(error).__name__ == "ThrottlingException"
        return CallError(api, code, _message(error), status, retryable)
    inner = getattr(error, "inner_exception", None) if isinstance(error, UnretryableException) else error
    return classify_transport(api, inner if inner is not None else error)


def classify_transport(api: str, error: BaseException) -> CallError:
    import requests

    if type(error).__name__ == "RetryError":  # darabonba: any IOError of the transport, as text
        cause = error.__cause__ or error.__context__
        if (
            isinstance(cause, requests.Timeout)
            or "timeout" in str(error).lower()
            or "timed out" in str(error)
        ):
            return CallError(api, "Timeout", "no answer within the call timeout", None, True)
        return CallError(
            api, "ConnectionError", type(cause).__name__ if cause else "transport error", None, True
        )
    if isinstance(error, RuntimeError) and "parse the value as json" in str(error):
        return CallError(api, "MalformedResponse", "the answer is not valid JSON", None, False)
    if isinstance(error, requests.Timeout):
        return CallError(
            api, "Timeout", f"no answer within the call timeout ({type(error).__name__})", None, True
        )
    if isinstance(error, requests.ConnectionError):
        return CallError(api, "ConnectionError", type(error).__name__, None, True)
    if isinstance(error, (json.JSONDecodeError, ValueError, KeyError, TypeError)):
        return CallError(
            api, "MalformedResponse", f"the answer could not be read ({type(error).__name__})", None, False
        )
    return CallError(api, type(error).__name__, str(error)[:300], None, False)


def call_rpc(
    client: Any, action: str, version: str, query: dict[str, Any] | None, timeout: float
) -> dict[str, Any]:
    """One attempt of an RPC action; returns the JSON body; raises CallError."""
    from alibabacloud_tea_openapi import utils_models as open_api_util_models
    from alibabacloud_tea_openapi.utils import Utils
    from darabonba.runtime import RuntimeOptions

    params = open_api_util_models.Params(
        action=action,
        version=version,
        protocol="HTTPS",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    request = open_api_util_models.OpenApiRequest(query=Utils.query(query or {}))
    millis = max(1, int(timeout * 1000))
    runtime = RuntimeOptions(autoretry=False, max_attempts=1, read_timeout=millis, connect_timeout=millis)
    try:
        answer = client.call_api(params, request, runtime)
    except Exception as error:
        raise classify(action, error) from None
    body = answer.get("body") if isinstance(answer, dict) else None
    if not isinstance(body, dict):
        raise CallError(action, "MalformedResponse", "the answer is not a JSON object", None, False)
    return body
