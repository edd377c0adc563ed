"""What a collection gathered, per region, and the inventory and snapshot document made of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ...aliyun import is_project_name
from ...inventory import (
    SNAPSHOT_VERSION,
    Alert,
    Inventory,
    Logstore,
    RegionInventory,
    ScanError,
    SlsProject,
    Trail,
    TrailStatus,
)
from .answers import AlertAnswer, name_key
from .paging import Listing

M = TypeVar("M", Trail, Alert)


@dataclass
class RegionAnswers:
    """The answers of one region so far, typed (an unreadable item is its ScanError)."""

    log_audit_project: str  # the Log Audit central project this region would have
    trails: list[Trail | ScanError] = field(default_factory=list)
    projects: Listing[str] | None = None  # None: not listed
    log_audit_only: bool = False  # listed with the Log Audit name filter only
    alerts: dict[str, Listing[AlertAnswer]] = field(default_factory=dict)
    indexes: dict[tuple[str, str], Logstore | ScanError] = field(default_factory=dict)
    trail_status: dict[str, TrailStatus | ScanError] = field(default_factory=dict)  # by trail name

    def readable_trails(self) -> list[Trail]:
        return [trail for trail in self.trails if isinstance(trail, Trail)]

    def projects_complete(self) -> bool:
        return self.projects is not None and self.projects.complete

    def unusable_project_names(self) -> list[str]:
        """Listed names SLS cannot have (so no hostname can reach them): each is reported, not dropped."""
        if self.projects is None:
            return []
        return sorted({name for name in self.projects.items() if not is_project_name(name)})

    def listed_projects(self) -> list[str]:
        """Project names listed so far, once each; only names usable in a hostname."""
        if self.projects is None:
            return []
        names: list[str] = []
        for name in self.projects.items():
            if not is_project_name(name) or name in names:
                continue
            if self.log_audit_only and name != self.log_audit_project:
                continue
            names.append(name)
        return names


@dataclass(frozen=True)
class Collected:
    """The account as collected: the typed inventory, and the snapshot document it was read from."""

    inventory: Inventory
    document: dict[str, Any]  # version 1, as --save-snapshot writes it

    @property
    def error_count(self) -> int:
        return sum(len(region.errors) for region in self.inventory.regions.values())


def assemble(
    account_id: str,
    collected_at: str,
    regions: Iterable[tuple[str, RegionAnswers]],
    failures: Callable[[str], list[ScanError]],
) -> Collected:
    """The inventory of `regions` (in that order), each with its `failures(region)`, and its document."""
    inventories = {region: _region_inventory(answers, failures(region)) for region, answers in regions}
    # The models are taken as they are (pydantic does not validate an instance again).
    head = {"version": SNAPSHOT_VERSION, "account_id": account_id, "collected_at": collected_at}
    inventory = Inventory.model_validate({**head, "regions": inventories})
    document = {
        **head,
        "regions": {region: _region_document(content) for region, content in inventories.items()},
    }
    return Collected(inventory, document)


def _region_inventory(answers: RegionAnswers, failures: list[ScanError]) -> RegionInventory:
    trails, unreadable = _split(answers.trails)
    projects: dict[str, SlsProject] = {}
    for project in answers.listed_projects():
        listing = answers.alerts.get(project)
        alerts, unreadable_alerts = _split(_first_of_each_name(listing.items() if listing else []))
        stores = {logstore: read for (p, logstore), read in sorted(answers.indexes.items()) if p == project}
        logstores, unreadable_indexes = _split_stores(stores)
        unreadable += unreadable_alerts + unreadable_indexes
        projects[project] = SlsProject(alerts=alerts, logstores=logstores)
    unreadable += [_unusable_project(name) for name in answers.unusable_project_names()]
    statuses = {name: read for name, read in answers.trail_status.items() if isinstance(read, TrailStatus)}
    unreadable += [read for read in answers.trail_status.values() if isinstance(read, ScanError)]
    # Failed calls in a stable order, then unreadable items in the document's order (as the
    # snapshot's errors have always been ordered: finding ids number repeats of one resource).
    return RegionInventory(
        trails=trails, sls_projects=projects, errors=failures + unreadable, trail_status=statuses
    )


def _unusable_project(name: str) -> ScanError:
    # One odd item of the listing: its own error, while the rest of the answer counts.
    return ScanError(
        api="ListProject",
        code="MalformedResponse",
        message=f"answer: projects: {name!r} is not an SLS project name, so its alerts cannot be read",
    )


def _first_of_each_name(answers: list[AlertAnswer]) -> list[Alert | ScanError]:
    seen: set[object] = set()
    out: list[Alert | ScanError] = []
    for answer in answers:
        key = name_key(answer.name)
        if key not in seen:
            seen.add(key)
            out.append(answer.alert)
    return out


def _split(reads: list[M | ScanError]) -> tuple[list[M], list[ScanError]]:
    items = [read for read in reads if not isinstance(read, ScanError)]
    return items, [read for read in reads if isinstance(read, ScanError)]


def _split_stores(stores: dict[str, Logstore | ScanError]) -> tuple[dict[str, Logstore], list[ScanError]]:
    logstores = {name: read for name, read in stores.items() if isinstance(read, Logstore)}
    return logstores, [read for read in stores.values() if isinstance(read, ScanError)]


def _region_document(region: RegionInventory) -> dict[str, Any]:
    """The region as the snapshot records it: the answers verbatim (each model's `raw`)."""
    document: dict[str, Any] = {
        "trails": [trail.raw for trail in region.trails],
        "sls_projects": {
            name: {
                "alerts": [alert.raw for alert in project.alerts],
                "logstores": {logstore: store.raw for logstore, store in project.logstores.items()},
            }
            for name, project in region.sls_projects.items()
        },
        "errors": [_error_document(error) for error in region.errors],
    }
    if region.trail_status:  # absent: not read (the key older snapshots never had)
        document["trail_status"] = {name: status.raw for name, status in region.trail_status.items()}
    return document


def _error_document(error: ScanError) -> dict[str, Any]:
    fields = {
        "api": error.api,
        "project": error.project,
        "logstore": error.logstore,
        "code": error.code,
        "message": error.message,
    }
    return {**fields, **(error.model_extra or {})}
