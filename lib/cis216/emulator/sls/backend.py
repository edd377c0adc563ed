"""SLS state per account and region: projects, their logstores (index, stored logs), alerts; and
the PutLogs limits the service enforces."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

from ..records import StoredLog
from .putlogs import PutLogsLimits


@dataclass
class Logstore:
    name: str
    index: dict[str, Any] | None = None
    logs: list[StoredLog] = field(default_factory=list)
    ttl: int = 180
    shard_count: int = 2
    auto_split: bool = True
    max_split_shard: int = 64
    # Eventual consistency: how many more calls addressing this logstore answer LogStoreNotExist
    # (SlsBackend.logstore_lag_calls, set when CreateLogStore made it).
    unseen_calls: int = 0


@dataclass
class Project:
    name: str
    region: str
    description: str = ""
    created: int = field(default_factory=lambda: int(time.time()))
    alerts: dict[str, dict[str, Any]] = field(default_factory=dict)
    logstores: dict[str, Logstore] = field(default_factory=dict)
    dashboards: dict[str, dict[str, Any]] = field(default_factory=dict)

    def listing(self) -> dict[str, Any]:
        # Fields ListProject answers with; the SDK keeps them verbatim.
        return {
            "projectName": self.name,
            "status": "Normal",
            "owner": "",
            "description": self.description,
            "region": self.region,
            "createTime": str(self.created),
            "lastModifyTime": str(self.created),
            "resourceGroupId": "",
            "dataRedundancyType": "LRS",
        }


class SlsBackend:
    def __init__(self, putlogs_limits: PutLogsLimits | None = None) -> None:
        self._projects: dict[tuple[str, str], dict[str, Project]] = {}
        self.putlogs_limits = putlogs_limits or PutLogsLimits()
        # Calls after CreateLogStore that still answer LogStoreNotExist for it (0: none), as SLS
        # does for a moment after creating one (emulator/sls/management.py).
        self.logstore_lag_calls = 0

    def owner(self, region: str, name: str) -> str | None:
        """The account owning project `name` in `region`: names are unique per region across
        every account of the cloud, so CreateProject refuses a name another account holds."""
        for (account, where), projects in self._projects.items():
            if where == region and name in projects:
                return account
        return None

    def projects(self, account: str, region: str) -> list[Project]:
        return list(self._projects.get((account, region), {}).values())

    def project(self, account: str, region: str, name: str) -> Project | None:
        return self._projects.get((account, region), {}).get(name)

    def create_project(self, account: str, region: str, name: str, description: str = "") -> Project:
        projects = self._projects.setdefault((account, region), {})
        if name not in projects:
            projects[name] = Project(name, region, description)
        return projects[name]

    def create_logstore(
        self, account: str, region: str, project: str, logstore: str, index: dict[str, Any] | None = None
    ) -> Logstore:
        proj = self.create_project(account, region, project)
        store = proj.logstores.get(logstore)
        if store is None:
            store = proj.logstores[logstore] = Logstore(logstore)
        if index is not None:
            store.index = copy.deepcopy(index)
        return store

    def logs(self, account: str, region: str, project: str, logstore: str) -> list[StoredLog]:
        """What PutLogs stored in that logstore; KeyError when there is no such logstore."""
        proj = self.project(account, region, project)
        store = proj.logstores.get(logstore) if proj else None
        if store is None:
            raise KeyError(f"no logstore {logstore} in project {project} ({account}, {region})")
        return list(store.logs)

    def put_alert(self, account: str, region: str, project: str, alert: dict[str, Any]) -> None:
        proj = self.create_project(account, region, project)
        proj.alerts[alert["name"]] = copy.deepcopy(alert)
