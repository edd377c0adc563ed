"""Findings: the verdicts cis216 gives, in Powerpipe's vocabulary, with typed evidence.

docs/finding.schema.json is generated from these models (`python -m cis216.findings.schema`), and
the README's example finding too (`python -m cis216.findings.example`); tests keep both in step.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .evidence import (
    AccountEvidence,
    AlertEvidence,
    CoveredByEvidence,
    Evidence,
    EvidenceModel,
    FeedAlertEvidence,
    FeedEvidence,
    HidingErrorEvidence,
    NoEvidence,
    NotificationEvidence,
    OrganizationEvidence,
    QueryCombinationEvidence,
    ReadEvidence,
    ScanErrorEvidence,
    StrayAlertEvidence,
    TrailEvidence,
    TriggerConditionEvidence,
    TriggerEvidence,
    WindowEvidence,
)

__all__ = [
    "CONTROL",
    "STATUS_ORDER",
    "AccountEvidence",
    "AlertEvidence",
    "CoveredByEvidence",
    "Evidence",
    "EvidenceModel",
    "FeedAlertEvidence",
    "FeedEvidence",
    "Finding",
    "HidingErrorEvidence",
    "NoEvidence",
    "NotificationEvidence",
    "OrganizationEvidence",
    "QueryCombinationEvidence",
    "ReadEvidence",
    "ScanErrorEvidence",
    "Scope",
    "Status",
    "StrayAlertEvidence",
    "TrailEvidence",
    "TriggerConditionEvidence",
    "TriggerEvidence",
    "WindowEvidence",
    "count_by_status",
]

CONTROL = "cis_v200_2_16"

Status = Literal["ok", "alarm", "info", "skip", "error"]
Scope = Literal["account", "trail", "scan"]

# Most severe first: used to order output and to pick an account's worst status.
STATUS_ORDER: tuple[Status, ...] = ("error", "alarm", "info", "skip", "ok")


def _every_key_is_written(schema: dict[str, Any]) -> None:
    # Defaults only spare the profiles from repeating them: every field is in every finding's JSON.
    schema["required"] = list(schema["properties"])


class Finding(BaseModel):
    """One verdict on one resource.

    `resource` and `reason` are optional only because the `powerpipe` profile reproduces the
    reference SQL row for row, and SQL concatenation with a NULL (a trail without HomeRegion, an
    SLS ARN without a region) yields NULL. The strict profile always fills both.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=_every_key_is_written)

    resource: str | None
    status: Status
    reason: str | None
    account_id: str | None
    region: str | None
    control: str = CONTROL
    profile: str
    scope: Scope | None = None
    reason_codes: list[str] = Field(default_factory=list)
    advisories: list[str] = Field(default_factory=list)
    evidence: Evidence = Field(default_factory=NoEvidence)


def count_by_status(findings: list[Finding]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(STATUS_ORDER, 0)
    for finding in findings:
        counts[finding.status] += 1
    return counts
