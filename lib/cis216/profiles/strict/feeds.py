"""Feeds: the places ActionTrail events land in SLS, where an alert can watch them.

A trail that covers all regions is listed by DescribeTrails in every region ("shadow" copies);
it is one trail and one feed, so copies are merged by identity before anything is judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ...aliyun import LOG_AUDIT_LOGSTORE, LOG_AUDIT_PROJECT
from ...inventory import Inventory, SlsProject, Trail, TrailStatus
from ...settings import Settings
from . import codes
from .delivery import delivery_failure
from .unexpected import Unexpected

ARN_ACCOUNT = re.compile(r"acs:log:[^:]*:([^:]+):")


@dataclass(frozen=True)
class Feed:
    """A logstore that receives ActionTrail events."""

    kind: Literal["trail", "log_audit"]
    name: str  # the trail's name, or the Log Audit project
    project: str
    region: str
    logstore: str
    gaps: tuple[str, ...] = ()  # TRAIL_NOT_ALL_REGIONS / TRAIL_NOT_ALL_EVENTS
    accepted: bool = True  # False: a Log Audit feed while settings.accept_log_audit is off
    other_account: str | None = None  # the ARN names another account's project
    # A trail's feed: the home region whose GetTrailStatus says it delivers (reads.status_read).
    status_region: str | None = None

    @property
    def complete(self) -> bool:
        return not self.gaps

    @property
    def can_cover_account(self) -> bool:
        """Can an effective alert on this feed alone make the account ok?"""
        return self.complete and self.accepted and self.other_account is None

    @property
    def label(self) -> str:
        return f"{self.project}/{self.logstore} ({self.region})"


@dataclass
class TrailView:
    """One trail, however many regions list it."""

    trail: Trail
    listed_in: list[str] = field(default_factory=list)
    # TRAIL_NOT_ENABLED / TRAIL_NOT_DELIVERING_TO_SLS / TRAIL_DELIVERY_FAILING
    problems: list[str] = field(default_factory=list)
    feed: Feed | None = None
    delivery_failure: str | None = None  # why its events do not reach SLS (TRAIL_DELIVERY_FAILING)

    @property
    def home_region(self) -> str:
        return self.trail.home_region or self.trail.region or self.listed_in[0]


def _trail_key(trail: Trail, listed_region: str) -> tuple[str, str, bool]:
    home = trail.home_region or trail.region or listed_region
    return (trail.name, home, bool(trail.is_organization_trail))


def _is_home_copy(trail: Trail, listed_region: str) -> bool:
    return (trail.home_region or trail.region) == listed_region and not trail.is_shadow_trail


def find_trails(inventory: Inventory, unexpected: Unexpected) -> list[TrailView]:
    """One view per trail; a trail that cannot be classified is set aside as an unreadable item of
    its DescribeTrails answer (unexpected.py)."""
    views: dict[tuple[str, str, bool], TrailView] = {}
    for region, region_inventory in inventory.regions.items():
        for trail in region_inventory.trails:
            key = _trail_key(trail, region)
            view = views.get(key)
            if view is None:
                views[key] = TrailView(trail=trail, listed_in=[region])
                continue
            view.listed_in.append(region)
            # The copy listed in the trail's home region is the authoritative one.
            if _is_home_copy(trail, region) and not _is_home_copy(view.trail, view.listed_in[0]):
                view.trail = trail
    classified = []
    for view in views.values():
        try:
            _classify(view, inventory.account_id, _status(inventory, view))
        except Exception as error:  # one trail's damage stays with that trail
            unexpected.record(view.listed_in[0], "DescribeTrails", f"trail {view.trail.name!r}", error)
            continue
        classified.append(view)
    return sorted(classified, key=lambda v: (v.home_region, v.trail.name))


def _status(inventory: Inventory, view: TrailView) -> TrailStatus | None:
    """The trail's GetTrailStatus, read in its home region; None when the snapshot has none (not
    checked: an older snapshot, or a failed read, which reads.py makes the verdict's SCAN_ERROR)."""
    home = inventory.regions.get(view.home_region)
    return home.trail_status.get(view.trail.name) if home is not None else None


def _classify(view: TrailView, account_id: str, status: TrailStatus | None) -> None:
    trail = view.trail
    if (trail.status or "").strip().lower() != "enable":
        view.problems.append(codes.TRAIL_NOT_ENABLED)
    if not trail.sls_project or not trail.sls_region:
        view.problems.append(codes.TRAIL_NOT_DELIVERING_TO_SLS)
    if not view.problems and status is not None:
        view.delivery_failure = delivery_failure(status)
        if view.delivery_failure is not None:
            view.problems.append(codes.TRAIL_DELIVERY_FAILING)
    if view.problems:
        return
    gaps = []
    if (trail.trail_region or "").strip().lower() != "all":
        gaps.append(codes.TRAIL_NOT_ALL_REGIONS)
    if (trail.event_rw or "").strip().lower() != "all":
        gaps.append(codes.TRAIL_NOT_ALL_EVENTS)
    arn_account = ARN_ACCOUNT.search(trail.sls_project_arn or "")
    other = arn_account.group(1) if arn_account and arn_account.group(1) != account_id else None
    view.feed = Feed(
        kind="trail",
        name=trail.name,
        project=trail.sls_project or "",
        region=trail.sls_region or "",
        logstore=trail.logstore,
        gaps=tuple(gaps),
        other_account=other,
        status_region=view.home_region,
    )


def find_log_audit_feeds(inventory: Inventory, settings: Settings, unexpected: Unexpected) -> list[Feed]:
    """Log Audit's central project `slsaudit-center-<this account>-<its region>`, listed in that
    region; a project that cannot be looked at is set aside as an unreadable item of ListProject."""
    feeds = []
    for region, region_inventory in inventory.regions.items():
        for name, project in region_inventory.sls_projects.items():
            try:
                feed = _log_audit_feed(inventory.account_id, region, name, project, settings)
            except Exception as error:  # one project's damage stays with that project
                unexpected.record(region, "ListProject", f"project {name!r}", error, name)
                continue
            if feed is not None:
                feeds.append(feed)
    return feeds


def _log_audit_feed(
    account_id: str, region: str, name: str, project: SlsProject, settings: Settings
) -> Feed | None:
    match = LOG_AUDIT_PROJECT.fullmatch(name)
    if not match or match.group("account") != account_id or match.group("region") != region:
        return None
    # An empty listing says nothing (the collector may not list logstores); a listing
    # without actiontrail_log says ActionTrail collection is off in Log Audit.
    if project.logstores and LOG_AUDIT_LOGSTORE not in project.logstores:
        return None
    return Feed(
        kind="log_audit",
        name=name,
        project=name,
        region=region,
        logstore=LOG_AUDIT_LOGSTORE,
        accepted=settings.accept_log_audit,
    )
