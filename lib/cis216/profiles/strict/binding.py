"""Which alert query entries watch which feed.

An entry names its logstore (`store`, legacy `logStore`), and may name a project and a region;
when it does not, SLS uses the alert's own project and that project's region. Matching the
region alone (as the reference query does) passes alerts on unrelated logstores.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...inventory import Alert, AlertQuery, Inventory
from .feeds import Feed
from .templates import identity_target
from .unexpected import Unexpected


@dataclass(frozen=True)
class Target:
    """One place an alert reads from: a query entry, or (template alerts) its identity."""

    alert: Alert
    alert_project: str
    alert_region: str
    entry: int | None  # index in queryList; None when bound by template tokens/name
    query: AlertQuery | None
    project: str
    region: str
    store: str | None
    store_type: str
    # A template alert whose query text is not expanded: judged by identity, not by its query.
    by_identity: bool = False

    def watches(self, feed: Feed) -> bool:
        return self.store_type == "log" and self.key == feed_key(feed)

    @property
    def key(self) -> tuple[str | None, str, str]:
        return (self.store, self.project, self.region.strip().lower())


def feed_key(feed: Feed) -> tuple[str | None, str, str]:
    """What a target must name to watch a feed: its logstore, project and region (any case)."""
    return (feed.logstore, feed.project, feed.region.strip().lower())


def alert_targets(alert: Alert, project: str, region: str) -> list[Target]:
    queries = alert.configuration.queries if alert.configuration else []
    identity = identity_target(alert, project)
    # Only when no entry has query text does identity stand in for the query.
    by_identity = identity is not None and not any(q.query for q in queries)
    targets = [
        Target(
            alert=alert,
            alert_project=project,
            alert_region=region,
            entry=i,
            query=q,
            project=q.project or project,
            region=q.region or region,
            store=q.store,
            store_type=(q.store_type or "log").strip().lower(),
            by_identity=by_identity,
        )
        for i, q in enumerate(queries)
        if q.store or not by_identity
    ]
    if by_identity and not targets:
        assert identity is not None
        targets.append(
            Target(
                alert=alert,
                alert_project=project,
                alert_region=region,
                entry=None,
                query=None,
                project=identity[0],
                region=region,
                store=identity[1],
                store_type="log",
                by_identity=True,
            )
        )
    return targets


def all_targets(inventory: Inventory, unexpected: Unexpected) -> list[Target]:
    """Every alert's targets; an alert that cannot be placed is set aside as an unreadable item
    of its project's alert listing (unexpected.py)."""
    out: list[Target] = []
    for region, region_inventory in inventory.regions.items():
        for name, project in region_inventory.sls_projects.items():
            for alert in project.alerts:
                try:
                    out.extend(alert_targets(alert, name, region))
                except Exception as error:  # one alert's damage stays with that alert
                    unexpected.record(region, "ListAlerts", f"alert {alert.name!r}", error, name)
    return out


class TargetsByFeed:
    """Targets grouped by the feed they would watch, so binding is a lookup, not a scan of every
    target for every feed (accounts hold thousands of alerts)."""

    def __init__(self, targets: list[Target]) -> None:
        self._by_key: dict[tuple[str | None, str, str], list[Target]] = {}
        for target in targets:
            if target.store_type == "log":
                self._by_key.setdefault(target.key, []).append(target)

    def on(self, feed: Feed) -> list[Target]:
        return list(self._by_key.get(feed_key(feed), ()))
