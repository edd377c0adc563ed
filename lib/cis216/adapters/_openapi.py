"""Shared plumbing for the RPC-style SDKs (ActionTrail, STS): build clients, call, classify errors.

`call_rpc` goes through the SDK client's own `call_api` with the same `Params` the generated
`*_with_options` methods use, but returns the answer's JSON body verbatim: the typed response
models would drop fields the model does not know, and the snapshot keeps what the API said.
"""

from __future__ import annotations

from typing import Any

from .calls import CallError, by_status, is_retryable, not_json
from .credentials import Credentials
from .transport import causes, transport_failure


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
                return value[:1000]
    return ""


def _sdk_message(error: Any) -> str:
    """The body's message, else the SDK's own (a ClientException the SDK raises has no body)."""
    return _message(error) or str(getattr(error, "message", "") or "")[:500]


def classify(api: str, host: str, error: BaseException) -> CallError:
    """Turn whatever the tea/darabonba stack raised into a CallError: an error the service stated,
    no answer at all (transport.py), or an answer that could not be read (by its HTTP status)."""
    from darabonba.exceptions import ResponseException

    if isinstance(error, CallError):
        return error
    if isinstance(error, ResponseException):
        return _stated(api, error)
    unreachable = transport_failure(api, host, error)
    if unreachable is not None:
        return unreachable
    answer = _answer_behind(error)
    if answer is not None:
        status, content_type = answer
        return by_status(api, status, not_json(content_type))
    return CallError(api, type(error).__name__, str(error)[:300], None, False)


def _stated(api: str, error: Any) -> CallError:
    """An error answer with a readable body. Without a `Code` in it (the SDK then says "None"), the
    HTTP status is what is known: a 502 with `{}` is still a bad gateway."""
    status = getattr(error, "status_code", None)
    status = status if isinstance(status, int) else None
    code = str(getattr(error, "code", None) or "")
    if code in ("", "None"):
        return by_status(api, status, _message(error) or "the error answer names no error code")
    retryable = is_retryable(code, status) or type(error).__name__ == "ThrottlingException"
    return CallError(api, code, _sdk_message(error), status, retryable)


def _answer_behind(error: BaseException) -> tuple[int, str | None] | None:
    """(HTTP status, content type) of the answer the SDK failed to read, when one came.

    The SDK parses every body as JSON before it looks at the status and raises a bare RuntimeError
    that carries neither, so a gateway's HTML 502 page would read as a malformed answer. The answer
    is still a local (`_response`) of the SDK frame that read it: found there, it is classified
    by its status first. (Pinned by the adapter tests: a change in the SDK shows up there.)"""
    for cause in causes(error):
        traceback = cause.__traceback__
        while traceback is not None:
            response = traceback.tb_frame.f_locals.get("_response")
            status = getattr(response, "status_code", None)
            if isinstance(status, int):
                headers = getattr(response, "headers", None)
                content_type = headers.get("content-type") if isinstance(headers, dict) else None
                return status, content_type if isinstance(content_type, str) else None
            traceback = traceback.tb_next
    return None


def call_rpc(
    client: Any, host: str, action: str, version: str, query: dict[str, Any] | None, timeout: float
) -> object:
    """One attempt of an RPC action at `host`; returns the JSON body as it came (adapters/answers.py
    checks its shape); raises CallError."""
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
        raise classify(action, host, error) from None
    return answer.get("body") if isinstance(answer, dict) else None
