"""Failures before any answer came (DNS, refused, TLS, timeouts), said with the host and the cause.

Both SDK stacks end up in `requests`, which wraps the real cause a few layers deep (requests ->
urllib3 MaxRetryError -> NewConnectionError -> ConnectionRefusedError; the tea stack adds
RetryError and UnretryableException on top). The outer types say only "ConnectionError", so the
chain is searched for the cause a person can act on: "cannot reach sts.cn-hangzhou.aliyuncs.com
(connection refused)" rather than "ConnectionError: ConnectionError".
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Iterator

from .calls import CallError

# How deep the chain of causes is searched (requests and the tea stack nest five or six deep).
MAX_CHAIN = 24


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error` and everything it wraps: __cause__, __context__, and the attributes and arguments the
    SDKs and urllib3 wrap causes in (`inner_exception`, `reason`, `args`), each once."""
    seen: set[int] = set()
    todo: list[BaseException] = [error]
    while todo and len(seen) < MAX_CHAIN:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = [
            current.__cause__,
            current.__context__,
            getattr(current, "inner_exception", None),
            getattr(current, "reason", None),
            *current.args,
        ]
        todo.extend(item for item in wrapped if isinstance(item, BaseException))


def transport_failure(api: str, host: str, error: BaseException) -> CallError | None:
    """The CallError for a call that got no answer from `host`; None when `error` is not that."""
    chain = list(causes(error))
    found = _cause(chain)
    if found is None:
        return None
    code, what, retryable = found
    if code == "Timeout" and what == "read timeout":
        return CallError(api, code, f"no answer from {host} within the call timeout ({what})", None, True)
    if what in _CUT_OFF:
        return CallError(api, code, f"lost the connection to {host} ({what})", None, retryable)
    return CallError(api, code, f"cannot reach {host} ({what})", None, retryable)


_CUT_OFF = ("connection reset", "connection closed before the answer was complete")


def _cause(chain: list[BaseException]) -> tuple[str, str, bool] | None:
    """(code, the cause in a few words, retryable), the most telling cause first."""
    import requests
    from urllib3 import exceptions as urllib3_errors

    def has(*kinds: type[BaseException]) -> bool:
        return any(isinstance(item, kinds) for item in chain)

    if has(socket.gaierror, urllib3_errors.NameResolutionError):
        return "ConnectionError", "DNS lookup failed", True
    for item in chain:
        if isinstance(item, ssl.SSLCertVerificationError):  # a retry meets the same certificate
            why = str(getattr(item, "verify_message", None) or "certificate verify failed").rstrip(".")
            return "ConnectionError", f"TLS certificate rejected: {why}", False
    if has(ssl.SSLError, urllib3_errors.SSLError, requests.exceptions.SSLError):
        return "ConnectionError", "TLS handshake failed", True
    if has(ConnectionRefusedError):
        return "ConnectionError", "connection refused", True
    # urllib3's NewConnectionError is a ConnectTimeoutError by inheritance, not by what happened.
    timed_out = urllib3_errors.ConnectTimeoutError
    if has(requests.exceptions.ConnectTimeout) or any(
        isinstance(item, timed_out) and not isinstance(item, urllib3_errors.NewConnectionError)
        for item in chain
    ):
        return "Timeout", "connect timeout", True
    if has(requests.exceptions.ReadTimeout, urllib3_errors.ReadTimeoutError, TimeoutError):
        return "Timeout", "read timeout", True
    # RemoteDisconnected is a ConnectionResetError too, but it means the server hung up.
    if has(http.client.RemoteDisconnected):
        return "ConnectionError", "connection closed before the answer was complete", True
    if has(ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        return "ConnectionError", "connection reset", True
    if has(urllib3_errors.ProtocolError, requests.exceptions.ChunkedEncodingError):
        return "ConnectionError", "connection closed before the answer was complete", True
    if has(
        requests.exceptions.ConnectionError, urllib3_errors.NewConnectionError, urllib3_errors.MaxRetryError
    ):
        return "ConnectionError", _innermost_reason(chain), True
    return None


def _innermost_reason(chain: list[BaseException]) -> str:
    """The OS's words for the deepest OSError that has some ("network is unreachable"), else its type."""
    for item in reversed(chain):
        if isinstance(item, OSError) and item.strerror:
            return str(item.strerror).lower()
    return type(chain[-1]).__name__
