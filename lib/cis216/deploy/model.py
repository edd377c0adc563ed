"""Our own, stricter model of this project's s.yaml (Serverless Devs, component fc3, edition 3.0.0).

The fc3 component's JSON Schema is loose: unknown keys pass, a timer trigger without `enable`
passes, nothing ties the timeout to the scan's budget or the environment to the function's
configuration. This model rejects all of that:

* unknown keys anywhere (a typo such as `enviromentVariables` is an error, not a silent no-op);
* `memorySize` a multiple of 64 in 128..32768 (and within 1..4 GB per vCPU when `cpu` is set),
  `timeout` in 1..86400 and at least the scan budget plus the write reserve and a start-up margin;
* a runtime in `RUNTIMES`; no `instanceConcurrency` (python runtimes run one request per instance);
* triggers: timer only, each with a valid `cronExpression` (six fields, optional `CRON_TZ=`
  prefix, or `@every`), an explicit `enable`, and a payload the handler's payload model accepts;
* one or two functions: the scanner (MODE account or organization, started by its timer) and,
  for organisation scans, the worker (MODE=worker: no trigger, `asyncInvokeConfig.asyncTask`, an
  explicit `maxAsyncEventAgeInSeconds` and `concurrencyConfig.reservedConcurrency`, the function the
  scanner's WORKER_FUNCTION names, writing where the scanner writes);
* `environmentVariables`: exactly the variables of `cis216.shell.config.VARIABLES` plus
  `PYTHONPATH`, and their values must pass `load_config` (with `FC_REGION` = the function's region);
* `code` is one of the two layouts of `layout.py`: the zip `make package` builds (s.yaml as
  committed) or the repository root `fc3 build` fills. The layout fixes the handler and initializer
  names, the folders `PYTHONPATH` must hold (and the only /code folders it may name), and the
  pre-deploy action that must build the code before each deploy.

Everything is checked on the *resolved* document (see `sfile.resolve`).
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..aliyun import ACCOUNT_ID, RegionId
from ..shell.config import VARIABLES, Config, ConfigError, load_config
from ..shell.events import EventError, parse_event
from ..shell.plan import WRITE_RESERVE_SECONDS
from .layout import CODE_ROOT, ZIP, CodeLayout, is_package_command, layout_of
from .setup_action import is_setup_command, setup_problem

RUNTIMES = ("python3.10", "python3.12")
# Seconds on top of SCAN_BUDGET_SECONDS the function needs besides collecting: cold start and
# initializer, the evaluation, writing the findings (with retries) and the summary.
START_MARGIN_SECONDS = 30

_FUNCTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
_TRIGGER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$")
_ROLE_ARN = re.compile(rf"^acs:ram::{ACCOUNT_ID.pattern}:role/[A-Za-z0-9._-]{{1,64}}$")
_HANDLER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$")
_CRON_FIELD = re.compile(
    r"^(?:\*|\?|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?(?:/[0-9]+)?|\*/[0-9]+)"
    r"(?:,(?:[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?(?:/[0-9]+)?))*$"
)
_EVERY = re.compile(r"^@every\s+(?:[0-9]+h)?(?:[0-9]+m)?$")
_TZ = re.compile(r"^CRON_TZ=(?:UTC|[A-Za-z_]+(?:/[A-Za-z0-9_+-]+){1,2})$")
_FIELD_RANGES = ((0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_ACS_ARN = re.compile(r"^acs:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:.+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# --------------------------------------------------------------------------------------------
# cron


def split_cron(expression: str) -> tuple[str | None, list[str] | None, str | None]:
    """(time zone or None, the six fields or None for @every, the @every text or None)."""
    text = expression.strip()
    tz = None
    if text.startswith("CRON_TZ="):
        head, _, text = text.partition(" ")
        if not _TZ.match(head):
            raise ValueError(f"{head!r} is not CRON_TZ=<Area/City>")
        tz = head.split("=", 1)[1]
        text = text.strip()
    if text.startswith("@every"):
        if tz is not None:
            raise ValueError("CRON_TZ= applies to cron expressions, not @every")
        return None, None, text
    return tz, text.split(), None


def check_cron(expression: str) -> str:
    _tz, fields, every = split_cron(expression)
    if every is not None:
        if not _EVERY.match(every) or every.strip() == "@every":
            raise ValueError(f"{every!r} is not '@every <N>h<M>m'")
        return expression
    assert fields is not None
    if len(fields) != 6:
        raise ValueError(
            f"{expression!r}: a timer cronExpression has six fields (seconds minutes hours "
            f"day-of-month month day-of-week), got {len(fields)}"
        )
    names = ("seconds", "minutes", "hours", "day-of-month", "month", "day-of-week")
    for field, (low, high), name in zip(fields, _FIELD_RANGES, names, strict=True):
        if not _CRON_FIELD.match(field):
            raise ValueError(f"{expression!r}: {name} field {field!r} is not cron syntax")
        for number in re.findall(r"(?<![/0-9])[0-9]+", field):
            if not low <= int(number) <= high:
                raise ValueError(f"{expression!r}: {name} value {number} outside {low}-{high}")
    if fields[3] not in ("*", "?") and fields[5] not in ("*", "?"):
        raise ValueError(f"{expression!r}: set day-of-month or day-of-week, not both")
    return expression


def is_daily(expression: str) -> bool:
    """A cron expression firing once a day: fixed second, minute and hour, every day."""
    _, fields, every = split_cron(expression)
    if every is not None:
        return every.replace(" ", "") in ("@every24h", "@every24h0m", "@every1440m")
    assert fields is not None
    return (
        all(f.isdigit() for f in fields[:3])
        and fields[3] in ("*", "?")
        and fields[4] == "*"
        and fields[5] in ("*", "?")
    )


# --------------------------------------------------------------------------------------------
# props


class TimerTriggerConfig(_Strict):
    cronExpression: str
    enable: bool
    payload: str | None = None

    @field_validator("cronExpression")
    @classmethod
    def _cron(cls, value: str) -> str:
        return check_cron(value)

    @field_validator("payload")
    @classmethod
    def _payload(cls, value: str | None) -> str | None:
        problem = None if value is None else payload_problem(value)
        if problem:
            raise ValueError(f"payload rejected by the handler: {problem}")
        return value


class Trigger(_Strict):
    triggerName: str = Field(pattern=_TRIGGER_NAME.pattern)
    triggerType: Literal["timer"]
    triggerConfig: TimerTriggerConfig
    qualifier: str | None = None
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _only_timer(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("triggerType") not in (None, "timer"):
            raise ValueError(
                f"trigger type {data.get('triggerType')!r}: this function is started by its "
                "timer only (an HTTP or event trigger would let others start scans)"
            )
        return data


class LogConfig(_Strict):
    project: str
    logstore: str
    enableRequestMetrics: bool | None = None
    enableInstanceMetrics: bool | None = None
    logBeginRule: Literal["DefaultRegex", "None"] | None = None


class LifecycleHook(_Strict):
    handler: str = Field(pattern=_HANDLER.pattern)
    timeout: int = Field(ge=1, le=600)


class InstanceLifecycleConfig(_Strict):
    initializer: LifecycleHook | None = None
    preStop: LifecycleHook | None = None


class Destination(_Strict):
    destination: str = Field(pattern=_ACS_ARN.pattern)


class DestinationConfig(_Strict):
    onSuccess: Destination | None = None
    onFailure: Destination | None = None


class AsyncInvokeConfig(_Strict):
    asyncTask: bool | None = None
    maxAsyncRetryAttempts: int = Field(ge=0, le=8)
    maxAsyncEventAgeInSeconds: int | None = Field(default=None, ge=1, le=2592000)
    destinationConfig: DestinationConfig | None = None
    qualifier: str | None = None


class ConcurrencyConfig(_Strict):
    reservedConcurrency: int = Field(ge=1, le=10000)


class Props(_Strict):
    region: RegionId
    functionName: str = Field(pattern=_FUNCTION_NAME.pattern)
    description: str | None = None
    runtime: str
    code: str
    handler: str = Field(pattern=_HANDLER.pattern)
    memorySize: int = Field(ge=128, le=32768, multiple_of=64)
    cpu: float | None = Field(default=None, ge=0.05, le=16)
    diskSize: Literal[512, 10240] | None = None
    timeout: int = Field(ge=1, le=86400)
    role: str = Field(pattern=_ROLE_ARN.pattern)
    internetAccess: bool | None = None
    environmentVariables: dict[str, str]
    logConfig: Literal["auto"] | LogConfig
    instanceLifecycleConfig: InstanceLifecycleConfig | None = None
    asyncInvokeConfig: AsyncInvokeConfig
    triggers: list[Trigger] = Field(default_factory=list)
    concurrencyConfig: ConcurrencyConfig | None = None
    instanceConcurrency: Any = None  # declared only to reject it with a clear message

    @field_validator("runtime")
    @classmethod
    def _runtime(cls, value: str) -> str:
        if value not in RUNTIMES:
            raise ValueError(
                f"runtime {value!r} is not one of {', '.join(RUNTIMES)} (the package needs "
                "Python >= 3.10, and these are the FC python runtimes that have it)"
            )
        return value

    @field_validator("instanceConcurrency")
    @classmethod
    def _no_concurrency(cls, value: Any) -> Any:
        if value is not None:
            raise ValueError("do not set instanceConcurrency for python runtimes (one request per instance)")
        return value

    @field_validator("internetAccess")
    @classmethod
    def _internet(cls, value: bool | None) -> bool | None:
        if value is False:
            raise ValueError(
                "internetAccess: false cuts the function off the ActionTrail/SLS endpoints of other regions"
            )
        return value

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        layout_of(value)
        return value

    @property
    def layout(self) -> CodeLayout:
        return layout_of(self.code)

    @model_validator(mode="after")
    def _cross(self) -> Props:
        if self.cpu is not None and not self.cpu * 1024 <= self.memorySize <= self.cpu * 4096:
            raise ValueError(f"memorySize {self.memorySize} MB outside 1-4 GB per vCPU for cpu {self.cpu}")
        config = environment_config(self.environmentVariables, self.region, self.layout)
        needed = math.ceil(config.scan_budget_seconds) + write_reserve_seconds() + START_MARGIN_SECONDS
        if self.timeout < needed:
            raise ValueError(
                f"timeout {self.timeout}s is below SCAN_BUDGET_SECONDS "
                f"({config.scan_budget_seconds:g}) + write reserve ({write_reserve_seconds()}) "
                f"+ start-up margin ({START_MARGIN_SECONDS}) = {needed}s"
            )
        self._entry_points()
        self._started_as(config.mode)
        names = [t.triggerName for t in self.triggers]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate trigger names: {names}")
        return self

    @property
    def mode(self) -> str:
        """MODE as configured (validated with the rest of the environment)."""
        return self.environmentVariables.get("MODE", "").strip().lower() or "account"

    def _started_as(self, mode: str) -> None:
        """The scanner runs on its timer; the worker only on the coordinator's async invocations."""
        if mode != "worker":
            if not self.triggers:
                raise ValueError(
                    "triggers: the scanner (MODE account or organization) needs its timer trigger"
                )
            return
        if self.triggers:
            raise ValueError(
                "triggers: the worker (MODE=worker) is started by the coordinator's asynchronous "
                "invocations only; a trigger would let others start member scans"
            )
        config = self.asyncInvokeConfig
        if not config.asyncTask or config.maxAsyncEventAgeInSeconds is None:
            raise ValueError(
                "asyncInvokeConfig: the worker needs asyncTask: true (task ids make a coordinator's "
                "rerun queue nothing twice) and an explicit maxAsyncEventAgeInSeconds"
            )
        if self.concurrencyConfig is None:
            raise ValueError(
                "concurrencyConfig.reservedConcurrency: the worker's cap bounds the fan-out and the "
                "AssumeRole rate (docs/organization.md)"
            )

    def _entry_points(self) -> None:
        layout = self.layout
        if self.handler != layout.handler:
            raise ValueError(f"handler {self.handler!r}: {layout.name} has its handler at {layout.handler!r}")
        hooks = self.instanceLifecycleConfig
        if hooks and hooks.initializer and hooks.initializer.handler != layout.initializer:
            raise ValueError(
                f"instanceLifecycleConfig.initializer.handler {hooks.initializer.handler!r} must be "
                f"{layout.initializer!r}, in the handler's module {layout.handler_module!r}"
            )


