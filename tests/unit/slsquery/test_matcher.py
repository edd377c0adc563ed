from __future__ import annotations

import pytest

from cis216.slsquery import IndexConfig, matches, parse_statement

EVENT = {
    "__topic__": "actiontrail_audit_event",
    "event.eventType": "ApiCall",
    "event.errorCode": "Forbidden.RAM",
    "event.errorMessage": "User not authorized to operate on the specified resource.",
    "event.serviceName": "Ecs",
    "event.sourceIpAddress": "203.0.113.7",
    "event.userIdentity.type": "ram-user",
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("*", True),
        ("", True),
        ("event.eventType: ApiCall", True),
        ("event.eventType: apicall", True),
        ("event.eventType: ConsoleSignin", False),
        ("not event.eventType: ApiCall", False),
        ("event.eventType: ApiCall and event.errorCode: Forbidden.*", True),
        ("event.eventType: ApiCall and event.errorCode: NoPermission", False),
        ("event.errorCode: NoPermission or event.errorCode: Forbidden.*", True),
        ("event.errorCode: *", True),
        ("event.missing: *", False),
        ("not event.missing: *", True),
        ("event.userIdentity: *", True),  # a JSON parent exists when a leaf does
        ("authorized", True),  # bare term searches all values
        ("Forbidden.RAM", True),
        ("Forbidden", False),  # token is forbidden.ram
        ("ram-user", True),  # `-` is not a delimiter
        ("ram", False),
        ("203.0.113.7", True),
        ("errorCode", True),  # full-text also indexes field names
        ("event.errorcode: Forbidden.RAM", False),  # field names are case-sensitive
        ("event.errorCode: Forbidden.RAM event.serviceName: ecs", True),
        ('"the specified"', True),
        ('event.errorMessage: #"the specified"', True),
        ('event.errorMessage: #"specified the"', False),
        ("resource", False),  # the token is `resource.`: `.` is not a delimiter
        ("resource.", True),
        ("event.eventType > 1", False),  # text field: degrades to full-text of pieces
    ],
)
def test_matches(query: str, expected: bool) -> None:
    assert matches(parse_statement(query).search, EVENT, IndexConfig.default()) is expected


def test_default_index_when_none() -> None:
    assert matches(parse_statement("event.eventType: ApiCall").search, EVENT)


def test_case_sensitive_line_index() -> None:
    idx = IndexConfig.from_get_index({"line": {"token": [" ", "."], "caseSensitive": True}})
    assert matches(parse_statement("Forbidden").search, {"m": "Forbidden.RAM"}, idx)
    assert not matches(parse_statement("forbidden").search, {"m": "Forbidden.RAM"}, idx)
