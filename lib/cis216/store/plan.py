"""What `cis216 setup` would change: the findings store wanted, the store as it is, the difference.

Pure: `plan(spec, current)` reads no cloud. Changes come in the order they must be made (project,
logstore, index, dashboard); an index the user has is merged into, never replaced (index.py).
What setup leaves alone on purpose (a logstore's retention or shards, a key the user set up
differently) is a note, so the plan says it instead of silently differing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import dashboard as dashboards
from . import index as indexes

DESCRIPTION = "cis216 findings (CIS Alibaba Cloud 2.16)"


@dataclass(frozen=True)
class StoreSpec:
    """The findings store wanted."""

    region: str
    project: str
    logstore: str
    retention_days: int = 365
    shards: int = 1
    dashboard: str = dashboards.DASHBOARD_NAME

    def index(self) -> dict[str, Any]:
        return indexes.findings_index()

    def dashboard_body(self) -> dict[str, Any]:
        return dashboards.dashboard_body(self.project, self.logstore, self.dashboard)


@dataclass(frozen=True)
class LogstoreState:
    ttl: int
    shards: int


@dataclass(frozen=True)
class Current:
    """The store as SLS answered: None where a thing does not exist."""

    project: bool
    logstore: LogstoreState | None = None
    index: dict[str, Any] | None = None
    dashboard: dict[str, Any] | None = None


@dataclass(frozen=True)
class Change:
    api: str  # the SLS call that makes it: CreateProject, CreateLogStore, CreateIndex, UpdateIndex, ...
    target: str  # "project cis216-findings-1234"
    detail: str
    body: dict[str, Any] | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, str]:
        return {"api": self.api, "target": self.target, "detail": self.detail}


@dataclass(frozen=True)
class Plan:
    spec: StoreSpec
    changes: tuple[Change, ...]
    notes: tuple[str, ...] = ()

    @property
    def no_change(self) -> bool:
        return not self.changes

    def to_json(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "region": spec.region,
            "project": spec.project,
            "logstore": spec.logstore,
            "dashboard": spec.dashboard,
            "changes": [change.to_json() for change in self.changes],
            "notes": list(self.notes),
        }


def plan(spec: StoreSpec, current: Current) -> Plan:
    changes: list[Change] = []
    notes: list[str] = []
    if not current.project:
        changes.append(Change("CreateProject", f"project {spec.project}", f"in {spec.region}"))
    changes.extend(_logstore(spec, current, notes))
    changes.extend(_index(spec, current, notes))
    changes.extend(_dashboard(spec, current))
    return Plan(spec, tuple(changes), tuple(notes))


def _logstore(spec: StoreSpec, current: Current, notes: list[str]) -> list[Change]:
    store = current.logstore
    if store is None:
        shards = "1 shard" if spec.shards == 1 else f"{spec.shards} shards"
        detail = f"retention {spec.retention_days} days, {shards}, auto split"
        return [Change("CreateLogStore", f"logstore {spec.logstore}", detail)]
    if store.ttl != spec.retention_days:
        notes.append(
            f"logstore {spec.logstore} keeps logs {store.ttl} days, not {spec.retention_days}: left as it "
            "is (setup never shortens or extends an existing retention; change it in the SLS console)"
        )
    return []


def _index(spec: StoreSpec, current: Current, notes: list[str]) -> list[Change]:
    wanted = spec.index()
    target = f"index of logstore {spec.logstore}"
    if current.logstore is not None and current.index is None:
        notes.append(
            f"logstore {spec.logstore} has no index yet: logs written before it is created stay "
            "unsearchable by field (reindex them in the SLS console if they matter)"
        )
    if current.logstore is None or current.index is None:
        keys = len(wanted["keys"])
        return [Change("CreateIndex", target, f"{keys} field keys with analytics, full-text on", wanted)]
    mine = indexes.configuration(current.index)
    merged = indexes.merged(current.index, wanted)
    for name in indexes.unanalysed(current.index, wanted):
        notes.append(
            f"index key {name} is kept as you set it, but without analytics as text the dashboard "
            "cannot group by it"
        )
    if merged == mine:
        return []
    added = sorted(set(merged.get("keys", {})) - set(mine.get("keys") or {}))
    parts = [f"add keys {', '.join(added)}"] if added else []
    if merged.get("line") and not mine.get("line"):
        parts.append("turn the full-text index on")
    if not parts:
        parts.append("add what the dashboard reads (evidence leaves, text length)")
    return [Change("UpdateIndex", target, "; ".join(parts) + "; your keys are kept", merged)]


def _dashboard(spec: StoreSpec, current: Current) -> list[Change]:
    wanted = spec.dashboard_body()
    target = f"dashboard {spec.dashboard}"
    charts = f"{len(wanted['charts'])} charts"
    if current.dashboard is None:
        return [Change("CreateDashboard", target, charts, wanted)]
    if dashboards.differs(current.dashboard, wanted):
        return [Change("UpdateDashboard", target, f"replace with cis216's {charts}", wanted)]
    return []
