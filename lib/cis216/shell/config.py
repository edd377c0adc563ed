"""The function's configuration: environment variables, validated once at start.

Each variable is a field of `Config`: its name (the alias), default, range and help are declared
there once, and `VARIABLES` (what the deployment's s.yaml and the README list) is derived from the
fields. An invalid value is a `ConfigError` whose message names the variable, e.g.
``FINDINGS_PROJECT: 'My_Project' is not an SLS project name ...``.

Region, project and logstore names end up in hostnames and URL paths, so they are checked against
the services' naming rules (cis216.aliyun), not just for non-emptiness.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Json,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from ..aliyun import LogstoreName, ProjectName, RegionId, is_account_id, is_region_id
from ..core import check_profile
from ..mute import Mutelist
from ..settings import Settings
from ..validation import describe, variable_path

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
Mode = Literal["account", "organization", "worker"]
# A RAM role name: up to 64 letters, digits, '.', '_' and '-'.
_ROLE_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
# A Resource Directory folder id (`fd-` and letters or digits) and an FC function name.
_FOLDER_ID = re.compile(r"fd-[A-Za-z0-9]{1,64}")
_FUNCTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
# The member role RD creates in every member: accepted, but it is an administrator role.
RD_ACCESS_ROLE = "ResourceDirectoryAccountAccessRole"

# pydantic's messages a person setting an environment variable would not recognise, reworded.
MESSAGES = {
    "bool_parsing": "{input!r} is not a boolean (true/false)",
    "json_invalid": "not JSON: {error}",
    "model_type": "expected a JSON object of strict-profile settings",
}


class ConfigError(ValueError):
    """Invalid configuration; the message names the environment variable(s)."""


def _defaults_for_null(value: Settings | None) -> Settings:
    return Settings() if value is None else value


# PROFILE_SETTINGS: a JSON object parsed into the strict profile's Settings; `null` means the defaults.
ProfileSettings = Annotated[Json[Settings | None], AfterValidator(_defaults_for_null)]


def _object_or_null(value: Any) -> Any:
    # Worded here: MESSAGES' "model_type" wording is PROFILE_SETTINGS'.
    if value is not None and not isinstance(value, dict):
        raise ValueError("expected a JSON object {\"entries\": [...]} (README, 'Accepted risk')")
    return value


# MUTELIST: the accepted-risk list as JSON text; `null` (or unset) mutes nothing.
MutelistVariable = Json[Annotated[Mutelist | None, BeforeValidator(_object_or_null)]]


class Config(BaseModel):
    # Validated by variable name (the alias) from the environment, by field name from Python.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    findings_project: ProjectName | None = Field(
        None,
        alias="FINDINGS_PROJECT",
        description="SLS project the findings are written to (required unless DRY_RUN=true)",
    )
    findings_logstore: LogstoreName = Field(
        "cis216_findings",
        alias="FINDINGS_LOGSTORE",
        description="logstore of FINDINGS_PROJECT the findings are written to",
    )
    findings_region: RegionId | None = Field(
        None,
        alias="FINDINGS_REGION",
        description="region of FINDINGS_PROJECT (default: FC_REGION, the function's own region)",
    )
    # The default is spelled as the environment would spell it; validated, it becomes None: all regions.
    scan_regions: tuple[RegionId, ...] | None = Field(
        "all",
        alias="SCAN_REGIONS",
        validate_default=True,
        description="comma-separated region ids to scan, or 'all' (every ActionTrail region, DescribeRegions)",
    )
    profile: str = Field("strict", alias="PROFILE", description="evaluation profile: strict or powerpipe")
    settings: ProfileSettings = Field(
        default_factory=Settings,
        alias="PROFILE_SETTINGS",
        description="JSON object of strict-profile settings (README, 'Settings'); default: the documented defaults",
    )
    mutelist: MutelistVariable = Field(
        None,
        alias="MUTELIST",
        description="JSON accepted-risk list {\"entries\": [...]} (README, 'Accepted risk'): matching "
        "findings are marked muted; default: none",
    )
    max_concurrency: int = Field(
        16, ge=1, le=64, alias="MAX_CONCURRENCY", description="API calls in flight at once (1-64)"
    )
    call_timeout_seconds: float = Field(
        10.0,
        ge=1,
        le=120,
        alias="CALL_TIMEOUT_SECONDS",
        description="connect/read timeout of each API call, seconds (1-120)",
    )
    scan_budget_seconds: float = Field(
        240.0,
        ge=10,
        le=86400,
        alias="SCAN_BUDGET_SECONDS",
        description="time allowed for collecting, seconds (10-86400); capped by the function timeout "
        "minus a write reserve",
    )
    retry_max_attempts: int = Field(
        5,
        ge=1,
        le=10,
        alias="RETRY_MAX_ATTEMPTS",
        description="attempts per API call on throttling, 5xx and timeouts (1-10)",
    )
    retry_base_seconds: float = Field(
        0.5,
        ge=0,
        le=30,
        alias="RETRY_BASE_SECONDS",
        description="first backoff delay, doubled each retry, full jitter, capped at 20 s (0-30)",
    )
    dry_run: bool = Field(False, alias="DRY_RUN", description="true: collect and evaluate, write nothing")
    log_level: str = Field("INFO", alias="LOG_LEVEL", description="DEBUG, INFO, WARNING or ERROR")
    # --- organisation mode (docs/organization.md) ---
    mode: Mode = Field(
        "account",
        alias="MODE",
        description="account: scan this account; organization: the coordinator (list the resource "
        "directory's members, queue one worker per member); worker: scan the member a payload names",
    )
    worker_function: str = Field(
        "cis216-worker",
        alias="WORKER_FUNCTION",
        description="organization mode: the FC function the coordinator queues one asynchronous invocation of per member",
    )
    member_role_name: str = Field(
        "cis216-reader",
        alias="MEMBER_ROLE_NAME",
        description="the RAM role assumed in each member (deploy/member-role.ros.json); "
        f"{RD_ACCESS_ROLE} works but is an administrator role",
    )
    log_archive_role_name: str | None = Field(
        None,
        alias="LOG_ARCHIVE_ROLE_NAME",
        description="the RAM role assumed in the log-archive account to read the organisation trail's "
        "alerts (default: MEMBER_ROLE_NAME)",
    )
    org_folders: tuple[str, ...] | None = Field(
        None,
        alias="ORG_FOLDERS",
        description="comma-separated resource directory folder ids (fd-...) to scan; default: the whole directory",
    )
    org_accounts_allow: tuple[str, ...] | None = Field(
        None,
        alias="ORG_ACCOUNTS_ALLOW",
        description="comma-separated member account ids: scan only these (default: every member)",
    )
    org_accounts_deny: tuple[str, ...] | None = Field(
        None,
        alias="ORG_ACCOUNTS_DENY",
        description="comma-separated member account ids never scanned",
    )

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
            # Checked here, not by RegionId alone, so the message names the value, not its position.
            if not is_region_id(region):
                raise ValueError(f"{region!r} is not a region id (like 'cn-hangzhou')")
            if region not in out:
                out.append(region)
        return tuple(out)

    @field_validator("profile")
    @classmethod
    def _profile(cls, value: str) -> str:
        return check_profile(value)

    @field_validator("member_role_name", "log_archive_role_name")
    @classmethod
    def _role_name(cls, value: str | None) -> str | None:
        if value is not None and not _ROLE_NAME.fullmatch(value):
            raise ValueError(f"{value!r} is not a RAM role name (1-64 letters, digits, '.', '_', '-')")
        return value

    @field_validator("worker_function")
    @classmethod
    def _function_name(cls, value: str) -> str:
        if not _FUNCTION_NAME.fullmatch(value):
            raise ValueError(f"{value!r} is not an FC function name")
        return value

    @field_validator("org_folders", mode="before")
    @classmethod
    def _folders(cls, value: Any) -> Any:
        return _listed(
            value, lambda v: _FOLDER_ID.fullmatch(v) is not None, "a resource directory folder id (fd-...)"
        )

    @field_validator("org_accounts_allow", "org_accounts_deny", mode="before")
    @classmethod
    def _accounts(cls, value: Any) -> Any:
        return _listed(value, is_account_id, "an Alibaba Cloud account id (digits only)")

    @model_validator(mode="after")
    def _organization_is_strict(self) -> Config:
        if self.mode != "account" and self.profile != "strict":
            raise ValueError(
                f"MODE={self.mode} judges members with the strict profile only (PROFILE={self.profile})"
            )
        return self

    @property
    def session_role(self) -> str:
        """The role read in the log-archive account."""
        return self.log_archive_role_name or self.member_role_name

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().upper()
            if value not in LOG_LEVELS:
                raise ValueError(f"{value!r} is not a log level; choose one of: {', '.join(LOG_LEVELS)}")
        return value

    @property
    def home_region(self) -> str:
        """Where account-wide calls (DescribeRegions) are made: the findings region."""
        assert self.findings_region is not None
        return self.findings_region


def _listed(value: Any, valid: Any, what: str) -> Any:
    """A comma-separated variable as a tuple of checked, distinct values."""
    if not isinstance(value, str):
        return value
    parts = [part.strip() for part in value.split(",") if part.strip()]
    for part in parts:
        if not valid(part):
            raise ValueError(f"{part!r} is not {what}")
    return tuple(dict.fromkeys(parts)) or None


@dataclass(frozen=True)
class Variable:
    name: str
    field: str
    default: str | None  # as the environment would spell it; None: required, derived or a model's
    help: str


def _spelled(default: object) -> str | None:
    if default is None or isinstance(default, BaseModel):
        return None
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, float):
        return format(default, "g")
    return str(default)


def variables_of(model: type[BaseModel]) -> tuple[Variable, ...]:
    """The environment variables a configuration model reads, from its fields' metadata."""
    variables = []
    for name, info in model.model_fields.items():
        if info.alias is None or info.description is None:
            raise TypeError(f"{model.__name__}.{name}: a configuration field needs a variable name and help")
        default = None if info.default_factory is not None else info.default
        variables.append(Variable(info.alias, name, _spelled(default), info.description))
    return tuple(variables)


