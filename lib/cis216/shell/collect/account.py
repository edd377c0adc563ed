"""The account's call plan: trails, SLS projects, alerts and indexes, each call as soon as it can be made.

The calls form a small dependency graph, and each call is submitted as soon as what it depends on is
known (no phase barriers where none is needed):

    DescribeRegions (only for SCAN_REGIONS=all)
      -> DescribeTrails per region
           -> GetTrailStatus of each enabled trail delivering to SLS, once per trail, in its home
              region (strict only: a trail that stopped logging or delivering feeds no alert)
           -> ListProject (all pages) in each trail's SLS region, as soon as one trail names it
                -> ListAlerts (all pages) of every project listed there
                -> GetIndex of `actiontrail_<trail>` in the trail's project (strict only)
      -> after every DescribeTrails (strict, Log Audit accepted): ListProject filtered to
         `slsaudit-center-<account>-<region>` in the other scanned regions
                -> its ListAlerts, GetIndex of `actiontrail_log`

Each answer is typed as it arrives (answers.py). A call that still fails after the Caller's retries
is recorded in its region's errors, and the rest of the scan goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any, Protocol

from ...adapters.calls import Caller, CallError
from ...aliyun import (
    LOG_AUDIT_LOGSTORE,
    SLS_PAGE_SIZE,
    is_project_name,
    is_region_id,
    log_audit_project,
    trail_logstore,
)
from ...inventory import Logstore, ScanError, Trail, TrailStatus
from ..logs import redact
from .answers import AlertAnswer, AnswerReader
from .collected import Collected, RegionAnswers, assemble
from .graph import CallGraph, Where
from .paging import Listing, fetch_all

log = logging.getLogger("cis216.collector")


class ActionTrail(Protocol):
    """What the plan asks ActionTrail (adapters/actiontrail.py); each call raises CallError, also for
    an answer of the wrong shape. The items of a list are as answered: the reader types each one."""

    def describe_regions(self, region: str, timeout: float) -> list[str]: ...
    def describe_trails(self, region: str, timeout: float) -> list[Any]: ...
    def get_trail_status(
        self, region: str, name: str, timeout: float, *, organization: bool = False
    ) -> dict[str, Any]: ...


class Sls(Protocol):
    """What the plan asks SLS (adapters/sls.py); each call raises CallError, also for an answer of
    the wrong shape (a page without its list, or whose count or total disagrees with it)."""

    def list_projects(
        self, region: str, offset: int, size: int, timeout: float, name_pattern: str | None = None
    ) -> tuple[list[str], int]: ...
    def list_alerts(
        self, region: str, project: str, offset: int, size: int, timeout: float
    ) -> tuple[list[Any], int]: ...
    def get_index(
        self, region: str, project: str, logstore: str, timeout: float
    ) -> dict[str, Any] | None: ...


def collect_account(
    actiontrail: ActionTrail,
    sls: Sls,
    caller: Caller,
    account_id: str,
    *,
    profile: str = "strict",
    regions: Sequence[str] | None = None,
    home_region: str,
    max_concurrency: int = 16,
    accept_log_audit: bool = True,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    grace_seconds: float | None = None,
) -> Collected:
    """Collect the account's trails, SLS projects, alerts and indexes. `regions`: None (or empty) asks
    DescribeRegions; `grace_seconds`: how long past the deadline a call in flight may still answer
    (default: the per-call timeout, at most 5 s)."""
    collected_at = now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    graph = CallGraph(caller, max_concurrency=max_concurrency, grace_seconds=grace_seconds)
    plan = AccountPlan(
        graph,
        actiontrail,
        sls,
        AnswerReader(account_id, collected_at),
        account_id=account_id,
        home_region=home_region,
        want_index=profile == "strict",
        want_trail_status=profile == "strict",
        want_log_audit=profile == "strict" and accept_log_audit,
    )
    graph.run(lambda: plan.start(regions))
    return assemble(account_id, collected_at, plan.regions_in_order(), graph.failures)


class AccountPlan:
    """Which call follows which answer. Runs in the graph's thread only (see graph.py)."""

    def __init__(
        self,
        graph: CallGraph,
        actiontrail: ActionTrail,
        sls: Sls,
        reader: AnswerReader,
        *,
        account_id: str,
        home_region: str,
        want_index: bool,
        want_log_audit: bool,
        want_trail_status: bool = False,
    ) -> None:
        self.graph = graph
        self.actiontrail = actiontrail
        self.sls = sls
        self.reader = reader
        self.account_id = account_id
        self.home_region = home_region
        self.want_index = want_index
        self.want_log_audit = want_log_audit
        self.want_trail_status = want_trail_status
        self.regions: dict[str, RegionAnswers] = {}  # in the order they were first touched
        self.scan_order: list[str] = []
        self._trails_pending: set[str] = set()

    def start(self, regions: Sequence[str] | None) -> None:
        if regions:
            self._describe_trails(regions)
        else:
            self._describe_regions()

    def region(self, region: str) -> RegionAnswers:
        if region not in self.regions:
            self.regions[region] = RegionAnswers(log_audit_project(self.account_id, region))
        return self.regions[region]

    def regions_in_order(self) -> list[tuple[str, RegionAnswers]]:
        """The scanned regions in scan order, then the others (trails' SLS regions) as first touched."""
        order = [*self.scan_order, *(r for r in self.regions if r not in self.scan_order)]
        order += [r for r in self.graph.failed_regions() if r not in order]
        return [(region, self.region(region)) for region in order]

    # ------------------------------------------------------------------ regions and trails

    def _describe_regions(self) -> None:
        home = self.home_region
        self.region(home)
        self.graph.submit(
            "DescribeRegions",
            Where(home),
            lambda timeout: self.actiontrail.describe_regions(home, timeout),
            then=self._on_regions,
            on_error=lambda _error: self._describe_trails([home]),
        )

    def _on_regions(self, regions: list[str]) -> None:
        valid = [r for r in regions if is_region_id(r)]
        ignored = [r for r in regions if not is_region_id(r)]
        if ignored or not valid:
            # A narrower scan than asked for must say so: recorded like a failed call, so the
            # verdict cannot read "no trail there" from regions that were never listed.
            what = f"ignored region ids of an unexpected shape: {ignored[:10]!r}" if ignored else ""
            if not valid:
                fallback = f"no usable region id, so only {self.home_region} was scanned"
                what = f"{what}; {fallback}" if what else fallback
            unusable = ScanError(api="DescribeRegions", code="MalformedResponse", message=redact(what))
            self.graph.record(Where(self.home_region), unusable)
            log.warning("DescribeRegions answer not fully usable", extra={"detail": redact(what)})
        self._describe_trails(valid or [self.home_region])

    def _describe_trails(self, regions: Sequence[str]) -> None:
        for region in regions:
            if region not in self.scan_order:
                self.scan_order.append(region)
                self.region(region)
                self._trails_pending.add(region)
                self._describe_trails_in(region)

    def _describe_trails_in(self, region: str) -> None:
        def trails(timeout: float) -> list[Trail | ScanError]:
            return self.reader.trails(region, self.actiontrail.describe_trails(region, timeout))

        self.graph.submit(
            "DescribeTrails",
            Where(region),
            trails,
            then=lambda answer: self._on_trails(region, answer),
            on_error=lambda _error: self._trails_settled(region),
        )

    def _on_trails(self, region: str, trails: list[Trail | ScanError]) -> None:
        self.region(region).trails = trails
        for trail in self.region(region).readable_trails():
            target = delivery_target(trail)
            if target is not None:
                self._list_projects(target[0])
                self._get_trail_status(region, trail)
        self._get_indexes()
        self._trails_settled(region)

    def _trails_settled(self, region: str) -> None:
        self._trails_pending.discard(region)
        if not self._trails_pending and self.want_log_audit:
            self.graph.once("Log Audit", self._look_for_log_audit)

    def _look_for_log_audit(self) -> None:
        """Every DescribeTrails has answered: look for Log Audit's central project in the scanned
        regions no trail delivers to (where a trail does, the full listing shows it)."""
        for region in self.scan_order:
            self._list_projects(region, log_audit_only=True)

    def _get_trail_status(self, listed_region: str, trail: Trail) -> None:
        """GetTrailStatus of an enabled trail, once per identity (name, home region, organization),
        however many regions list it, asked in its home region."""
        if not self.want_trail_status or (trail.status or "").strip().lower() != "enable":
            return
        home = trail.home_region or trail.region or listed_region
        organization = bool(trail.is_organization_trail)
        key = ("GetTrailStatus", home, trail.name, organization)
        self.graph.once(key, self._submit_trail_status, home, trail.name, organization)

    def _submit_trail_status(self, home: str, name: str, organization: bool) -> None:
        def status(timeout: float) -> TrailStatus | ScanError:
            answer = self.actiontrail.get_trail_status(home, name, timeout, organization=organization)
            return self.reader.trail_status(home, name, answer)

        def answered(read: TrailStatus | ScanError) -> None:
            self.region(home).trail_status[name] = read

        self.graph.submit("GetTrailStatus", Where(home), status, then=answered)

    # ------------------------------------------------------------------ SLS projects and alerts

    def _list_projects(self, region: str, log_audit_only: bool = False) -> None:
        """All projects of `region` (or only its Log Audit central project); the first ask wins."""
        self.graph.once(("ListProject", region), self._start_listing_projects, region, log_audit_only)

    def _start_listing_projects(self, region: str, log_audit_only: bool) -> None:
        answers = self.region(region)
        answers.log_audit_only = log_audit_only
        pattern = answers.log_audit_project if log_audit_only else None

        def page(offset: int, timeout: float) -> tuple[list[str], int]:
            return self.sls.list_projects(region, offset, SLS_PAGE_SIZE, timeout, name_pattern=pattern)

        answers.projects = fetch_all(
            self.graph, "ListProject", Where(region), page, then=lambda _listing: self._on_projects(region)
        )

    def _on_projects(self, region: str) -> None:
        for project in self.region(region).listed_projects():
            self.graph.once(("ListAlerts", region, project), self._list_alerts, region, project)
        self._get_indexes()

    def _list_alerts(self, region: str, project: str) -> None:
        def page(offset: int, timeout: float) -> tuple[list[AlertAnswer], int]:
            items, total = self.sls.list_alerts(region, project, offset, SLS_PAGE_SIZE, timeout)
            return self.reader.alerts(region, project, items), total

        listing: Listing[AlertAnswer] = fetch_all(self.graph, "ListAlerts", Where(region, project), page)
        self.region(region).alerts[project] = listing

    # ------------------------------------------------------------------ indexes

    def _get_indexes(self) -> None:
        """GetIndex of every logstore found so far whose project is known to be there."""
        if not self.want_index:
            return
        for region, project, logstore in self._index_targets():
            answers = self.regions.get(region)
            if answers is None or not answers.projects_complete():
                continue  # asked when the listing of that region is complete
            if project not in answers.listed_projects():
                continue  # no such project here (or its listing failed: that error is recorded)
            key = ("GetIndex", region, project, logstore)
            self.graph.once(key, self._get_index, region, project, logstore)

    def _index_targets(self) -> list[tuple[str, str, str]]:
        """(region, project, logstore) of each trail's logstore and each Log Audit central logstore."""
        targets: list[tuple[str, str, str]] = []
        for region in self.scan_order:
            for trail in self.region(region).readable_trails():
                target = delivery_target(trail)
                if target is not None and target[1] is not None:
                    targets.append((target[0], target[1], trail_logstore(trail.name)))
        if self.want_log_audit:
            for region, answers in self.regions.items():
                if answers.projects_complete() and answers.log_audit_project in answers.listed_projects():
                    targets.append((region, answers.log_audit_project, LOG_AUDIT_LOGSTORE))
        return targets

    def _get_index(self, region: str, project: str, logstore: str) -> None:
        def get(timeout: float) -> Logstore | ScanError | None:
            try:
                answer = self.sls.get_index(region, project, logstore, timeout)
            except CallError as error:
                if error.code == "LogStoreNotExist":  # a fact (the trail's logstore is gone), not a failure
                    return None
                raise
            return self.reader.index(region, project, logstore, answer)

        def answered(store: Logstore | ScanError | None) -> None:
            if store is not None:
                self.region(region).indexes[(project, logstore)] = store

        self.graph.submit("GetIndex", Where(region, project, logstore), get, then=answered)


def delivery_target(trail: Trail) -> tuple[str, str | None] | None:
    """(SLS region, project) a trail delivers to, read from its SlsProjectArn as both profiles read it
    (`Trail.sls_region`, `Trail.sls_project`: Steampipe's first match); None without a region usable
    in a hostname, and the project None when it is not usable in one.

    Not `aliyun.SlsProjectArn.parse`: it also wants the whole text to be the ARN, a usable project and a
    numeric (or empty) account, so trails the profiles still match (the powerpipe profile by SLS region
    alone) would no longer be followed, and their alerts would be missing from the snapshot."""
    region, project = trail.sls_region, trail.sls_project
    if region is None or not is_region_id(region):
        return None
    return region, project if project is not None and is_project_name(project) else None
