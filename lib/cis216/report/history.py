"""What has been failing since when, over several scans (pure: findings in, facts out).

A resource is (account, resource ARN); a scan is one `scan_id`, scans ordered by `evaluated_at`
(then the logs' time). Failing means status `alarm`. A scan that did not judge the resource (it is
absent, or its status is `error`: the scan could not read what the verdict needs) neither ends
nor starts a failing streak: it says nothing either way.

- failing_since: the first scan of the current failing streak (the resource fails in the latest scan);
- days_in_alarm: whole days from failing_since to the latest scan;
- first_seen_failing: the first scan read in which it failed at all;
- change against the previous scan: "new" (fails now, did not then), "resolved" (failed then,
  passes now), "gone" (failed then, not judged now), "" otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from .model import FAILING, Scan, per_account, resource_key

JUDGED_SCOPES = frozenset({"account", "trail"})
UNKNOWN = frozenset({"", "error"})


@dataclass(frozen=True)
class ResourceHistory:
    account_id: str
    resource: str
    status: str  # in the latest scan; "" when the latest scan did not report it
    failing_since: str  # evaluated_at; "" when it does not fail in the latest scan
    first_seen_failing: str  # "" when it never failed in the scans read
    days_in_alarm: int
    scans_failing: int
    change: str  # "new", "resolved", "gone" or ""


@dataclass(frozen=True)
class History:
    scans: int
    first_scan: str  # evaluated_at of the oldest scan read
    previous_scan: str  # "" when only one scan was read
    latest_scan: str
    resources: tuple[ResourceHistory, ...]

    def changed(self, change: str) -> list[ResourceHistory]:
        return [item for item in self.resources if item.change == change]

    @property
    def failing(self) -> list[ResourceHistory]:
        return [item for item in self.resources if item.failing_since]


def _moment(scan: Scan) -> datetime | None:
    text = scan.evaluated_at.strip()
    if text:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return datetime.fromtimestamp(scan.time, timezone.utc) if scan.time else None


def _label(scan: Scan) -> str:
    return scan.evaluated_at or scan.scan_id


def _statuses(scans: list[Scan]) -> dict[tuple[str, str], list[str]]:
    """Per resource, its status in each scan ("" where a scan did not report it)."""
    table: dict[tuple[str, str], list[str]] = {}
    for number, scan in enumerate(scans):
        for finding in scan.findings:
            if finding.get("scope") not in JUDGED_SCOPES:
                continue
            row = table.setdefault(resource_key(finding), [""] * len(scans))
            row[number] = str(finding.get("status") or "")
    return table


def _streak_start(row: list[str]) -> int | None:
    """Index of the first scan of the failing streak that reaches the latest scan."""
    if row[-1] not in FAILING:
        return None
    start = len(row) - 1
    for number in range(len(row) - 2, -1, -1):
        if row[number] in FAILING:
            start = number
        elif row[number] not in UNKNOWN:
            break
    return start


def _change(row: list[str]) -> str:
    if len(row) < 2:
        return ""
    before, now = row[-2], row[-1]
    if now in FAILING and before not in FAILING:
        return "new"
    if before in FAILING and now not in FAILING:
        return "gone" if now in UNKNOWN else "resolved"
    return ""


def _days(scans: list[Scan], start: int | None) -> int:
    if start is None:
        return 0
    begin, end = _moment(scans[start]), _moment(scans[-1])
    if begin is None or end is None:
        return 0
    return max(0, int((end - begin).total_seconds() // 86400))


def history(scans: list[Scan]) -> History:
    """The history of every account and trail resource over `scans` (oldest first, at least one)."""
    if not scans:
        raise ValueError("history needs at least one scan")
    items = []
    for (account, resource), row in sorted(_statuses(scans).items()):
        start = _streak_start(row)
        failed = [number for number, status in enumerate(row) if status in FAILING]
        items.append(
            ResourceHistory(
                account_id=account,
                resource=resource,
                status=row[-1],
                failing_since=_label(scans[start]) if start is not None else "",
                first_seen_failing=_label(scans[failed[0]]) if failed else "",
                days_in_alarm=_days(scans, start),
                scans_failing=len(failed),
                change=_change(row),
            )
        )
    return History(
        scans=len(scans),
        first_scan=_label(scans[0]),
        previous_scan=_label(scans[-2]) if len(scans) > 1 else "",
        latest_scan=_label(scans[-1]),
        resources=tuple(items),
    )


def history_per_account(scans: list[Scan]) -> History:
    """`history` of each account over its own scans, together: "the previous scan" of a resource
    is its own account's previous scan."""
    if not scans:
        raise ValueError("history needs at least one scan")
    parts = [history(own) for _, own in sorted(per_account(scans).items())]
    previous = sorted({part.previous_scan for part in parts if part.previous_scan})
    return History(
        scans=len(scans),
        first_scan=_label(scans[0]),
        previous_scan=previous[-1] if len(previous) == 1 else ", ".join(previous),
        latest_scan=_label(scans[-1]),
        resources=tuple(sorted((item for part in parts for item in part.resources), key=_order)),
    )


def _order(item: ResourceHistory) -> tuple[str, str]:
    return (item.account_id, item.resource)
