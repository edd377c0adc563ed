"""Answers typed on arrival: each trail, alert and index is read into the inventory's models as it comes in.

An item is read where it will sit in the snapshot (`regions.<region>.trails[0]`, ...) with every check a
snapshot gets (the model's fields, names used as keys, values JSON cannot hold, nesting depth), so it is
read once, and a problem is worded as it would be for a snapshot holding that item. An item the model
cannot read becomes a `MalformedResponse` ScanError on the spot and is left out: one odd alert or trail
must not fail the whole scan (no findings written, FC retrying in vain); like a failed call, it becomes
an `error` finding and the rest goes on.

Reading runs in the worker thread that made the call, so the thread that schedules calls is not held up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from ...inventory import (
    SNAPSHOT_VERSION,
    Alert,
    InventoryError,
    Logstore,
    RegionInventory,
    ScanError,
    Trail,
    TrailStatus,
    parse_inventory,
)
from ..logs import redact


class AlertAnswer(NamedTuple):
    """One alert of a ListAlerts page, read. Pages can repeat an alert: the first copy of a name counts."""

    name: object  # as answered (any JSON value); see `name_key`
    alert: Alert | ScanError


def name_key(name: object) -> object:
    """`name` as a set member: a list or an object cannot be one."""
    return name if isinstance(name, (str, int, float, bool, type(None))) else repr(name)


@dataclass(frozen=True)
class AnswerReader:
    """Reads answers under the snapshot's head (its account and collection time)."""

    account_id: str
    collected_at: str  # as the snapshot says it: "2026-11-29T02:00:00Z"

    def trails(self, region: str, items: list[Any]) -> list[Trail | ScanError]:
        """The TrailList of a DescribeTrails answer, in its order."""
        return [self._trail(region, item) for item in items]

    def alerts(self, region: str, project: str, items: list[Any]) -> list[AlertAnswer]:
        """One page of ListAlerts, in its order."""
        return [AlertAnswer(_field(item, "name"), self._alert(region, project, item)) for item in items]

    def index(self, region: str, project: str, logstore: str, answer: Any) -> Logstore | ScanError:
        """A GetIndex answer (None: the logstore has no index) as the logstore's entry."""
        body = {"sls_projects": {project: {"logstores": {logstore: {"index": answer}}}}}
        try:
            return self._read(region, body).sls_projects[project].logstores[logstore]
        except InventoryError as error:
            return _unreadable("GetIndex", f"the index of {logstore}", error, project, logstore)

    def trail_status(self, region: str, name: str, answer: Any) -> TrailStatus | ScanError:
        """A GetTrailStatus answer as the trail's entry in its home region's `trail_status`."""
        try:
            return self._read(region, {"trail_status": {name: answer}}).trail_status[name]
        except InventoryError as error:
            return _unreadable("GetTrailStatus", f"the status of trail {name!r}", error)

    def _trail(self, region: str, item: Any) -> Trail | ScanError:
        try:
            return self._read(region, {"trails": [item]}).trails[0]
        except InventoryError as error:
            return _unreadable("DescribeTrails", f"trail {_field(item, 'Name')!r}", error)

    def _alert(self, region: str, project: str, item: Any) -> Alert | ScanError:
        try:
            return (
                self._read(region, {"sls_projects": {project: {"alerts": [item]}}})
                .sls_projects[project]
                .alerts[0]
            )
        except InventoryError as error:
            return _unreadable("ListAlerts", f"alert {_field(item, 'name')!r}", error, project)

    def _read(self, region: str, body: dict[str, Any]) -> RegionInventory:
        """`body` as the region's part of a snapshot; InventoryError names the path of what is wrong."""
        document = {
            "version": SNAPSHOT_VERSION,
            "account_id": self.account_id,
            "collected_at": self.collected_at,
            "regions": {region: body},
        }
        return parse_inventory(document, source="answer").regions[region]


def _field(item: Any, name: str) -> object:
    return item.get(name) if isinstance(item, dict) else None


def _unreadable(
    api: str, what: str, error: InventoryError, project: str | None = None, logstore: str | None = None
) -> ScanError:
    why = redact(str(error))[:1000]
    return ScanError(
        api=api,
        project=project,
        logstore=logstore,
        code="MalformedResponse",
        message=f"{what} could not be read, so it was left out: {why}",
    )
