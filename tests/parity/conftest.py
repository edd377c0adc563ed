"""Fixtures of the parity suite: the reference SQL and one PostgreSQL server for the whole session."""

from __future__ import annotations

import pytest

from tests.parity import pgharness
from tests.parity.pgharness import ParityDatabase, PgServer
from tests.paths import REFERENCE_SQL


@pytest.fixture(scope="session")
def reference_sql() -> str:
    return REFERENCE_SQL.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def pg_server():
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e .[dev])")
    tools = pgharness.find_binaries()
    if tools is None:
        pytest.skip(
            "no PostgreSQL server binary (initdb, pg_ctl, postgres) on PATH, in /usr/local/bin or "
            "/usr/lib/postgresql/*/bin: the SQL parity tests need one"
        )
    server = PgServer(tools)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def parity_db(pg_server, reference_sql):
    connection = pg_server.connect()
    try:
        yield ParityDatabase(connection, reference_sql)
    finally:
        connection.close()
