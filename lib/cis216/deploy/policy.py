"""The function role's RAM policy (deploy/ram-policy.json): shape, least privilege, rendering.

The policy is a template: `${ACCOUNT_ID}`, `${FINDINGS_REGION}`, `${FINDINGS_PROJECT}` and
`${FINDINGS_LOGSTORE}` are filled in by `render()` (or by hand) before the policy is created.

`SDK_ACTIONS` maps every SDK call the adapters make to the RAM actions it needs; the tests read
the adapters' source, find the calls, and fail on any call this table does not know, so a new
API call cannot ship without its permission (or with a permission nobody uses).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..aliyun import is_account_id, is_logstore_name, is_project_name, is_region_id

PLACEHOLDERS = ("ACCOUNT_ID", "FINDINGS_REGION", "FINDINGS_PROJECT", "FINDINGS_LOGSTORE")
_PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")

# (service, SDK call) -> RAM actions. RPC calls are named by their action ("DescribeTrails"),
# aliyun-log-python-sdk calls by their LogClient method ("list_alert").
SDK_ACTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("actiontrail", "DescribeRegions"): ("actiontrail:DescribeRegions",),
    ("actiontrail", "DescribeTrails"): ("actiontrail:DescribeTrails",),
    ("actiontrail", "GetTrailStatus"): ("actiontrail:GetTrailStatus",),
    # GetCallerIdentity needs no permission: any principal may ask who it is.
    ("sts", "GetCallerIdentity"): (),
    ("sls", "list_project"): ("log:ListProject",),
    # Alerts are jobs: older RAM pages name ListJobs/GetJob on .../job/*, newer ones
    # ListAlerts/GetAlert on .../alert/*. Both are granted, so either authorisation model works.
    ("sls", "list_alert"): ("log:ListJobs", "log:ListAlerts"),
    ("sls", "get_alert"): ("log:GetJob", "log:GetAlert"),
    ("sls", "get_index_config"): ("log:GetIndex",),
    ("sls", "get_index_raw"): ("log:GetIndex",),  # the adapter's own GET /logstores/<ls>/index
    ("sls", "list_logstore"): ("log:ListLogStores",),
    ("sls", "list_logstores"): ("log:ListLogStores",),
    ("sls", "get_logstore"): ("log:GetLogStore",),
    ("sls", "get_project"): ("log:GetProject",),
    ("sls", "put_logs"): ("log:PostLogStoreLogs",),
    ("fc", "InvokeFunction"): ("fc:InvokeFunction",),
}
# LogClient methods that are not API calls.
SLS_LOCAL_METHODS = frozenset({"set_user_agent", "set_source", "get_resource_usage_url"})
# Write actions and where they may be granted (the findings logstore only).
WRITE_ACTIONS = frozenset({"log:PostLogStoreLogs"})
FINDINGS_RESOURCE = (
    "acs:log:${FINDINGS_REGION}:${ACCOUNT_ID}:project/${FINDINGS_PROJECT}/logstore/${FINDINGS_LOGSTORE}"
)


class PolicyStatement(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    Effect: Literal["Allow", "Deny"]
    Action: str | list[str] = Field(min_length=1)
    Resource: str | list[str] = Field(min_length=1)
    Condition: dict[str, dict[str, Any]] | None = None

    @field_validator("Action")
    @classmethod
    def _actions(cls, value: str | list[str]) -> str | list[str]:
        for action in [value] if isinstance(value, str) else value:
            if not re.match(r"^[a-z0-9-]+:[A-Za-z0-9*]+$", action):
                raise ValueError(f"{action!r} is not <service>:<Action>")
            if "*" in action:
                raise ValueError(f"{action!r}: wildcard actions are not least privilege")
        return value

    @field_validator("Resource")
    @classmethod
    def _resources(cls, value: str | list[str]) -> str | list[str]:
        for resource in [value] if isinstance(value, str) else value:
            if resource != "*" and not resource.startswith("acs:"):
                raise ValueError(f"{resource!r} is neither '*' nor an acs: ARN")
        return value

    @property
    def actions(self) -> list[str]:
        return [self.Action] if isinstance(self.Action, str) else list(self.Action)

    @property
    def resources(self) -> list[str]:
        return [self.Resource] if isinstance(self.Resource, str) else list(self.Resource)


class PolicyDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    Version: Literal["1"]
    Statement: list[PolicyStatement] = Field(min_length=1)

    def granted(self) -> dict[str, list[str]]:
        """Action -> resources it is allowed on."""
        out: dict[str, list[str]] = {}
        for statement in self.Statement:
            if statement.Effect != "Allow":
                continue
            for action in statement.actions:
                out.setdefault(action, []).extend(statement.resources)
        return out


def load_policy(path: str | Path) -> PolicyDocument:
    return PolicyDocument.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _value_problem(name: str, value: Any) -> str | None:
    """Why `value` cannot fill placeholder `name`, or None. The values land in resource ARNs: a `*`,
    a `/` or a `:` would widen the grant (the write to every project, any account's resources)."""
    checks = {
        "ACCOUNT_ID": (is_account_id, "an account id (digits)"),
        "FINDINGS_REGION": (is_region_id, "a region id (like cn-hangzhou)"),
        "FINDINGS_PROJECT": (is_project_name, "an SLS project name"),
        "FINDINGS_LOGSTORE": (is_logstore_name, "an SLS logstore name"),
    }
    check, what = checks[name]
    return None if check(value) else f"{name}: {value!r} is not {what}"


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill `${NAME}` placeholders; every one must be given, and nothing else may be."""
    used = placeholders(template)
    unknown = used - set(PLACEHOLDERS)
    if unknown:
        raise ValueError(f"unknown placeholders in the policy: {sorted(unknown)}")
    missing = used - set(values)
    if missing:
        raise ValueError(f"values missing for: {sorted(missing)}")
    problems = [p for p in (_value_problem(name, values[name]) for name in sorted(used)) if p]
    if problems:
        raise ValueError("; ".join(problems))
    rendered = _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
    PolicyDocument.model_validate(json.loads(rendered))
    return rendered


# --------------------------------------------------------------------------------------------
# what the code calls

_RPC_CALL = re.compile(r"""call_rpc\(\s*[^,]+,\s*["']([A-Za-z]+)["']""")
_METHOD_CALL = re.compile(r"\.([a-z_][a-z0-9_]*)\(")


def _service_of(path: Path) -> str:
    stem = path.stem.lower()
    for service in ("actiontrail", "sls", "sts", "fc"):
        if stem.startswith(service):
            return service
    return stem


def subclass_methods(paths: Iterable[Path], base: str = "LogClient") -> set[str]:
    """Public methods defined in classes deriving from `base` (an adapter's own API wrappers)."""
    import ast

    out: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                getattr(b, "id", None) == base or getattr(b, "attr", None) == base for b in node.bases
            ):
                out.update(
                    item.name
                    for item in node.body
                    if isinstance(item, ast.FunctionDef) and not item.name.startswith("_")
                )
    return out


def sdk_calls(paths: Iterable[Path], log_client_methods: Iterable[str]) -> set[tuple[str, str]]:
    """(service, call) for every RPC action and LogClient method named in these source files.

    LogClient methods are the SDK's public ones plus those the adapters define on their own
    LogClient subclasses; a call to any of them must be in `SDK_ACTIONS`.
    """
    paths = list(paths)
    methods = set(log_client_methods) | subclass_methods(paths)
    found: set[tuple[str, str]] = set()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        service = _service_of(path)
        for action in _RPC_CALL.findall(text):
            found.add((service, action))
        for method in _METHOD_CALL.findall(text):
            if method in methods and method not in SLS_LOCAL_METHODS:
                found.add(("sls", method))
    return found


def required_actions(calls: Iterable[tuple[str, str]]) -> tuple[set[str], set[tuple[str, str]]]:
    """(RAM actions the calls need, calls the table does not know)."""
    needed: set[str] = set()
    unknown: set[tuple[str, str]] = set()
    for call in calls:
        if call not in SDK_ACTIONS:
            unknown.add(call)
            continue
        needed.update(SDK_ACTIONS[call])
    return needed, unknown
