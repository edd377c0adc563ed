"""Findings read back from the findings logstore: flat SLS logs (adapters/writer.py) as findings.

The inverse of `flat.flat_value` for each field of a finding: a list field is a JSON list (or, as
older writers wrote `reason_codes`, comma-joined words), `muted` "true"/"false", `mute` and
`evidence` JSON ("" for none), "" a missing value. A log's `scan_id`, `finding_id` and
`evaluated_at` (its `__time__` when empty) travel with its finding; the scan summary logs
(`record` "summary") are not findings and are left out. Keys a finding does not have (a newer
writer's, `record`, `counts`) are ignored: the logstore outlives the version that wrote it. A log
that is not a finding all the same is an error naming the log and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError

from ..findings import Finding
from ..validation import describe
from .flat import FINDING_FIELDS
from .jsonl import ExportedFinding, FindingsInputError, parse_time

LIST_FIELDS = frozenset({"reason_codes", "advisories"})
JSON_FIELDS = frozenset({"evidence", "mute"})
NULLABLE_FIELDS = frozenset({"resource", "reason", "account_id", "region", "scope"})


def findings_of_logs(logs: Iterable[tuple[int, Mapping[str, str]]], source: str) -> list[ExportedFinding]:
    """The findings of (log time, contents) pairs, oldest first; a finding written twice (a
    retried write: the same scan and finding id) once, as logged last."""
    latest: dict[tuple[str, str], ExportedFinding] = {}
    unnamed: list[ExportedFinding] = []
    for number, (time, contents) in enumerate(logs, start=1):
        if (contents.get("record") or "finding") != "finding":
            continue
        exported = finding_of_log(contents, time, f"{source}: log {number}")
        if exported.scan_id and exported.finding_id:
            latest.pop((exported.scan_id, exported.finding_id), None)
            latest[(exported.scan_id, exported.finding_id)] = exported
        else:
            unnamed.append(exported)
    return [*latest.values(), *unnamed]


def finding_of_log(contents: Mapping[str, str], time: int, where: str) -> ExportedFinding:
    named = where
    if contents.get("finding_id"):
        named = f"{where} (finding_id {contents['finding_id']})"
    document = {key: _field(key, contents[key], named) for key in FINDING_FIELDS if key in contents}
    try:
        finding = Finding.model_validate(document)
    except ValidationError as error:
        raise FindingsInputError(describe(error, named, separator="\n")) from None
    stamp = contents.get("evaluated_at") or ""
    moment = parse_time(stamp, named) if stamp else datetime.fromtimestamp(time, timezone.utc)
    return ExportedFinding(
        finding, contents.get("scan_id") or None, moment, contents.get("finding_id") or None
    )


def _field(key: str, text: str, where: str) -> Any:
    if key in LIST_FIELDS:
        return _list(text, key, where)
    if key in JSON_FIELDS:
        return _json(text, key, where) if text.strip() else ({} if key == "evidence" else None)
    if key == "muted":
        return text.strip().lower() == "true"
    if key in NULLABLE_FIELDS and text == "":
        return None
    return text


def _list(text: str, key: str, where: str) -> list[Any]:
    if not text.strip():
        return []
    if text.lstrip().startswith("["):
        parsed = _json(text, key, where)
        if not isinstance(parsed, list):
            raise FindingsInputError(f"{where}: {key}: expected a JSON list")
        return parsed
    return [part.strip() for part in text.split(",") if part.strip()]


def _json(text: str, key: str, where: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise FindingsInputError(f"{where}: {key}: not JSON") from None


def latest_scans(findings: Iterable[ExportedFinding]) -> list[ExportedFinding]:
    """The findings of each account's latest scan (by evaluated_at, then scan id): what is true now,
    also when accounts are scanned by separate deployments into one logstore."""
    kept = list(findings)
    latest: dict[str, tuple[datetime, str]] = {}
    for exported in kept:
        account = exported.finding.account_id or ""
        stamp = (exported.evaluated_at or _EPOCH, exported.scan_id or "")
        if account not in latest or stamp > latest[account]:
            latest[account] = stamp
    return [
        e for e in kept if (e.evaluated_at or _EPOCH, e.scan_id or "") == latest[e.finding.account_id or ""]
    ]


_EPOCH = datetime.fromtimestamp(0, timezone.utc)
