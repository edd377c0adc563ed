"""validation.describe: one line per problem, `<source>: <path>: <message>`, in each reader's style."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cis216.validation import describe, dotted_path, json_path, variable_path


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(1, ge=1)
    flag: bool = False


class Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[Inner] = []
    by_name: dict[str, Inner] = {}


def error_of(document: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Outer.model_validate(document)
    return caught.value


def test_paths_in_each_style():
    loc = ("regions", "cn-hangzhou", "sls_projects", "evil.com/x", "alerts", 0)
    assert json_path(loc) == "regions.cn-hangzhou.sls_projects['evil.com/x'].alerts[0]"
    assert dotted_path(loc) == "regions.cn-hangzhou.sls_projects.evil.com/x.alerts.0"
    assert variable_path(("PROFILE_SETTINGS", "required_codes", 0)) == "PROFILE_SETTINGS: required_codes.0"
    assert variable_path(("MAX_CONCURRENCY",)) == "MAX_CONCURRENCY"
    assert json_path(()) == dotted_path(()) == variable_path(()) == ""


def test_one_line_per_problem_naming_source_and_path():
    error = error_of({"items": [{"count": 0}, {"flag": "maybe"}]})
    assert describe(error, "snapshot") == (
        "snapshot: items[0].count: Input should be greater than or equal to 1\n"
        "snapshot: items[1].flag: Input should be a valid boolean, unable to interpret input"
    )
    assert describe(error, path=dotted_path, separator="; ") == (
        "items.0.count: Input should be greater than or equal to 1; "
        "items.1.flag: Input should be a valid boolean, unable to interpret input"
    )


def test_the_whole_document_and_value_errors():
    with pytest.raises(ValidationError) as caught:
        Outer.model_validate([1])
    assert describe(caught.value, "file.json") == (
        "file.json: (document): Input should be a valid dictionary or instance of Outer"
    )
    assert describe(caught.value, whole=None) == "Input should be a valid dictionary or instance of Outer"


def test_unknown_fields_worded_by_the_reader():
    error = error_of({"items": [{"nope": 1}], "extra": 2})
    assert describe(error, "s") == (
        "s: items[0].nope: Extra inputs are not permitted\ns: extra: Extra inputs are not permitted"
    )
    assert describe(error, "s", unknown_field="unknown field") == (
        "s: items[0].nope: unknown field\ns: extra: unknown field"
    )
    by_depth = describe(error, "s", unknown_field=lambda loc: "inner" if len(loc) > 1 else "outer")
    assert by_depth == "s: items[0].nope: inner\ns: extra: outer"


def test_messages_reworded_by_error_type():
    error = error_of({"items": [{"count": 0, "flag": "maybe"}]})
    messages = {"bool_parsing": "{input!r} is not a boolean", "greater_than_equal": "at least {ge}"}
    assert (
        describe(error, messages=messages)
        == "items[0].count: at least 1\nitems[0].flag: 'maybe' is not a boolean"
    )


def test_bad_dict_keys_are_named_once():
    class Keyed(BaseModel):
        counts: dict[int, int]

    with pytest.raises(ValidationError) as caught:
        Keyed.model_validate({"counts": {"x": 1}})
    assert describe(caught.value, "s") == (
        "s: counts.x: Input should be a valid integer, unable to parse string as an integer"
    )
