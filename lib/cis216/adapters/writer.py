"""Findings -> SLS logs: one log per finding plus one account summary log, batched and retried.

Each log is a flat set of string fields (SLS stores text): record ("finding" or "summary"),
finding_id, scan_id, control, profile, resource, status, reason, reason_codes (comma-separated),
account_id, region, scope, evaluated_at, evidence (JSON), advisories (JSON list).
Topic `cis_v200_2_16`; source `<function>/<account>`.

Batches stay within the documented per-call limits (4096 logs, 5 MB raw); a batch is retried on
throttling/5xx/timeouts; if one still fails, `WriteError` is raised after reporting how many logs
went in before it (`written`): nothing is ever reported as written that was not.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..findings import CONTROL, Finding
from .calls import Caller, CallError

if TYPE_CHECKING:  # the writer reads the summary's attributes; the shell depends on adapters, not back
    from ..shell.report import ScanSummary

TOPIC = CONTROL
MAX_LINES = 4096
MAX_BATCH_BYTES = 5 * 1024 * 1024
SAFETY_BYTES = 256 * 1024  # protobuf framing, tags, topic/source: stay well under the limit
MAX_VALUE_BYTES = 512 * 1024  # one field; larger evidence is replaced by a digest

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
        ("reason_codes", ",".join(finding.reason_codes)),
        ("account_id", finding.account_id or ""),
        ("region", finding.region or ""),
        ("evaluated_at", evaluated_at),
        ("evidence", _bounded(_json(finding.evidence.model_dump(mode="json")), "evidence")),
        ("advisories", _bounded(_json(list(finding.advisories)), "advisories")),
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
        ("reason_codes", ""),
        ("account_id", summary.account_id),
        ("region", ""),
        ("evaluated_at", evaluated_at),
        ("evidence", _bounded(_json(evidence), "evidence")),
        ("counts", _json(summary.counts)),
        ("advisories", "[]"),
    ]


def _size(contents: Contents) -> int:
    return sum(len(k.encode("utf-8")) + len(v.encode("utf-8")) + 8 for k, v in contents) + 16


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


class FindingsWriter:
    def __init__(
        self,
        sls: Any,
        caller: Caller,
        region: str,
        project: str,
        logstore: str,
        source: str,
        max_lines: int = MAX_LINES,
    ) -> None:
        self.sls = sls
        self.caller = caller
        self.region = region
        self.project = project
        self.logstore = logstore
        self.source = source
        self.max_lines = max_lines

    def write(self, logs: Sequence[Contents], when: datetime | None = None) -> WriteResult:
        stamp = int((when or datetime.now(timezone.utc)).timestamp())
        written = 0
        groups = batches(logs, max_lines=self.max_lines)
        for number, group in enumerate(groups, 1):
            items = [(stamp, contents) for contents in group]
            try:
                self.caller.call("PutLogs", functools.partial(self._put, items))
            except CallError as error:
                raise WriteError(
                    f"writing findings to {self.project}/{self.logstore} failed at batch {number} of "
                    f"{len(groups)} after {error.attempts} attempt(s): {error}; "
                    f"{written} of {len(logs)} logs "
                    "were written before the failure",
                    written,
                    len(logs),
                    error,
                ) from None
            written += len(group)
        return WriteResult(self.project, self.logstore, self.region, written, len(groups))

    def _put(self, items: list[tuple[int, Contents]], timeout: float) -> None:
        self.sls.put_logs(self.region, self.project, self.logstore, TOPIC, self.source, items, timeout)
