"""SLS (Log Service) through `aliyun-log-python-sdk`: projects, alerts, index configs, put_logs.

Paging is left to the caller (one call = one page), so every page is retried, timed and counted
on its own. The SDK's built-in retry loop (ten attempts, one second apart, on any 5xx) is
bypassed: it would sleep outside our budget and hide throttling from our own backoff.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from .answers import (
    SLS_ERROR,
    GetIndexAnswer,
    ListAlertsAnswer,
    ListProjectAnswer,
    read_answer,
    stated_error,
)
from .calls import CallError, by_status, is_retryable, not_json
from .credentials import Credentials
from .transport import transport_failure


def endpoint(region: str) -> str:
    return f"{region}.log.aliyuncs.com"


def host(region: str, project: str | None = None) -> str:
    """The host a call goes to: the project's own (`<project>.<region>.log.aliyuncs.com`) when it has one."""
    return f"{project}.{endpoint(region)}" if project else endpoint(region)


def url(region: str) -> str:
    """What the client is given: with the scheme, since LogClient talks plain HTTP to a bare host
    name, which would send the STS token, the inventory and the findings in clear text."""
    return f"https://{endpoint(region)}"


class _Escape(Exception):
    """Carries a LogException past the SDK's retry loop in LogClient._send."""

    def __init__(self, inner: BaseException) -> None:
        super().__init__(str(inner))
        self.inner = inner


@functools.cache
def _client_class() -> Any:
    from aliyun.log import LogClient, LogException

    # The SDK's private members are typed nowhere; `sdk` is this client seen as what it is at run time.
    class _Client(LogClient):
        def _getHttpResponse(self, method: str, url: str, params: Any, body: Any, headers: Any) -> Any:
            # As the SDK does, minus turning transport errors into LogException: a requests
            # Timeout/ConnectionError propagates as itself (and past the SDK's retry loop).
            sdk: Any = self
            headers["User-Agent"] = sdk._user_agent
            sender = sdk._get_http_sender(method)
            response = sender(url, params=params, data=body, headers=headers, timeout=sdk._timeout)
            return response.status_code, response.content, response.headers

        def get_json(self, project: str | None, resource: str, params: dict[str, str]) -> Any:
            # As LogClient's own list_project, list_alert and get_index_config send it, but the answer
            # is kept as it came: the SDK's response models raise KeyError on shapes they do not
            # expect, and read an answer without its list as an empty one (`resp.get(key, [])`).
            sdk: Any = self
            (body, _header) = sdk._send("GET", project, None, resource, params, {})
            return body

        def _sendRequest(self, *args: Any, **kwargs: Any) -> Any:
            parent: Any = super()
            try:
                return parent._sendRequest(*args, **kwargs)
            except LogException as error:
                raise _Escape(error) from None

    return _Client


def classify(api: str, host: str, error: BaseException) -> CallError:
    """Turn whatever the SLS SDK raised into a CallError: an error the service stated, an answer
    the SDK could not read (by its HTTP status first), or no answer at all (transport.py)."""
    from aliyun.log import LogException

    while isinstance(error, _Escape):
        error = error.inner
    if isinstance(error, CallError):
        return error
    if isinstance(error, LogException):
        return _stated(api, error)
    unreachable = transport_failure(api, host, error)
    if unreachable is not None:
        return unreachable
    return CallError(api, type(error).__name__, str(error)[:300], None, False)


def _stated(api: str, error: Any) -> CallError:
    code = error.get_error_code() or "LogException"
    status = getattr(error, "resp_status", None)
    status = status if isinstance(status, int) and status > 0 else None
    if code == "BadResponse":  # the body is not JSON
        headers = getattr(error, "resp_header", None)  # requests' case-insensitive headers
        content_type = headers.get("Content-Type") if isinstance(headers, Mapping) else None
        return by_status(api, status, not_json(content_type))
    if code == "LogRequestError" and status is not None:  # an error answer without errorCode/errorMessage
        stated = _error_in_body(api, error.get_resp_body())
        if stated is not None and stated.code != code:  # errorCode without errorMessage
            return CallError(api, stated.code, stated.message, status, is_retryable(stated.code, status))
        empty = "None response" in str(error.get_error_message())  # the SDK's words for an empty body
        return by_status(
            api, status, "the error answer is empty" if empty else "the error answer names no error code"
        )
    message = error.get_error_message() or ""
    return CallError(api, code, message[:1000], status, is_retryable(code, status))


