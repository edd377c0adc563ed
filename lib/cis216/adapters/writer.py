"""Findings -> SLS logs: one log per finding plus one account summary log, batched and retried.

Each log is a flat set of string fields (SLS stores text), the finding's JSON fields by the same
names: record ("finding" or "summary"), finding_id, scan_id, control, title, severity, profile,
scope, resource, status, reason, reason_codes, advisories, remediation, muted, mute, account_id,
region, evaluated_at, evidence. One encoding per kind of value: every list (reason_codes,
advisories) is a JSON list (`["ALERT_DISABLED"]`, `[]`), every object (evidence, mute) JSON (mute
"" when not muted), a boolean "true"/"false", a missing value "". The summary log adds `counts`.
Topic `cis_v200_2_16`; source `<function>/<account>`.

Batches stay within the documented per-call limits (4096 logs, 5 MB raw); a batch is retried on
throttling/5xx/timeouts; if one still fails, `WriteError` is raised after reporting how many logs
went in before it (`written`): nothing is ever reported as written that was not.

A service may enforce a lower limit than the documented one, and says so when it refuses a batch
(`InvalidLogSize` "logItems' length exceeds maximum limitation: 1000 lines. now: 4096", or a byte
limit, see `stated_limit`). SLS refuses such a request whole, so the batch and every one after it
are cut to the stated limit and the write goes on: nothing is lost, nothing written twice.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..export.flat import flat_value
from ..findings import CONTROL, SEVERITY, TITLE, Finding
from .calls import Caller, CallError
from .store import missing_store_hint

if TYPE_CHECKING:  # the writer reads the summary's attributes; the shell depends on adapters, not back
    from ..shell.report import ScanSummary

log = logging.getLogger("cis216.writer")

TOPIC = CONTROL
MAX_LINES = 4096
MAX_BATCH_BYTES = 5 * 1024 * 1024
SAFETY_BYTES = 256 * 1024  # protobuf framing, tags, topic/source: stay well under the limit
MAX_VALUE_BYTES = 512 * 1024  # one field; larger evidence is replaced by a digest

# The codes SLS refuses an oversized PutLogs with; the limit is stated in the message. The wording
# is the SDK's own client-side check and the service's ("... exceeds maximum limitation: N lines",
# "... exceeds maximum limitation: 30 MB"); "larger than N bytes" is accepted too.
LIMIT_CODES = frozenset({"InvalidLogSize", "PostBodyTooLarge"})
_STATED = re.compile(
    r"(?:maximum limitation\s*:?|larger than|must (?:be )?(?:little|less) than)\s*"
    r"(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>lines?|bytes?|[KM]B|B)?",
    re.IGNORECASE,
)
_UNIT_BYTES = {"b": 1, "byte": 1, "bytes": 1, "kb": 1024, "mb": 1024 * 1024}
# A stated byte limit may be on the compressed body, which LZ4 can make up to 1/255 larger than
# the raw LogGroup: batches cut to a stated byte limit keep 1/128 of it spare, and the group framing.
_GROUP_FRAMING = 64

Contents = list[tuple[str, str]]


class WriteError(RuntimeError):
    def __init__(self, message: str, written: int, total: int, cause: CallError | None = None) -> None:
        super().__init__(message)
        self.written = written
        self.total = total
        self.cause = cause


@dataclass(frozen=True)
class WriteResult:
    project: str
    logstore: str
    region: str
    count: int
    batches: int


def _json(value: Any) -> str:
    # export.flat.flat_value's encoding of lists and objects (a string here is JSON-quoted too).
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _bounded(text: str, what: str) -> str:
    data = text.encode("utf-8")
    if len(data) <= MAX_VALUE_BYTES:
        return text
    return _json(
        {"truncated": True, "field": what, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    )


def finding_contents(finding: Finding, finding_id: str, scan_id: str, evaluated_at: str) -> Contents:
    fields = [
        ("record", "finding"),
        ("finding_id", finding_id),
        ("scan_id", scan_id),
        ("control", finding.control),
        ("profile", finding.profile),
        ("scope", finding.scope or ""),
        ("resource", finding.resource or ""),
        ("status", finding.status),
        ("reason", finding.reason or ""),
        ("reason_codes", flat_value(list(finding.reason_codes))),
        ("account_id", finding.account_id or ""),
        ("region", finding.region or ""),
        ("evaluated_at", evaluated_at),
        ("evidence", _bounded(_json(finding.evidence.model_dump(mode="json")), "evidence")),
        ("advisories", _bounded(_json(list(finding.advisories)), "advisories")),
        ("title", finding.title),
        ("severity", finding.severity),
        ("remediation", _bounded(finding.remediation, "remediation")),
        ("muted", flat_value(finding.muted)),
        ("mute", flat_value(finding.mute.model_dump(mode="json") if finding.mute else None)),
    ]
    return fields


def summary_contents(summary: ScanSummary, finding_id: str, evaluated_at: str) -> Contents:
    """The scan summary log: `status` is the account verdict ("" when there is none), `evidence`
    the summary as it stood before the write (without `written` and `duration_ms`)."""
    evidence = summary.model_dump(mode="json", exclude={"written", "duration_ms"})
    return [
        ("record", "summary"),
        ("finding_id", finding_id),
        ("scan_id", summary.scan_id),
        ("control", CONTROL),
        ("profile", summary.profile),
        ("scope", "account"),
        ("resource", f"acs:::{summary.account_id}"),
        ("status", summary.account_verdict or ""),
        ("reason", summary.verdict_reason),
        ("reason_codes", "[]"),
        ("account_id", summary.account_id),
        ("region", ""),
        ("evaluated_at", evaluated_at),
        ("evidence", _bounded(_json(evidence), "evidence")),
        ("counts", _json(summary.counts)),
        ("advisories", "[]"),
        ("title", TITLE),
        ("severity", SEVERITY),
        ("remediation", ""),
        ("muted", "false"),
        ("mute", ""),
    ]


def _size(contents: Contents) -> int:
    """An upper bound of the log's protobuf encoding: each field's key and value with their tags
    and length prefixes, the log's own tag, length and time fields."""
    return sum(len(k.encode("utf-8")) + len(v.encode("utf-8")) + 12 for k, v in contents) + 24


