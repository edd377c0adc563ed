"""The inventory snapshot: what the cloud answered, verbatim, parsed into typed models.

A snapshot is recorded once (by the collector, or by hand) and evaluated offline. The raw API
shapes are kept (`raw`) so that the `powerpipe` profile can reproduce exactly what Steampipe's
tables would hold, while the typed fields give the strict profile a normalised view.

Parsing is strict about structure (a trail without `Name`, a region id that is not one, a wrong
version) and tolerant of real-world variants (`status` vs `state`, any case, `store` vs
`logStore`, missing optional fields, extra fields the API may add).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import IO, Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SkipValidation,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from .aliyun import LogstoreName, ProjectName, RegionId, SlsProjectArn, is_account_id, trail_logstore
from .gcpause import collection_paused

# The loose first-match reading of SlsProjectArn (Trail.sls_region, .sls_project), as Steampipe reads it.
from .profiles.sqltext import ARN_PROJECT, ARN_REGION, sql_substring
from .validation import describe, dotted_path, json_path

SNAPSHOT_VERSION = 1
# The most cis216 reads from one input (a snapshot, a settings file, an event): a real account's
# snapshot is a few MB; `cis216 evaluate /dev/zero` must end, with this limit named.
MAX_INPUT_BYTES = 64 * 1024 * 1024
_CHUNK_BYTES = 1024 * 1024
NO_REGION = "no region was scanned, so there is nothing to evaluate (a collection records at least one)"


class InventoryError(ValueError):
    """A snapshot that cannot be evaluated; the message names the path of the bad field."""


def _blank_to_none(value: Any) -> Any:
    # Steampipe turns an empty string into NULL; so do we, so both profiles see the same thing.
    if isinstance(value, str) and value == "":
        return None
    return value


class _Raw(BaseModel):
    """Base for API objects: keeps unknown fields (the API grows) and the verbatim input (`raw`:
    the input object itself, neither copied nor validated again: a snapshot holds a hundred
    thousand of them, and nothing changes a parsed snapshot's documents)."""

    # Fields are read by their API names only: Steampipe reads `Name`/`Status`/`queryList`, so a
    # `name`/`status`/`query_list` key is an unknown extra field here, never the same column.
    model_config = ConfigDict(extra="allow", populate_by_name=False, frozen=True)

    raw: Annotated[dict[str, Any], SkipValidation] = Field(default_factory=dict, exclude=True)

    # Fields (by their API names) where an empty string is NULL (`_blank_to_none`). Done here, once
    # per object, rather than by a validator per field: a snapshot has a hundred thousand of them.
    blank_is_null: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _keep_raw(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(f"expected an object, got {type(data).__name__}")
        values = {**data, "raw": data}
        for key in cls.blank_is_null:
            if key in values:
                values[key] = _blank_to_none(values[key])
        return values


class Trail(_Raw):
    """One item of a DescribeTrails `TrailList` (PascalCase, as the API gives it)."""

    name: str = Field(alias="Name", min_length=1)
    status: str | None = Field(default=None, alias="Status")
    home_region: str | None = Field(default=None, alias="HomeRegion")
    trail_region: str | None = Field(default=None, alias="TrailRegion")
    region: str | None = Field(default=None, alias="Region")
    event_rw: str | None = Field(default=None, alias="EventRW")
    sls_project_arn: str | None = Field(default=None, alias="SlsProjectArn")
    sls_write_role_arn: str | None = Field(default=None, alias="SlsWriteRoleArn")
    oss_bucket_name: str | None = Field(default=None, alias="OssBucketName")
    is_organization_trail: bool | None = Field(default=None, alias="IsOrganizationTrail")
    organization_id: str | None = Field(default=None, alias="OrganizationId")
    is_shadow_trail: bool | None = Field(default=None, alias="IsShadowTrail")

    blank_is_null = (
        "Status",
        "HomeRegion",
        "TrailRegion",
        "Region",
        "EventRW",
        "SlsProjectArn",
        "SlsWriteRoleArn",
        "OssBucketName",
        "OrganizationId",
    )

    @property
    def sls_arn(self) -> SlsProjectArn | None:
        """`SlsProjectArn` parsed strictly: None unless its region and project are usable names."""
        return SlsProjectArn.parse(self.sls_project_arn)

    @property
    def sls_region(self) -> str | None:
        """The region in `SlsProjectArn` (`acs:log:<region>:<uid>:project/<name>`), as Steampipe reads it."""
        return sql_substring(self.sls_project_arn or "", ARN_REGION)

    @property
    def sls_project(self) -> str | None:
        """The project in `SlsProjectArn`, as Steampipe reads it (first match, loose)."""
        return sql_substring(self.sls_project_arn or "", ARN_PROJECT)

    @property
    def logstore(self) -> str:
        return trail_logstore(self.name)


class TrailStatus(_Raw):
    """A GetTrailStatus answer (PascalCase, as the API gives it): is the trail logging, and did its
    latest delivery to SLS fail. Times are text, as answered (their format varies)."""

    is_logging: bool = Field(alias="IsLogging")
    latest_delivery_log_service_error: str | None = Field(default=None, alias="LatestDeliveryLogServiceError")
    latest_delivery_log_service_time: str | None = Field(default=None, alias="LatestDeliveryLogServiceTime")
    latest_delivery_error: str | None = Field(default=None, alias="LatestDeliveryError")
    latest_delivery_time: str | None = Field(default=None, alias="LatestDeliveryTime")
    sls_log_store_status: bool | None = Field(default=None, alias="SlsLogStoreStatus")
    stop_logging_time: str | None = Field(default=None, alias="StopLoggingTime")

    blank_is_null = (
        "LatestDeliveryLogServiceError",
        "LatestDeliveryLogServiceTime",
        "LatestDeliveryError",
        "LatestDeliveryTime",
        "StopLoggingTime",
    )


class AlertQuery(_Raw):
    """One entry of an alert's `configuration.queryList` (Alert 2.0; legacy 1.0 says `logStore`)."""

    query: str | None = None
    store: str | None = None
    store_type: str | None = Field(default=None, alias="storeType")
    project: str | None = None
    region: str | None = None
    start: str | None = None
    end: str | None = None
    time_span_type: str | None = Field(default=None, alias="timeSpanType")

    @model_validator(mode="before")
    @classmethod
    def _legacy_names(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            legacy = data.get("logStore")
            if legacy is not None and not isinstance(legacy, str):
                raise ValueError(f"logStore: expected a string, got {_json_type(legacy)}")
            if data.get("store") in (None, "") and legacy:
                data["store"] = legacy
            if data.get("query") is None and isinstance(data.get("Query"), str):
                data["query"] = data["Query"]
        return data

    @field_validator("query", "store", "project", "region", "start", "end", mode="before")
    @classmethod
    def _strings_only(cls, value: Any) -> Any:
        value = _blank_to_none(value)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"expected a string, got {_json_type(value)}")
        return value


def _query_list_entry(value: Any) -> Any:
    """A queryList entry is kept verbatim (the powerpipe profile needs its exact jsonb text), but where it
    is an object its `query`/`Query` must be text or null: anything else is not an SLS search statement.
    The fields the strict profile reads (`store`, `project`, `region`, ...) are checked here too, so a
    snapshot that parses can be evaluated by every profile."""
    if isinstance(value, dict):
        for key in ("query", "Query"):
            if key in value and value[key] is not None and not isinstance(value[key], str):
                raise ValueError(
                    f"{key}: expected a string (the search statement) or null, got {_json_type(value[key])}"
                )
        try:
            AlertQuery.model_validate(value)
        except ValidationError as error:
            raise ValueError(describe(error, path=dotted_path, whole=None, separator="; ")) from None
    return value


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


QueryListEntry = Annotated[Any, AfterValidator(_query_list_entry)]


class AlertConfiguration(_Raw):
    version: str | None = None
    type: str | None = None
    query_list: list[QueryListEntry] | None = Field(default=None, alias="queryList")
    template_configuration: dict[str, Any] | None = Field(default=None, alias="templateConfiguration")
    severity_configurations: list[dict[str, Any]] | None = Field(default=None, alias="severityConfigurations")
    condition_configuration: dict[str, Any] | None = Field(default=None, alias="conditionConfiguration")
    policy_configuration: dict[str, Any] | None = Field(default=None, alias="policyConfiguration")
    threshold: int | None = None
    mute_until: int | None = Field(default=None, alias="muteUntil")
    no_data_fire: bool | None = Field(default=None, alias="noDataFire")

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) else value

    @cached_property
    def queries(self) -> tuple[AlertQuery, ...]:
        """The object entries of queryList, parsed; a non-object entry is kept only in `query_list`.
        Parsed once per alert (the strict profile reads them for every feed it judges the alert on)."""
        return tuple(AlertQuery.model_validate(q) for q in (self.query_list or []) if isinstance(q, dict))


class Alert(_Raw):
    """One alert (an Alert 2.0 job) as the SLS alert listing returns it (camelCase)."""

    name: str = Field(min_length=1)
    display_name: str | None = Field(default=None, alias="displayName")
    # `status` exactly as given (Steampipe compares it with 'ENABLED'); see `enabled` for meaning.
    status: str | None = None
    state: str | None = None
    type: str | None = None
    schedule: dict[str, Any] | None = None
    configuration: AlertConfiguration | None = None

    blank_is_null = ("status", "state", "displayName")

    @property
    def enabled(self) -> bool | None:
        """True/False from `status` or legacy `state`, in any case; None when neither says."""
        for value in (self.status, self.state):
            if value is not None:
                lowered = value.strip().lower()
                if lowered in ("enabled", "enable"):
                    return True
                if lowered in ("disabled", "disable"):
                    return False
        return None

    @property
    def query_list(self) -> list[Any] | None:
        return self.configuration.query_list if self.configuration else None


class Logstore(_Raw):
    index: dict[str, Any] | None = None


class SlsProject(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    alerts: list[Alert] = Field(default_factory=list)
    logstores: dict[LogstoreName, Logstore] = Field(default_factory=dict)


class ScanError(BaseModel):
    """A call that failed while collecting: its absence of data is not evidence of absence."""

    model_config = ConfigDict(extra="allow", frozen=True)

    api: str = Field(min_length=1)
    code: str = Field(min_length=1)
    message: str = ""
    project: str | None = None
    logstore: str | None = None


class RegionInventory(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    trails: list[Trail] = Field(default_factory=list)
    sls_projects: dict[ProjectName, SlsProject] = Field(default_factory=dict)
    errors: list[ScanError] = Field(default_factory=list)
    # GetTrailStatus of the trails homed in this region, by trail name. Optional: a trail absent
    # here was not checked (an older snapshot, or one written by hand), not "delivering".
    trail_status: dict[str, TrailStatus] = Field(default_factory=dict)


class Inventory(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: StrictInt  # "1" is not version 1
    account_id: str
    collected_at: datetime
    regions: dict[RegionId, RegionInventory]

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != SNAPSHOT_VERSION:
            raise ValueError(
                f"unsupported snapshot version {value}; this cis216 reads version {SNAPSHOT_VERSION}"
            )
        return value

    @field_validator("account_id", mode="before")
    @classmethod
    def _account(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not is_account_id(value):
            raise ValueError(f"{value!r} is not an Alibaba Cloud account id (digits only)")
        return value

    @field_validator("collected_at", mode="before")
    @classmethod
    def _iso_text(cls, value: Any) -> Any:
        # pydantic would read a number as Unix seconds: a snapshot says when, in ISO 8601 text.
        if not isinstance(value, str):
            raise ValueError("expected an ISO 8601 time as text, like '2026-11-29T02:00:00Z'")
        return value

    @field_validator("collected_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


# Far deeper than any API answer (an alert is about 8 levels below the document), far shallower than
# what the recursive code below (pydantic, the jsonb text of a queryList entry) can follow.
MAX_DEPTH = 64


def decode_json(text: str, source: str) -> Any:
    """`json.loads`, every failure an InventoryError naming `source` (never a traceback). A leading
    UTF-8 byte order mark (what some Windows editors write) is not part of the document."""
    try:
        with collection_paused():
            return json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        raise InventoryError(
            f"{source}: not JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except RecursionError:
        raise InventoryError(f"{source}: not JSON this program can read: nested too deeply") from None
    except ValueError:
        # Python refuses to convert integers of more than 4300 digits (sys.get_int_max_str_digits).
        raise InventoryError(
            f"{source}: not JSON this program can read: a number has too many digits"
        ) from None


def _check_values(document: Any) -> list[str]:
    """Problems no model field would catch: nesting deeper than MAX_DEPTH, NaN or infinite numbers
    (Python's json reads `NaN`, `Infinity` and overflowing `1e400`; JSON and jsonb have none)."""
    if _values_fine(document):
        return []
    problems: list[str] = []
    stack: list[tuple[Any, tuple[str | int, ...], int]] = [(document, (), 0)]
    while stack:
        value, loc, depth = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(
                f"{json_path(loc) or '(document)'}: not a finite number (JSON has no NaN or Infinity)"
            )
        elif isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                problems.append(f"{json_path(loc) or '(document)'}: nested deeper than {MAX_DEPTH} levels")
                continue
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((item, (*loc, key), depth + 1) for key, item in items)
    return sorted(problems)


def _values_fine(document: Any) -> bool:
    """Whether `_check_values` would find nothing: the same walk without the paths, which only a
    problem needs (a snapshot has a million values; building each one's path took most of parsing).

    Level by level, on exact types (what `json.loads` builds): a value of another type (a dict or
    float subclass, from a caller that built the document itself) is left to `_check_values`."""
    level = [document] if type(document) in _CONTAINERS else []
    depth = 0
    while level:
        if depth >= MAX_DEPTH:
            return False
        below: list[Any] = []
        for container in level:
            if not _children_fine(container.values() if type(container) is dict else container, below):
                return False
        level = below
        depth += 1
    return type(document) in _CONTAINERS or _scalar_fine(document)


_CONTAINERS = (dict, list)


def _children_fine(children: Iterable[Any], below: list[Any]) -> bool:
    """Appends the containers among `children` to `below`; False on a non-finite float or an
    unexpected type."""
    keep = below.append
    for child in children:
        kind = type(child)
        if kind is str:
            continue
        if kind is dict or kind is list:
            keep(child)
        elif not _scalar_fine(child):
            return False
    return True


def _scalar_fine(value: Any) -> bool:
    kind = type(value)
    if kind is float:
        return math.isfinite(value)
    return kind is int or kind is bool or value is None or kind is str


def parse_inventory(document: Any, source: str = "snapshot") -> Inventory:
    if not isinstance(document, dict):
        kind = "an array" if isinstance(document, list) else type(document).__name__
        raise InventoryError(f"{source}: (document): expected a JSON object (a snapshot), got {kind}")
    problems = _check_values(document)
    if problems:
        raise InventoryError("\n".join(f"{source}: {problem}" for problem in problems))
    try:
        with collection_paused():
            return Inventory.model_validate(document)
    except ValidationError as error:
        unknown = f"unknown field (not part of snapshot version {SNAPSHOT_VERSION})"
        raise InventoryError(describe(error, source, unknown_field=unknown)) from None


def require_scanned(inventory: Inventory, source: str = "snapshot") -> Inventory:
    """The inventory, if it can be judged: one with no region at all was never scanned.

    A collection always records at least its home region, and a call that failed (DescribeRegions
    among them) as an error there, so "no region and no error" cannot come from a scan that ran:
    judging it would report "no trail" where nothing was read. Parsing alone accepts it (an
    emulated cloud may be seeded with an empty account); evaluating a snapshot requires it."""
    if not inventory.regions:
        raise InventoryError(f"{source}: regions: {NO_REGION}")
    return inventory


def read_bytes(stream: IO[bytes] | IO[str], source: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """All of `stream`, read in chunks and refused past `limit` bytes (a stream that never ends,
    like /dev/zero, ends here, with an InventoryError naming `source` and the limit)."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(min(_CHUNK_BYTES, limit + 1 - size))
        if not chunk:
            break
        data = chunk.encode("utf-8", errors="surrogateescape") if isinstance(chunk, str) else chunk
        chunks.append(data)
        size += len(data)
    if size > limit:
        raise InventoryError(f"{source}: larger than {limit // (1024 * 1024)} MiB, the most cis216 reads")
    return b"".join(chunks)


def read_text(stream: IO[bytes] | IO[str], source: str, limit: int = MAX_INPUT_BYTES) -> str:
    """All of `stream` as UTF-8 text (`read_bytes`); not UTF-8 is an InventoryError naming `source`."""
    try:
        return read_bytes(stream, source, limit).decode("utf-8")
    except UnicodeDecodeError:
        raise InventoryError(f"{source}: not UTF-8 text") from None


def read_file(path: str | Path, limit: int = MAX_INPUT_BYTES) -> str:
    """A file's UTF-8 text, at most `limit` bytes; failures are InventoryErrors naming the path."""
    try:
        with open(path, "rb") as stream:
            return read_text(stream, str(path), limit)
    except OSError as error:
        raise InventoryError(f"{path}: cannot read: {error.strerror or error}") from None


def load_inventory(path: str | Path) -> Inventory:
    """Read and parse a snapshot file; every failure is an InventoryError naming the problem."""
    return parse_inventory(decode_json(read_file(path), str(path)), source=str(path))
