"""One API call, made safely: classified errors, retries with backoff and jitter, a deadline.

`CallError` is the single error type the adapters raise: `api`, `code`, `message`, HTTP `status`,
and whether it is worth retrying (`retryable`: throttling, 5xx, timeouts, connection failures).
`Caller.call(api, fn)` runs `fn(timeout)` until it succeeds, fails for good, runs out of attempts,
or would overrun the deadline. `sleep` and `rand` are injectable so tests never wait.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

THROTTLING_CODES = {
    "throttling",
    "throttling.user",
    "throttling.api",
    "throttling.resource",
    "serviceunavailable",
    "writequotaexceed",
    "readquotaexceed",
    "exceedquota",
    "qpslimitexceeded",
    "quotaexceed",
    "projectquotaexceed",
    "shardwritequotaexceed",
    "requesttimeout",
    "internalservererror",
    "serverbusy",
    "servicebusy",
}


@dataclass
class CallError(Exception):
    api: str
    code: str
    message: str = ""
    status: int | None = None
    retryable: bool = False
    attempts: int = 1

    def __post_init__(self) -> None:
        super().__init__(f"{self.api}: {self.code}: {self.message}")

    def __str__(self) -> str:
        status = f" (HTTP {self.status})" if self.status else ""
        return f"{self.api}: {self.code}{status}: {self.message}"


def is_retryable(code: str | None, status: int | None) -> bool:
    if status is not None and (status == 429 or status >= 500):
        return True
    lowered = (code or "").lower()
    return lowered in THROTTLING_CODES or lowered.startswith("throttling")


# What an answer's HTTP status means when its body says nothing readable (a gateway's HTML page).
STATUS_CODES = {
    429: "TooManyRequests",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}


def by_status(api: str, status: int | None, what: str) -> CallError:
    """An answer whose body says nothing readable about it (`what`: "the answer is not JSON
    (text/html)"), classified by its HTTP status first: a gateway's 502 page is a server error worth
    retrying, and only a 2xx that cannot be read is a malformed answer."""
    if status is None or 200 <= status < 300:
        return CallError(api, "MalformedResponse", what, status, False)
    return CallError(api, STATUS_CODES.get(status, f"HTTP{status}"), what, status, is_retryable(None, status))


def not_json(content_type: object) -> str:
    """How an answer that is not JSON is described: with its media type, when it has one."""
    media = content_type.split(";")[0].strip()[:60] if isinstance(content_type, str) else ""
    return f"the answer is not JSON ({media})" if media else "the answer is not JSON"


class BudgetExceeded(CallError):
    pass


@dataclass
class RetryPolicy:
    max_attempts: int = 5
    base_seconds: float = 0.5
    cap_seconds: float = 20.0
    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] = random.random

    def delay(self, retry: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**retry)) (retry counts from 0)."""
        return self.rand() * min(self.cap_seconds, self.base_seconds * 2.0**retry)


@dataclass
class CallStats:
    """API calls made (attempts, not logical calls), per API; thread-safe."""

    by_api: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    failures: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def attempt(self, api: str) -> None:
        with self._lock:
            self.by_api[api] = self.by_api.get(api, 0) + 1

    def retried(self) -> None:
        with self._lock:
            self.retries += 1

    def failed(self) -> None:
        with self._lock:
            self.failures += 1

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.by_api.values())

    def as_dict(self) -> dict[str, object]:
        with self._lock:
            return {
                "total": sum(self.by_api.values()),
                "by_api": dict(sorted(self.by_api.items())),
                "retries": self.retries,
                "failed": self.failures,
            }


class Caller:
    """Runs calls with a retry policy, a per-call timeout and an overall deadline (monotonic seconds)."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        call_timeout: float = 10.0,
        deadline: float | None = None,
        stats: CallStats | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.call_timeout = call_timeout
        self.deadline = deadline
        self.stats = stats if stats is not None else CallStats()
        self.clock = clock

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - self.clock()

    def call(self, api: str, fn: Callable[[float], T], deadline: float | None = None) -> T:
        """`fn(timeout_seconds)` performs one attempt and raises CallError on failure."""
        deadline = self.deadline if deadline is None else deadline
        attempt = 0
        while True:
            attempt += 1
            timeout = self.call_timeout
            if deadline is not None:
                left = deadline - self.clock()
                if left < 0.5:
                    self.stats.failed()
                    raise BudgetExceeded(
                        api,
                        "ScanBudgetExceeded",
                        "the scan's time budget ran out before this call could be made",
                        attempts=attempt - 1,
                    )
                timeout = min(timeout, left)
            self.stats.attempt(api)
            try:
                return fn(timeout)
            except CallError as error:
                error.attempts = attempt
                if not error.retryable or attempt >= self.policy.max_attempts:
                    self.stats.failed()
                    raise
                pause = self.policy.delay(attempt - 1)
                if deadline is not None and self.clock() + pause + 0.5 > deadline:
                    self.stats.failed()
                    raise
                self.stats.retried()
                self.policy.sleep(pause)
