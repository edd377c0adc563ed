"""`AlertConfiguration.queries` holds the entries parsed while the configuration was validated: the
same AlertQuery objects a fresh parse of `query_list` gives, in order, object entries only."""

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


def test_parsed_once_while_validating_equals_a_fresh_parse() -> None:
    configuration = AlertConfiguration.model_validate({"queryList": ENTRIES})
    assert "queries" in configuration.__dict__  # filled by validation, not on first read
    assert configuration.queries == fresh(configuration)
    assert [q.store for q in configuration.queries] == ["legacy", None, "s"]


def test_each_configuration_keeps_its_own_entries() -> None:
    first = AlertConfiguration.model_validate({"queryList": ENTRIES[:1]})
    second = AlertConfiguration.model_validate({"queryList": ENTRIES[2:3]})
    assert [q.query for q in first.queries] == ["a"]
    assert [q.query for q in second.queries] == ["b"]


def test_without_query_list_or_when_built_without_validation() -> None:
    assert AlertConfiguration.model_validate({}).queries == ()
    built = AlertConfiguration.model_construct(query_list=ENTRIES)
    assert built.queries == fresh(built)


def test_model_copies_and_equality_are_unaffected() -> None:
    validated = AlertConfiguration.model_validate({"queryList": ENTRIES})
    again = AlertConfiguration.model_validate({"queryList": ENTRIES})
    assert validated == again
    assert validated.model_copy().queries == validated.queries
    assert validated.model_dump(by_alias=True)["queryList"] == ENTRIES
