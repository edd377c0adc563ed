"""CallGraph with fake calls: answers, failures, once-only keys, the deadline and its grace."""

from __future__ import annotations

import threading
import time

import pytest

from cis216.adapters.calls import Caller, CallError, RetryPolicy
from cis216.inventory import ScanError
from cis216.shell.collect.graph import CallGraph, Where, error_order
from cis216.shell.logs import LOGGER

HERE = Where("cn-hangzhou")


def graph(deadline=None, grace_seconds=None, call_timeout=1.0, concurrency=4):
    caller = Caller(RetryPolicy(max_attempts=1, sleep=lambda s: None), call_timeout, deadline)
    return CallGraph(caller, max_concurrency=concurrency, grace_seconds=grace_seconds)


def ignore(_answer):
    pass


def answer(value):
    return lambda timeout: value


def fail(code, message="", status=None):
    def call(timeout):
        raise CallError("X", code, message, status)

    return call


def test_each_answer_goes_to_its_then_in_the_running_thread_and_may_submit_more():
    g = graph()
    got = []

    def first(value):
        got.append((value, threading.current_thread() is threading.main_thread()))
        g.submit("Second", HERE, answer(value + 1), then=got.append)

    g.run(lambda: g.submit("First", HERE, answer(1), then=first))
    assert got == [(1, True), 2]
    assert g.failures("cn-hangzhou") == []


def test_a_failed_call_is_recorded_as_a_scan_error_and_its_on_error_runs():
    g = graph()
    seen = []
    where = Where("cn-shanghai", "proj", "store")
    g.run(
        lambda: g.submit(
            "GetIndex", where, fail("Unauthorized", "denied", 403), then=seen.append, on_error=seen.append
        )
    )
    [error] = seen
    assert isinstance(error, CallError) and error.code == "Unauthorized"
    assert g.failures("cn-shanghai") == [
        ScanError(
            api="GetIndex",
            project="proj",
            logstore="store",
            code="Unauthorized",
            message="denied",
            status=403,
            attempts=1,
        )
    ]
    assert list(g.failed_regions()) == ["cn-shanghai"]


def test_the_message_of_a_failed_call_is_redacted():
    LOGGER.add_secrets("s3cr3t-token-value")
    try:
        g = graph()
        g.run(lambda: g.submit("X", HERE, fail("Denied", "token s3cr3t-token-value refused"), then=ignore))
    finally:
        LOGGER.clear_state()
    [error] = g.failures("cn-hangzhou")
    assert "s3cr3t-token-value" not in error.message


def test_an_unexpected_exception_is_recorded_by_its_type_and_handed_to_on_error():
    g = graph()
    seen = []

    def broken(timeout):
        raise KeyError("surprise")

    g.run(lambda: g.submit("ListAlerts", HERE, broken, then=seen.append, on_error=seen.append))
    assert [type(e) for e in seen] == [KeyError]
    [error] = g.failures("cn-hangzhou")
    assert (error.api, error.code, error.message, error.model_extra) == (
        "ListAlerts",
        "KeyError",
        "'surprise'",
        {"attempts": 1},
    )


def test_errors_come_in_a_stable_order_whatever_order_the_calls_failed_in():
    def failures(slow):
        g = graph()

        def start():
            for code in ("B", "A", "C"):
                delay = 0.05 if code == slow else 0.0

                def call(timeout, code=code, delay=delay):
                    time.sleep(delay)
                    raise CallError("X", code, "m")

                g.submit("ListAlerts", Where("cn-hangzhou", "p"), call, then=ignore)

        g.run(start)
        return g.failures("cn-hangzhou")

    first, second = failures(slow="A"), failures(slow="C")
    assert [e.code for e in first] == ["A", "B", "C"]
    assert first == second


def test_error_order_is_api_project_logstore_code_message():
    errors = [
        ScanError(api="ListAlerts", code="B", project="p"),
        ScanError(api="GetIndex", code="Z", project="q", logstore="s"),
        ScanError(api="ListAlerts", code="A", project="p", message="m"),
        ScanError(api="ListAlerts", code="A", project=None),
    ]
    assert [(e.api, e.project, e.code) for e in sorted(errors, key=error_order)] == [
        ("GetIndex", "q", "Z"),
        ("ListAlerts", None, "A"),
        ("ListAlerts", "p", "A"),
        ("ListAlerts", "p", "B"),
    ]


def test_recorded_errors_join_the_failed_calls_in_the_same_order():
    g = graph()
    g.run(lambda: g.submit("ListProject", HERE, fail("Denied"), then=ignore))
    g.record(HERE, ScanError(api="DescribeRegions", code="MalformedResponse", message="odd"))
    assert [e.api for e in g.failures("cn-hangzhou")] == ["DescribeRegions", "ListProject"]


def test_once_runs_a_key_the_first_time_only():
    g = graph()
    ran = []
    g.once(("ListProject", "cn-hangzhou"), ran.append, "full")
    g.once(("ListProject", "cn-hangzhou"), ran.append, "log audit only")
    g.once(("ListProject", "cn-beijing"), ran.append, "log audit only")
    assert ran == ["full", "log audit only"]


def test_a_call_hanging_past_the_deadline_and_its_grace_is_given_up_without_waiting():
    release = threading.Event()
    g = graph(deadline=time.monotonic() + 1.0, grace_seconds=0.1)  # calls need 0.5 s left
    answered, failed = [], []

    def hang(timeout):
        release.wait(10)
        return "late"

    def start():
        g.submit("Quick", HERE, answer("quick"), then=answered.append)
        g.submit("DescribeTrails", Where("cn-shanghai"), hang, then=answered.append, on_error=failed.append)

    started = time.monotonic()
    try:
        g.run(start)
        elapsed = time.monotonic() - started
    finally:
        release.set()
    assert elapsed < 3  # 1.1 s: the hung call (10 s) is not waited for
    assert answered == ["quick"] and failed == []  # a given-up call runs neither callback
    assert g.failures("cn-shanghai") == [
        ScanError(
            api="DescribeTrails",
            code="ScanBudgetExceeded",
            message="no answer before the scan's time budget ran out; the call was given up",
            attempts=1,
        )
    ]


def test_without_a_deadline_every_call_is_waited_for():
    g = graph(deadline=None, grace_seconds=0.0)
    got = []

    def slow(timeout):
        time.sleep(0.1)
        return "slow"

    g.run(lambda: g.submit("Slow", HERE, slow, then=got.append))
    assert got == ["slow"] and g.failures("cn-hangzhou") == []


@pytest.mark.parametrize(("call_timeout", "grace"), [(10.0, 5.0), (2.0, 2.0)])
def test_the_grace_is_the_call_timeout_at_most_five_seconds(call_timeout, grace):
    assert graph(call_timeout=call_timeout).grace_seconds == grace


def test_submit_outside_run_is_a_mistake():
    with pytest.raises(RuntimeError):
        graph().submit("X", HERE, answer(1), then=ignore)