def environment_config(env: dict[str, str], region: str, layout: CodeLayout) -> Config:
    """Check `environmentVariables` against the function's configuration model; return the Config."""
    expected = {v.name for v in VARIABLES} | {"PYTHONPATH"}
    missing = sorted(expected - set(env))
    unknown = sorted(set(env) - expected)
    if missing or unknown:
        raise ValueError(
            "environmentVariables must be exactly the variables of cis216.shell.config plus "
            f"PYTHONPATH; missing: {missing or 'none'}; unknown: {unknown or 'none'}"
        )
    entries = env["PYTHONPATH"].split(":")
    for needed in layout.pythonpath:
        if needed not in entries:
            raise ValueError(f"PYTHONPATH {env['PYTHONPATH']!r} lacks {needed} ({layout.name})")
    strays = [e for e in entries if e.startswith(CODE_ROOT) and e not in layout.pythonpath]
    if strays:
        raise ValueError(f"PYTHONPATH {env['PYTHONPATH']!r}: {layout.name} has no {', '.join(strays)}")
    try:
        return load_config({**env, "FC_REGION": region})
    except ConfigError as error:
        raise ValueError(f"environmentVariables rejected by the function's configuration: {error}") from None


def write_reserve_seconds() -> int:
    """The whole seconds the scan keeps of the function timeout for evaluating and writing."""
    return math.ceil(WRITE_RESERVE_SECONDS)


