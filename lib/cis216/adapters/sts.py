"""STS: GetCallerIdentity (which account the credentials belong to) and AssumeRole (the credentials
of a role in another account: an organisation worker's member role)."""

from __future__ import annotations

from ._openapi import call_rpc, make_config
from .answers import RPC_ERROR, AssumeRoleAnswer, GetCallerIdentityAnswer, read_answer
from .credentials import Credentials


def endpoint(region: str) -> str:
    return f"sts.{region}.aliyuncs.com"


def get_caller_identity(credentials: Credentials, region: str, timeout: float) -> str:
    from alibabacloud_sts20150401.client import Client

    host = endpoint(region)
    client = Client(make_config(credentials, region, host))
    body = call_rpc(client, host, "GetCallerIdentity", "2015-04-01", None, timeout)
    return read_answer(GetCallerIdentityAnswer, "GetCallerIdentity", body, error_keys=RPC_ERROR).account_id


def assume_role(
    credentials: Credentials,
    region: str,
    role_arn: str,
    session_name: str,
    duration_seconds: int,
    timeout: float,
) -> Credentials:
    """Static STS credentials of `role_arn` (`acs:ram::<account>:role/<name>`), good for
    `duration_seconds`. One call per worker, through the STS client rather than a refreshing
    credentials provider: STS allows about 100 AssumeRole per second per calling account, shared by
    every worker, and a provider whose credentials are stale early (900 s) asks again at every read."""
    from alibabacloud_sts20150401.client import Client

    host = endpoint(region)
    client = Client(make_config(credentials, region, host))
    query = {"RoleArn": role_arn, "RoleSessionName": session_name, "DurationSeconds": duration_seconds}
    body = call_rpc(client, host, "AssumeRole", "2015-04-01", query, timeout)
    found = read_answer(AssumeRoleAnswer, "AssumeRole", body, error_keys=RPC_ERROR).credentials
    return Credentials(
        found.access_key_id, found.access_key_secret, found.security_token, source=f"assumed {role_arn}"
    )
