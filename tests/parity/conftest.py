"""Fixtures of the parity suite: the reference SQL and one PostgreSQL server for the whole session."""

from __future__ import annotations

from pathlib import Path

import pgharness
import pytest
from pgharness import ParityDatabase, PgServer

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_SQL = REPO_ROOT.parent / "shared" / "spec" / "cis_v200_2_16.sql"


@pytest.fixture(scope="session")
def reference_sql() -> str:
    if not REFERENCE_SQL.is_file():
        pytest.skip(
            f"reference query not found at {REFERENCE_SQL} (../shared/spec relative to the repo root)"
        )
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
