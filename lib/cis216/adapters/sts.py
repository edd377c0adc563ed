"""STS GetCallerIdentity: which account the credentials belong to."""

from __future__ import annotations

from ._openapi import call_rpc, make_config
from .answers import RPC_ERROR, GetCallerIdentityAnswer, read_answer
from .credentials import Credentials


def endpoint(region: str) -> str:
    return f"sts.{region}.aliyuncs.com"


def get_caller_identity(credentials: Credentials, region: str, timeout: float) -> str:
    from alibabacloud_sts20150401.client import Client

    host = endpoint(region)
    client = Client(make_config(credentials, region, host))
    body = call_rpc(client, host, "GetCallerIdentity", "2015-04-01", None, timeout)
    return read_answer(GetCallerIdentityAnswer, "GetCallerIdentity", body, error_keys=RPC_ERROR).account_id
