"""STS state: which roles may be assumed, and the temporary keys minted so far."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Literal

from ..credentials import Credentials, CredentialStore

RoleAccess = Literal["assumable", "missing", "untrusted"]
ROLE_ARN = re.compile(r"^acs:ram::(?P<account>\d+):role/(?P<role>[A-Za-z0-9._@-]+)$", re.IGNORECASE)


@dataclass(frozen=True)
class AssumedRole:
    role_arn: str
    session_name: str
    credentials: Credentials


class StsBackend:
    def __init__(self, credentials: CredentialStore) -> None:
        # Where minted keys go: the store every request's signature is checked against, so
        # clients built from an AssumeRole answer are accepted.
        self.credentials = credentials
        # None: any well-formed role ARN can be assumed; a set restricts to those ARNs
        # (lower-cased), so tests can model a missing cross-account role.
        self.assumable_roles: set[str] | None = None
        # Per member account, whatever the role is called (the organisation snapshot's `role`):
        # "missing" (no such role: EntityNotExist.Role) or "untrusted" (its trust policy does not
        # name the caller: NoPermission). Checked before `assumable_roles`.
        self.role_access: dict[str, RoleAccess] = {}
        # Accounts that left the resource directory (closed): every role in them is gone.
        self.closed_accounts: set[str] = set()
        self.assumed: list[AssumedRole] = []

    def refusal(self, role_arn: str) -> RoleAccess | None:
        """Why `role_arn` cannot be assumed ("missing" / "untrusted"), None when it can."""
        found = ROLE_ARN.match(role_arn)
        if found is None:
            return "missing"
        account = found.group("account")
        if account in self.closed_accounts:
            return "missing"
        access = self.role_access.get(account)
        if access is not None:
            return None if access == "assumable" else access
        if self.assumable_roles is not None and role_arn.lower() not in self.assumable_roles:
            return "missing"
        return None

    def assume(self, role_arn: str, session_name: str) -> AssumedRole | None:
        found = ROLE_ARN.match(role_arn)
        if found is None:
            return None
        role = found.group("role")
        account = found.group("account")
        creds = Credentials(
            access_key_id="STS.emu" + secrets.token_hex(10),
            access_key_secret=secrets.token_urlsafe(24),
            security_token="CAISemulated" + secrets.token_urlsafe(48),
            account_id=account,
            arn=f"acs:ram::{account}:assumed-role/{role.lower()}/{session_name}",
        )
        self.credentials.add(creds)
        assumed = AssumedRole(role_arn, session_name, creds)
        self.assumed.append(assumed)
        return assumed
