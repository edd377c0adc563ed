"""What a scan reports: `ScanSummary` (the handler's JSON answer, the summary log's evidence) and
`ScanReport` (the summary with the findings, their ids and the snapshot document, for the CLI).

The summary's keys are documented in docs/function.md ("Summary"); a unit test holds them to it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

from ..findings import STATUS_ORDER, Finding, Status, count_by_status
from ..inventory import Inventory
from . import ids
from .plan import ScanPlan, Trigger

if TYPE_CHECKING:
    from ..adapters.calls import CallStats


class ApiCalls(BaseModel):
    """API calls made: attempts, not logical calls (writes included once written)."""

    model_config = ConfigDict(frozen=True)

    total: int
    by_api: dict[str, int]
    retries: int
    failed: int

    @classmethod
    def of(cls, stats: CallStats) -> ApiCalls:
        return cls.model_validate(stats.as_dict())


class Written(BaseModel):
    """The findings logstore and the findings written to it (`count`); a real write also tells the
    logs (the findings and the summary log) and PutLogs batches, which a dry run leaves out."""

    model_config = ConfigDict(frozen=True)

    project: str | None
    logstore: str
    count: int = 0
    logs: int | None = None
    batches: int | None = None

    @model_serializer(mode="wrap")
    def _without_unwritten(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if not (k in ("logs", "batches") and v is None)}


class ScanSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    scan_id: str
    account_id: str
    profile: str
    trigger: Trigger
    regions: tuple[str, ...]
    findings: int
    counts: dict[Status, int]
    # None when the profile gave no finding at all (powerpipe on an account without trails: the
    # reference query returns no row); the reason says so. Not a Status: nothing was judged.
    account_verdict: Status | None
    verdict_reason: str
    collection_errors: int
    api_calls: ApiCalls
    collect_ms: int
    dry_run: bool
    written: Written | None = None  # None until the write step has run
    duration_ms: int | None = None  # likewise

    def to_json(self, indent: int | None = None) -> str:
        """The handler's answer: sorted keys, non-ASCII kept (as FC shows it)."""
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, indent=indent)


def account_verdict(findings: Sequence[Finding]) -> tuple[Status | None, str]:
    """The account-scope finding's status and reason, else the worst status of all findings."""
    for finding in findings:
        if finding.scope == "account":
            return finding.status, finding.reason or ""
    worst = min(findings, key=lambda f: STATUS_ORDER.index(f.status), default=None)
    if worst is not None:
        return worst.status, f"worst status of {len(findings)} finding(s)"
    return None, "no findings (the profile produced no row)"


@dataclass(frozen=True)
class ScanReport:
    summary: ScanSummary
    findings: tuple[Finding, ...]
    finding_ids: tuple[str, ...]
    snapshot: dict[str, Any]  # the collected snapshot document (what --save-snapshot writes)

    @classmethod
    def of(
        cls,
        plan: ScanPlan,
        account_id: str,
        snapshot: dict[str, Any],
        inventory: Inventory,
        findings: Sequence[Finding],
        api_calls: ApiCalls,
        collect_ms: int,
    ) -> ScanReport:
        scan_id = ids.scan_id(account_id, plan.trigger.time, plan.scan_key)
        verdict, reason = account_verdict(findings)
        summary = ScanSummary(
            scan_id=scan_id,
            account_id=account_id,
            profile=plan.profile,
            trigger=plan.trigger,
            regions=tuple(inventory.regions),
            findings=len(findings),
            counts=cast("dict[Status, int]", count_by_status(list(findings))),
            account_verdict=verdict,
            verdict_reason=reason,
            collection_errors=sum(len(region.errors) for region in inventory.regions.values()),
            api_calls=api_calls,
            collect_ms=collect_ms,
            dry_run=plan.dry_run,
        )
        return cls(summary, tuple(findings), tuple(ids.finding_ids(scan_id, findings)), snapshot)

    def completed(self, written: Written, api_calls: ApiCalls, duration_ms: int) -> ScanReport:
        """The final summary: what was written, every call (writes included), the whole duration."""
        summary = self.summary.model_copy(
            update={"written": written, "api_calls": api_calls, "duration_ms": duration_ms}
        )
        return replace(self, summary=summary)
