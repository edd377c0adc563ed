"""STS (GetCallerIdentity, AssumeRole) and FC InvokeFunction through the real SDKs."""

from __future__ import annotations

import re

import pytest
from alibabacloud_actiontrail20200706 import models as at_models
from alibabacloud_fc20230330 import models as fc_models
from alibabacloud_sts20150401 import models as sts_models
from alibabacloud_tea_openapi.exceptions import ClientException
from darabonba.runtime import RuntimeOptions

from cis216.emulator import Credentials, EmulatedCloud
from tests.functional.emulator.clients import ACCOUNT, actiontrail, fc, sts

MEMBER = "2222222222222222"


def test_get_caller_identity_of_the_default_key(cloud: EmulatedCloud) -> None:
    body = sts().get_caller_identity().body
    assert (body.account_id, body.identity_type, body.arn) == (ACCOUNT, "Account", f"acs:ram::{ACCOUNT}:root")
    assert body.principal_id == ACCOUNT
    assert re.fullmatch(r"[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}", body.request_id)  # an upper-case UUID


def test_get_caller_identity_of_a_ram_user(cloud: EmulatedCloud) -> None:
    user = Credentials("LTAIuser", "s", account_id="333", arn="acs:ram::333:user/scanner")
    cloud.credentials.add(user)
    body = sts(creds=user).get_caller_identity().body
    assert (body.account_id, body.identity_type, body.arn) == ("333", "RAMUser", "acs:ram::333:user/scanner")
    assert body.user_id == body.principal_id == "2221667789000000"  # stable for the same ARN


def test_global_sts_endpoint(cloud: EmulatedCloud) -> None:
    from alibabacloud_sts20150401.client import Client
    from alibabacloud_tea_openapi.utils_models import Config

    from cis216.emulator import DEFAULT_CREDENTIALS as C

    client = Client(
        Config(
            access_key_id=C.access_key_id, access_key_secret=C.access_key_secret, endpoint="sts.aliyuncs.com"
        )
    )
    assert client.get_caller_identity().body.account_id == ACCOUNT
    assert cloud.calls[-1].region == "cn-hangzhou"


def test_assume_role_into_a_member_account(cloud: EmulatedCloud) -> None:
    cloud.seed_snapshot(
        {
            "account_id": MEMBER,
            "regions": {
                "cn-hangzhou": {
                    "trails": [
                        {
                            "Name": "member-trail",
                            "HomeRegion": "cn-hangzhou",
                            "TrailRegion": "All",
                            "Status": "Enable",
                        }
                    ]
                }
            },
        }
    )
    cloud.default_account = ACCOUNT  # the caller's key stays in the management account
    role = f"acs:ram::{MEMBER}:role/cis216-scan"
    answer = sts().assume_role(sts_models.AssumeRoleRequest(role_arn=role, role_session_name="scan")).body
    creds = Credentials(
        answer.credentials.access_key_id,
        answer.credentials.access_key_secret,
        answer.credentials.security_token,
    )
    assert answer.assumed_role_user.arn == f"acs:ram::{MEMBER}:assumed-role/cis216-scan/scan"
    trails = actiontrail(creds=creds).describe_trails(at_models.DescribeTrailsRequest()).body.trail_list
    assert [t.name for t in trails] == ["member-trail"]
    assert sts(creds=creds).get_caller_identity().body.identity_type == "AssumedRoleUser"
    assert cloud.calls[-2].account == MEMBER
    assert [a.role_arn for a in cloud.sts.assumed] == [role]


def test_assume_role_errors(cloud: EmulatedCloud) -> None:
    with pytest.raises(ClientException) as caught:
        sts().assume_role(sts_models.AssumeRoleRequest(role_arn="not-an-arn", role_session_name="s"))
    assert caught.value.code == "InvalidParameter.RoleArn"
    cloud.sts.assumable_roles = {"acs:ram::1:role/a"}
    with pytest.raises(ClientException) as caught:
        sts().assume_role(sts_models.AssumeRoleRequest(role_arn="acs:ram::2:role/b", role_session_name="s"))
    assert (caught.value.code, caught.value.status_code) == ("EntityNotExist.Role", 404)


def invoke(
    body: bytes, task_id: str | None = None, kind: str = "Async", name: str = "scan-account"
) -> object:
    return fc().invoke_function_with_options(
        name,
        fc_models.InvokeFunctionRequest(body=body, qualifier="LATEST"),
        fc_models.InvokeFunctionHeaders(x_fc_invocation_type=kind, x_fc_async_task_id=task_id),
        RuntimeOptions(),
    )


def test_async_invocation_is_recorded(cloud: EmulatedCloud) -> None:
    response = invoke(b'{"account": "2222"}', task_id="scan-2222-20261130")
    assert response.status_code == 202
    (invocation,) = cloud.fc.invocations
    assert (
        invocation.function,
        invocation.invocation_type,
        invocation.async_task_id,
        invocation.qualifier,
    ) == ("scan-account", "Async", "scan-2222-20261130", "LATEST")
    assert invocation.body == b'{"account": "2222"}'
    assert (invocation.account, invocation.region) == (ACCOUNT, "cn-hangzhou")
    assert cloud.calls[-1].api == "InvokeFunction"


def test_repeated_async_task_id_is_refused(cloud: EmulatedCloud) -> None:
    invoke(b"{}", task_id="t1")
    with pytest.raises(ClientException) as caught:
        invoke(b"{}", task_id="t1")
    assert (caught.value.code, caught.value.status_code) == ("AsyncTaskAlreadyExist", 409)


def test_sync_invocation_and_unknown_function(cloud: EmulatedCloud) -> None:
    cloud.fc.sync_handler = lambda inv: b"echo:" + inv.body
    response = invoke(b"hi", kind="Sync")
    assert response.status_code == 200 and response.body.read() == b"echo:hi"
    cloud.fc.functions = {"scan-account"}
    with pytest.raises(ClientException) as caught:
        invoke(b"{}", name="other")
    assert (caught.value.code, caught.value.status_code) == ("FunctionNotFound", 404)
