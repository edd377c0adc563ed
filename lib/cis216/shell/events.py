"""What an invocation asks for: the FC timer event or a direct invocation, validated.

Timer (as FC sends it; `payload` is the trigger's configured string, verbatim):
    {"triggerTime": "2026-11-29T02:00:00Z", "triggerName": "daily-scan", "payload": "<JSON or empty>"}
Direct invocation (`s invoke`, the console, another function): a JSON object of overrides plus an
optional `scan_time` (what the scan id derives from; default: the request id), or an empty body.

Overrides (timer payload or direct body): `regions` (list or comma string, or "all"), `profile`,
`dry_run`, `settings` (strict-profile settings), `mode` (`organization`: run the coordinator). Unknown keys are an error: a typo must not
silently scan with defaults.

Organisation worker (MODE=worker, queued by the coordinator, docs/organization.md): the member to
scan, the organisation scan's id and trigger, the overrides, and the organisation trail's coverage
of this member (`WorkerEvent`, `parse_worker_event`); every field required, none unknown.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from ..aliyun import is_account_id, is_region_id
from ..core import check_profile
from ..organization.coverage import OrgCoverage
from ..settings import Settings
from ..validation import Loc, describe, dotted_path
from .config import MESSAGES


class EventError(ValueError):
    """The event cannot be used; the message names the field."""


class Overrides(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    regions: tuple[str, ...] | str | None = None
    profile: str | None = None
    dry_run: bool | None = None
    settings: Settings | None = None
    # "organization": this run is the coordinator of an organisation scan whatever MODE says
    # (one function deployed for both); "account": this account only.
    mode: Literal["account", "organization"] | None = None

    @field_validator("regions", mode="before")
    @classmethod
    def _regions(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            if value.strip().lower() == "all":
                return "all"
            value = [part.strip() for part in value.split(",")]
        if not isinstance(value, (list, tuple)) or not value:
            raise ValueError("expected a non-empty list of region ids, a comma-separated string, or 'all'")
        out: list[str] = []
        for region in value:
            if not isinstance(region, str) or not is_region_id(region):
                raise ValueError(f"{region!r} is not a region id (like 'cn-hangzhou')")
            if region not in out:
                out.append(region)
        return tuple(out)

    @field_validator("profile")
    @classmethod
    def _profile(cls, value: str | None) -> str | None:
        return value if value is None else check_profile(value)

    @field_validator("settings", mode="before")
    @classmethod
    def _nothing_asked(cls, value: Any) -> Any:
        # `{}` overrides nothing: the configuration's PROFILE_SETTINGS still apply.
        return None if value == {} else value


class DirectInvocation(Overrides):
    scan_time: datetime | None = None

    @field_validator("scan_time")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class TimerEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    trigger_time: datetime = Field(alias="triggerTime")
    trigger_name: str = Field(alias="triggerName", min_length=1, max_length=128)
    payload: str | None = None

    @field_validator("trigger_time")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


class Invocation(BaseModel):
    """The parsed event: where the scan id comes from, and the overrides."""

    model_config = ConfigDict(frozen=True)

    kind: str  # "timer" | "direct"
    trigger_time: datetime | None = None
    trigger_name: str | None = None
    overrides: Overrides = Field(default_factory=Overrides)


def _describe(error: ValidationError, source: str, model: type[BaseModel]) -> str:
    def unknown_key(loc: Loc) -> str:
        if loc[:1] == ("settings",) and len(loc) > 1:
            return "unknown setting (see README, Settings)"
        allowed = ", ".join(field.alias or name for name, field in model.model_fields.items())
        return f"unknown key (allowed: {allowed})"

    return describe(
        error, source, path=dotted_path, whole="(event)", unknown_field=unknown_key, messages=MESSAGES
    )


def _json_object(raw: bytes | str, source: str) -> dict[str, Any]:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise EventError(f"{source}: not UTF-8 text") from None
    if raw.strip() == "":
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise EventError(f"{source}: not JSON: {error.msg} at column {error.colno}") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise EventError(f"{source}: expected a JSON object, got {type(value).__name__}")
    return value


def read_event(event: bytes | str | dict[str, Any] | None) -> dict[str, Any]:
    """The event as a JSON object (an empty body is `{}`); EventError when it is not one."""
    return event if isinstance(event, dict) else _json_object(event or b"", "event")


def parse_event(event: bytes | str | dict[str, Any] | None) -> Invocation:
    """FC passes the event as bytes; tests and local runs may pass a str or a dict."""
    document = read_event(event)
    if "triggerTime" in document or "triggerName" in document:
        try:
            timer = TimerEvent.model_validate(document)
        except ValidationError as error:
            raise EventError(_describe(error, "timer event", TimerEvent)) from None
        payload = _json_object(timer.payload or "", "timer payload")
        try:
            overrides = Overrides.model_validate(payload)
        except ValidationError as error:
            raise EventError(_describe(error, "timer payload", Overrides)) from None
        return Invocation(
            kind="timer",
            trigger_time=timer.trigger_time,
            trigger_name=timer.trigger_name,
            overrides=overrides,
        )
    try:
        direct = DirectInvocation.model_validate(document)
    except ValidationError as error:
        raise EventError(_describe(error, "event", DirectInvocation)) from None
    # Already validated as part of the direct invocation: copied, not validated again.
    overrides = Overrides.model_construct(**{name: getattr(direct, name) for name in Overrides.model_fields})
    return Invocation(kind="direct", trigger_time=direct.scan_time, overrides=overrides)


# --- the organisation worker's event ---------------------------------------------------------------

WORKER_EVENT = "organization-worker"  # the marker a worker event carries under `cis216`
_SCAN_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")


class MemberRef(BaseModel):
    """The member as the resource directory listed it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    account_id: str
    display_name: str = Field(max_length=256)
    status: str = Field(max_length=64)
    type: str | None = Field(default=None, max_length=64)
    folder_id: str | None = Field(default=None, max_length=128)

    @field_validator("account_id")
    @classmethod
    def _account(cls, value: str) -> str:
        if not is_account_id(value):
            raise ValueError(f"{value!r} is not an Alibaba Cloud account id (digits only)")
        return value


