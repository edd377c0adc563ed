"""The PostgreSQL behaviours the powerpipe profile reproduces (sqltext.py), each checked against the
server itself on many random values: jsonb text, `->>`, `ilike`, `lower`/`trim` and `substring`."""

from __future__ import annotations

import random

import pytest

from cis216.profiles import powerpipe
from cis216.profiles.sqltext import (
    ARN_PROJECT,
    ARN_REGION,
    ilike_contains_in_order,
    json_field_text,
    jsonb_text,
    pg_lower,
    pg_trim,
)

pytestmark = pytest.mark.postgres
Jsonb = pytest.importorskip(
    "psycopg.types.json", reason="psycopg is not installed (pip install -e .[dev])"
).Jsonb

ALPHABET = (
    "aAzZ09 .:_%-/\"'\\\n\r\t\b\f\x01\x1f\x7f\u00e9\u00c9\u0130\u0131\u212a\u00df\u1e9e\u03a3"
    "\u65e5\U0001f600kKsS"
)


def _string(rng: random.Random, size: int = 8) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, size)))


def _value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 2 or roll < 0.5:
        return rng.choice(
            (
                None,
                True,
                False,
                0,
                -1,
                2**70,
                1.0,
                -0.0,
                0.25,
                1e16,
                1.5e16,
                1e-7,
                123.456,
                1e300,
                -2.5e-300,
                _string(rng),
                _string(rng),
                "",
            )
        )
    if roll < 0.75:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {_string(rng, 4): _value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def _batch(parity_db, sql, values):
    with parity_db.connection.cursor() as cursor:
        cursor.execute(sql, (values,))
        return [row[0] for row in cursor.fetchall()]


def test_jsonb_text_is_postgres_jsonb_cast(parity_db):
    rng = random.Random(216)
    values = [_value(rng) for _ in range(3000)]
    got = _batch(
        parity_db,
        "select v::text from unnest(%s::jsonb[]) with ordinality as t(v, i) order by i",
        [Jsonb(v) for v in values],
    )
    for value, text in zip(values, got, strict=True):
        assert jsonb_text(value) == text, value


def test_json_field_text_is_postgres_arrow_text(parity_db):
    rng = random.Random(2016)
    values = []
    for _ in range(2000):
        value = _value(rng)
        if isinstance(value, dict) and rng.random() < 0.7:
            value[rng.choice(("Query", "query"))] = _value(rng, 2)
        values.append(value)
    for key in ("Query", "query"):
        got = _batch(
            parity_db,
            f"select v ->> '{key}' from unnest(%s::jsonb[]) with ordinality as t(v, i) order by i",
            [Jsonb(v) for v in values],
        )
        for value, text in zip(values, got, strict=True):
            assert json_field_text(value, key) == text, (key, value)
            assert powerpipe.query_text(value) is not None


def test_query_text_is_the_coalesce_of_the_sql(parity_db):
    rng = random.Random(7)
    values = [_value(rng) for _ in range(1000)] + [{"Query": None, "query": None}, {"query": ""}, "x", 5]
    got = _batch(
        parity_db,
        "select coalesce(v ->> 'Query', v ->> 'query', v::text) "
        "from unnest(%s::jsonb[]) with ordinality as t(v, i) order by i",
        [Jsonb(v) for v in values],
    )
    for value, text in zip(values, got, strict=True):
        assert powerpipe.query_text(value) == text, value


PATTERN_WORDS = (
    "event.eventType",
    "ApiCall",
    "event.errorCode",
    "Forbbiden",
    "NoPermission",
    "InvalidAccessKeyId",
    "EVENT.ERRORCODE",
    "apicall",
    "invalidaccess\u212aeyid",
    "NoPerm\u0130ssion",
)


def test_ilike_matching_is_postgres_ilike(parity_db):
    rng = random.Random(11)
    texts = [
        "".join(rng.choice((*PATTERN_WORDS, _string(rng, 3))) for _ in range(rng.randint(0, 6)))
        for _ in range(3000)
    ]
    sql = (
        "select t ilike '%%event.eventType%%ApiCall%%', "
        "t ilike '%%event.errorCode%%InvalidAccessKeyId%%', "
        't ilike \'%%"event.errorCode":%%"Forbbiden%%\' '
        "from unnest(%s::text[]) with ordinality as u(t, i) order by i"
    )
    with parity_db.connection.cursor() as cursor:
        cursor.execute(sql, (texts,))
        rows = cursor.fetchall()
    for text, (api_call, access_key, quoted) in zip(texts, rows, strict=True):
        assert ilike_contains_in_order(text, "event.eventType", "ApiCall") == api_call, text
        assert ilike_contains_in_order(text, "event.errorCode", "InvalidAccessKeyId") == access_key, text
        assert ilike_contains_in_order(text, '"event.errorCode":', '"Forbbiden') == quoted, text


def test_lower_and_trim_are_postgres_c_locale(parity_db):
    rng = random.Random(3)
    texts = [_string(rng, 10) for _ in range(2000)] + ["  CN-HANGZHOU ", "cn-hong\u212aong", "\tx "]
    got = _batch(
        parity_db,
        "select trim(lower(t)) from unnest(%s::text[]) with ordinality as u(t, i) order by i",
        texts,
    )
    for text, expected in zip(texts, got, strict=True):
        assert pg_trim(pg_lower(text)) == expected, text


def test_arn_regexes_are_postgres_substring(parity_db):
    rng = random.Random(5)
    pieces = (
        "acs:log:",
        "cn-hangzhou",
        ":",
        "123:",
        "project/",
        "p01",
        "/",
        "logstore/x",
        "ACS:LOG:",
        " ",
        "\n",
        "\u212a",
        "acs:log::",
    )
    arns = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(3000)]
    sql = (
        "select substring(a from 'acs:log:([^:]+):'), substring(a from 'project/([^/]+)') "
        "from unnest(%s::text[]) with ordinality as u(a, i) order by i"
    )
    with parity_db.connection.cursor() as cursor:
        cursor.execute(sql, (arns,))
        rows = cursor.fetchall()
    for arn, (region, project) in zip(arns, rows, strict=True):
        match = ARN_REGION.search(arn)
        assert (match.group(1) if match else None) == region, arn
        match = ARN_PROJECT.search(arn)
        assert (match.group(1) if match else None) == project, arn
