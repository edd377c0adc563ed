"""The function's configuration: environment variables, validated once at start.

Every variable, its default and its range are declared in `VARIABLES` (the deployment's s.yaml and
the README read their names from here). An invalid value is a `ConfigError` whose message names the
variable, e.g. ``FINDINGS_PROJECT: 'My_Project' is not an SLS project name ...``.

Region, project and logstore names end up in hostnames and URL paths, so they are checked against
the services' naming rules, not just for non-emptiness.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..aliyun import ACCOUNT_ID, LOGSTORE_NAME, PROJECT_NAME, REGION_ID
from ..core import check_profile

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(ValueError):
    """Invalid configuration; the message names the environment variable(s)."""


@dataclass(frozen=True)
class Variable:
    name: str
    field: str
    default: str | None
    help: str


# name, Config field, default as the environment would spell it (None: required / derived), help.
VARIABLES: tuple[Variable, ...] = (
    Variable(
        "FINDINGS_PROJECT",
        "findings_project",
        None,
        "SLS project the findings are written to (required unless DRY_RUN=true)",
    ),
    Variable(
        "FINDINGS_LOGSTORE",
        "findings_logstore",
        "cis216_findings",
        "logstore of FINDINGS_PROJECT the findings are written to",
    ),
    Variable(
        "FINDINGS_REGION",
        "findings_region",
        None,
        "region of FINDINGS_PROJECT (default: FC_REGION, the function's own region)",
    ),
    Variable(
        "SCAN_REGIONS",
        "scan_regions",
        "all",
        "comma-separated region ids to scan, or 'all' (every ActionTrail region, DescribeRegions)",
    ),
    Variable("PROFILE", "profile", "strict", "evaluation profile: strict or powerpipe"),
    Variable(
        "PROFILE_SETTINGS",
        "settings",
        None,
        "JSON object of strict-profile settings (README, 'Settings'); default: the documented defaults",
    ),
    Variable("MAX_CONCURRENCY", "max_concurrency", "16", "API calls in flight at once (1-64)"),
    Variable(
        "CALL_TIMEOUT_SECONDS",
        "call_timeout_seconds",
        "10",
        "connect/read timeout of each API call, seconds (1-120)",
    ),
    Variable(
        "SCAN_BUDGET_SECONDS",
        "scan_budget_seconds",
        "240",
        "time allowed for collecting, seconds (10-86400); capped by the function timeout minus a "
        "write reserve",
    ),
    Variable(
        "RETRY_MAX_ATTEMPTS",
        "retry_max_attempts",
        "5",
        "attempts per API call on throttling, 5xx and timeouts (1-10)",
    ),
    Variable(
        "RETRY_BASE_SECONDS",
        "retry_base_seconds",
        "0.5",
        "first backoff delay, doubled each retry, full jitter, capped at 20 s (0-30)",
    ),
    Variable("DRY_RUN", "dry_run", "false", "true: collect and evaluate, write nothing"),
    Variable("LOG_LEVEL", "log_level", "INFO", "DEBUG, INFO, WARNING or ERROR"),
)
_BY_FIELD = {v.field: v for v in VARIABLES}


# Names that end up in hostnames and URL paths. `fullmatch`, not `match`: the shared patterns end
# in `$`, which also matches before a trailing newline ('cn-hangzhou\n' is not a region id).
def is_region_id(value: object) -> bool:
    return isinstance(value, str) and REGION_ID.fullmatch(value) is not None


def is_project_name(value: object) -> bool:
    return isinstance(value, str) and PROJECT_NAME.fullmatch(value) is not None


def is_logstore_name(value: object) -> bool:
    return isinstance(value, str) and LOGSTORE_NAME.fullmatch(value) is not None


def is_account_id(value: object) -> bool:
    return isinstance(value, str) and ACCOUNT_ID.fullmatch(value) is not None


def _region(value: str, what: str = "region id") -> str:
    if not is_region_id(value):
        raise ValueError(f"{value!r} is not a {what} (like 'cn-hangzhou')")
    return value


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    findings_project: str | None = None
    findings_logstore: str = "cis216_findings"
    findings_region: str | None = None
    scan_regions: tuple[str, ...] | None = Field(default=None, description="None: all regions")
    profile: str = "strict"
    settings: dict[str, Any] | None = None
    max_concurrency: int = Field(default=16, ge=1, le=64)
    call_timeout_seconds: float = Field(default=10.0, ge=1, le=120)
    scan_budget_seconds: float = Field(default=240.0, ge=10, le=86400)
    retry_max_attempts: int = Field(default=5, ge=1, le=10)
    retry_base_seconds: float = Field(default=0.5, ge=0, le=30)
    dry_run: bool = False
    log_level: str = "INFO"

    @field_validator("findings_project")
    @classmethod
    def _project(cls, value: str | None) -> str | None:
        if value is not None and not is_project_name(value):
            raise ValueError(
                f"{value!r} is not an SLS project name (3-63 of a-z, 0-9, '-', "
                "starting and ending with a letter or digit)"
            )
        return value

    @field_validator("findings_logstore")
    @classmethod
    def _logstore(cls, value: str) -> str:
        if not is_logstore_name(value):
            raise ValueError(
                f"{value!r} is not an SLS logstore name (2-63 of a-z, 0-9, '_', '-', "
                "starting and ending with a letter or digit)"
            )
        return value

    @field_validator("findings_region")
    @classmethod
    def _findings_region(cls, value: str | None) -> str | None:
        return None if value is None else _region(value)

    @field_validator("scan_regions", mode="before")
    @classmethod
    def _scan_regions(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.lower() == "all":
                return None
            parts = [p.strip() for p in text.split(",")]
            if not text or any(not p for p in parts):
                raise ValueError(f"{value!r}: expected 'all' or a comma-separated list of region ids")
            value = parts
        if value is None:
            return None
        out: list[str] = []
        for region in value:
            _region(region)
            if region not in out:
                out.append(region)
        return tuple(out)

    @field_validator("profile")
    @classmethod
    def _profile(cls, value: str) -> str:
        return check_profile(value)

    @field_validator("settings", mode="before")
    @classmethod
    def _settings(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as error:
                raise ValueError(f"not JSON: {error.msg} at column {error.colno}") from None
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError("expected a JSON object of strict-profile settings")
        from ..settings import Settings

        try:
            Settings.model_validate(value)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(object)'}: {e['msg']}" for e in error.errors()
            )
            raise ValueError(problems) from None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().upper()
            if value not in LOG_LEVELS:
                raise ValueError(f"{value!r} is not a log level; choose one of: {', '.join(LOG_LEVELS)}")
        return value

    @field_validator("dry_run", mode="before")
    @classmethod
    def _bool(cls, value: Any) -> Any:
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(f"{value!r} is not a boolean (true/false)")
        return value

    # Convenience -------------------------------------------------------------------------------

    @property
    def home_region(self) -> str:
        """Where account-wide calls (DescribeRegions) are made: the findings region."""
        assert self.findings_region is not None
        return self.findings_region


def _variable_for(loc: tuple, message: str) -> str:
    if loc and isinstance(loc[0], str) and loc[0] in _BY_FIELD:
        return _BY_FIELD[loc[0]].name
    for field_name, variable in _BY_FIELD.items():  # model-level errors start with "<field>: "
        if message.startswith(field_name + ":"):
            return variable.name
    return "configuration"


def describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        message = item["msg"].removeprefix("Value error, ")
        variable = _variable_for(tuple(item["loc"]), message)
        for field_name in _BY_FIELD:
            message = message.removeprefix(field_name + ": ")
        lines.append(f"{variable}: {message}")
    return "\n".join(lines)


def load_config(environ: Mapping[str, str] | None = None, dry_run: bool | None = None) -> Config:
    """Read `VARIABLES` from `environ` (default: os.environ); a ConfigError names the bad variable.

    `dry_run`: the invocation's own override (a payload's `dry_run`), which decides whether
    FINDINGS_PROJECT is required."""
    if environ is None:
        import os

        environ = os.environ
    values: dict[str, Any] = {}
    for variable in VARIABLES:
        raw = environ.get(variable.name)
        if raw is None or raw.strip() == "":
            continue
        values[variable.field] = raw.strip()
    if "findings_region" not in values and environ.get("FC_REGION"):
        values["findings_region"] = environ["FC_REGION"].strip()
    problems = []
    config = None
    try:
        config = Config.model_validate(values)
    except ValidationError as error:
        problems.append(describe(error))
    if "findings_region" not in values:
        problems.append("FINDINGS_REGION: not set, and FC_REGION is not set either")
    truthy = ("1", "true", "yes", "on")
    if dry_run is None:
        dry_run = config.dry_run if config else str(values.get("dry_run", "")).lower() in truthy
    if "findings_project" not in values and not dry_run:
        problems.append("FINDINGS_PROJECT: required unless DRY_RUN=true")
    if problems or config is None:
        raise ConfigError("\n".join(problems))
    return config
