"""Regressions found by adversarial review: queries that looked complete on the sample events."""

from __future__ import annotations

import pytest

from cis216.slsquery import DEFAULT_REQUIRED_CODES, analyze_pipe, judge_query

GOOD = " or ".join(f"event.errorCode: {c}" for c in DEFAULT_REQUIRED_CODES)


# Narrowing on a context field whose value only happens to equal the sample event's: a real
# unauthorized call in another region, a write call, another service or caller is missed.
@pytest.mark.parametrize(
    "narrowing",
    [
        "event.acsRegion: cn-hangzhou",
        "event.eventRW: Read",
        "event.sourceIpAddress: 203.0.113.7",
        "event.userIdentity.accountId: 1234567890123456",
        "event.eventTime: 2026*",
        "event.userAgent: AlibabaCloud*",
        "(event.userIdentity.type: ram-user or event.userIdentity.type: unknown)",
        "not event.acsRegion: eu-central-1",
    ],
)
def test_narrowing_on_the_sample_context_is_incomplete(narrowing: str) -> None:
    j = judge_query(f"event.eventType: ApiCall and {narrowing} and ({GOOD}) | select count(1) as cnt")
    assert j.verdict == "incomplete"
    assert "NoPermission" in j.missed_codes and j.missed_in_context
    assert "only in some contexts" in j.detail


@pytest.mark.parametrize(
    "harmless",
    [
        "__topic__: actiontrail_audit_event",
        "not event.userIdentity.userName: security-scanner",
        "event.errorCode: *",
        "event.eventName: *",
    ],
)
def test_harmless_narrowing_stays_complete(harmless: str) -> None:
    j = judge_query(f"event.eventType: ApiCall and {harmless} and ({GOOD}) | select count(1) as cnt")
    assert j.verdict == "complete" and j.missed_in_context == []


def test_count_of_a_column_counts_only_logs_that_have_it() -> None:
    # InvalidAccessKeyId calls have no userName: count(userName) is 0 for them, `cnt > 0` never holds.
    assert analyze_pipe('select count("event.userIdentity.userName") as cnt').count_argument == (
        "event.userIdentity.userName"
    )
    pipe = 'select count("event.userIdentity.userName") as cnt'
    j = judge_query(f"event.eventType: ApiCall and ({GOOD}) | {pipe}")
    assert j.verdict == "incomplete"
    assert j.missed_codes == ["InvalidAccessKeyId", "InvalidAccessKeyId.*"]
    assert "not null" in j.detail


@pytest.mark.parametrize(
    "pipe",
    [
        "select count(1) as cnt",
        "select count(*) as cnt",
        'select count("event.errorCode") as cnt',
        'select count(distinct "event.eventId") as cnt',
    ],
)
def test_count_of_every_log_or_of_an_always_present_column_is_complete(pipe: str) -> None:
    assert judge_query(f"event.eventType: ApiCall and ({GOOD}) | {pipe}").verdict == "complete"
