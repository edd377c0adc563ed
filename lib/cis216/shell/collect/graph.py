"""A call graph runner: calls in a thread pool, each answer handed to the code that schedules the next.

`submit` runs `fn(timeout)` through the `Caller` (retries, backoff, per-call timeout, the scan's
deadline) in a worker thread; its `then` (or `on_error`) runs later in the thread that called `run`,
so everything the callbacks touch is only ever touched by that one thread and needs no lock. A call
that fails for good is recorded as a `ScanError` of its region and the rest of the graph goes on.

The wait ends when no call is pending, or when the scan's deadline and a short grace have passed:
calls still pending then are given up (recorded as `ScanBudgetExceeded`) and never waited for, since
a DNS lookup or an answer that trickles in is not bounded by the per-call timeout, and the scan must
still have time to evaluate and write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from ...adapters.calls import BudgetExceeded, Caller, CallError
from ...inventory import ScanError
from ..logs import redact

log = logging.getLogger("cis216.collector")

# How long past the deadline a call already in flight may still answer: each attempt's timeout is
# cut to the time left, so a well-behaved call has ended by then.
MAX_GRACE_SECONDS = 5.0


@dataclass(frozen=True)
class Where:
    """What a call is about: its region, and the project and logstore when it has them."""

    region: str
    project: str | None = None
    logstore: str | None = None


@dataclass(frozen=True)
class _Call:
    api: str
    where: Where
    then: Callable[[Any], None]
    on_error: Callable[[BaseException], None] | None


def error_order(error: ScanError) -> tuple[str, ...]:
    """The order errors are reported in: not the order the threads happened to fail in, since
    finding ids number repeats of one resource in order and a retried scan must give the same ids."""
    fields = (error.api, error.project, error.logstore, error.code, error.message)
    return tuple(str(value or "") for value in fields)


class CallGraph:
    def __init__(self, caller: Caller, *, max_concurrency: int, grace_seconds: float | None = None) -> None:
        self.caller = caller
        self.max_concurrency = max_concurrency
        self.grace_seconds = (
            min(MAX_GRACE_SECONDS, float(caller.call_timeout)) if grace_seconds is None else grace_seconds
        )
        self._pool: ThreadPoolExecutor | None = None
        self._pending: dict[Future[Any], _Call] = {}
        self._seen: set[Hashable] = set()
        self._failures: dict[str, list[ScanError]] = {}
        self._abandoned = False

    def run(self, start: Callable[[], None]) -> None:
        """`start()` submits the first calls; returns when every call has settled or been given up."""
        pool = ThreadPoolExecutor(max_workers=self.max_concurrency, thread_name_prefix="cis216")
        self._pool = pool
        try:
            start()
            self._wait_for_all()
        finally:
            # Never wait for a call that outlived the deadline: the scan must still evaluate and write.
            pool.shutdown(wait=not self._abandoned, cancel_futures=True)
            self._pool = None

    def submit(
        self,
        api: str,
        where: Where,
        fn: Callable[[float], Any],
        *,
        then: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run `fn(timeout)` as one call of `api`; `then(answer)` once it answers. When it fails for
        good, the failure is recorded and `on_error(error)` runs (if given)."""
        if self._pool is None:
            raise RuntimeError("CallGraph.submit outside CallGraph.run")
        future = self._pool.submit(self.caller.call, api, fn)
        self._pending[future] = _Call(api, where, then, on_error)

    def once(self, key: Hashable, fn: Callable[..., object], *args: Any) -> None:
        """`fn(*args)`, the first time `key` is seen only (one listing per region, and so on)."""
        if key not in self._seen:
            self._seen.add(key)
            fn(*args)

    def record(self, where: Where, error: ScanError) -> None:
        """Record an error of `where`'s region as if a call had failed (an answer that is no use)."""
        self._failures.setdefault(where.region, []).append(error)

    def failures(self, region: str) -> list[ScanError]:
        """The errors recorded in `region`, in a stable order (see `error_order`)."""
        return sorted(self._failures.get(region, ()), key=error_order)

    def failed_regions(self) -> Iterable[str]:
        return self._failures.keys()

    def _wait_for_all(self) -> None:
        while self._pending:
            done, _ = wait(list(self._pending), timeout=self._wait_timeout(), return_when=FIRST_COMPLETED)
            if not done:  # past the deadline and its grace: calls that hang are given up on
                self._abandon_pending()
                return
            for future in done:
                self._settle(future, self._pending.pop(future))

    def _wait_timeout(self) -> float | None:
        if self.caller.deadline is None:
            return None
        left = self.caller.deadline - self.caller.clock()
        return max(0.0, left) + self.grace_seconds

    def _settle(self, future: Future[Any], call: _Call) -> None:
        try:
            answer = future.result()
        except CallError as error:
            self._failed(call, error, error)
        except Exception as error:  # a bug or an SDK surprise: record it, keep going
            log.exception("unexpected failure in %s", call.api)
            self._failed(call, CallError(call.api, type(error).__name__, str(error)[:300]), error)
        else:
            call.then(answer)

    def _failed(self, call: _Call, error: CallError, raised: BaseException) -> None:
        self._record_call_error(call.api, call.where, error)
        if call.on_error is not None:
            call.on_error(raised)

    def _abandon_pending(self) -> None:
        self._abandoned = True
        for future, call in self._pending.items():
            future.cancel()
            given_up = BudgetExceeded(
                call.api,
                "ScanBudgetExceeded",
                "no answer before the scan's time budget ran out; the call was given up",
                attempts=1,
            )
            self._record_call_error(call.api, call.where, given_up)
        self._pending.clear()

    def _record_call_error(self, api: str, where: Where, error: CallError) -> None:
        extra: dict[str, Any] = {"status": error.status} if error.status else {}
        extra["attempts"] = error.attempts
        failed = ScanError(
            api=api,
            project=where.project,
            logstore=where.logstore,
            code=error.code,
            message=redact(error.message or ""),
            **extra,  # kept in the snapshot, in this order
        )
        self.record(where, failed)
        log.warning(
            "call failed",
            extra={
                "api": api,
                "region": where.region,
                "project": where.project,
                "logstore": where.logstore,
                "code": error.code,
                "error_message": error.message,
                "attempts": error.attempts,
            },
        )
