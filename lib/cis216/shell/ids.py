"""Deterministic ids, so a retried invocation writes recognisable duplicates, not new scans.

scan_id    = <trigger time, compact UTC>-<16 hex of sha256(account | trigger time | trigger name)>
finding_id = 32 hex of sha256(scan_id | profile | scope | region | resource [| n for the n-th repeat])
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timezone

from ..findings import Finding


def _utc(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def scan_id(account_id: str, moment: datetime | None, key: str = "") -> str:
    """`key`: the trigger name (timer), or the request id (a direct invocation without scan_time:
    FC keeps the request id across the retries of an asynchronous invocation)."""
    if moment is None:
        digest = hashlib.sha256(f"{account_id}|request|{key}".encode()).hexdigest()[:16]
        return f"direct-{digest}"
    when = _utc(moment).replace(microsecond=0)
    digest = hashlib.sha256(f"{account_id}|{when.isoformat()}|{key}".encode()).hexdigest()[:16]
    return f"{when.strftime('%Y%m%dT%H%M%SZ')}-{digest}"


def finding_ids(scan: str, findings: Sequence[Finding]) -> list[str]:
    seen: dict[tuple[str | None, ...], int] = {}
    out: list[str] = []
    for finding in findings:
        key = (finding.profile, finding.scope, finding.region, finding.resource)
        count = seen.get(key, 0)
        seen[key] = count + 1
        parts = [scan, *(part or "" for part in key)]
        if count:
            parts.append(str(count))
        out.append(hashlib.sha256("|".join(parts).encode()).hexdigest()[:32])
    return out


def summary_id(scan: str, profile: str) -> str:
    """The scan summary log's id; the profile is part of it because two runs with one trigger time
    (a direct invocation with the same scan_time) may evaluate with different profiles."""
    return hashlib.sha256(f"{scan}|{profile}|account-summary".encode()).hexdigest()[:32]
