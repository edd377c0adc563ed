"""The SLS applications of each account (Log Audit is app `audit`), as DescribeApp answers them:
`AppModel.Config` is JSON text whose `initParam` holds Log Audit's settings, its lists and objects as
JSON texts inside it (as Terraform's provider writes them with AnalyzeAppLog and reads them back)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

LOG_AUDIT_APP = "audit"
LOG_AUDIT_DISPLAY_NAME = "Log Audit Service"


@dataclass(frozen=True)
class App:
    name: str
    display_name: str
    config: str  # JSON text, as AppModel.Config carries it

    def model(self, account: str) -> dict[str, Any]:
        """The answer's `AppModel`."""
        return {
            "AppName": self.name,
            "DisplayName": self.display_name,
            "Uid": int(account),
            "Config": self.config,
        }


def log_audit_config(
    account: str, region: str, scope: str, members: Iterable[str], actiontrail_enabled: bool
) -> str:
    """Log Audit's Config text for multi-account collection in resource-directory mode."""
    directory = {"type": scope, "multi_account": list(members) if scope == "custom" else []}
    param = {
        "region": region,
        "aliuid": account,
        "project": f"slsaudit-center-{account}-{region}",
        "logstore": "slsaudit",
        "actiontrail_enabled": "true" if actiontrail_enabled else "false",
        "actiontrail_ttl": "180",
        "resource_directory": json.dumps(directory),
    }
    return json.dumps({"initParam": param})


@dataclass
class SlsAppBackend:
    apps: dict[str, dict[str, App]] = field(default_factory=dict)  # account -> app name -> app

    def put_app(self, account: str, name: str, config: str, display_name: str = "") -> App:
        app = App(name, display_name or name, config)
        self.apps.setdefault(account, {})[name] = app
        return app

    def put_log_audit(
        self, account: str, region: str, scope: str, members: Iterable[str], actiontrail_enabled: bool
    ) -> App:
        config = log_audit_config(account, region, scope, members, actiontrail_enabled)
        return self.put_app(account, LOG_AUDIT_APP, config, LOG_AUDIT_DISPLAY_NAME)

    def app(self, account: str, name: str) -> App | None:
        return self.apps.get(account, {}).get(name)
