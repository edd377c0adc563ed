"""The emulator's SLS SQL: Trino semantics through sqlglot and DuckDB, values as GetLogs writes them."""

from __future__ import annotations

import pytest

from cis216.emulator.errors import ServiceError
from cis216.emulator.sls.analytics import run_analytics

ROWS = [
    {"__time__": "1700000000", "resource": "a", "status": "alarm", "codes": '["X","Y"]'},
    {"__time__": "1700090000", "resource": "a", "status": "ok", "codes": "[]"},
    {"__time__": "1700090000", "resource": "b", "status": "alarm", "codes": '["X"]'},
]


def test_without_from_the_statement_reads_the_logstore() -> None:
    assert run_analytics("select count(1) as n", ROWS) == [{"n": "3"}]
    assert run_analytics("select count(1) as n", []) == [{"n": "0"}]


def test_presto_aggregates() -> None:
    sql = (
        "select resource, max_by(status, __time__) as latest, arbitrary(resource) as r,"
        " count_if(status = 'alarm') as alarms, max_by(status, __time__, 2) as last_two"
        " group by resource order by resource"
    )
    assert run_analytics(sql, ROWS) == [
        {"resource": "a", "latest": "ok", "r": "a", "alarms": "1", "last_two": '["ok","alarm"]'},
        {"resource": "b", "latest": "alarm", "r": "b", "alarms": "1", "last_two": '["alarm"]'},
    ]


def test_time_functions_are_utc() -> None:
    sql = "select from_unixtime(min(__time__)) as t, date_format(date_trunc('day', from_unixtime(min(__time__))), '%Y-%m-%d') as d"
    assert run_analytics(sql, ROWS) == [{"t": "2023-11-14 22:13:20.000", "d": "2023-11-14"}]


def test_unnest_a_json_list() -> None:
    sql = (
        "select code, count(1) as n from log, unnest(cast(json_parse(codes) as array(varchar))) as t(code)"
        " group by code order by n desc, code"
    )
    assert run_analytics(sql, ROWS) == [{"code": "X", "n": "2"}, {"code": "Y", "n": "1"}]


def test_nulls_and_declared_columns() -> None:
    assert run_analytics("select max(muted) as m", ROWS, columns=["muted"]) == [{"m": "null"}]


@pytest.mark.parametrize(
    "sql", ["select from where", "select nothing_here", "select 1; select 2", "insert into log values (1)"]
)
def test_what_sls_refuses_is_parameter_invalid(sql: str) -> None:
    with pytest.raises(ServiceError) as refused:
        run_analytics(sql, ROWS)
    assert (refused.value.status, refused.value.code) == (400, "ParameterInvalid")
