"""Findings read back from JSON Lines: one finding object per line, as `cis216 evaluate|invoke
--format jsonl` print them (or one JSON array of them, as `--format json` prints them). A line may also carry the scan's `scan_id`, `evaluated_at` (ISO 8601)
and `finding_id`, as the findings logstore holds them; any other key, a missing field or a wrong
value is an error naming the line and the field. Blank lines are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError

from ..findings import Finding
from ..validation import describe

ENVELOPE = ("scan_id", "evaluated_at", "finding_id")


class FindingsInputError(ValueError):
    """A line that is not a finding; the message names the source, the line and the field."""


@dataclass(frozen=True)
class ExportedFinding:
    finding: Finding
    scan_id: str | None = None
    evaluated_at: datetime | None = None
    finding_id: str | None = None


def read_findings(text: str, source: str) -> list[ExportedFinding]:
    """JSON Lines of findings; or one JSON array of them (`--format json`), as `cis216 report` reads."""
    text = text.removeprefix("\ufeff")
    array = _array(text)
    if array is not None:
        return [_read_object(item, f"{source}: [{number}]") for number, item in enumerate(array)]
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            out.append(_read_line(line, f"{source}: line {number}"))
    return out


def _array(text: str) -> list[Any] | None:
    if not text.lstrip().startswith("["):
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None  # the line reader names the line
    return document if isinstance(document, list) else None


def _read_line(line: str, where: str) -> ExportedFinding:
    try:
        document = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as error:
        detail = (
            f"{error.msg} at column {error.colno}" if isinstance(error, json.JSONDecodeError) else "too deep"
        )
        raise FindingsInputError(f"{where}: not JSON: {detail}") from None
    return _read_object(document, where)


def _read_object(document: Any, where: str) -> ExportedFinding:
    if not isinstance(document, dict):
        raise FindingsInputError(
            f"{where}: expected a JSON object (one finding), got {type(document).__name__}"
        )
    envelope = {key: document.pop(key) for key in ENVELOPE if key in document}
    try:
        finding = Finding.model_validate(document)
    except ValidationError as error:
        raise FindingsInputError(
            describe(error, where, unknown_field="unknown field", separator="\n")
        ) from None
    return ExportedFinding(
        finding,
        _text(envelope.get("scan_id"), "scan_id", where),
        _optional_time(envelope.get("evaluated_at"), where),
        _text(envelope.get("finding_id"), "finding_id", where),
    )


def _text(value: Any, field: str, where: str) -> str | None:
    if value is None or (isinstance(value, str) and value):
        return value
    raise FindingsInputError(f"{where}: {field}: expected a non-empty string")


def _optional_time(value: Any, where: str) -> datetime | None:
    return None if value is None else parse_time(value, where)


def parse_time(value: Any, where: str) -> datetime:
    """An `evaluated_at` (ISO 8601; UTC when it names no zone), or an error naming `where`."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise FindingsInputError(f"{where}: evaluated_at: {value!r} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