class WorkerTrigger(BaseModel):
    """What started the organisation scan (the coordinator's trigger), for the member's summary."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["timer", "direct"]
    name: str | None = Field(default=None, max_length=128)
    time: datetime | None = None

    @field_validator("time")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return value if value is None or value.tzinfo else value.replace(tzinfo=timezone.utc)


class WorkerEvent(BaseModel):
    """One member's scan, as the coordinator queues it (a few KB whatever the directory's size)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cis216: Literal["organization-worker"]
    scan_id: str
    trigger: WorkerTrigger
    overrides: Overrides = Field(default_factory=Overrides)
    member: MemberRef
    coverage: OrgCoverage

    @field_validator("scan_id")
    @classmethod
    def _scan_id(cls, value: str) -> str:
        if not _SCAN_ID.fullmatch(value):
            raise ValueError(f"{value!r} is not a scan id (letters, digits, '_' and '-')")
        return value

    @field_validator("overrides")
    @classmethod
    def _strict_only(cls, value: Overrides) -> Overrides:
        if value.profile not in (None, "strict"):
            raise ValueError(
                f"profile {value.profile!r}: an organisation scan judges with the strict profile"
            )
        return value

    @field_validator("coverage")
    @classmethod
    def _about_the_member(cls, value: OrgCoverage, info: ValidationInfo) -> OrgCoverage:
        # The worker judges its member on this coverage: another member's would be a verdict on
        # data never read for it. (Its Log Audit side names no member: judged once for all.)
        member = info.data.get("member")
        if isinstance(member, MemberRef) and value.member != member.account_id:
            raise ValueError(
                f"coverage.member {value.member!r} is not this event's member.account_id {member.account_id!r}"
            )
        return value

    def to_bytes(self) -> bytes:
        return self.model_dump_json(exclude_defaults=False).encode("utf-8")


def is_worker_event(document: Any) -> bool:
    return isinstance(document, dict) and "cis216" in document


def parse_worker_event(event: bytes | str | dict[str, Any] | None) -> WorkerEvent:
    """The worker's event; an EventError names the field (`worker event: member.account_id: ...`)."""
    document = event if isinstance(event, dict) else _json_object(event or b"", "worker event")
    try:
        return WorkerEvent.model_validate(document)
    except ValidationError as error:
        raise EventError(_describe(error, "worker event", WorkerEvent)) from None
