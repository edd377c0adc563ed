"""FC state: the invocations received, the asynchronous ones still queued, and optionally which
functions exist.

FC runs an asynchronous invocation later, on its own: here the queue holds it until the local
runner calls `drain`, which plays FC's part (first in, first out; a function error is retried up to
`max_attempts` in all, the retry queued behind what is already waiting, as FC retries after a
pause; an invocation enqueued while draining is run in the same drain).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

# FC's limit on an asynchronous invocation's payload (a quota ticket raises it to 256 KB).
ASYNC_PAYLOAD_LIMIT = 128 * 1024
# FC's default `maxAsyncRetryAttempts` is 3 retries; `drain` counts attempts, the first included.
DEFAULT_MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Invocation:
    account: str
    region: str
    function: str
    qualifier: str | None
    invocation_type: str  # "Sync" or "Async"
    async_task_id: str | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FailedInvocation:
    invocation: Invocation
    attempts: int
    error: str  # the last attempt's exception, as `ExceptionType: message`


@dataclass(frozen=True)
class DrainResult:
    succeeded: list[Invocation]
    failed: list[FailedInvocation]  # failed for good: every attempt raised
    attempts: int  # runs in all, retries included


class FcBackend:
    def __init__(self) -> None:
        self.invocations: list[Invocation] = []
        # None: every function name exists; a set limits to those names (others: 404).
        self.functions: set[str] | None = None
        # Answer of a synchronous invocation; default: empty body.
        self.sync_handler: Callable[[Invocation], bytes] | None = None
        # (invocation, attempts so far) of the asynchronous invocations not yet run.
        self._queue: deque[tuple[Invocation, int]] = deque()
        self._lock = threading.Lock()  # a coordinator may enqueue from several threads

    def accept(self, invocation: Invocation) -> bool:
        """Record an invocation (queue it when asynchronous); False when its async task id was used
        already for that function (FC de-duplicates task ids: the caller answers 409)."""
        with self._lock:
            task = invocation.async_task_id
            if (
                invocation.invocation_type == "Async"
                and task
                and any(
                    i.async_task_id == task and i.function == invocation.function for i in self.invocations
                )
            ):
                return False
            self.invocations.append(invocation)
            if invocation.invocation_type == "Async":
                self._queue.append((invocation, 0))
            return True

    def queued(self) -> list[Invocation]:
        """The asynchronous invocations waiting to run, in the order they will run."""
        with self._lock:
            return [invocation for invocation, _ in self._queue]

    def drain(
        self, run: Callable[[Invocation], None], *, max_attempts: int = DEFAULT_MAX_ATTEMPTS
    ) -> DrainResult:
        """Run every queued invocation with `run` until the queue is empty (see the module doc)."""
        if max_attempts < 1:
            raise ValueError("max_attempts counts the first attempt too: at least 1")
        succeeded: list[Invocation] = []
        failed: list[FailedInvocation] = []
        attempts = 0
        while (item := self._next()) is not None:
            invocation, tried = item
            attempts += 1
            try:
                run(invocation)
            except Exception as error:  # a function error: what FC retries
                if tried + 1 < max_attempts:
                    with self._lock:
                        self._queue.append((invocation, tried + 1))
                else:
                    failed.append(FailedInvocation(invocation, tried + 1, f"{type(error).__name__}: {error}"))
                continue
            succeeded.append(invocation)
        return DrainResult(succeeded, failed, attempts)

    def _next(self) -> tuple[Invocation, int] | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None
