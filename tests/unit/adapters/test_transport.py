"""adapters/transport.py and calls.by_status: what failed, said with the host and the cause.

The exception chains are built the way requests and urllib3 build them (requests.ConnectionError
-> MaxRetryError -> NewConnectionError -> the OS's error), and wrapped as the tea stack wraps them.
"""

from __future__ import annotations

import errno
import http.client
import socket
import ssl

import pytest
import requests
from urllib3 import exceptions as urllib3_errors

from cis216.adapters.calls import by_status, not_json
from cis216.adapters.transport import causes, transport_failure

HOST = "sts.cn-hangzhou.aliyuncs.com"
URL = f"https://{HOST}/"


def caused(error: BaseException, cause: BaseException) -> BaseException:
    error.__cause__ = cause
    return error


def connection_error(reason: Exception, kind: type[requests.RequestException] = requests.ConnectionError):
    return kind(urllib3_errors.MaxRetryError(None, URL, reason))  # type: ignore[arg-type]


def refused() -> BaseException:
    os_error = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    new = urllib3_errors.NewConnectionError(None, f"Failed to establish a new connection: {os_error}")  # type: ignore[arg-type]
    return connection_error(caused(new, os_error))  # type: ignore[arg-type]


def dns() -> BaseException:
    os_error = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return connection_error(caused(urllib3_errors.NameResolutionError(HOST, None, os_error), os_error))  # type: ignore[arg-type]


def certificate() -> BaseException:
    rejected = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    rejected.verify_message = "Hostname mismatch, certificate is not valid for 'x'."  # set by ssl for real
    return connection_error(urllib3_errors.SSLError(rejected), requests.exceptions.SSLError)


def handshake() -> BaseException:
    return connection_error(
        urllib3_errors.SSLError(ssl.SSLError(1, "wrong version number")), requests.exceptions.SSLError
    )


def unreachable_network() -> BaseException:
    os_error = OSError(errno.ENETUNREACH, "Network is unreachable")
    new = urllib3_errors.NewConnectionError(None, "Failed to establish a new connection")  # type: ignore[arg-type]
    return connection_error(caused(new, os_error))  # type: ignore[arg-type]


def tea_wrapped(error: BaseException) -> BaseException:
    """As darabonba raises it: UnretryableException(RetryError) with the requests error as context."""
    from darabonba.exceptions import RetryError, UnretryableException
    from darabonba.policy.retry import RetryPolicyContext

    retry = RetryError(str(error))
    retry.__context__ = error
    return UnretryableException(RetryPolicyContext(retries_attempted=1, exception=retry))


CASES = [
    (refused, "ConnectionError", f"cannot reach {HOST} (connection refused)", True),
    (dns, "ConnectionError", f"cannot reach {HOST} (DNS lookup failed)", True),
    (
        certificate,
        "ConnectionError",
        f"cannot reach {HOST} (TLS certificate rejected: Hostname mismatch, certificate is not valid for 'x')",
        False,
    ),
    (handshake, "ConnectionError", f"cannot reach {HOST} (TLS handshake failed)", True),
    (unreachable_network, "ConnectionError", f"cannot reach {HOST} (network is unreachable)", True),
    (
        lambda: requests.exceptions.ConnectTimeout("HTTPSConnectionPool(...): Max retries exceeded"),
        "Timeout",
        f"cannot reach {HOST} (connect timeout)",
        True,
    ),
    (
        lambda: requests.exceptions.ReadTimeout("HTTPSConnectionPool(...): Read timed out."),
        "Timeout",
        f"no answer from {HOST} within the call timeout (read timeout)",
        True,
    ),
    (
        lambda: requests.ConnectionError(
            urllib3_errors.ProtocolError(
                "Connection aborted.", ConnectionResetError(104, "Connection reset by peer")
            )
        ),
        "ConnectionError",
        f"lost the connection to {HOST} (connection reset)",
        True,
    ),
    (
        lambda: requests.ConnectionError(
            urllib3_errors.ProtocolError("Connection aborted.", http.client.RemoteDisconnected("closed"))
        ),
        "ConnectionError",
        f"lost the connection to {HOST} (connection closed before the answer was complete)",
        True,
    ),
]


@pytest.mark.parametrize(("make", "code", "message", "retryable"), CASES)
@pytest.mark.parametrize("stack", ["requests", "tea"])
def test_each_transport_failure_names_the_host_and_the_cause(make, code, message, retryable, stack):
    error = make() if stack == "requests" else tea_wrapped(make())
    failed = transport_failure("GetCallerIdentity", HOST, error)
    assert failed is not None
    assert (failed.code, failed.message, failed.retryable, failed.status) == (code, message, retryable, None)
    assert str(failed) == f"GetCallerIdentity: {code}: {message}"


@pytest.mark.parametrize(
    "error", [ValueError("x"), RuntimeError("Failed to parse the value as json format"), KeyError("a")]
)
def test_what_is_not_a_transport_failure_is_left_to_the_caller(error):
    assert transport_failure("DescribeTrails", HOST, error) is None


def test_causes_walks_each_wrapper_once_even_in_a_cycle():
    inner = ValueError("inner")
    outer = RuntimeError(inner)
    inner.__context__ = outer  # a cycle, as careless re-raising can make
    assert [type(e).__name__ for e in causes(outer)] == ["RuntimeError", "ValueError"]


@pytest.mark.parametrize(
    ("status", "code", "retryable"),
    [
        (502, "BadGateway", True),
        (503, "ServiceUnavailable", True),
        (504, "GatewayTimeout", True),
        (500, "InternalServerError", True),
        (429, "TooManyRequests", True),
        (599, "HTTP599", True),
        (404, "HTTP404", False),
        (200, "MalformedResponse", False),
        (204, "MalformedResponse", False),
        (None, "MalformedResponse", False),
    ],
)
def test_an_unreadable_answer_is_classified_by_its_status_first(status, code, retryable):
    error = by_status("ListAlerts", status, not_json("text/html; charset=utf-8"))
    assert (error.code, error.status, error.retryable, error.message) == (
        code,
        status,
        retryable,
        "the answer is not JSON (text/html)",
    )


def test_not_json_without_a_media_type():
    assert not_json(None) == not_json("") == "the answer is not JSON"
