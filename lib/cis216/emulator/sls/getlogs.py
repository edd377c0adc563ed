"""GetLogs over the logs PutLogs stored: the search part through cis216's own SLS query matcher
(lib/cis216/slsquery), with the logstore's index; the SQL part after `|` through analytics.py.

GetLogsV2 (`POST /logstores/<logstore>/logs`, what `LogClient.get_log` sends by default) takes
the same parameters as a JSON body and answers `{"meta", "data"}`. The classic GetLogs
(`GET /logstores/<logstore>?type=log`, the SDK with `_get_logs_v2_enabled` off; cis216's reader) answers: a JSON array of logs, each `__time__` (a number), `__source__`,
`__topic__`, its tags (`__tag__:<key>`) and fields; headers `x-log-progress` (always Complete
here), `x-log-count`, `x-log-processed-rows`, `x-log-has-sql`. `from` <= `__time__` < `to`;
`line` (at most 100) and `offset` page a search, oldest first unless `reverse=true`; an SQL
answer is not paged (SLS ignores line/offset then: the SQL's own LIMIT applies).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ...slsquery import IndexConfig, QuerySyntaxError, matches, parse_statement
from ..errors import ServiceError
from ..http import Answer, sls_request_id
from ..records import StoredLog
from .analytics import run_analytics

MAX_LINE = 100


def _number(query: Mapping[str, str], name: str, default: int | None = None) -> int:
    text = query.get(name)
    if text is None or text == "":
        if default is None:
            raise ServiceError(400, "ParameterInvalid", f"parameter {name} is required")
        return default
    try:
        return int(text)
    except ValueError:
        raise ServiceError(
            400, "ParameterInvalid", f"parameter {name} must be an integer: {text!r}"
        ) from None


def _row(log: StoredLog) -> dict[str, str]:
    row = {"__time__": str(log.time), "__source__": log.source, "__topic__": log.topic}
    row.update({key if key.startswith("__tag__:") else f"__tag__:{key}": v for key, v in log.tags.items()})
    row.update(log.contents)
    return row


def _answer(rows: list[dict[str, object]], processed: int, has_sql: bool) -> Answer:
    headers = {
        "Content-Type": "application/json",
        "x-log-requestid": sls_request_id(),
        "x-log-progress": "Complete",
        "x-log-count": str(len(rows)),
        "x-log-processed-rows": str(processed),
        "x-log-elapsed-millisecond": "0",
        "x-log-has-sql": "true" if has_sql else "false",
    }
    return 200, headers, json.dumps(rows, ensure_ascii=False).encode("utf-8")


def _select(
    logs: list[StoredLog], index: dict[str, object] | None, query: Mapping[str, str]
) -> tuple[list[dict[str, object]], int, bool]:
    """(the rows answered, how many logs the search matched, whether an SQL part computed them)."""
    start, end = _number(query, "from"), _number(query, "to")
    line, offset = _number(query, "line", MAX_LINE), _number(query, "offset", 0)
    if not 0 <= line <= MAX_LINE or offset < 0:
        raise ServiceError(400, "ParameterInvalid", f"line must be in [0, {MAX_LINE}] and offset >= 0")
    try:
        statement = parse_statement(query.get("query") or "*")
    except QuerySyntaxError as error:
        raise ServiceError(400, "ParameterInvalid", f"query syntax error: {error}") from None
    config = IndexConfig.from_get_index(index)
    topic = query.get("topic") or None
    chosen = [
        log
        for log in logs
        if start <= log.time < end
        and (topic is None or log.topic == topic)
        and matches(statement.search, _row(log), config)
    ]
    if statement.pipe is not None:
        result = run_analytics(statement.pipe.strip(), [_row(log) for log in chosen])
        return [dict(row) for row in result], len(chosen), True
    chosen.sort(key=lambda log: log.time, reverse=query.get("reverse", "false").lower() == "true")
    return [{**_row(log), "__time__": log.time} for log in chosen[offset : offset + line]], len(chosen), False


def get_logs(logs: list[StoredLog], index: dict[str, object] | None, query: Mapping[str, str]) -> Answer:
    """The classic GetLogs: GET /logstores/<logstore>?type=log&..."""
    rows, processed, has_sql = _select(logs, index, query)
    return _answer(rows, processed, has_sql)


def get_logs_v2(logs: list[StoredLog], index: dict[str, object] | None, body: bytes) -> Answer:
    """GetLogsV2: POST /logstores/<logstore>/logs with the parameters as a JSON body, what
    `LogClient.get_log` sends by default; answered `{"meta": {...}, "data": [...]}`, uncompressed
    (no x-log-compresstype: the SDK then reads the body as it is)."""
    try:
        asked = json.loads(body or b"{}")
    except ValueError:
        raise ServiceError(400, "PostBodyInvalid", "the body is not JSON") from None
    if not isinstance(asked, dict):
        raise ServiceError(400, "PostBodyInvalid", "the body is not a JSON object")
    query = {key: _text(value) for key, value in asked.items() if value is not None}
    rows, processed, has_sql = _select(logs, index, query)
    meta = {
        "count": len(rows),
        "progress": "Complete",
        "processedRows": processed,
        "elapsedMillisecond": 0,
        "hasSQL": has_sql,
        "whereQuery": "",
        "aggQuery": "",
        "cpuSec": 0.0,
        "cpuCores": 0,
    }
    data = [{key: str(value) for key, value in row.items()} for row in rows]
    headers = {"Content-Type": "application/json", "x-log-requestid": sls_request_id()}
    return 200, headers, json.dumps({"meta": meta, "data": data}, ensure_ascii=False).encode("utf-8")


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
