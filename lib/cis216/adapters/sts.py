"""STS GetCallerIdentity: which account the credentials belong to."""

from __future__ import annotations

from ._openapi import call_rpc, make_config
from .calls import CallError
from .credentials import Credentials


def endpoint(region: str) -> str:
    return f"sts.{region}.aliyuncs.com"


def get_caller_identity(credentials: Credentials, region: str, timeout: float) -> str:
    from alibabacloud_sts20150401.client import Client

    client = Client(make_config(credentials, region, endpoint(region)))
    body = call_rpc(client, "GetCallerIdentity", "2015-04-01", None, timeout)
    account = body.get("AccountId")
    if isinstance(account, int):
        account = str(account)
    if not isinstance(account, str) or not account.isdigit():
        raise CallError("GetCallerIdentity", "MalformedResponse", "no AccountId in the answer")
    return account