def _error_in_body(api: str, body: object) -> CallError | None:
    try:
        parsed = json.loads(body) if isinstance(body, (str, bytes)) else None
    except ValueError:
        return None
    return stated_error(api, parsed, *SLS_ERROR) if isinstance(parsed, dict) else None


class SlsAdapter:
    """One LogClient per (thread, region): LogClient keeps a requests.Session and a mutable timeout."""

    def __init__(self, credentials: Credentials, source: str) -> None:
        self._credentials = credentials
        self._source = source  # always given: without it the SDK opens a socket to find the host IP
        self._local = threading.local()

    def _client(self, region: str, timeout: float) -> Any:
        clients = getattr(self._local, "clients", None)
        if clients is None:
            clients = self._local.clients = {}
        client = clients.get(region)
        if client is None:
            creds = self._credentials
            client = _client_class()(
                url(region),
                creds.access_key_id,
                creds.access_key_secret,
                securityToken=creds.security_token,
                source=self._source,
            )
            client.set_user_agent("cis216")
            clients[region] = client
        client.timeout = max(0.5, timeout)
        return client

    def list_projects(
        self, region: str, offset: int, size: int, timeout: float, name_pattern: str | None = None
    ) -> tuple[list[str], int]:
        """One page of ListProject: (project names, total)."""
        params = {"offset": str(offset), "size": str(size), "resourceGroupId": ""}
        if name_pattern is not None:
            params["projectName"] = name_pattern
        body = self._get("ListProject", region, None, "/", params, timeout)
        page = read_answer(
            ListProjectAnswer, "ListProject", body, error_keys=SLS_ERROR, context=_asked(offset, size)
        )
        return [project.project_name for project in page.projects], page.total

    def list_alerts(
        self, region: str, project: str, offset: int, size: int, timeout: float
    ) -> tuple[list[Any], int]:
        """One page of alerts (GET /jobs?jobType=Alert): (alert objects verbatim, total)."""
        params = {"offset": str(offset), "size": str(size), "jobType": "Alert"}
        body = self._get("ListAlerts", region, project, "/jobs", params, timeout)
        page = read_answer(
            ListAlertsAnswer, "ListAlerts", body, error_keys=SLS_ERROR, context=_asked(offset, size)
        )
        return page.results, page.total

    def get_index(self, region: str, project: str, logstore: str, timeout: float) -> dict[str, Any] | None:
        """GetIndex answer verbatim; None when the logstore has no index (IndexConfigNotExist)."""
        try:
            body = self._get("GetIndex", region, project, f"/logstores/{logstore}/index", {}, timeout)
            return read_answer(GetIndexAnswer, "GetIndex", body, error_keys=SLS_ERROR).root
        except CallError as error:
            if error.code in ("IndexConfigNotExist", "IndexNotExist"):
                return None
            raise

    def _get(
        self,
        api: str,
        region: str,
        project: str | None,
        resource: str,
        params: dict[str, str],
        timeout: float,
    ) -> object:
        """One GET of `resource` (in `project`'s host when given): its JSON body as it came."""
        try:
            return self._client(region, timeout).get_json(project, resource, params)
        except Exception as error:
            raise classify(api, host(region, project), error) from None

    def put_logs(
        self,
        region: str,
        project: str,
        logstore: str,
        topic: str,
        source: str,
        logs: Sequence[tuple[int, Sequence[tuple[str, str]]]],
        timeout: float,
    ) -> None:
        """One PutLogs call: `logs` = [(unix time, [(key, value), ...]), ...]."""
        from aliyun.log import LogItem, PutLogsRequest

        items = []
        for when, contents in logs:
            item = LogItem(timestamp=int(when))
            item.set_contents(list(contents))
            items.append(item)
        request = PutLogsRequest(project, logstore, topic, source, items)
        try:
            self._client(region, timeout).put_logs(request)
        except Exception as error:
            raise classify("PutLogs", host(region, project), error) from None


def _asked(offset: int, size: int) -> dict[str, int]:
    return {"offset": offset, "size": size}
