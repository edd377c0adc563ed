"""STS request handlers."""

from __future__ import annotations

import re
import time
import zlib
from typing import Any

from ..context import CallContext
from ..errors import ServiceError
from .backend import ROLE_ARN, StsBackend

Context = CallContext[StsBackend]
# 2-64 characters: letters, digits, `.`, `@`, `-` and `_` (STS API reference).
SESSION_NAME = re.compile(r"^[A-Za-z0-9._@-]{2,64}$")


def get_caller_identity(ctx: Context) -> dict[str, Any]:
    cred = ctx.credentials
    arn = cred.arn or f"acs:ram::{ctx.account}:root"
    if ":assumed-role/" in arn:
        kind, principal = (
            "AssumedRoleUser",
            "3" + str(zlib.crc32(arn.encode()) * 10**7)[:17] + ":" + arn.rsplit("/", 1)[-1],
        )
    elif ":user/" in arn:
        kind, principal = "RAMUser", "2" + str(zlib.crc32(arn.encode()) * 10**5)[:15]
    else:
        kind, principal = "Account", ctx.account
    answer: dict[str, Any] = {
        "AccountId": ctx.account,
        "Arn": arn,
        "IdentityType": kind,
        "PrincipalId": principal,
    }
    if kind == "RAMUser":
        answer["UserId"] = principal
    if kind == "AssumedRoleUser":
        answer["RoleId"] = principal.split(":", 1)[0]
    return answer


def assume_role(ctx: Context) -> dict[str, Any]:
    role_arn = ctx.query.get("RoleArn", "")
    session = ctx.query.get("RoleSessionName", "")
    if not ROLE_ARN.match(role_arn):
        raise ServiceError(400, "InvalidParameter.RoleArn", "The parameter RoleArn is wrongly formed.")
    if not session:
        raise ServiceError(400, "MissingRoleSessionName", "RoleSessionName is mandatory for this action.")
    refusal = ctx.backend.refusal(role_arn)
    if refusal == "missing":
        raise ServiceError(404, "EntityNotExist.Role", "The role not exists: " + role_arn)
    if refusal == "untrusted":
        # The role's trust policy does not name the caller: STS answers as for any denied call.
        raise ServiceError(
            403, "NoPermission", "You are not authorized to do this action. You should be authorized by RAM."
        )
    # After the role checks: a one-letter session name never stopped a refusal from being answered.
    if not SESSION_NAME.match(session):
        raise ServiceError(
            400, "InvalidParameter.RoleSessionName", "The parameter RoleSessionName is wrongly formed."
        )
    duration = int(ctx.query.get("DurationSeconds") or 3600)
    assumed = ctx.backend.assume(role_arn, session)
    assert assumed is not None  # the ARN was validated above
    creds = assumed.credentials
    expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + duration))
    return {
        "Credentials": {
            "AccessKeyId": creds.access_key_id,
            "AccessKeySecret": creds.access_key_secret,
            "SecurityToken": creds.security_token,
            "Expiration": expiration,
        },
        "AssumedRoleUser": {
            "Arn": creds.arn,
            "AssumedRoleId": "3" + creds.access_key_id[-12:] + ":" + session,
        },
    }
