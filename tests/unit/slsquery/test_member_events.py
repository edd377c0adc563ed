"""Representative events of one member of an organisation trail (`member_account`): they carry the
member's id, so a query narrowed away from it misses them; without a member nothing changes."""

from __future__ import annotations

import pytest

from cis216.slsquery import judge_query, representative_events
from cis216.slsquery.events import TOPIC_LOG_AUDIT, context_variants

MEMBER, OTHER = "2000000000000001", "2000000000000009"
TEMPLATE = "event.eventType: ApiCall and (event.errorCode: NoPermission or event.errorCode: NoPermission.* or " \
    "event.errorCode: Forbidden or event.errorCode: Forbidden.* or event.errorCode: InvalidAccessKeyId or " \
    "event.errorCode: InvalidAccessKeyId.* or event.errorCode: InvalidSecurityToken or " \
    "event.errorCode: InvalidSecurityToken.* or event.errorCode: SignatureDoesNotMatch or " \
    "event.errorCode: InvalidAuthorization or event.errorCode: AccessForbidden or event.errorCode: NotAuthorized)"  # fmt: skip


def test_member_events_carry_the_member_id():
    events = representative_events(member_account=MEMBER)
    assert all(e.event["event.recipientAccountId"] == MEMBER for e in events)
    assert all(e.event["event.userIdentity.accountId"] == MEMBER for e in events)
    variants = context_variants(events)
    assert all(v.event["event.recipientAccountId"] == MEMBER for v in variants)  # still the member's event
    assert all(v.event["event.userIdentity.accountId"] != MEMBER for v in variants)  # a cross-account caller
    assert all(
        e.event["owner_id"] == MEMBER
        for e in representative_events(topic=TOPIC_LOG_AUDIT, member_account=MEMBER)
    )


def test_without_a_member_the_events_are_as_before():
    assert not any("event.recipientAccountId" in e.event for e in representative_events())
    assert representative_events() == representative_events(member_account=None)


@pytest.mark.parametrize(
    "narrowing, member_verdict",
    [
        (f"not event.recipientAccountId: {MEMBER}", "incomplete"),
        (f"event.recipientAccountId: {OTHER}", "incomplete"),
        (f"not event.recipientAccountId: {OTHER}", "complete"),
        (f"event.recipientAccountId: {MEMBER}", "complete"),
        (f"not event.userIdentity.accountId: {MEMBER}", "incomplete"),
        (f"event.userIdentity.accountId: {MEMBER}", "incomplete"),  # misses calls from other accounts
        ("not event.userIdentity.userName: scanner", "complete"),
    ],
)
def test_a_query_narrowed_away_from_the_member_misses_it(narrowing, member_verdict):
    assert judge_query(f"{TEMPLATE} and {narrowing}", member_account=MEMBER).verdict == member_verdict


def test_the_template_covers_every_member():
    assert judge_query(TEMPLATE, member_account=MEMBER).verdict == "complete"
    assert judge_query(TEMPLATE).verdict == "complete"
