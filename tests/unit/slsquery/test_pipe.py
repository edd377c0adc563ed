from __future__ import annotations

import pytest

from cis216.slsquery import analyze_pipe


@pytest.mark.parametrize("text", [None, "", "   ", "\n"])
def test_none(text) -> None:
    a = analyze_pipe(text)
    assert a.kind == "none" and a.count_column is None and not a.groups


@pytest.mark.parametrize(
    ("text", "column"),
    [
        (" select count(1) as cnt", "cnt"),
        ("select count(*) as c", "c"),
        ("SELECT COUNT(*) AS total", "total"),
        ("select count(1) cnt", "cnt"),
        ('select count(1) as "cnt"', "cnt"),
        ("select count(1)", "_col0"),
        ("select count(1) as cnt from log", "cnt"),
        ("select count(1) as cnt, max(__time__) as last", "cnt"),
        ("select max(__time__) as last, count(*) as n", "n"),
        ("select count(1) as cnt limit 10", "cnt"),
        ("select count(1) as cnt;", "cnt"),
        ('select count(distinct "event.userIdentity.accessKeyId") as keys', "keys"),
        ("\n  select\n count(1)\n as cnt\n", "cnt"),
    ],
)
def test_count(text: str, column: str) -> None:
    a = analyze_pipe(text)
    assert a.kind == "count", a.detail
    assert a.count_column == column
    assert a.always_row and not a.groups


@pytest.mark.parametrize(
    "text",
    [
        'select "event.errorCode" as code, count(1) as cnt group by code',
        'select "event.errorCode", count(*) as cnt group by "event.errorCode" order by cnt desc',
        'select "event.errorCode", count(*) as cnt group by "event.errorCode" limit 100',
    ],
)
def test_group_by_gives_one_row_per_group(text: str) -> None:
    a = analyze_pipe(text)
    assert a.kind == "grouped" and a.groups and a.count_column == "cnt" and not a.always_row


def test_plain_columns_give_one_row_per_log() -> None:
    a = analyze_pipe('select "event.errorCode", "event.eventName"')
    assert a.kind == "rows" and not a.groups and a.count_column is None
    assert analyze_pipe("select *").kind == "rows"


@pytest.mark.parametrize(
    "text",
    [
        "select count(1) as cnt where \"event.errorCode\" = 'Forbidden'",
        'select "event.errorCode", count(1) as cnt group by "event.errorCode" having count(1) > 5',
        "select count(1) as cnt limit 0",
        "SELECT count(1) AS cnt WHERE 1=1",
    ],
)
def test_filters_are_read_and_executed_not_refused(text: str) -> None:
    # A WHERE, HAVING or LIMIT is no longer refused on sight: the judge runs it over the
    # representative events (tests/unit/slsquery/test_sql_execution.py says what it then finds).
    a = analyze_pipe(text)
    assert a.kind in ("count", "grouped") and a.statement is not None, a.detail


@pytest.mark.parametrize(
    "text",
    [
        "select",
        "select count(1) as cnt | select 1",
        "select count(1) as cnt from other_table",
        "select histogram(x) as h",  # a function whose meaning (aggregate or not) is unknown
        'select count(1) as cnt, "event.errorCode"',  # invalid without group by
        "select count(1) as cnt union select 1",
        "drop table log",
        "select count(1) as cnt from log join other on 1=1",
        "select * group by x",
        "select count(1) as cnt @@",
    ],
)
def test_unknown(text: str) -> None:
    assert analyze_pipe(text).kind == "unknown"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Once refused by the pattern classifier; now read, and executed by the judge.
        ("select regexp_like(x, 'a') as r", "rows"),  # the judge finds `x` is no ActionTrail field
        ("select max(__time__) as last", "count"),  # one row; its value changes with the calls
        ("select distinct x", "rows"),
        ("select count(1) as cnt limit 1, 10", "count"),  # the offset drops the one row
    ],
)
def test_read_now_and_left_to_execution(text: str, kind: str) -> None:
    assert analyze_pipe(text).kind == kind


@pytest.mark.parametrize(
    ("text", "argument"),
    [
        ('select count("event.userIdentity.userName") as cnt', "event.userIdentity.userName"),
        ('select count(distinct "event.eventId") as cnt', "event.eventId"),
        ("select count(1) as cnt", None),
        ("select count(*) as cnt", None),
    ],
)
def test_count_of_a_column_names_the_column_counted(text: str, argument: str | None) -> None:
    # count(col) counts only the logs where col is not null; count(1) / count(*) count every log.
    assert analyze_pipe(text).count_argument == argument
