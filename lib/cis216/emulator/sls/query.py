"""An SLS query (`search | SQL`) over stored logs: the search through the project's own SLS query
matcher under the logstore's index, the SQL through `analytics.run_analytics`.

As in SLS, the SQL sees a JSON key's analysed leaves as columns named `"<key>.<leaf>"`
(`"evidence.api"`), when the index declares them with analytics on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ...slsquery.errors import QuerySyntaxError
from ...slsquery.index import IndexConfig
from ...slsquery.lexer import split_pipe
from ...slsquery.matcher import matches
from ...slsquery.parser import parse_search
from ..errors import ServiceError
from ..records import StoredLog
from .analytics import log_row, run_analytics


def run_query(
    query: str,
    logs: Iterable[StoredLog],
    index: dict[str, Any] | None,
    start: int | None = None,
    end: int | None = None,
) -> list[dict[str, str]]:
    """The rows GetLogs answers for `query` over `logs` whose time is in [start, end): the logs
    themselves for a search alone, the SQL's rows otherwise (every value as text)."""
    search, sql = split_pipe(query)
    try:
        node, _ = parse_search(search.strip() or "*")
    except QuerySyntaxError as error:
        raise ServiceError(400, "ParameterInvalid", f"search syntax error: {error}") from None
    config = IndexConfig.from_get_index(index)
    rows = [
        log_row(log)
        for log in logs
        if (start is None or log.time >= start)
        and (end is None or log.time < end)
        and matches(node, dict(log.contents), config)
    ]
    if sql is None or not sql.strip():
        return rows
    leaves = _analysed_leaves(index)
    columns = [*_analysed_keys(index), *(f"{key}.{leaf}" for key, leaf in leaves)]
    return run_analytics(sql, [_with_leaves(row, leaves) for row in rows], columns)


def _analysed_keys(index: dict[str, Any] | None) -> list[str]:
    """The keys SQL can read (text/long/double with analytics on), NULL in a log without them."""
    keys = (index or {}).get("keys") or {}
    return [
        name
        for name, spec in keys.items()
        if isinstance(spec, dict) and spec.get("type") != "json" and spec.get("doc_value", False)
    ]


def _analysed_leaves(index: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(JSON key, leaf path) pairs the index analyses."""
    keys = (index or {}).get("keys") or {}
    out = []
    for name, spec in keys.items():
        if isinstance(spec, dict) and spec.get("type") == "json":
            for leaf, leaf_spec in (spec.get("json_keys") or {}).items():
                if isinstance(leaf_spec, dict) and leaf_spec.get("doc_value", True):
                    out.append((name, leaf))
    return out


def _with_leaves(row: dict[str, str], leaves: list[tuple[str, str]]) -> dict[str, str]:
    if not leaves:
        return row
    out = dict(row)
    parsed: dict[str, Any] = {}
    for name, leaf in leaves:
        if name not in parsed:
            try:
                parsed[name] = json.loads(row.get(name) or "null")
            except ValueError:
                parsed[name] = None
        value: Any = parsed[name]
        for part in leaf.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            out[f"{name}.{leaf}"] = value if isinstance(value, str) else json.dumps(value)
    return out
