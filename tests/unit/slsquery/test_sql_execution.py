"""The analytic statement executed: parsing with sqlglot, evaluation, the rows of bursts, the judge."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cis216.slsquery import DEFAULT_REQUIRED_CODES, judge_query
from cis216.slsquery.events import negative_controls, representative_events, spread_calls
from cis216.slsquery.execution import known_fields
from cis216.slsquery.firing import Trigger, fires
from cis216.slsquery.sql import SqlNotExecutable, parse_analytic
from cis216.slsquery.sqleval import Opaque
from cis216.slsquery.sqlexec import Call, Executor, LinearRows

ALL = list(DEFAULT_REQUIRED_CODES)
SEARCH = "event.eventType: ApiCall and (" + " or ".join(f"event.errorCode: {c}" for c in ALL) + ")"
EVENTS = representative_events()
KNOWN = known_fields(EVENTS)
FORBIDDEN = next(e.event for e in EVENTS if e.error_code == "Forbidden.RAM")
OK_CALL = negative_controls()[0].event


def rows(sql: str, *calls: Call) -> list[tuple[dict, int]]:
    return list(Executor(parse_analytic(sql), KNOWN).run(list(calls)))


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("select count(1) as cnt", [({"cnt": 3}, 1)]),
        ('select count("event.userIdentity.userName") as n', [({"n": 3}, 1)]),
        ('select count(distinct "event.eventId") as n', [({"n": 3}, 1)]),  # every call has its id
        ('select approx_distinct("event.sourceIpAddress") as n', [({"n": 1}, 1)]),
        ("select count_if(\"event.errorCode\" like 'Forbidden%') as f", [({"f": 3}, 1)]),
        ('select sum(case when "event.errorCode" is null then 1 else 0 end) as ok', [({"ok": 0}, 1)]),
        (
            'select arbitrary("event.serviceName") as s, max(__time__) - min(__time__) as span',
            [({"s": "Ecs", "span": 0}, 1)],
        ),
        (
            "select coalesce(\"event.userIdentity.userName\", 'nobody') as who, count(1) as c group by who",
            [({"who": "ci-deployer", "c": 3}, 1)],
        ),
        ("select if(count(1) > 2, 'many', 'few') as how", [({"how": "many"}, 1)]),
        (
            "select date_format(from_unixtime(__time__), '%Y-%m-%d %H:%i') as t, count(1) as c group by t",
            [({"t": "2026-11-29 01:02", "c": 3}, 1)],
        ),
        (
            'select lower("event.errorCode") as code, upper(substr("event.acsRegion", 1, 2)) as r, concat("event.serviceName", \'/\', "event.eventName") as api',
            [({"code": "forbidden.ram", "r": "CN", "api": "Ecs/DeleteInstance"}, 3)],
        ),
        (
            'select "event.errorCode" as "错误码", count(1) as 次数 group by "错误码"',
            [({"错误码": "Forbidden.RAM", "次数": 3}, 1)],
        ),
        (
            "select count(1) as cnt where \"event.errorCode\" in ('Forbidden.RAM', 'NoPermission')",
            [({"cnt": 3}, 1)],
        ),
        ("select count(1) as cnt where \"event.errorCode\" = 'NoPermission'", [({"cnt": 0}, 1)]),
        ("select count(1) as cnt having count(1) > 5", []),
        ('select "event.errorCode" as c limit 2', [({"c": "Forbidden.RAM"}, 2)]),
        ("select count(1) as cnt limit 0", []),
    ],
)
def test_rows_of_three_calls(sql: str, expected: list) -> None:
    assert rows(sql, Call(FORBIDDEN, 3)) == expected


def test_an_aggregate_without_group_by_returns_its_row_over_no_log() -> None:
    assert rows("select count(1) as cnt, sum(1) as s") == [({"cnt": 0, "s": None}, 1)]
    assert rows('select "event.errorCode" as c, count(1) as cnt group by c') == []


def test_functions_that_only_feed_an_output_are_not_computed_but_named() -> None:
    ((row, _),) = rows(
        'select arbitrary(ip_to_country("event.sourceIpAddress")) as country, count(1) as cnt',
        Call(FORBIDDEN),
    )
    assert row == {"country": Opaque("ip_to_country()"), "cnt": 1}
    assert fires(Trigger("cnt > 0"), ((row, 1),)).fires is True
    unsure = fires(Trigger("country == 'CN'"), ((row, 1),))
    assert unsure.fires is None and "ip_to_country()" in unsure.why


@pytest.mark.parametrize(
    ("sql", "construct"),
    [
        ("select count(1) as cnt from log join other on 1 = 1", "JOIN"),
        ("select count(1) as cnt from (select 1)", "subquery"),
        ("select count(1) as cnt union select 1", "UNION"),
        ("select count(1) over () as c", "window function"),
        ("select count(1) as cnt having cnt > 0", "HAVING refers to the select alias cnt"),
        ('select count(1) as cnt, "event.errorCode"', "neither grouped nor aggregated"),
        ("select histogram(x) as h", "histogram()"),
        ("select event.errorCode from log", "not quoted"),
        ("select count(1) as cnt from other_table", "not from the log"),
        ("select count(1) as cnt | select 1", "not understood"),
    ],
)
def test_what_cannot_be_executed_is_named(sql: str, construct: str) -> None:
    with pytest.raises(SqlNotExecutable, match=construct):
        parse_analytic(sql)


@pytest.mark.parametrize(
    ("sql", "construct"),
    [
        ("select count(1) as cnt where cnt > 0", "column 'cnt'"),
        ('select count(1) as cnt where "event.eventVersion" > 0', "compares"),
        ('select ip_to_country("event.sourceIpAddress") as c, count(1) as n group by c', "GROUP BY"),
        ("select count(1) as cnt where ip_to_country(\"event.sourceIpAddress\") = 'CN'", "WHERE"),
    ],
)
def test_what_fails_at_run_time_is_named(sql: str, construct: str) -> None:
    with pytest.raises(SqlNotExecutable, match=construct):
        rows(sql, Call(FORBIDDEN))


def test_a_burst_is_linear_in_n_when_aggregates_are_only_added_up() -> None:
    executor = Executor(parse_analytic("select count(1) * 2 + 1 as x, max(__time__) as t"), KNOWN)
    burst = executor.burst(FORBIDDEN)
    assert isinstance(burst, LinearRows)
    assert burst.rows_at(10**6) == executor.run([Call(FORBIDDEN, 10**6)])
    computed = Executor(parse_analytic("select count(1) as cnt having count(1) > 5"), KNOWN).burst(FORBIDDEN)
    assert not isinstance(computed, LinearRows)
    assert computed.rows_at(5) == () and computed.rows_at(6) == (({"cnt": 6}, 1),)


def test_spread_calls_differ_in_every_grouping_field() -> None:
    spread = spread_calls(FORBIDDEN, 30)
    for field in (
        "event.sourceIpAddress",
        "event.acsRegion",
        "event.userIdentity.accessKeyId",
        "event.userIdentity.accountId",
    ):
        assert len({e[field] for e in spread}) == 30, field
    assert {e["event.errorCode"] for e in spread} == {"Forbidden.RAM"}


# (name, SQL after the search part, verdict, missed families or None). Each is a spelling seen
# in published alert queries, paraphrased; the search part keeps every required code.
CASES = [
    ("count", "select count(1) as cnt", "complete", []),
    ("count where keeps all", "select count(1) as cnt where \"event.eventType\" = 'ApiCall'", "complete", []),
    (
        "count where drops a code",
        "select count(1) as cnt where \"event.errorCode\" <> 'NotAuthorized'",
        "incomplete",
        ["NotAuthorized"],
    ),
    (
        "count where narrows to a region",
        "select count(1) as cnt where \"event.acsRegion\" = 'cn-hangzhou'",
        "incomplete",
        ALL,
    ),
    (
        "count where case-sensitive prefix",
        "select count(1) as cnt where \"event.errorCode\" like 'forbidden%'",
        "incomplete",
        ALL,
    ),
    ("count_if of the failures", 'select count_if("event.errorCode" is not null) as cnt', "complete", []),
    ("count_if of the successes", 'select count_if("event.errorCode" is null) as cnt', "incomplete", ALL),
    (
        "group by several columns",
        'select "event.userIdentity.accountId" as a, "event.sourceIpAddress" as ip, "event.serviceName" as s, count(1) as cnt group by a, ip, s',
        "complete",
        [],
    ),
    (
        "group by ordinal",
        'select "event.errorCode", count(1) as cnt group by 1 order by 2 desc',
        "complete",
        [],
    ),
    (
        "having per group",
        'select "event.sourceIpAddress" as ip, count(1) as cnt group by ip having count(1) > 5',
        "complete",
        [],
    ),
    ("having that never holds", "select count(1) as cnt having count(1) < 0", "incomplete", ALL),
    (
        "case when summing",
        'select sum(case when "event.errorCode" is not null then 1 else 0 end) as cnt',
        "complete",
        [],
    ),
    (
        "coalesce and date_format",
        "select coalesce(\"event.userIdentity.userName\", 'unknown') as who, date_format(from_unixtime(__time__), '%Y-%m-%d') as day, count(1) as cnt group by who, day",
        "complete",
        [],
    ),
    (
        "chinese aliases",
        'select "event.userIdentity.accountId" as "账号", count(1) as "次数" group by "账号"',
        "complete",
        [],
    ),
    (
        "unknown function in where",
        "select count(1) as cnt where ip_to_country(\"event.sourceIpAddress\") <> '中国'",
        "unverifiable",
        None,
    ),
    ("join", "select count(1) as cnt from log join other on 1 = 1", "unverifiable", None),
]


@pytest.mark.parametrize(("sql", "verdict", "missed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_judge_runs_the_statement(sql: str, verdict: str, missed: list[str] | None) -> None:
    j = judge_query(f"{SEARCH} | {sql}")
    assert j.verdict == verdict, j.detail
    if missed is not None:
        assert j.missed_codes == missed, j.detail
    if verdict == "unverifiable":
        assert j.pipe.kind == "unknown" or "cannot be executed" in j.detail


@pytest.mark.parametrize(
    "sql",
    [
        "select count(1) as cnt from log join other on 1 = 1",  # cannot be executed
        "select ip_to_country(x",  # cannot even be parsed
        "select count(1) as cnt where 1 = 1",
    ],
)
def test_a_search_that_drops_codes_is_incomplete_whatever_sql_follows(sql: str) -> None:
    j = judge_query(f"event.eventType: ApiCall and event.errorCode: NoPermission | {sql}")
    assert j.verdict == "incomplete" and "Forbidden" in j.missed_codes, j.detail


def test_the_sql_alone_misses_are_said() -> None:
    j = judge_query(f"{SEARCH} | select count(1) as cnt where \"event.errorCode\" <> 'NotAuthorized'")
    assert j.missed_by_sql == ["NotAuthorized"]
    assert "drops or does not count the calls of NotAuthorized" in j.detail


def test_the_successful_call_reaches_the_rows_only_through_the_statement() -> None:
    executor = Executor(parse_analytic('select count_if("event.errorCode" is null) as ok'), KNOWN)
    assert executor.run([Call(OK_CALL, 2)]) == (({"ok": 2}, 1),)


_FRAGMENTS = [
    "select", "count(1)", "count(*)", "as", "cnt", ",", "from log", "where", "group by", "having",
    "order by", "limit", "1", "0", "5", "/", "-", "*", "(", ")", "=", "<>", ">", "and", "or", "not",
    '"event.errorCode"', '"event.sourceIpAddress"', "'Forbidden'", "null", "is", "case when", "then",
    "else", "end", "if(", "coalesce(", "sum(", "max(", "arbitrary(", "count_if(", "__time__", "x",
    "ip_to_country(", "date_format(", "'%Y'", "distinct", "desc", ";", "|",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=14))
def test_the_judge_never_raises_on_odd_sql(parts: list[str]) -> None:
    j = judge_query(f"{SEARCH} | {' '.join(parts)}")
    assert j.verdict in ("complete", "incomplete", "unverifiable")


@pytest.mark.parametrize("sql", ["select 100 / (count(1) - 5) as cnt", "select count(1) / 0 as cnt"])
def test_a_statement_failing_for_some_burst_is_not_a_crash(sql: str) -> None:
    from cis216.slsquery.firing import scan

    j = judge_query(f"{SEARCH} | {sql}")
    if j.execution is not None and j.execution.seen:
        found = scan([Trigger("cnt > 0")], j.execution.burst(j.execution.seen[0]), range(1, 10))
        assert found.first is not None or found.unknown
