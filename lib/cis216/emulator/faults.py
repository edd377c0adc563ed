"""Fault injection: per API, per call number, optionally scoped to an account/region/project.

A fault decides what happens instead of (or before, for latency) the normal answer. The
service's protocol turns an "answer" fault into its own error shape (RPC or SLS), so the
same plan works for every service. The `shape_*` kinds are the exception: the service answers
normally and the fault then bends that 200 answer into a shape the API does not have.

`KINDS` is the one registry of fault kinds (the fault-matrix test reads it).
"""

from __future__ import annotations

import errno
import json
import socket
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3 import exceptions as urllib3_errors

from .http import Answer

# "json_body": an answer whose body is `body` as JSON, status 200 unless `status` says otherwise
#   (a well-formed answer of the wrong shape: the list under another key, a string for a list);
# "connection_refused", "dns_failure", "tls_handshake_failure": no answer, raised from the transport
#   as requests raises them (see `transport_error`).
# "html502": the gateway's HTML error page below, status 502 unless `status` says otherwise;
# "expired_token", "bad_signature", "access_denied": the service's own error for each;
# "shape_*": the service answers, then the fault bends its 200 answer (`reshape`).
TRANSPORT_KINDS = ("timeout", "connect_timeout", "connection_refused", "dns_failure", "tls_handshake_failure")
KINDS = (
    "throttle",
    "error500",
    "error503",
    "latency",
    "malformed",
    "error",
    "json_body",
    *TRANSPORT_KINDS,
    "html502",
    "expired_token",
    "bad_signature",
    "access_denied",
    "shape_renamed",
    "shape_string",
    "shape_no_total",
)
# The service answers, then the fault bends its 200 answer (`reshape`).
SHAPE_KINDS = ("shape_renamed", "shape_string", "shape_no_total")

