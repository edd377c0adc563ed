"""Findings: the verdicts cis216 gives, in Powerpipe's vocabulary."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CONTROL = "cis_v200_2_16"

Status = Literal["ok", "alarm", "info", "skip", "error"]
Scope = Literal["account", "trail", "alert", "scan"]

# Most severe first: used to order output and to pick an account's worst status.
STATUS_ORDER = ("error", "alarm", "info", "skip", "ok")


class Finding(BaseModel):
    """One verdict on one resource.

    `resource` and `reason` are optional only because the `powerpipe` profile reproduces the
    reference SQL row for row, and SQL concatenation with a NULL (a trail without HomeRegion, an
    SLS ARN without a region) yields NULL. The strict profile always fills both.
    """

    model_config = ConfigDict(frozen=True)

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
    evidence: dict[str, Any] = Field(default_factory=dict)


def count_by_status(findings: list[Finding]) -> dict[str, int]:
    counts = {status: 0 for status in STATUS_ORDER}
    for finding in findings:
        counts[finding.status] += 1
    return counts
