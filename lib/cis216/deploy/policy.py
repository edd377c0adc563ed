"""The function role's RAM policy (deploy/ram-policy.json): shape, least privilege, rendering.

The policy is a template: `${ACCOUNT_ID}`, `${FINDINGS_REGION}`, `${FINDINGS_PROJECT}` and
`${FINDINGS_LOGSTORE}` are filled in by `render()` (or by hand) before the policy is created.

`API_ACTIONS` declares every API the function calls and the RAM actions each needs (the organisation
scan's among them, `ORGANIZATION_APIS`). The tests hold the committed single-account policy to exactly
the actions of the others, and a functional test holds a real scan (against

An organisation scan (docs/organization.md) adds two policies: deploy/ram-policy-coordinator.json
(attached to the scanner's role next to ram-policy.json when MODE=organization) and
deploy/ram-policy-worker.json (the worker's role: it reads members with their role, so it holds no
read of its own); each holds exactly the actions `ORGANIZATION_FUNCTIONS` says that function calls.
deploy/member-role.ros.json creates the member role with exactly the single-account reads.

the emulated cloud) to exactly these APIs: a new call cannot ship without its permission, nor a
permission stay granted that nothing uses.
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

# API -> RAM actions, by the API's own name (as ScanError.api, the call statistics and the emulator
# name it). Adding a call to the adapters means adding it here, and its actions to ram-policy.json.
API_ACTIONS: dict[str, tuple[str, ...]] = {
    "DescribeRegions": ("actiontrail:DescribeRegions",),
    "DescribeTrails": ("actiontrail:DescribeTrails",),
    "GetTrailStatus": ("actiontrail:GetTrailStatus",),
    # Any principal may ask who it is: no permission.
    "GetCallerIdentity": (),
    "ListProject": ("log:ListProject",),
    # Alerts are jobs: older RAM pages name ListJobs on .../job/*, newer ones ListAlerts on
    # .../alert/*. Both are granted, so either authorisation model works.
    "ListAlerts": ("log:ListJobs", "log:ListAlerts"),
    "GetIndex": ("log:GetIndex",),
    "PutLogs": ("log:PostLogStoreLogs",),
    # Organisation scans (issue 13): the coordinator lists the resource directory's members and
    # queues one worker per member; a worker assumes the member's role (the coordinator the log
    # archive's). RAM names the actions after the APIs.
    "ListAccounts": ("resourcemanager:ListAccounts",),
    "ListAccountsForParent": ("resourcemanager:ListAccountsForParent",),
    "GetResourceDirectory": ("resourcemanager:GetResourceDirectory",),
    "GetAccount": ("resourcemanager:GetAccount",),
    "AssumeRole": ("sts:AssumeRole",),
    "InvokeFunction": ("fc:InvokeFunction",),
    # The coordinator reads Log Audit's multi-account configuration (POP SLS API, app "audit").
    # RAM's SLS pages list no action for the POP API: named after the API, as RAM does (unverified).
    "DescribeApp": ("log:DescribeApp",),
}
# The APIs only an organisation scan calls (coordinator and worker): the single-account function's
# policy (deploy/ram-policy.json) grants none of them; the organisation functions' policies do.
ORGANIZATION_APIS = frozenset(
    {
        "ListAccounts",
        "ListAccountsForParent",
        "GetResourceDirectory",
        "GetAccount",
        "AssumeRole",
        "InvokeFunction",
        "DescribeApp",
    }
)
# The organisation APIs and their actions (a view of API_ACTIONS): the single-account scanner
# never calls them, so ram-policy.json does not grant them.
ORGANIZATION_ACTIONS: dict[str, tuple[str, ...]] = {
    api: API_ACTIONS[api] for api in sorted(ORGANIZATION_APIS)
}
# Which function makes which organisation call (the worker asks GetAccount when AssumeRole fails:
# a member that left the directory, or one without the role).
ORGANIZATION_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "coordinator": (
        "GetResourceDirectory",
        "ListAccounts",
        "ListAccountsForParent",
        "AssumeRole",
        "InvokeFunction",
        "DescribeApp",
    ),
    "worker": ("GetAccount", "AssumeRole", "PutLogs"),
}
# The placeholders of the organisation policies, besides PLACEHOLDERS.
ORG_PLACEHOLDERS = ("MEMBER_ROLE_NAME", "LOG_ARCHIVE_ROLE_NAME", "WORKER_FUNCTION")
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


def _is_name(value: object) -> bool:
    """A RAM role or FC function name: no `*`, `/` or `:` that would widen an ARN."""
    return isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9._-]{1,64}", value) is not None


def _value_problem(name: str, value: Any) -> str | None:
    """Why `value` cannot fill placeholder `name`, or None. The values land in resource ARNs: a `*`,
    a `/` or a `:` would widen the grant (the write to every project, any account's resources)."""
    checks = {
        "ACCOUNT_ID": (is_account_id, "an account id (digits)"),
        "FINDINGS_REGION": (is_region_id, "a region id (like cn-hangzhou)"),
        "FINDINGS_PROJECT": (is_project_name, "an SLS project name"),
        "FINDINGS_LOGSTORE": (is_logstore_name, "an SLS logstore name"),
        "MEMBER_ROLE_NAME": (_is_name, "a RAM role name"),
        "LOG_ARCHIVE_ROLE_NAME": (_is_name, "a RAM role name"),
        "WORKER_FUNCTION": (_is_name, "an FC function name"),
    }
    check, what = checks[name]
    return None if check(value) else f"{name}: {value!r} is not {what}"


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill `${NAME}` placeholders; every one must be given, and nothing else may be."""
    used = placeholders(template)
    unknown = used - set(PLACEHOLDERS) - set(ORG_PLACEHOLDERS)
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


def required_actions(apis: Iterable[str] | None = None) -> set[str]:
    """The RAM actions the declared API calls need: those of `apis`, by default the single-account
    function's (every declared API but the organisation scan's)."""
    wanted = set(API_ACTIONS) - ORGANIZATION_APIS if apis is None else set(apis)
    return {action for api, actions in API_ACTIONS.items() if api in wanted for action in actions}


# `cis216 setup` (the deployer's identity, deploy/ram-policy-setup.json): API -> RAM actions, and
# the resource each API acts on. The setup tests hold the committed policy to exactly these, and a
# run of setup against the emulated cloud to exactly these APIs.
SETUP_API_ACTIONS: dict[str, tuple[str, ...]] = {
    "GetCallerIdentity": (),  # the default project name holds the account id
    "GetProject": ("log:GetProject",),
    "CreateProject": ("log:CreateProject",),
    "GetLogStore": ("log:GetLogStore",),
    "CreateLogStore": ("log:CreateLogStore",),
    "GetIndex": ("log:GetIndex",),
    "CreateIndex": ("log:CreateIndex",),
    "UpdateIndex": ("log:UpdateIndex",),
    "GetDashboard": ("log:GetDashboard",),
    "CreateDashboard": ("log:CreateDashboard",),
    "UpdateDashboard": ("log:UpdateDashboard",),
}
SETUP_PROJECT = "acs:log:${FINDINGS_REGION}:${ACCOUNT_ID}:project/${FINDINGS_PROJECT}"
SETUP_RESOURCES: dict[str, str] = {
    "log:GetProject": SETUP_PROJECT,
    "log:CreateProject": SETUP_PROJECT,
    "log:GetLogStore": f"{SETUP_PROJECT}/logstore/${{FINDINGS_LOGSTORE}}",
    "log:CreateLogStore": f"{SETUP_PROJECT}/logstore/${{FINDINGS_LOGSTORE}}",
    "log:GetIndex": f"{SETUP_PROJECT}/logstore/${{FINDINGS_LOGSTORE}}",
    "log:CreateIndex": f"{SETUP_PROJECT}/logstore/${{FINDINGS_LOGSTORE}}",
    "log:UpdateIndex": f"{SETUP_PROJECT}/logstore/${{FINDINGS_LOGSTORE}}",
    "log:GetDashboard": f"{SETUP_PROJECT}/dashboard/cis216-findings",
    "log:CreateDashboard": f"{SETUP_PROJECT}/dashboard/cis216-findings",
    "log:UpdateDashboard": f"{SETUP_PROJECT}/dashboard/cis216-findings",
}


def setup_actions() -> set[str]:
    """The RAM actions `cis216 setup` needs."""
    return {action for actions in SETUP_API_ACTIONS.values() for action in actions}


def organization_actions(function: str) -> set[str]:
    """The RAM actions the organisation `function` ("coordinator" or "worker") needs of its own role."""
    return {action for api in ORGANIZATION_FUNCTIONS[function] for action in API_ACTIONS[api]}


def member_read_actions() -> set[str]:
    """What the member role lets a worker do in a member: the single-account scan's reads."""
    return required_actions() - WRITE_ACTIONS
