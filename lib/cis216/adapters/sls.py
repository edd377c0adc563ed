"""SLS (Log Service) through `aliyun-log-python-sdk`: projects, alerts, index configs, put_logs.

Paging is left to the caller (one call = one page), so every page is retried, timed and counted
on its own. The SDK's built-in retry loop (ten attempts, one second apart, on any 5xx) is
bypassed: it would sleep outside our budget and hide throttling from our own backoff.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import Any

from .calls import CallError, is_retryable
from .credentials import Credentials

PAGE_SIZE = 100


def endpoint(region: str) -> str:
    return f"{region}.log.aliyuncs.com"


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

        def get_index_raw(self, project_name: str, logstore_name: str) -> Any:
            # As LogClient.get_index_config sends it, but the answer is kept verbatim: the SDK's
            # IndexConfig model raises KeyError on shapes it does not expect (a line without token).
            sdk: Any = self
            resource = "/logstores/" + logstore_name + "/index"
            (resp, _header) = sdk._send("GET", project_name, None, resource, {}, {})
            return resp

        def _sendRequest(self, *args: Any, **kwargs: Any) -> Any:
            parent: Any = super()
            try:
                return parent._sendRequest(*args, **kwargs)
            except LogException as error:
                raise _Escape(error) from None

    return _Client


def classify(api: str, error: BaseException) -> CallError:
    from aliyun.log import LogException

    while isinstance(error, _Escape):
        error = error.inner
    if isinstance(error, CallError):
        return error
    if isinstance(error, LogException):
        code = error.get_error_code() or "LogException"
        status = getattr(error, "resp_status", None)
        status = status if isinstance(status, int) and status > 0 else None
        message = error.get_error_message() or ""
        if code in ("BadResponse", "LogRequestError") and (status is None or status < 400):
            return CallError(api, "MalformedResponse", "the answer could not be read", status, False)
        return CallError(api, code, message[:1000], status, is_retryable(code, status))
    from ._openapi import classify_transport

    return classify_transport(api, error)


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
        try:
            response = self._client(region, timeout).list_project(
                offset=offset, size=size, project_name_pattern=name_pattern
            )
        except Exception as error:
            raise classify("ListProject", error) from None
        body = response.get_body()
        if not isinstance(body, dict) or not isinstance(body.get("projects", []), list):
            raise CallError("ListProject", "MalformedResponse", "no projects list in the answer")
        names = []
        for item in body.get("projects") or []:
            name = item.get("projectName") if isinstance(item, dict) else None
            if isinstance(name, str):
                names.append(name)
        return names, _int(body.get("total"), offset + len(names))

    def list_alerts(
        self, region: str, project: str, offset: int, size: int, timeout: float
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of alerts (GET /jobs?jobType=Alert): (alert objects verbatim, total)."""
        try:
            response = self._client(region, timeout).list_alert(project, offset=offset, size=size)
        except Exception as error:
            raise classify("ListAlerts", error) from None
        body = response.get_body()
        results = body.get("results") if isinstance(body, dict) else None
        if results is None and isinstance(body, dict):
            results = []
        if not isinstance(results, list) or not all(isinstance(a, dict) and a.get("name") for a in results):
            raise CallError("ListAlerts", "MalformedResponse", "results is not a list of named alerts")
        return results, _int(body.get("total"), offset + len(results))

    def get_index(self, region: str, project: str, logstore: str, timeout: float) -> dict[str, Any] | None:
        """GetIndex answer verbatim; None when the logstore has no index (IndexConfigNotExist)."""
        try:
            body = self._client(region, timeout).get_index_raw(project, logstore)
        except Exception as error:
            classified = classify("GetIndex", error)
            if classified.code in ("IndexConfigNotExist", "IndexNotExist"):
                return None
            raise classified from None
        if not isinstance(body, dict):
            raise CallError("GetIndex", "MalformedResponse", "the index config is not an object")
        if "errorCode" in body:  # an error in a 200 answer: not an index config to judge queries with
            code = str(body.get("errorCode") or "MalformedResponse")
            if code in ("IndexConfigNotExist", "IndexNotExist"):
                return None
            message = str(body.get("errorMessage") or "")[:1000]
            raise CallError("GetIndex", code, message, None, is_retryable(code, None))
        return body

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
            raise classify("PutLogs", error) from None


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
