"""`AlertConfiguration.queries`: the object entries of queryList parsed once (cached), the same
AlertQuery objects a fresh parse of `query_list` gives, in order."""

from __future__ import annotations

from typing import Any

from cis216.inventory import AlertConfiguration, AlertQuery

ENTRIES: list[Any] = [
    {"query": "a", "logStore": "legacy"},
    3,
    {"Query": "b", "store": "", "region": "cn-hangzhou", "extra": {"x": 1}},
    None,
    {"query": None, "store": "s", "start": "-15m", "end": "now"},
]


def fresh(configuration: AlertConfiguration) -> tuple[AlertQuery, ...]:
    return tuple(AlertQuery.model_validate(q) for q in configuration.query_list or [] if isinstance(q, dict))


def test_parsed_once_and_equal_to_a_fresh_parse() -> None:
    configuration = AlertConfiguration.model_validate({"queryList": ENTRIES})
    first = configuration.queries
    assert first is configuration.queries
    assert first == fresh(configuration)
    assert [q.store for q in first] == ["legacy", None, "s"]


def test_each_configuration_has_its_own_entries_and_equality_is_unaffected() -> None:
    one = AlertConfiguration.model_validate({"queryList": ENTRIES[:1]})
    other = AlertConfiguration.model_validate({"queryList": ENTRIES[2:3]})
    assert [q.query for q in one.queries] == ["a"]
    assert [q.query for q in other.queries] == ["b"]
    again = AlertConfiguration.model_validate({"queryList": ENTRIES[:1]})
    assert one == again  # one read `queries`, the other not
    assert AlertConfiguration.model_validate({}).queries == ()
