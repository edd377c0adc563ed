"""Settings of the strict profile. Every knob has a documented default (docs/strict.md, "Settings")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .slsquery.events import DEFAULT_REQUIRED_CODES

# The error codes of the CIS text, in its order; one list for the whole project (slsquery's).
# `Forbbiden` (a typo in the benchmark's SQL) is accepted where seen but never required.
CIS_REQUIRED_CODES: tuple[str, ...] = DEFAULT_REQUIRED_CODES


def _not_blank(code: str) -> str:
    # A blank code would be required of every alert and matched by none: each alert would fail for
    # a typo in the settings, so it is refused here, where the typo is.
    if not code.strip():
        raise ValueError(f"{code!r} is blank: expected an error code, like 'NoPermission'")
    return code


ErrorCode = Annotated[str, AfterValidator(_not_blank)]


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    required_codes: tuple[ErrorCode, ...] = Field(
        default=CIS_REQUIRED_CODES,
        min_length=1,
        description="Error codes (families with .*) an alert must fire on.",
    )
    max_threshold: int = Field(
        default=1,
        ge=1,
        description="Largest count of unauthorized calls an alert may wait for before firing "
        "without an advisory.",
    )
    require_notification: bool = Field(
        default=True,
        description="An alert must have an action policy, alert policy or legacy notifications.",
    )
    accept_log_audit: bool = Field(
        default=True,
        description="The Log Audit central logstore "
        "(slsaudit-center-<account>-<region>/actiontrail_log) counts as a feed.",
    )
    now: datetime | None = Field(
        default=None,
        description="The moment a mute is judged against; default: the snapshot's collected_at.",
    )
