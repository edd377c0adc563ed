"""Regressions found by adversarial review, through the whole strict profile."""

from __future__ import annotations

import pytest

from tests.builders import (
    CODES,
    account_finding,
    alert,
    ors,
    run_strict,
    snapshot,
    trail_finding,
)

GOOD = ors("event.errorCode: {}", CODES)


def test_query_narrowed_to_the_home_region_does_not_make_the_account_ok() -> None:
    # Matches every code, but only for calls made in cn-hangzhou: calls elsewhere never alert.
    query = f"event.eventType: ApiCall and event.acsRegion: cn-hangzhou and ({GOOD}) | select count(1) as cnt"
    found = account_finding(run_strict(snapshot(alerts=[alert(query=query)])))
    assert (found.status, found.reason_codes) == ("alarm", ["ALERT_QUERY_INCOMPLETE"])
    assert "only in some contexts" in found.evidence.alert.query_detail


def test_query_narrowed_to_read_events_does_not_make_the_account_ok() -> None:
    query = f"event.eventRW: Read and ({GOOD}) | select count(1) as cnt"
    found = trail_finding(run_strict(snapshot(alerts=[alert(query=query)])))
    assert (found.status, found.reason_codes) == ("alarm", ["ALERT_QUERY_INCOMPLETE"])


def test_counting_a_column_unknown_callers_lack_is_not_ok() -> None:
    query = f'event.eventType: ApiCall and ({GOOD}) | select count("event.userIdentity.userName") as cnt'
    found = account_finding(run_strict(snapshot(alerts=[alert(query=query)])))
    assert (found.status, found.reason_codes) == ("alarm", ["ALERT_QUERY_INCOMPLETE"])
    assert found.evidence.alert.missed_codes == ["InvalidAccessKeyId", "InvalidAccessKeyId.*"]


@pytest.mark.parametrize("condition", ["cnt == 1", "cnt > 0 && cnt < 5", "cnt % 2 == 1"])
def test_condition_that_stops_firing_on_more_calls_is_an_alarm(condition: str) -> None:
    # `cnt == 1`: two unauthorized calls in one window alert nobody.
    found = account_finding(run_strict(snapshot(alerts=[alert(condition=condition)])))
    assert (found.status, found.reason_codes) == ("alarm", ["ALERT_CONDITION_GAPS"])
    assert found.evidence.alert.trigger.stops_firing_at is not None


@pytest.mark.parametrize("condition", ["cnt > 0", "cnt >= 1", "cnt != 0", "cnt > 0 || cnt < 0", "cnt > 5"])
def test_condition_that_keeps_firing_has_no_gap(condition: str) -> None:
    found = account_finding(run_strict(snapshot(alerts=[alert(condition=condition)])))
    assert found.status == "ok"
    assert found.evidence.alert.trigger.stops_firing_at is None