VARIABLES: tuple[Variable, ...] = variables_of(Config)

# DRY_RUN read on its own, when the configuration as a whole did not validate.
_BOOLEAN = TypeAdapter(bool)


def _dry_run_as_set(values: Mapping[str, str]) -> bool:
    try:
        return _BOOLEAN.validate_python(values.get("DRY_RUN", False))
    except ValidationError:
        return False  # the bad value is reported with the configuration's errors


def load_config(environ: Mapping[str, str] | None = None, dry_run: bool | None = None) -> Config:
    """Read `VARIABLES` from `environ` (default: os.environ); a ConfigError names the bad variable.

    A variable set to blanks counts as unset. `dry_run`: the invocation's own override (a payload's
    `dry_run`), which decides whether FINDINGS_PROJECT is required."""
    environ = os.environ if environ is None else environ
    values = {v.name: environ[v.name].strip() for v in VARIABLES if environ.get(v.name, "").strip()}
    if "FINDINGS_REGION" not in values and environ.get("FC_REGION", "").strip():
        values["FINDINGS_REGION"] = environ["FC_REGION"].strip()
    problems = []
    config = None
    try:
        config = Config.model_validate(values)
    except ValidationError as error:
        problems.append(describe(error, path=variable_path, whole="configuration", messages=MESSAGES))
    if "FINDINGS_REGION" not in values:
        problems.append("FINDINGS_REGION: not set, and FC_REGION is not set either")
    if dry_run is None:
        dry_run = config.dry_run if config else _dry_run_as_set(values)
    if "FINDINGS_PROJECT" not in values and not dry_run:
        problems.append("FINDINGS_PROJECT: required unless DRY_RUN=true")
    if problems or config is None:
        raise ConfigError("\n".join(problems))
    return config
