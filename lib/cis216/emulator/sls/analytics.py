"""The SQL part of an SLS query (what follows `|`), run over stored logs as SLS runs it.

SLS analytics is Presto/Trino SQL over a table `log` whose columns are the logs' indexed fields
(text), `__time__` (bigint, Unix seconds), `__topic__` and `__source__`; a statement without FROM
reads `log`. Here sqlglot transpiles the statement from Trino to DuckDB, which runs it in memory:
`max_by(x, y[, n])`, `arbitrary`, `count_if`, `date_trunc`, `from_unixtime`, `json_parse`,
`json_extract_scalar`, `unnest`, sub-queries and window functions all keep their meaning. Every
value comes back as text, as GetLogs answers: NULL as "null", a timestamp as
"2026-12-05 11:00:00.000" (UTC), an array as JSON.

DuckDB is a development dependency (the `dev` extra): the emulator imports it on first use, and
says how to install it when it is missing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from ..errors import ServiceError
from ..records import StoredLog

TABLE = "log"
TIME = "__time__"
# The columns every log has besides its contents.
META_COLUMNS = (TIME, "__topic__", "__source__")


def run_analytics(sql: str, rows: list[dict[str, str]], columns: Iterable[str] = ()) -> list[dict[str, str]]:
    """Run `sql` (an SLS SQL statement, the part after `|`) over `rows` (a log's fields, with
    `__time__` as text or int); the result rows with every value as text. `columns`: columns the
    table has even where no row has a value (the index's analysed keys: NULL, as in SLS). A
    statement SLS would refuse raises ServiceError 400 `ParameterInvalid`, as GetLogs answers it."""
    statement = _transpiled(sql)
    connection = _connect()
    try:
        _load(connection, _columns(rows, columns), rows)
        try:
            cursor = connection.execute(statement)
        except Exception as error:  # duckdb's errors share no public base worth naming here
            raise ServiceError(400, "ParameterInvalid", f"sql execution failed: {error}") from None
        names = [d[0] for d in cursor.description or ()]
        return [
            {name: text(value) for name, value in zip(names, row, strict=True)} for row in cursor.fetchall()
        ]
    finally:
        connection.close()


def log_row(log: StoredLog) -> dict[str, str]:
    """A stored log as analytics sees it: its contents plus the meta columns."""
    return {**log.contents, TIME: str(log.time), "__topic__": log.topic, "__source__": log.source}


def _transpiled(sql: str) -> str:
    try:
        trees = sqlglot.parse(sql, read="trino")
    except ParseError as error:
        raise ServiceError(400, "ParameterInvalid", f"line 1: sql syntax error: {error}") from None
    if len(trees) != 1 or not isinstance(trees[0], exp.Query):
        raise ServiceError(400, "ParameterInvalid", "the analytic statement must be one SELECT")
    tree = trees[0]
    for select in tree.find_all(exp.Select):
        if select.args.get("from") is None and select.args.get("from_") is None:
            select.from_(TABLE, copy=False)  # SLS reads the logstore when FROM is left out
    return tree.sql(dialect="duckdb")


def _connect() -> Any:
    try:
        import duckdb
    except ImportError:  # pragma: no cover - the dev extra installs it
        raise ServiceError(
            500, "InternalServerError", "the emulator's SLS SQL needs duckdb: pip install 'cis216[dev]'"
        ) from None
    connection = duckdb.connect(":memory:")
    connection.execute("SET TimeZone = 'UTC'")
    return connection


def _columns(rows: Iterable[Mapping[str, object]], declared: Iterable[str]) -> list[str]:
    seen: dict[str, None] = dict.fromkeys(META_COLUMNS)
    seen.update(dict.fromkeys(declared))
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _load(connection: Any, columns: list[str], rows: list[dict[str, str]]) -> None:
    defined = ", ".join(f"{_quoted(c)} {'BIGINT' if c == TIME else 'VARCHAR'}" for c in columns)
    connection.execute(f"CREATE TABLE {TABLE} ({defined})")
    if not rows:
        return
    marks = ", ".join("?" for _ in columns)
    values = [[_cell(column, row.get(column)) for column in columns] for row in rows]
    connection.executemany(f"INSERT INTO {TABLE} VALUES ({marks})", values)


def _cell(column: str, value: object) -> object:
    if value is None:
        return None
    if column == TIME:
        return int(str(value))
    return str(value)


def text(value: object) -> str:
    """A SQL value as GetLogs writes it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value)) if abs(value) < 1e15 else repr(value)
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, datetime):
        stamp = value.astimezone(timezone.utc) if value.tzinfo else value
        return stamp.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))
    return str(value)
