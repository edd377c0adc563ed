from __future__ import annotations

import pytest

from cis216.slsquery import ConditionError, condition_fires, minimum_count_to_fire, parse_condition


@pytest.mark.parametrize(
    ("cond", "row", "expected"),
    [
        ("cnt > 0", {"cnt": 1}, True),
        ("cnt > 0", {"cnt": 0}, False),
        ("cnt > 0", {"cnt": "3"}, True),  # SLS rows carry strings
        ("cnt >= 1", {"cnt": 1}, True),
        ("cnt > 5", {"cnt": 5}, False),
        ("cnt > 5", {"cnt": 6}, True),
        ("cnt > 0 && cnt < 10", {"cnt": 3}, True),
        ("cnt > 10 || cnt == 2", {"cnt": 2}, True),
        ("!(cnt > 0)", {"cnt": 0}, True),
        ("cnt != 0", {"cnt": 0}, False),
        ("cnt * 2 + 1 > 5 % 3", {"cnt": 1}, True),
        ("(cnt - 1) / 2 >= 1", {"cnt": 3}, True),
        ("-cnt < 0", {"cnt": 1}, True),
        ("code == 'Forbidden'", {"code": "Forbidden"}, True),
        ('code == "Forbidden"', {"code": "NoPermission"}, False),
        ("code =~ 'Forbidden.*'", {"code": "Forbidden.RAM"}, True),
        ("code !~ '^No'", {"code": "NoPermission"}, False),
        ("contains(code, 'RAM')", {"code": "Forbidden.RAM"}, True),
        ("contains(code, 'ram')", {"code": "Forbidden.RAM"}, False),
        ("cnt", {"cnt": 2}, True),
        ("", {}, True),  # empty: data returned
        ("   ", {"cnt": 0}, True),
        (None, {}, True),
        ("cnt > 0.5", {"cnt": 1}, True),
        ("1e1 > cnt", {"cnt": 2}, True),
        ("1e999 + cnt > 0", {"cnt": 1}, True),  # only the operator written is computed
    ],
)
def test_condition_fires(cond, row, expected) -> None:
    assert condition_fires(cond, row) is expected


@pytest.mark.parametrize(
    ("cond", "row"),
    [
        ("cnt > 0", {}),  # unknown column
        ("foo(cnt) > 0", {"cnt": 1}),  # unknown function
        ("cnt >", {"cnt": 1}),
        ("cnt > 0 and cnt < 5", {"cnt": 1}),  # words are not operators
        ("cnt / 0 > 1", {"cnt": 1}),
        ("code =~ '('", {"code": "x"}),
        ("code > 1", {"code": "abc"}),
        ("cnt > 0 $", {"cnt": 1}),
    ],
)
def test_cannot_evaluate(cond, row) -> None:
    assert condition_fires(cond, row) is None


def test_parse_error_is_a_value_error() -> None:
    with pytest.raises(ConditionError):
        parse_condition("(cnt > 0")


def test_parse_error_says_where() -> None:
    with pytest.raises(ConditionError) as info:
        parse_condition("cnt > 0 )")
    assert (str(info.value), info.value.position) == ("unexpected ')'", 8)


def test_fifty_levels_of_parentheses_parse() -> None:
    assert condition_fires("(" * 50 + "cnt > 0" + ")" * 50, {"cnt": 1}) is True


@pytest.mark.parametrize(
    "cond",
    [
        "(" * 51 + "cnt" + ")" * 51,
        "(" * 1000 + "cnt" + ")" * 1000,  # a RecursionError before the limit
        "!" * 1000 + "cnt",
        "-" * 1000 + "cnt",
        "contains(" * 100 + "cnt" + ", 'a')" * 100,
    ],
)
def test_nesting_deeper_than_fifty_levels_cannot_be_evaluated(cond: str) -> None:
    with pytest.raises(ConditionError, match="nested too deeply"):
        parse_condition(cond)
    assert condition_fires(cond, {"cnt": 1}) is None
    assert minimum_count_to_fire(cond, "cnt") is None


@pytest.mark.parametrize(
    ("cond", "minimum"),
    [
        ("cnt > 0", 1),
        ("cnt >= 1", 1),
        ("cnt > 5", 6),
        ("cnt >= 10", 10),
        ("cnt > 2000", 2001),
        ("cnt >= 100000", 100000),
        ("", 1),
        ("cnt == 3", 3),
        ("cnt < 0", None),  # never
        ("cnt > 0 && cnt < 1", None),
        ("cnt > 0 && other > 1", None),  # reads another column
        ("nope(", None),
    ],
)
def test_minimum_count_to_fire(cond, minimum) -> None:
    assert minimum_count_to_fire(cond, "cnt") == minimum
