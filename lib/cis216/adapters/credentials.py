"""Where the function's credentials come from. The secret never appears in a repr, a log or an error.

Order: the FC context (`context.credentials`, python3.10), the `ALIBABA_CLOUD_*` environment
variables (python3.12 and local use), then the SDK's standard credential chain (local only:
profile file, ECS RAM role, OIDC, ...).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


class CredentialsError(RuntimeError):
    """No usable credentials; the message says where we looked, never what we found."""


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)
    source: str = "unknown"

    def __repr__(self) -> str:  # the id is not secret, but keep it short in logs
        masked = self.access_key_id[:4] + "****" if self.access_key_id else ""
        token = ", sts" if self.security_token else ""
        return f"Credentials({masked}, from {self.source}{token})"

    __str__ = __repr__

    def secrets(self) -> tuple[str, ...]:
        """Values the log redaction filter must never let through."""
        return tuple(v for v in (self.access_key_id, self.access_key_secret, self.security_token) if v)


def from_context(context: Any) -> Credentials | None:
    creds = getattr(context, "credentials", None) if context is not None else None
    if creds is None:
        return None
    key_id = getattr(creds, "access_key_id", None) or getattr(creds, "accessKeyId", None)
    secret = getattr(creds, "access_key_secret", None) or getattr(creds, "accessKeySecret", None)
    token = getattr(creds, "security_token", None) or getattr(creds, "securityToken", None)
    if not key_id or not secret:
        return None
    return Credentials(key_id, secret, token or None, source="fc-context")


def from_environ(environ: Mapping[str, str]) -> Credentials | None:
    key_id = environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID", "").strip()
    secret = environ.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "").strip()
    if not key_id or not secret:
        return None
    token = environ.get("ALIBABA_CLOUD_SECURITY_TOKEN", "").strip() or None
    return Credentials(key_id, secret, token, source="environment")


# What to do about missing credentials, in one line (FC: the function's role; locally: the variables).
HOW_TO_SET = (
    "set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN "
    "for STS credentials), or give the FC function a role"
)
# The logger alibabacloud-credentials reports each failed provider on, tracebacks included.
SDK_LOGGER = "credentials"


@contextmanager
def _sdk_logs_silenced() -> Iterator[None]:
    """The credential chain logs every provider that fails (with a traceback) before it raises; we
    say what went wrong once, in our own words, so its own report is held back."""
    logger = logging.getLogger(SDK_LOGGER)
    was_disabled = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was_disabled


def from_default_chain() -> Credentials:
    try:
        from alibabacloud_credentials.client import Client  # SDK: imported when the chain is used

        with _sdk_logs_silenced():
            model = Client().get_credential()
    except Exception:  # the chain raises many types; our message says what to do instead
        raise CredentialsError(
            f"no credentials: {HOW_TO_SET} (not in the FC context, not in the environment, and the "
            "default credential chain found none)"
        ) from None
    key_id = getattr(model, "access_key_id", None)
    secret = getattr(model, "access_key_secret", None)
    if not key_id or not secret:
        raise CredentialsError(
            "the default credential chain gave no access key (bearer tokens are not supported): " + HOW_TO_SET
        )
    return Credentials(key_id, secret, getattr(model, "security_token", None) or None, source="default-chain")


def resolve(
    context: Any = None, environ: Mapping[str, str] | None = None, allow_default_chain: bool = True
) -> Credentials:
    if environ is None:
        environ = os.environ
    found = from_context(context) or from_environ(environ)
    if found is not None:
        return found
    if not allow_default_chain:
        raise CredentialsError(f"no credentials: {HOW_TO_SET} (neither is there)")
    return from_default_chain()