def payload_problem(text: str) -> str | None:
    """None when the handler accepts `text` as its timer's payload, else what the handler would say."""
    try:
        parse_event({"triggerTime": "2026-01-01T00:00:00Z", "triggerName": "deploy-check", "payload": text})
    except EventError as error:
        return str(error)
    return None


# --------------------------------------------------------------------------------------------
# the file


class Action(_Strict):
    component: str | None = None
    run: str | None = None
    path: str | None = None
    plugin: str | None = None
    args: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _one(self) -> Action:
        if sum(x is not None for x in (self.component, self.run, self.plugin)) != 1:
            raise ValueError("an action is exactly one of component, run, plugin")
        return self


def builds(action: Action, layout: CodeLayout) -> bool:
    """Whether a pre-deploy action produces the code of `layout`."""
    if layout == ZIP:
        return action.run is not None and is_package_command(action.run)
    return is_build_action(action)


def is_build_action(action: Action) -> bool:
    if action.component is not None:
        return re.match(r"^fc3(@\S+)?\s+build(\s|$)", action.component.strip()) is not None
    if action.run is not None:
        text = action.run
        return (
            "pip" in text
            and "install" in text
            and "requirements.txt" in text
            and ("-t " in text or "--target" in text)
        )
    return False


class Resource(_Strict):
    component: str = Field(pattern=r"^fc3(@[0-9A-Za-z.\-]+)?$")
    actions: (
        dict[
            Literal[
                "pre-deploy", "success-deploy", "fail-deploy", "complete-deploy", "pre-local", "pre-build"
            ],
            list[Action],
        ]
        | None
    ) = None
    props: Props

    @model_validator(mode="after")
    def _build(self) -> Resource:
        pre = (self.actions or {}).get("pre-deploy", [])
        layout = self.props.layout
        if not any(builds(a, layout) for a in pre):
            raise ValueError(f"actions.pre-deploy needs the build step of {layout.name}: {layout.build_step}")
        for action in pre:
            if action.run is not None and is_setup_command(action.run):
                problem = setup_problem(action.run, self.props.environmentVariables)
                if problem:
                    raise ValueError(problem)
        return self


