"""A finding as flat string fields: what SLS stores (adapters/writer.py) and what CSV holds.

One encoding for every consumer: a list or an object is compact JSON with sorted keys
(`["ALERT_DISABLED"]`, `[]`), a boolean "true"/"false", null "", a string itself.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from ..findings import Finding

# The finding's own fields, in the model's order, after the scan's (empty when not known): a new
# field of the model is a new column, at the end.
FINDING_FIELDS: tuple[str, ...] = tuple(Finding.model_fields)
CSV_COLUMNS: tuple[str, ...] = ("scan_id", "evaluated_at", *FINDING_FIELDS)


def flat_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def flat_fields(finding: Finding) -> dict[str, str]:
    """Every field of the finding's JSON as a string, in the model's order."""
    return {key: flat_value(value) for key, value in finding.model_dump(mode="json").items()}


def csv_row(finding: Finding, scan_id: str | None = None, evaluated_at: str | None = None) -> list[str]:
    fields = {"scan_id": scan_id or "", "evaluated_at": evaluated_at or "", **flat_fields(finding)}
    return [fields[column] for column in CSV_COLUMNS]


def write_csv(rows: Iterable[tuple[Finding, str | None, str | None]], out: TextIO) -> None:
    """A header and one row per (finding, scan id, evaluated at); "\\n" line ends, every field
    quoted only when it must be (RFC 4180 otherwise), so the same findings give the same bytes."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for finding, scan_id, evaluated_at in rows:
        writer.writerow(csv_row(finding, scan_id, evaluated_at))
