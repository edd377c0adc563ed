"""Reading the findings logs back from SLS (GetLogs), for `cis216 report --from-sls`.

GetLogs as the classic API has it: `GET /logstores/<logstore>?type=log&from=&to=&topic=&line=&offset=
&reverse=` in the project's host, answered with a JSON array of logs (`__time__`, `__source__`, the
fields) and the headers `x-log-progress` (Complete / Incomplete) and `x-log-count`. A page holds at
most `PAGE_SIZE` logs; pages are read until one comes back short. Every page goes through the
`Caller` (retries, timeout, deadline) and its answer is checked where it enters, as answers.py
checks the scan's: an array of objects of text, as many as `x-log-count` says, and complete (an
`Incomplete` page is retried: SLS has not finished reading, and the logs it holds are not all).

No SQL: the report aggregates in Python, so the reader asks for logs, not for a computation.
RAM: `log:GetLogStoreLogs` on `acs:log:<region>:<account>:project/<project>/logstore/<logstore>`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import ConfigDict, Field, RootModel, StrictInt, StrictStr, ValidationError

from ..validation import describe
from .answers import malformed
from .calls import Caller, CallError
from .credentials import Credentials
from .sls import SlsAdapter, classify, host
from .writer import TOPIC

API = "GetLogs"
PAGE_SIZE = 100  # the most one GetLogs page returns
MAX_LOGS = 100_000  # a report over more than this is asked for a shorter --since instead


class GetLogsAnswer(RootModel[list[dict[str, Annotated[StrictStr | StrictInt, Field()]]]]):
    """`[{"__time__": 1764381600, "__source__": "...", "<field>": "<text>", ...}, ...]`"""

    model_config = ConfigDict(strict=True, frozen=True)


@dataclass(frozen=True)
class QueriedLog:
    time: int
    contents: dict[str, str]


def read_page(body: object, headers: Mapping[str, str], asked: int) -> list[QueriedLog]:
    """One GetLogs answer as logs, or a CallError saying what is wrong with it."""
    if not isinstance(body, list):
        kind = "nothing (an empty answer)" if body is None else type(body).__name__
        raise malformed(API, f"answer: (document): expected a JSON array of logs, got {kind}")
    try:
        rows = GetLogsAnswer.model_validate(body).root
    except ValidationError as error:
        lines = describe(error, None).splitlines()
        raise malformed(API, ("answer: " + "; ".join(lines[:5]))[:2000]) from None
    lowered = {key.lower(): value for key, value in headers.items()}
    progress = lowered.get("x-log-progress", "Complete")
    if progress != "Complete":
        raise CallError(API, "QueryIncomplete", f"x-log-progress is {progress!r}", None, True)
    count = lowered.get("x-log-count")
    if count is not None and count != str(len(rows)):
        raise malformed(API, f"x-log-count is {count!r}, but the page holds {len(rows)} log(s)")
    if len(rows) > asked:
        raise malformed(API, f"the page holds {len(rows)} logs where at most {asked} were asked for")
    return [_log(row) for row in rows]


def _log(row: dict[str, str | int]) -> QueriedLog:
    stamp = row.get("__time__", 0)
    try:
        time = int(stamp)
    except ValueError:
        raise malformed(API, f"__time__ {stamp!r} is not a Unix time") from None
    contents = {key: str(value) for key, value in row.items() if not key.startswith("__")}
    return QueriedLog(time, contents)


class FindingsReader:
    """Reads every log of the findings logstore between two Unix times, page by page."""

    def __init__(
        self,
        credentials: Credentials,
        caller: Caller,
        region: str,
        project: str,
        logstore: str,
        source: str = "cis216-report",
        page_size: int = PAGE_SIZE,
    ) -> None:
        self._sls = SlsAdapter(credentials, source)
        self.caller = caller
        self.region = region
        self.project = project
        self.logstore = logstore
        self.page_size = page_size

    def read(self, start: int, end: int) -> list[QueriedLog]:
        """Logs with start <= __time__ < end, oldest first."""
        logs: list[QueriedLog] = []
        while True:
            page = self.caller.call(API, functools.partial(self._page, start, end, len(logs)))
            logs.extend(page)
            if len(page) < self.page_size:
                return logs
            if len(logs) >= MAX_LOGS:
                raise CallError(
                    API, "TooManyLogs", f"more than {MAX_LOGS} logs in the time range: ask for a shorter one"
                )

    def _page(self, start: int, end: int, offset: int, timeout: float) -> list[QueriedLog]:
        params = {
            "type": "log",
            "from": str(start),
            "to": str(end),
            "topic": TOPIC,
            "line": str(self.page_size),
            "offset": str(offset),
            "reverse": "false",
        }
        try:
            # The SDK's client as SlsAdapter builds it (its transport, its error escape), asked for
            # the headers too: GetLogs states completeness and the count there.
            client: Any = self._sls._client(self.region, timeout)
            body, headers = client._send("GET", self.project, None, f"/logstores/{self.logstore}", params, {})
        except Exception as error:
            raise classify(API, host(self.region, self.project), error) from None
        return read_page(body, headers, self.page_size)
