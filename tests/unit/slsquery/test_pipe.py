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
def test_group_by_is_harmless(text: str) -> None:
    a = analyze_pipe(text)
    assert a.kind == "harmless" and a.groups and a.count_column == "cnt" and not a.always_row


def test_plain_columns_are_harmless() -> None:
    a = analyze_pipe('select "event.errorCode", "event.eventName"')
    assert a.kind == "harmless" and not a.groups and a.count_column is None
    assert analyze_pipe("select *").kind == "harmless"


@pytest.mark.parametrize(
    "text",
    [
        "select count(1) as cnt where \"event.errorCode\" = 'Forbidden'",
        'select "event.errorCode", count(1) as cnt group by "event.errorCode" having count(1) > 5',
        "select count(1) as cnt limit 0",
        "SELECT count(1) AS cnt WHERE 1=1",
    ],
)
def test_filters(text: str) -> None:
    assert analyze_pipe(text).kind == "filters"


@pytest.mark.parametrize(
    "text",
    [
        "select",
        "select count(1) as cnt | select 1",
        "select count(1) as cnt from other_table",
        "select regexp_like(x, 'a') as r",
        "select max(__time__) as last",  # one row always, says nothing about matches
        'select count(1) as cnt, "event.errorCode"',  # invalid without group by
        "select distinct x",
        "select count(1) as cnt limit 1, 10",
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