def batches(
    logs: Sequence[Contents], max_lines: int = MAX_LINES, max_bytes: int = MAX_BATCH_BYTES - SAFETY_BYTES
) -> list[list[Contents]]:
    out: list[list[Contents]] = []
    current: list[Contents] = []
    size = 0
    for contents in logs:
        item = _size(contents)
        if current and (len(current) >= max_lines or size + item > max_bytes):
            out.append(current)
            current, size = [], 0
        current.append(contents)
        size += item
    if current:
        out.append(current)
    return out


@dataclass(frozen=True)
class StatedLimit:
    """A per-call limit the service stated when it refused a batch: lines, or bytes."""

    lines: int | None = None
    bytes: int | None = None

    def __str__(self) -> str:
        return f"{self.lines} lines" if self.lines is not None else f"{self.bytes} bytes"


def stated_limit(error: CallError) -> StatedLimit | None:
    """The limit an oversized-batch refusal states; None for any other error, or none stated."""
    if error.code not in LIMIT_CODES:
        return None
    found = _STATED.search(error.message)
    if found is None:
        return None
    number = float(found["number"])
    unit = (found["unit"] or "bytes").lower()
    if unit.startswith("line"):
        return StatedLimit(lines=int(number)) if number >= 1 else None
    size = int(number * _UNIT_BYTES[unit])
    return StatedLimit(bytes=size) if size >= 1 else None


class FindingsWriter:
    """Writes logs in batches within `max_lines` and `max_bytes`; both only ever go down, when the
    service states a lower limit (they then hold for the rest of this writer's writes)."""

    def __init__(
        self,
        sls: Any,
        caller: Caller,
        region: str,
        project: str,
        logstore: str,
        source: str,
        max_lines: int = MAX_LINES,
        max_bytes: int = MAX_BATCH_BYTES - SAFETY_BYTES,
    ) -> None:
        self.sls = sls
        self.caller = caller
        self.region = region
        self.project = project
        self.logstore = logstore
        self.source = source
        self.max_lines = max_lines
        self.max_bytes = max_bytes

    def write(self, logs: Sequence[Contents], when: datetime | None = None) -> WriteResult:
        stamp = int((when or datetime.now(timezone.utc)).timestamp())
        written = done = 0
        pending = batches(logs, self.max_lines, self.max_bytes)
        while pending:
            group = pending[0]
            try:
                self.caller.call("PutLogs", functools.partial(self._put, [(stamp, c) for c in group]))
            except CallError as error:
                smaller = self._within_stated_limit(error, pending)
                if smaller is None:
                    raise self._failure(error, done + 1, done + len(pending), written, len(logs)) from None
                pending = smaller
                continue
            written += len(group)
            done += 1
            pending.pop(0)
        return WriteResult(self.project, self.logstore, self.region, written, done)

    def _within_stated_limit(
        self, error: CallError, pending: list[list[Contents]]
    ) -> list[list[Contents]] | None:
        """The pending logs cut into batches within the limit `error` states, when that splits the
        refused batch (pending[0]); None when it states none, or cutting cannot help."""
        limit = stated_limit(error)
        if limit is None:
            return None
        lines, size = self.max_lines, self.max_bytes
        if limit.lines is not None:
            lines = min(lines, limit.lines)
        if limit.bytes is not None:
            size = min(size, self._budget(limit.bytes))
        if len(batches(pending[0], lines, size)) < 2:
            return None  # already within it by our count (or one log alone is too large)
        log.warning(
            "PutLogs: the service states a lower limit; cutting batches to it",
            extra={"limit": str(limit), "max_lines": lines, "max_bytes": size, "error": str(error)},
        )
        self.max_lines, self.max_bytes = lines, size
        return batches([contents for group in pending for contents in group], lines, size)

    def _budget(self, stated_bytes: int) -> int:
        framing = len(TOPIC.encode("utf-8")) + len(self.source.encode("utf-8")) + _GROUP_FRAMING
        return max(1, stated_bytes - stated_bytes // 128 - framing)

    def _failure(self, error: CallError, number: int, of: int, written: int, total: int) -> WriteError:
        limit = stated_limit(error)
        why = f" (the service allows {limit} per call, and the batch cannot be cut to fit)" if limit else ""
        return WriteError(
            f"writing findings to {self.project}/{self.logstore} failed at batch {number} of "
            f"{of} after {error.attempts} attempt(s): {error}{why}; "
            f"{written} of {total} logs were written before the failure"
            + missing_store_hint(error.code, self.project, self.logstore, self.region),
            written,
            total,
            error,
        )

    def _put(self, items: list[tuple[int, Contents]], timeout: float) -> None:
        self.sls.put_logs(self.region, self.project, self.logstore, TOPIC, self.source, items, timeout)
