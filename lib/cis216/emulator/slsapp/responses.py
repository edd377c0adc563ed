"""DescribeApp: an account's SLS application (Log Audit is `audit`); one it never set up is
AppNotExist (the code Terraform's provider reads as "not found"; its HTTP status and wording are
the emulator's choice: unverified)."""

from __future__ import annotations

from typing import Any

from ..context import CallContext
from ..errors import ServiceError
from .backend import SlsAppBackend

Context = CallContext[SlsAppBackend]


def describe_app(ctx: Context) -> dict[str, Any]:
    name = ctx.query.get("AppName", "")
    if not name:
        raise ServiceError(
            400, "MissingParameter.AppName", "The input parameter AppName that is mandatory is empty."
        )
    app = ctx.backend.app(ctx.account, name)
    if app is None:
        raise ServiceError(404, "AppNotExist", f"The app {name} does not exist.")
    return {"AppModel": app.model(ctx.account)}
