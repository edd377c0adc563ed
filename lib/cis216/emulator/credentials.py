"""Access keys the emulated cloud accepts, and which account each belongs to."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Credentials:
    """One access key the emulator accepts.

    ``security_token`` set means STS credentials: every request must carry exactly that
    token. ``expired`` makes the token count as expired (InvalidSecurityToken.Expired).
    ``account_id`` None means "the cloud's default account" (the last seeded snapshot's).
    """

    access_key_id: str
    access_key_secret: str
    security_token: str | None = None
    account_id: str | None = None
    expired: bool = False
    # What GetCallerIdentity reports; assumed-role keys made by AssumeRole carry the role ARN.
    arn: str | None = None


DEFAULT_CREDENTIALS = Credentials("LTAIemulated", "emulated-secret")


class CredentialStore:
    """Access key id -> Credentials, mutable so AssumeRole can mint temporary keys."""

    def __init__(self, credentials: Iterable[Credentials]) -> None:
        self._by_id: dict[str, Credentials] = {}
        for cred in credentials:
            self.add(cred)

    def add(self, cred: Credentials) -> None:
        self._by_id[cred.access_key_id] = cred

    def get(self, access_key_id: str) -> Credentials | None:
        return self._by_id.get(access_key_id)

    def __iter__(self) -> Iterator[Credentials]:
        return iter(list(self._by_id.values()))
