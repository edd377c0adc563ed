"""Findings as the report reads them: dicts, from JSON Lines or from flat SLS logs, grouped by scan.

A finding is kept as a dict and read with `.get()`, so that a finding written by an older or a
newer cis216 (without `title`/`remediation`/`muted`, or with a field this version does not know)
still renders. `normalized` gives every field the report reads its type; SLS logs carry list fields
as JSON lists (`["ALERT_DISABLED"]`) or, as older writers did, comma-joined (`ALERT_DISABLED,X`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..findings import STATUS_ORDER

Finding = dict[str, Any]

# Cards and tables are sorted by scope, then status (most severe first), then account and resource.
SCOPE_ORDER = ("account", "trail", "scan")
FAILING = frozenset({"alarm"})


class ReportInputError(ValueError):
    """Input the report cannot read; the message names the source and the line."""


@dataclass(frozen=True)
class Scan:
    """The findings of one scan (one `scan_id`), with the scan summary logs of its accounts."""

    scan_id: str
    evaluated_at: str  # ISO 8601 UTC as the writer stamps it; "" when the input does not say
    time: int  # the logs' __time__ (0 unknown): orders scans whose evaluated_at is equal or absent
    findings: tuple[Finding, ...]
    summaries: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Report:
    """What the page shows: the latest scan, and (read from SLS) the scans before it."""

    scan: Scan
    source: str  # where the findings came from, as the page says it
    scans: tuple[Scan, ...] = ()  # every scan read, oldest first (history); empty for a file

    @property
    def has_history(self) -> bool:
        return len(self.scans) > 0


def parse_list_field(value: object) -> list[str]:
    """A list field as JSON (a list) or as SLS text: a JSON list string, or comma-joined words."""
    if isinstance(value, list):
        return [str(item) for item in value]
    if not isinstance(value, str) or not value.strip():
        return []
    text = value.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            parsed = None
        if isinstance(parsed, list):
            return [str(item) for item in parsed]
    return [part.strip() for part in text.split(",") if part.strip()]


def _json_object(value: object, what: str) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):  # nested deeper than Python reads: unreadable all the same
        return {"unreadable": what, "text": value[:2000]}
    return parsed if isinstance(parsed, dict) else {"unreadable": what, "text": value[:2000]}


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def _text(value: object) -> str:
    return "" if value is None else str(value)


def normalized(raw: Mapping[str, Any]) -> Finding:
    """`raw` with every field the report reads in its type (unknown fields kept as they are)."""
    finding: Finding = dict(raw)
    for key in ("resource", "reason", "account_id", "region", "scope", "profile", "control"):
        finding[key] = _text(raw.get(key))
    for key in ("title", "severity", "remediation", "scan_id", "evaluated_at", "finding_id"):
        finding[key] = _text(raw.get(key))
    finding["status"] = _text(raw.get("status")).lower()
    finding["reason_codes"] = parse_list_field(raw.get("reason_codes"))
    finding["advisories"] = parse_list_field(raw.get("advisories"))
    finding["evidence"] = _json_object(raw.get("evidence"), "evidence") or {}
    finding["muted"] = _flag(raw.get("muted"))
    finding["mute"] = _json_object(raw.get("mute"), "mute")
    return finding


def read_jsonl(text: str, source: str) -> list[Finding]:
    """Findings as `cis216 evaluate|invoke --format jsonl` print them (one JSON object a line);
    a JSON array (`--format json`) is read too."""
    if text.lstrip().startswith("["):
        lines = len(text.strip().splitlines())
        rows = _decoded(text, source, f"{source}: line 1" if lines == 1 else f"{source}: the JSON array")
        return [_finding(row, source, f"item {number}") for number, row in enumerate(rows)]
    findings = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        row = _decoded(line, f"{source}: line {number}", f"{source}: line {number}")
        findings.append(_finding(row, source, f"line {number}"))
    return findings


def _decoded(text: str, where: str, deep_where: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise ReportInputError(f"{where}: not JSON: {error}") from None
    except RecursionError:  # e.g. 100,000 '[': Python's parser gives up before the JSON ends
        raise ReportInputError(f"{deep_where}: not JSON: nested too deeply to read") from None


def _whole_number(finding: Finding, key: str, where: str, field: str = "") -> None:
    """`finding[key]` as an int (a digit string is taken), or a ReportInputError naming the field."""
    value = finding.get(key)
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return
    if isinstance(value, str) and value.strip().isdigit():
        finding[key] = int(value)
        return
    raise ReportInputError(f"{where}: field {field or key}: {value!r} is not a whole number")


def _finding(row: object, source: str, where: str) -> Finding:
    if not isinstance(row, dict):
        raise ReportInputError(f"{source}: {where}: expected a finding (a JSON object)")
    status = row.get("status")
    if not isinstance(status, str) or status.lower() not in STATUS_ORDER:
        raise ReportInputError(
            f"{source}: {where}: status {status!r} is not one of {', '.join(STATUS_ORDER)}"
        )
    finding = normalized(row)
    _whole_number(finding, "time", f"{source}: {where}")  # the logs' __time__: scans are ordered by it
    return finding


def finding_from_log(contents: Mapping[str, str], time: int = 0) -> tuple[str, Finding]:
    """One flat SLS log of the findings logstore: ("finding" or "summary", the record as a dict)."""
    record = contents.get("record") or "finding"
    finding = normalized(contents)
    finding["time"] = time
    if record == "summary":
        finding["counts"] = _json_object(contents.get("counts"), "counts") or {}
        where = f"the summary log of scan {finding['scan_id'] or '(unnamed)'} at __time__ {time}"
        _whole_number(
            finding["evidence"], "collection_errors", where, "evidence.collection_errors"
        )  # the page adds them up
    return record, finding


def scans_of(findings: Iterable[Finding], summaries: Iterable[Finding] = ()) -> list[Scan]:
    """Findings (and summary records) grouped by `scan_id`, oldest scan first."""
    grouped: dict[str, list[Finding]] = {}
    summaries_of: dict[str, list[Finding]] = {}
    for finding in _latest_copies(findings):
        grouped.setdefault(finding.get("scan_id") or "", []).append(finding)
    for summary in _latest_copies(summaries):
        summaries_of.setdefault(summary.get("scan_id") or "", []).append(summary)
    scans = []
    for scan_id in sorted(set(grouped) | set(summaries_of)):
        members = grouped.get(scan_id, [])
        own = summaries_of.get(scan_id, [])
        stamps = [str(f.get("evaluated_at") or "") for f in [*members, *own]]
        times = [int(f.get("time") or 0) for f in [*members, *own]]
        scans.append(
            Scan(
                scan_id=scan_id,
                evaluated_at=max(stamps, default=""),
                time=max(times, default=0),
                findings=tuple(ordered(members)),
                summaries=tuple(sorted(own, key=lambda s: str(s.get("account_id")))),
            )
        )
    return sorted(scans, key=lambda s: (s.evaluated_at, s.time, s.scan_id))


def _latest_copies(findings: Iterable[Finding]) -> list[Finding]:
    """One copy of each finding of a scan: a scan written twice (a retried run) writes its
    findings twice, under the same finding_id; the copy logged last is kept."""
    latest: dict[tuple[str, ...], Finding] = {}
    unnamed: list[Finding] = []
    for finding in findings:
        if not finding.get("finding_id"):
            unnamed.append(finding)
            continue
        key = (str(finding.get("scan_id") or ""), str(finding["finding_id"]))
        kept = latest.get(key)
        if kept is None or int(finding.get("time") or 0) >= int(kept.get("time") or 0):
            latest[key] = finding
    return [*latest.values(), *unnamed]


def sort_key(finding: Finding) -> tuple[int, int, str, str, str]:
    scope = finding.get("scope") or ""
    status = finding.get("status") or ""
    return (
        SCOPE_ORDER.index(scope) if scope in SCOPE_ORDER else len(SCOPE_ORDER),
        STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER),
        str(finding.get("account_id") or ""),
        str(finding.get("resource") or ""),
        json.dumps(finding, sort_keys=True, default=str),  # ties: a stable order all the same
    )


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=sort_key)


def report_of(scans: list[Scan], source: str, with_history: bool) -> Report:
    """The report on the latest scan of each account (`scans` oldest first)."""
    if not scans:
        raise ReportInputError(f"{source}: no findings to report on")
    return Report(scan=latest_per_account(scans), source=source, scans=tuple(scans) if with_history else ())


def report_of_findings(findings: Iterable[Mapping[str, Any]], source: str, evaluated_at: str = "") -> Report:
    """The report on findings evaluated at `evaluated_at` (`--format json` dicts of one evaluation)."""
    rows = [normalized({**finding, "evaluated_at": evaluated_at}) for finding in findings]
    return report_of(scans_of(rows), source, with_history=False)


def per_account(scans: list[Scan]) -> dict[str, list[Scan]]:
    """Each account's own scans (oldest first), holding only its findings: accounts scanned by
    separate deployments into one logstore have scans of their own, at their own times."""
    accounts: dict[str, list[Scan]] = {}
    for scan in scans:
        members = sorted({str(f.get("account_id") or "") for f in [*scan.findings, *scan.summaries]})
        for account in members:
            accounts.setdefault(account, []).append(
                Scan(
                    scan.scan_id,
                    scan.evaluated_at,
                    scan.time,
                    tuple(f for f in scan.findings if str(f.get("account_id") or "") == account),
                    tuple(s for s in scan.summaries if str(s.get("account_id") or "") == account),
                )
            )
    return accounts


def latest_per_account(scans: list[Scan]) -> Scan:
    """One view of what is true now: every account's latest scan, together (one scan when a
    single scan covered every account, as an organisation scan does)."""
    if len(scans) == 1:
        return scans[0]
    latest = [own[-1] for _, own in sorted(per_account(scans).items())]
    ids = sorted({scan.scan_id for scan in latest})
    return Scan(
        scan_id=", ".join(ids),
        evaluated_at=max(scan.evaluated_at for scan in latest),
        time=max(scan.time for scan in latest),
        findings=tuple(ordered(f for scan in latest for f in scan.findings)),
        summaries=tuple(s for scan in latest for s in scan.summaries),
    )


def resource_key(finding: Finding) -> tuple[str, str]:
    """What "the same resource" means across scans: the account and the resource."""
    return (str(finding.get("account_id") or ""), str(finding.get("resource") or ""))
