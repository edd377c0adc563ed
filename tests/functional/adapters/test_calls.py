from __future__ import annotations

import pytest

from cis216.adapters.calls import BudgetExceeded, Caller, CallError, CallStats, RetryPolicy, is_retryable


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def flaky(failures, error):
    state = {"n": 0}

    def fn(timeout):
        state["n"] += 1
        if state["n"] <= failures:
            raise error
        return "ok"

    return fn, state


def test_retryable_classification():
    assert is_retryable("Throttling.User", 400)
    assert is_retryable("ReadQuotaExceed", 403)
    assert is_retryable("Anything", 503)
    assert is_retryable(None, 429)
    assert not is_retryable("Unauthorized", 401)
    assert not is_retryable("ProjectNotExist", 404)


def test_throttled_then_success_retries_with_jittered_backoff():
    clock = FakeClock()
    slept = []
    policy = RetryPolicy(
        max_attempts=5, base_seconds=1.0, sleep=lambda s: (slept.append(s), clock.sleep(s)), rand=lambda: 0.5
    )
    stats = CallStats()
    caller = Caller(policy, call_timeout=3, deadline=100, stats=stats, clock=clock)
    fn, state = flaky(3, CallError("ListAlerts", "Throttling", "slow down", 400, True))
    assert caller.call("ListAlerts", fn) == "ok"
    assert state["n"] == 4
    assert slept == [0.5, 1.0, 2.0]  # rand * base * 2**retry
    assert stats.as_dict()["by_api"] == {"ListAlerts": 4}
    assert stats.retries == 3 and stats.failures == 0


def test_delay_is_capped_and_full_jitter():
    policy = RetryPolicy(base_seconds=1.0, cap_seconds=5.0, rand=lambda: 0.999)
    assert policy.delay(10) < 5.0
    assert RetryPolicy(rand=lambda: 0.0).delay(3) == 0.0


def test_non_retryable_error_is_raised_at_once():
    caller = Caller(RetryPolicy(sleep=lambda s: None), deadline=None)
    fn, state = flaky(5, CallError("ListAlerts", "Unauthorized", "denied", 401, False))
    with pytest.raises(CallError) as caught:
        caller.call("ListAlerts", fn)
    assert state["n"] == 1 and caught.value.attempts == 1


def test_gives_up_after_max_attempts():
    caller = Caller(RetryPolicy(max_attempts=3, sleep=lambda s: None), deadline=None)
    fn, state = flaky(10, CallError("GetIndex", "InternalServerError", "", 500, True))
    with pytest.raises(CallError) as caught:
        caller.call("GetIndex", fn)
    assert state["n"] == 3 and caught.value.attempts == 3
    assert caller.stats.failures == 1


def test_per_call_timeout_shrinks_to_the_remaining_budget():
    clock = FakeClock()
    clock.now = 8.0
    seen = []
    caller = Caller(RetryPolicy(), call_timeout=10, deadline=11.0, clock=clock)
    caller.call("DescribeTrails", lambda t: seen.append(t))
    assert seen == [3.0]


def test_budget_exhausted_means_no_call():
    clock = FakeClock()
    clock.now = 50
    caller = Caller(RetryPolicy(), deadline=50.2, clock=clock)
    with pytest.raises(BudgetExceeded) as caught:
        caller.call("DescribeTrails", lambda t: pytest.fail("must not be called"))
    assert caught.value.code == "ScanBudgetExceeded"
    assert caller.stats.total == 0


def test_no_retry_when_the_pause_would_overrun_the_deadline():
    clock = FakeClock()
    caller = Caller(
        RetryPolicy(base_seconds=30, rand=lambda: 1.0, sleep=clock.sleep), deadline=10, clock=clock
    )
    fn, state = flaky(1, CallError("ListProject", "Throttling", "", 400, True))
    with pytest.raises(CallError):
        caller.call("ListProject", fn)
    assert state["n"] == 1
