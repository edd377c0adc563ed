"""Log Audit Service's configuration: the POP SLS API `DescribeApp(AppName="audit")` (Sls 2019-10-23,
RPC), signed and sent by the OpenAPI core the other SDKs already bring (alibabacloud-tea-openapi),
so the function needs no `aliyun-python-sdk-sls` (and the legacy `aliyun-python-sdk-core` it drags).

The answer is `{"RequestId", "AppModel": {"AppName", "DisplayName", "Uid", "Config"}}` where `Config`
is JSON text whose `initParam` holds the multi-account settings; Terraform's provider writes them
(AnalyzeAppLog) and reads them back as JSON texts inside that JSON:

    {"initParam": {"region": "cn-hangzhou", "aliuid": "<central uid>",
                   "project": "slsaudit-center-<central uid>-<region>", "actiontrail_enabled": "true",
                   "resource_directory": "{\"type\": \"all\"|\"custom\", \"multi_account\": [\"<uid>\"]}",
                   "multi_account": "[{\"uid\": \"<uid>\"}]"}}

Both the text and the decoded form are read. A `Config` that says something unreadable is a
`MalformedResponse` naming its JSON path (`AppModel.Config.initParam.resource_directory.type`), never
"not configured": a member it would cover must not turn into a confident `alarm`.

`AppNotExist` (Log Audit never set up in this account) is the only error that means "not configured".
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ..aliyun import AccountId, RegionId, log_audit_project
from ..organization.log_audit import LogAuditConfig
from ..validation import describe, json_path
from ._openapi import call_rpc, make_config
from .answers import RPC_ERROR, malformed, read_answer
from .calls import CallError
from .credentials import Credentials

API = "DescribeApp"
VERSION = "2019-10-23"
APP_NAME = "audit"
# DescribeApp's answer for an account that never set Log Audit up (Terraform's provider reads it so).
APP_NOT_EXIST = "AppNotExist"
# The regions aliyun-python-sdk-sls 1.1.2 maps to sls.<region>.aliyuncs.com; for any other its
# endpoint rule is `central`, the product's host without a region.
REGIONAL_ENDPOINTS = frozenset(
    {
        "cn-hangzhou",
        "cn-shanghai",
        "cn-shenzhen",
        "cn-hongkong",
        "cn-huhehaote",
        "cn-zhangjiakou",
        "ap-southeast-1",
        "eu-central-1",
    }
)
CENTRAL_ENDPOINT = "sls.aliyuncs.com"
CONFIG_PATH = ("AppModel", "Config")


def endpoint(region: str) -> str:
    """The POP SLS endpoint the SDK would use from `region` (not the data plane's `*.log.aliyuncs.com`)."""
    return f"sls.{region}.aliyuncs.com" if region in REGIONAL_ENDPOINTS else CENTRAL_ENDPOINT


# ---- the answer --------------------------------------------------------------------------------


class _Answer(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class AppModel(_Answer):
    app_name: str = Field(alias="AppName")
    config: str = Field(alias="Config", min_length=1)  # JSON text, read by `read_config`


class DescribeAppAnswer(_Answer):
    """`{"RequestId", "AppModel": {"AppName", "DisplayName", "Uid", "Config"}}`"""

    app_model: AppModel = Field(alias="AppModel")


def _decoded(value: object) -> object:
    """initParam holds its lists and objects as JSON texts; decoded here, or kept as they are."""
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            raise ValueError("a JSON text that does not parse") from None
    return value


def _scope(value: object) -> object:
    # `{}` (or "") is what is left when resource-directory mode was never chosen.
    decoded = _decoded(value)
    return None if decoded in ({}, "", None) else decoded


def _listed(value: object) -> object:
    decoded = _decoded(value)
    return [] if decoded in ("", None) else decoded


def _uid(value: object) -> object:
    # Terraform reads a uid as a string or a number: the same id either way.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _flag(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


Uid = Annotated[AccountId, BeforeValidator(_uid)]


class _Param(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class DirectoryScope(_Param):
    """Resource-directory mode: every member ("all") or the ones listed ("custom")."""

    type: Literal["all", "custom"]
    multi_account: list[Uid] = Field(default_factory=list)


class ListedAccount(_Param):
    uid: Uid


class InitParam(_Param):
    region: RegionId
    aliuid: Uid | None = None
    project: str | None = None
    actiontrail_enabled: Annotated[bool, BeforeValidator(_flag)] = False
    resource_directory: Annotated[DirectoryScope | None, BeforeValidator(_scope)] = None
    multi_account: Annotated[list[ListedAccount], BeforeValidator(_listed)] = Field(default_factory=list)


class AuditConfig(_Param):
    init_param: InitParam = Field(alias="initParam")


def read_config(text: str, central_account: str) -> LogAuditConfig:
    """`AppModel.Config` as a LogAuditConfig, or a MalformedResponse naming the JSON path."""
    where = json_path(CONFIG_PATH)
    try:
        document = json.loads(text)
    except ValueError:
        raise malformed(API, f"answer: {where}: not JSON text") from None
    try:
        param = AuditConfig.model_validate(document).init_param
    except ValidationError as error:
        lines = describe(error, None, path=lambda loc: json_path((*CONFIG_PATH, *loc))).splitlines()
        raise malformed(API, "answer: " + "; ".join(lines[:5])) from None
    project = log_audit_project(central_account, param.region)
    if param.project not in (None, "", project):
        raise malformed(
            API, f"answer: {where}.initParam.project: {param.project!r}, not Log Audit's {project!r}"
        )
    if param.aliuid is not None and param.aliuid != central_account:
        raise malformed(
            API,
            f"answer: {where}.initParam.aliuid: {param.aliuid}, not the caller's account {central_account}",
        )
    scope = param.resource_directory
    members = {a.uid for a in param.multi_account} | set(scope.multi_account if scope else ())
    return LogAuditConfig(
        central_account=central_account,
        region=param.region,
        project=project,
        actiontrail_enabled=param.actiontrail_enabled,
        directory_scope=scope.type if scope else None,
        members=frozenset(members),
    )


def describe_app(
    credentials: Credentials, region: str, central_account: str, timeout: float
) -> LogAuditConfig | None:
    """Log Audit's configuration in the caller's account (`central_account`); None when Log Audit
    was never set up there (AppNotExist); raises CallError for any other failure."""
    from alibabacloud_tea_openapi.client import Client

    host = endpoint(region)
    client = Client(make_config(credentials, region, host))
    try:
        body = call_rpc(client, host, API, VERSION, {"AppName": APP_NAME}, timeout)
    except CallError as error:
        if error.code == APP_NOT_EXIST:
            return None
        raise
    answer = read_answer(DescribeAppAnswer, API, body, error_keys=RPC_ERROR)
    return read_config(answer.app_model.config, central_account)