# What a gateway in front of the service answers when the service behind it is down (Alibaba's
# gateways run Tengine): HTML, not the service's error shape.
GATEWAY_PAGE = (
    b"<!DOCTYPE html>\r\n<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n"
    b"<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class AnswerShape:
    """Where an API's answer keeps what it lists, for the shape_* faults."""

    member: str  # the key holding the list (or object) the caller reads
    required: bool  # an answer without it is wrong, not merely empty (shape_renamed applies)
    paged: bool  # the answer states its total (shape_no_total applies)
    total_key: str = "total"  # where: SLS `total`, Resource Directory `TotalCount`


# Keyed by normalize_api(name).
ANSWER_SHAPES = {
    "describetrail": AnswerShape("TrailList", required=True, paged=False),
    "describeregion": AnswerShape("Regions", required=True, paged=False),
    "listproject": AnswerShape("projects", required=True, paged=True),
    "listlogstore": AnswerShape("logstores", required=True, paged=True),
    "listalert": AnswerShape("results", required=True, paged=True),
    # An index without field keys is a real (full-text only) index: only a wrong type is wrong.
    "getindex": AnswerShape("keys", required=False, paged=False),
    "listaccount": AnswerShape("Accounts", required=True, paged=True, total_key="TotalCount"),
    "listaccountsforparent": AnswerShape("Accounts", required=True, paged=True, total_key="TotalCount"),
    "getresourcedirectory": AnswerShape("ResourceDirectory", required=True, paged=False),
    "getaccount": AnswerShape("Account", required=True, paged=False),
    "assumerole": AnswerShape("Credentials", required=True, paged=False),
    "describeapp": AnswerShape("AppModel", required=True, paged=False),
}

# Names people use for the same API (snapshot "errors" entries, SDK method names), after
# lower-casing and dropping "_", "-" and a trailing "s" (ListAlerts = list_alert).
_ALIASES = {
    "listjob": "listalert",  # alerts are SLS jobs: GET /jobs?jobType=Alert
    "getindexconfig": "getindex",  # the SDK's name for GetIndex
    "listlogstores": "listlogstore",
}


def normalize_api(name: str) -> str:
    """Canonical form used to compare API names in faults."""
    key = name.replace("_", "").replace("-", "").lower()
    if key.endswith("s"):
        key = key[:-1]
    return _ALIASES.get(key, key)


@dataclass
class Fault:
    kind: str
    api: str | None = None  # None: every API
    calls: list[int] | None = None  # 1-based call numbers of that API; None: every call
    seconds: float = 0.1  # latency
    status: int | None = None  # override the HTTP status (e.g. 429 for SLS throttling)
    code: str | None = None  # for kind "error" (and to override a kind's default code)
    message: str | None = None
    service: str | None = None
    account: str | None = None
    region: str | None = None
    project: str | None = None
    logstore: str | None = None
    body: object = None  # kind "json_body": the answer's body (any JSON value)
    fired: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {', '.join(KINDS)}")
        if self.kind == "error" and not self.code:
            raise ValueError('a fault of kind "error" needs a code')
        if self.api is not None and not shape_applies(self.kind, self.api):
            raise ValueError(f"a {self.kind} fault cannot bend the answer of {self.api}")

    def applies(
        self,
        *,
        service: str,
        api: str,
        call_number: int,
        account: str | None,
        region: str | None,
        project: str | None,
        logstore: str | None,
    ) -> bool:
        if self.api is not None and normalize_api(self.api) != normalize_api(api):
            return False
        if not shape_applies(self.kind, api):
            return False
        if self.calls is not None and call_number not in self.calls:
            return False
        for wanted, actual in (
            (self.service, service),
            (self.account, account),
            (self.region, region),
            (self.project, project),
            (self.logstore, logstore),
        ):
            if wanted is not None and wanted != actual:
                return False
        return True


def shape_applies(kind: str, api: str) -> bool:
    """Whether a fault of `kind` can happen to `api`: a shape_* fault only to an answer that has
    that shape (a listing for shape_no_total); every other kind to every API."""
    if kind not in SHAPE_KINDS:
        return True
    shape = ANSWER_SHAPES.get(normalize_api(api))
    if shape is None:
        return False
    return {"shape_renamed": shape.required, "shape_string": True, "shape_no_total": shape.paged}[kind]


def reshape(kind: str, api: str, body: bytes) -> bytes:
    """`api`'s JSON answer bent as a shape_* fault bends it: what it lists moved under another key
    (`items`), turned into a string (its own JSON text, as a double-encoding gateway would), or
    the listing's total dropped."""
    shape = ANSWER_SHAPES[normalize_api(api)]
    answer: dict[str, Any] = json.loads(body)
    if kind == "shape_renamed":
        answer["items"] = answer.pop(shape.member, None)
    elif kind == "shape_string":
        answer[shape.member] = json.dumps(answer.get(shape.member))
    else:
        answer.pop(shape.total_key, None)
    return json.dumps(answer).encode("utf-8")


def reshaped(answer: Answer, api: str, faults: Iterable[Fault]) -> Answer:
    """The service's answer after the shape_* faults in force (only a 200 is bent)."""
    status, headers, body = answer
    for fault in faults:
        if fault.kind in SHAPE_KINDS and status == 200:
            fault.fired += 1
            body = reshape(fault.kind, api, body)
    return status, headers, body


def gateway_answer(fault: Fault) -> Answer:
    """What an `html502` fault answers, whatever the service: the gateway's HTML page."""
    return fault.status or 502, {"Content-Type": "text/html", "Server": "Tengine"}, GATEWAY_PAGE


class FaultPlan:
    """The faults in force. ``cloud.faults.add(api="ListAlerts", kind="throttle", calls=[1])``."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(
        self,
        kind: str,
        api: str | None = None,
        calls: Iterable[int] | None = None,
        seconds: float = 0.1,
        **scope: object,
    ) -> Fault:
        fault = Fault(
            kind=kind,
            api=api,
            calls=None if calls is None else list(calls),
            seconds=seconds,
            **scope,  # type: ignore[arg-type]  # scope keys are Fault's own str fields
        )
        self._faults.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        self._faults.remove(fault)

    def clear(self) -> None:
        self._faults.clear()

    def __iter__(self) -> Iterator[Fault]:
        return iter(list(self._faults))

    def __len__(self) -> int:
        return len(self._faults)

    def matching(self, **where: object) -> list[Fault]:
        return [fault for fault in self._faults if fault.applies(**where)]  # type: ignore[arg-type]


def transport_error(kind: str, url: str, api: str) -> requests.exceptions.RequestException:
    """What a transport fault raises instead of answering, as requests and urllib3 raise it for real
    (the same chain of causes: requests -> MaxRetryError -> NewConnectionError -> the OS's error).

    The SLS SDK decides to retry by looking for "httpconnectionpool" in the text (so plain-http
    endpoints retry, https ones do not), as it does with real timeouts."""
    parts = urlsplit(url)
    pool = "HTTPSConnectionPool" if parts.scheme == "https" else "HTTPConnectionPool"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname or ""
    where = f"{pool}(host='{host}', port={port})"
    if kind == "timeout":
        return requests.exceptions.ReadTimeout(f"{where}: Read timed out. (emulated read timeout on {api})")
    if kind == "connect_timeout":
        return requests.exceptions.ConnectTimeout(
            f"{where}: Max retries exceeded (Connection to {host} timed out. "
            f"(emulated connect timeout on {api}))"
        )
    reason = _connection_failure(kind, host)
    failed = urllib3_errors.MaxRetryError(None, url, reason)  # type: ignore[arg-type]  # no pool here
    if kind == "tls_handshake_failure":
        return requests.exceptions.SSLError(failed)
    return requests.exceptions.ConnectionError(failed)


def _connection_failure(kind: str, host: str) -> Exception:
    """The urllib3 error of a connection that failed, caused by the OS's (or ssl's) own error."""
    cause: OSError
    if kind == "dns_failure":
        cause = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        reason: Exception = urllib3_errors.NameResolutionError(host, None, cause)  # type: ignore[arg-type]
    elif kind == "connection_refused":
        cause = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
        message = f"Failed to establish a new connection: {cause}"
        reason = urllib3_errors.NewConnectionError(None, message)  # type: ignore[arg-type]
    elif kind == "tls_handshake_failure":
        cause = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)")
        reason = urllib3_errors.SSLError(cause)
    else:
        raise ValueError(f"{kind!r} is not a transport fault")
    reason.__cause__ = cause
    return reason