class SFile(_Strict):
    edition: Literal["3.0.0"]
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,127}$")
    access: str | None = None
    vars: dict[str, Any]
    resources: dict[str, Resource] = Field(min_length=1, max_length=2)

    @property
    def resource(self) -> Resource:
        """The scanner: the function on the timer (MODE account or organization)."""
        return next(r for r in self.resources.values() if r.props.mode != "worker")

    @property
    def worker(self) -> Resource | None:
        """The organisation worker (MODE=worker), when deployed."""
        return next((r for r in self.resources.values() if r.props.mode == "worker"), None)

    @model_validator(mode="after")
    def _functions(self) -> SFile:
        modes = [r.props.mode for r in self.resources.values()]
        if modes.count("worker") > 1 or len(modes) - modes.count("worker") != 1:
            raise ValueError(
                f"resources: one scanner function and at most one worker (MODE=worker); got {modes}"
            )
        scanner, worker = self.resource.props, self.worker
        if worker is None:
            if scanner.mode == "organization":
                raise ValueError(
                    "MODE=organization queues WORKER_FUNCTION: deploy the worker (MODE=worker) too"
                )
            return self
        _pairs(scanner, worker.props)
        return self


def _pairs(scanner: Props, worker: Props) -> None:
    """The worker is the function the scanner queues, in its region, writing where it writes."""
    named = scanner.environmentVariables.get("WORKER_FUNCTION", "")
    if worker.functionName != named:
        raise ValueError(
            f"the worker is {worker.functionName!r} but the scanner's WORKER_FUNCTION is {named!r}"
        )
    if worker.region != scanner.region:
        raise ValueError(f"the worker's region {worker.region} is not the scanner's {scanner.region}")
    shared = ("FINDINGS_PROJECT", "FINDINGS_LOGSTORE", "FINDINGS_REGION", "MEMBER_ROLE_NAME", "PROFILE")
    differ = [
        name
        for name in shared
        if worker.environmentVariables.get(name) != scanner.environmentVariables.get(name)
    ]
    if differ:
        raise ValueError(f"the worker and the scanner must agree on {', '.join(differ)}")


def validate_s_file(resolved: dict[str, Any]) -> SFile:
    """The resolved s.yaml document as our model; raises pydantic.ValidationError."""
    return SFile.model_validate(resolved)
