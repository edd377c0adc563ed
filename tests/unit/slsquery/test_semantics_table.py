"""Every row of the table in /work/shared/reference/sls-query-semantics.md, plus its token facts."""

from __future__ import annotations

import pytest

from cis216.slsquery import DEFAULT_DELIMITERS, IndexConfig, matches, parse_statement, split_tokens

IDX = IndexConfig.default()


def hit(query: str, code: str) -> bool:
    event = {"event.eventType": "ApiCall", "event.errorCode": code}
    return matches(parse_statement(query).search, event, IDX)


# (term, error code in the log, expected) -- the blank cells of the table are filled in with
# what the same rules give, so every cell is pinned.
TABLE = [
    ("event.errorCode: Forbidden", "Forbidden.RAM", False),  # token is forbidden.ram
    ("event.errorCode: Forbidden", "Forbidden", True),
    ("event.errorCode: Forbidden.*", "Forbidden.RAM", True),  # unquoted: wildcard
    ("event.errorCode: Forbidden.*", "Forbidden", False),  # the dot is required
    ('event.errorCode: "Forbidden.*"', "Forbidden.RAM", False),  # quoted: * is literal
    ('event.errorCode: "Forbidden.*"', "Forbidden", False),
    ("event.errorCode: NoPermission", "NoPermission", True),
    ("event.errorCode: NoPermission", "NoPermission.ram", False),
    ("event.errorCode: NoPermission.*", "NoPermission", False),  # the dot is required
    ("event.errorCode: NoPermission.*", "NoPermission.ram", True),
]


@pytest.mark.parametrize(("query", "code", "expected"), TABLE)
def test_reference_table(query: str, code: str, expected: bool) -> None:
    assert hit(query, code) is expected


def test_default_delimiters_are_the_documented_set() -> None:
    assert set(", '\";=()[]{}?@&<>/:") | {"\n", "\t", "\r"} == DEFAULT_DELIMITERS
    for not_a_delimiter in ".-_*":
        assert not_a_delimiter not in DEFAULT_DELIMITERS


def test_dot_does_not_split_a_token() -> None:
    assert split_tokens("Forbidden.RAM", DEFAULT_DELIMITERS) == ["Forbidden.RAM"]
    assert split_tokens("a/b c:d", DEFAULT_DELIMITERS) == ["a", "b", "c", "d"]


def test_values_are_case_insensitive_by_default() -> None:
    assert hit("event.errorCode: forbidden.ram", "Forbidden.RAM")
    assert hit("event.errorCode: FORBIDDEN.*", "Forbidden.RAM")
    assert hit('event.errorCode: "noPERMISSION"', "NoPermission")


def test_quoted_value_with_a_literal_star_matches_only_a_literal_star() -> None:
    assert hit('event.errorCode: "Forbidden.*"', "Forbidden.*")


def test_quoted_phrase_is_its_tokens_anded() -> None:
    ev = {"msg": "http error at /index"}
    assert matches(parse_statement('msg: "http error"').search, ev, IDX)
    assert matches(parse_statement('msg: "error http"').search, ev, IDX)  # order-free
    assert not matches(parse_statement('msg: "http failure"').search, ev, IDX)


def test_ordered_phrase_search() -> None:
    ev = {"msg": "http error at /index"}
    assert matches(parse_statement('msg: #"http error"').search, ev, IDX)
    assert not matches(parse_statement('msg: #"error http"').search, ev, IDX)
    assert matches(parse_statement('#"error at"').search, ev, IDX)


def test_unquoted_value_with_delimiters_is_split_and_anded() -> None:
    ev = {"path": "/api/v1/users"}
    assert matches(parse_statement("path: api/users").search, ev, IDX)
    assert not matches(parse_statement("path: api/groups").search, ev, IDX)


def test_question_mark_wildcard_is_one_character() -> None:
    assert hit("event.errorCode: Forbidden.RA?", "Forbidden.RAM")
    assert not hit("event.errorCode: Forbidden.R?", "Forbidden.RAM")


def test_star_inside_a_term() -> None:
    assert hit("event.errorCode: Inval*Token.*", "InvalidSecurityToken.Expired")
    assert not hit("event.errorCode: Inval*Token.*", "InvalidAccessKeyId.NotFound")
