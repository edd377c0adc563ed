"""Findings: the verdicts cis216 gives, in Powerpipe's vocabulary, with typed evidence.

docs/finding.schema.json is generated from these models (`python -m cis216.findings.schema`), and
the README's example finding too (`python -m cis216.findings.example`); tests keep both in step.
"""

from __future__ import annotations

from datetime import date
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
    LogAuditEvidence,
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
    "SEVERITY",
    "STATUS_ORDER",
    "TITLE",
    "AccountEvidence",
    "AlertEvidence",
    "CoveredByEvidence",
    "Evidence",
    "EvidenceModel",
    "FeedAlertEvidence",
    "FeedEvidence",
    "Finding",
    "HidingErrorEvidence",
    "LogAuditEvidence",
    "Mute",
    "NoEvidence",
    "NotificationEvidence",
    "OrganizationEvidence",
    "QueryCombinationEvidence",
    "ReadEvidence",
    "ScanErrorEvidence",
    "Scope",
    "Severity",
    "Status",
    "StrayAlertEvidence",
    "TrailEvidence",
    "TriggerConditionEvidence",
    "TriggerEvidence",
    "WindowEvidence",
    "count_by_status",
]

CONTROL = "cis_v200_2_16"
# CIS Alibaba Cloud Foundations Benchmark v2.0.0, 2.16, in the benchmark's own words.
TITLE = "Ensure a log monitoring and alerts are set up for unauthorized API calls"

Severity = Literal["informational", "low", "medium", "high", "critical"]
# Unnoticed unauthorized calls are how a stolen key is explored: the control is rated high.
SEVERITY: Severity = "high"

Status = Literal["ok", "alarm", "info", "skip", "error"]
Scope = Literal["account", "trail", "scan"]

# Most severe first: used to order output and to pick an account's worst status.
STATUS_ORDER: tuple[Status, ...] = ("error", "alarm", "info", "skip", "ok")


def _every_key_is_written(schema: dict[str, Any]) -> None:
    # Defaults only spare the profiles from repeating them: every field is in every finding's JSON.
    schema["required"] = list(schema["properties"])


class Mute(BaseModel):
    """Why a finding is muted: the accepted-risk (mutelist) entry that matched it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    justification: str
    expires: date = Field(description="the last day the entry mutes (ISO date)")
    entry: str = Field(description="which entry of the mutelist, as its JSON path (entries[0])")


class Finding(BaseModel):
    """One verdict on one resource.

    `resource` and `reason` are optional only because the `powerpipe` profile reproduces the
    reference SQL row for row, and SQL concatenation with a NULL (a trail without HomeRegion, an
    SLS ARN without a region) yields NULL. The strict profile always fills both.

    `remediation` is the fix for this finding ("" when there is nothing to fix); `muted` and
    `mute` are set only by the accepted-risk step (cis216.mute), which never changes a status.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=_every_key_is_written)

    resource: str | None
    status: Status
    reason: str | None
    account_id: str | None
    region: str | None = Field(
        description="the region the resource is in; null for the account finding (scope account), "
        "whose verdict is about every region of the account at once, and for a failed call that "
        "has no region"
    )
    control: str = CONTROL
    title: str = TITLE
    severity: Severity = SEVERITY
    profile: str
    scope: Scope | None = None
    reason_codes: list[str] = Field(default_factory=list)
    advisories: list[str] = Field(default_factory=list)
    remediation: str = Field(default="", description="how to fix this finding; empty when nothing is to fix")
    muted: bool = Field(default=False, description="an accepted-risk entry matches; the status is unchanged")
    mute: Mute | None = None
    evidence: Evidence = Field(default_factory=NoEvidence)


def count_by_status(findings: list[Finding]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(STATUS_ORDER, 0)
    for finding in findings:
        counts[finding.status] += 1
    return counts
