"""Collect the inventory snapshot: trails, SLS projects, alerts and indexes, in parallel.

The calls form a small dependency graph, and each call is submitted as soon as what it depends
on is known (no phase barriers where none is needed):

    DescribeRegions (only for SCAN_REGIONS=all)
      -> DescribeTrails per region
           -> ListProject (all pages) in each trail's SLS region, as soon as one trail names it
                -> ListAlerts (all pages) of every project listed there
                -> GetIndex of `actiontrail_<trail>` in the trail's project (strict only)
      -> after every DescribeTrails (strict, Log Audit accepted): ListProject filtered to
         `slsaudit-center-<account>-<region>` in the other scanned regions
                -> its ListAlerts, GetIndex of `actiontrail_log`

A first page tells the total; the remaining pages are then fetched in parallel. Every call goes
through `Caller` (retries, backoff with jitter, per-call timeout, the scan's deadline). A call
that still fails is recorded in its region's `errors` and the rest of the scan goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..adapters.calls import BudgetExceeded, Caller, CallError
from ..inventory import ARN_PROJECT, ARN_REGION, SNAPSHOT_VERSION
from .config import is_project_name, is_region_id
from .logs import redact

log = logging.getLogger("cis216.collector")

PAGE_SIZE = 100
CENTRAL_LOGSTORE = "actiontrail_log"
_ABSENT = object()


def central_project(account_id: str, region: str) -> str:
    """The Log Audit Service's central project of `region`."""
    return f"slsaudit-center-{account_id}-{region}"


@dataclass
class _Listing:
    """Pages of one paged list (projects of a region, alerts of a project)."""

    pages: dict[int, list[Any]] = field(default_factory=dict)
    total: int | None = None
    outstanding: int = 0
    failed: bool = False
    done: bool = False

    def items(self) -> list[Any]:
        out: list[Any] = []
        for offset in sorted(self.pages):
            out.extend(self.pages[offset])
        return out


@dataclass
class _Region:
    trails: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    projects: _Listing | None = None  # None: not listed
    central_only: bool = False  # listed with the Log Audit name filter only
    alerts: dict[str, _Listing] = field(default_factory=dict)
    indexes: dict[tuple[str, str], dict[str, Any] | None] = field(default_factory=dict)


class Collector:
    def __init__(
        self,
        actiontrail: Any,
        sls: Any,
        caller: Caller,
        account_id: str,
        *,
        profile: str = "strict",
        regions: Sequence[str] | None = None,
        home_region: str,
        max_concurrency: int = 16,
        accept_log_audit: bool = True,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self.actiontrail = actiontrail
        self.sls = sls
        self.caller = caller
        self.account_id = account_id
        self.profile = profile
        self.configured_regions = list(regions) if regions else None
        self.home_region = home_region
        self.max_concurrency = max_concurrency
        self.want_index = profile == "strict"
        self.want_central = profile == "strict" and accept_log_audit
        self.now = now
        self._regions: dict[str, _Region] = {}
        self._scan_order: list[str] = []
        self._pending: dict[Future, tuple[str, Callable[[Any], None], dict[str, Any]]] = {}
        self._trails_outstanding = 0
        self._central_started = False
        self._trails_started = False
        self._index_scheduled: set[tuple[str, str, str]] = set()
        self._alerts_scheduled: set[tuple[str, str]] = set()
        self._pool: ThreadPoolExecutor | None = None
        self._abandoned = False
        # How long past the deadline a call already in flight may still answer: each attempt's
        # timeout is cut to the time left, so a well-behaved call has ended by then.
        self.overrun_seconds = min(5.0, float(caller.call_timeout))

    # ------------------------------------------------------------------ driver

    def collect(self) -> dict[str, Any]:
        collected_at = self.now()
        pool = ThreadPoolExecutor(max_workers=self.max_concurrency, thread_name_prefix="cis216")
        try:
            self._pool = pool
            if self.configured_regions is None:
                self._region(self.home_region)
                self._submit(
                    "DescribeRegions",
                    self.home_region,
                    lambda t: self.actiontrail.describe_regions(self.home_region, t),
                    self._on_regions,
                    on_error=lambda _e: self._start_trails([self.home_region]),
                )
            else:
                self._start_trails(self.configured_regions)
            while self._pending:
                done, _ = wait(list(self._pending), timeout=self._wait_timeout(), return_when=FIRST_COMPLETED)
                if not done:  # past the deadline and its grace: calls that hang are given up on
                    self._abandon_pending()
                    break
                for future in done:
                    api, on_done, where = self._pending.pop(future)
                    on_error = where.pop("_on_error", None)
                    try:
                        result = future.result()
                    except CallError as error:
                        self._record(api, where, error)
                        if on_error is not None:
                            on_error(error)
                    except Exception as error:  # a bug or an SDK surprise: record it, keep going
                        log.exception("unexpected failure in %s", api)
                        self._record(api, where, CallError(api, type(error).__name__, str(error)[:300]))
                        if on_error is not None:
                            on_error(error)
                    else:
                        on_done(result)
                self._after_trails()
        finally:
            # Never wait for a call that outlived the deadline (a DNS lookup or a trickling answer
            # is not bounded by the per-call timeout): the scan must still evaluate and write.
            pool.shutdown(wait=not self._abandoned, cancel_futures=True)
            self._pool = None
        return self._document(collected_at)

    def _wait_timeout(self) -> float | None:
        if self.caller.deadline is None:
            return None
        left = self.caller.deadline - self.caller.clock()
        return max(0.0, left) + self.overrun_seconds

    def _abandon_pending(self) -> None:
        self._abandoned = True
        for future, (api, _on_done, where) in list(self._pending.items()):
            future.cancel()
            where.pop("_on_error", None)
            self._record(
                api,
                where,
                BudgetExceeded(
                    api,
                    "ScanBudgetExceeded",
                    "no answer before the scan's time budget ran out; the call was given up",
                    attempts=1,
                ),
            )
        self._pending.clear()

    def _submit(
        self,
        api: str,
        region: str,
        fn: Callable[[float], Any],
        on_done: Callable[[Any], None],
        project: str | None = None,
        logstore: str | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        assert self._pool is not None
        future = self._pool.submit(self.caller.call, api, fn)
        where = {"region": region, "project": project, "logstore": logstore, "_on_error": on_error}
        self._pending[future] = (api, on_done, where)

    def _record(self, api: str, where: dict[str, Any], error: CallError) -> None:
        entry: dict[str, Any] = {
            "api": api,
            "project": where.get("project"),
            "logstore": where.get("logstore"),
            "code": error.code,
            "message": redact(error.message or ""),
        }
        if error.status:
            entry["status"] = error.status
        entry["attempts"] = error.attempts
        self._region(where["region"]).errors.append(entry)
        log.warning(
            "call failed",
            extra={
                "api": api,
                "region": where["region"],
                "project": where.get("project"),
                "logstore": where.get("logstore"),
                "code": error.code,
                "error_message": error.message,
                "attempts": error.attempts,
            },
        )

    def _region(self, region: str) -> _Region:
        if region not in self._regions:
            self._regions[region] = _Region()
        return self._regions[region]

    # ------------------------------------------------------------------ regions and trails

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
            self._region(self.home_region).errors.append(
                {"api": "DescribeRegions", "project": None, "logstore": None,
                 "code": "MalformedResponse", "message": redact(what)}
            )  # fmt: skip
            log.warning("DescribeRegions answer not fully usable", extra={"detail": redact(what)})
        self._start_trails(valid or [self.home_region])

    def _start_trails(self, regions: Sequence[str]) -> None:
        self._trails_started = True
        for region in regions:
            if region in self._scan_order:
                continue
            self._scan_order.append(region)
            self._region(region)
            self._trails_outstanding += 1
            self._submit(
                "DescribeTrails",
                region,
                lambda t, r=region: self.actiontrail.describe_trails(r, t),
                lambda trails, r=region: self._on_trails(r, trails),
                on_error=lambda _e: self._trail_done(),
            )

    def _trail_done(self) -> None:
        self._trails_outstanding -= 1

    def _on_trails(self, region: str, trails: list[dict[str, Any]]) -> None:
        self._trail_done()
        self._region(region).trails = trails
        for trail in trails:
            target = self._trail_target(trail)
            if target is not None:
                self._list_projects(target[0], central_only=False)
        self._schedule_indexes()

    @staticmethod
    def _trail_target(trail: dict[str, Any]) -> tuple[str, str] | None:
        """(SLS region, project) of a trail delivering to SLS; None when absent or unusable in a hostname."""
        arn = trail.get("SlsProjectArn")
        if not isinstance(arn, str) or not arn:
            return None
        region_match, project_match = ARN_REGION.search(arn), ARN_PROJECT.search(arn)
        if not region_match or not is_region_id(region_match.group(1)):
            return None
        project = project_match.group(1) if project_match else None
        if project is not None and not is_project_name(project):
            project = None
        return region_match.group(1), project or ""

    def _after_trails(self) -> None:
        """Once every DescribeTrails answered: look for Log Audit central projects elsewhere."""
        if (
            self._central_started
            or not self._trails_started
            or self._trails_outstanding > 0
            or not self.want_central
        ):
            return
        self._central_started = True
        for region in self._scan_order:
            if self._region(region).projects is None:
                self._list_projects(region, central_only=True)

    # ------------------------------------------------------------------ SLS projects

    def _list_projects(self, region: str, central_only: bool) -> None:
        state = self._region(region)
        if state.projects is not None:
            return
        state.projects = _Listing()
        state.central_only = central_only
        pattern = central_project(self.account_id, region) if central_only else None
        self._fetch_pages(
            state.projects,
            "ListProject",
            region,
            lambda offset, t: self.sls.list_projects(region, offset, PAGE_SIZE, t, name_pattern=pattern),
            settled=lambda: self._listing_settled(region),
        )

    def _fetch_pages(
        self,
        listing: _Listing,
        api: str,
        region: str,
        fetch: Callable[[int, float], tuple[list[Any], int]],
        offset: int = 0,
        settled: Callable[[], None] | None = None,
        project: str | None = None,
    ) -> None:
        """One page of a paged listing (projects of a region, alerts of a project). The first page
        tells the total, and the remaining pages are then fetched in parallel. `settled` runs after
        each page is answered or has failed, to see whether the listing is complete."""
        listing.outstanding += 1

        def after() -> None:
            if settled is not None:
                settled()

        def failed(_error: BaseException) -> None:
            listing.outstanding -= 1
            listing.failed = True
            after()

        def done(answer: tuple[list[Any], int]) -> None:
            items, total = answer
            listing.outstanding -= 1
            listing.pages[offset] = items
            if offset == 0:
                listing.total = total
                for next_offset in range(PAGE_SIZE, total, PAGE_SIZE):
                    self._fetch_pages(listing, api, region, fetch, next_offset, settled, project)
            after()

        self._submit(api, region, lambda t: fetch(offset, t), done, project=project, on_error=failed)

    def _listing_settled(self, region: str) -> None:
        state = self._region(region)
        listing = state.projects
        if listing is None or listing.outstanding > 0 or listing.done:
            return
        listing.done = True
        for project in self._listed_projects(region):
            self._list_alerts(region, project)
        self._schedule_indexes()

    def _listed_projects(self, region: str) -> list[str]:
        state = self._region(region)
        if state.projects is None:
            return []
        names: list[str] = []
        for name in state.projects.items():
            if not is_project_name(name) or name in names:
                continue
            if state.central_only and name != central_project(self.account_id, region):
                continue
            names.append(name)
        return names

    # ------------------------------------------------------------------ alerts

    def _list_alerts(self, region: str, project: str) -> None:
        if (region, project) in self._alerts_scheduled:
            return
        self._alerts_scheduled.add((region, project))
        listing = self._region(region).alerts[project] = _Listing()
        self._fetch_pages(
            listing,
            "ListAlerts",
            region,
            lambda offset, t: self.sls.list_alerts(region, project, offset, PAGE_SIZE, t),
            project=project,
        )

    # ------------------------------------------------------------------ indexes

    def _index_targets(self) -> list[tuple[str, str, str]]:
        targets: list[tuple[str, str, str]] = []
        for region in self._scan_order:
            for trail in self._region(region).trails:
                target = self._trail_target(trail)
                if target and target[1]:
                    targets.append((target[0], target[1], f"actiontrail_{trail['Name']}"))
        if self.want_central:
            for region, state in self._regions.items():
                central = central_project(self.account_id, region)
                if (
                    state.projects is not None
                    and state.projects.done
                    and central in self._listed_projects(region)
                ):
                    targets.append((region, central, CENTRAL_LOGSTORE))
        return targets

    def _schedule_indexes(self) -> None:
        if not self.want_index:
            return
        for region, project, logstore in self._index_targets():
            key = (region, project, logstore)
            if key in self._index_scheduled:
                continue
            state = self._regions.get(region)
            if state is None or state.projects is None or not state.projects.done:
                continue  # scheduled when the listing of that region settles
            if project not in self._listed_projects(region):
                continue  # no such project here (or listing failed: that error is recorded)
            self._index_scheduled.add(key)
            self._submit(
                "GetIndex",
                region,
                lambda t, k=key: self._get_index(k, t),
                lambda answer, k=key: self._on_index(k, answer),
                project=project,
                logstore=logstore,
            )

    def _get_index(self, key: tuple[str, str, str], timeout: float) -> Any:
        try:
            return self.sls.get_index(key[0], key[1], key[2], timeout)
        except CallError as error:
            if error.code == "LogStoreNotExist":  # a fact (the trail's logstore is gone), not a failure
                return _ABSENT
            raise

    def _on_index(self, key: tuple[str, str, str], answer: Any) -> None:
        if answer is not _ABSENT:
            self._region(key[0]).indexes[(key[1], key[2])] = answer

    # ------------------------------------------------------------------ the document

    def _document(self, collected_at: datetime) -> dict[str, Any]:
        order = list(self._scan_order) + [r for r in self._regions if r not in self._scan_order]
        regions: dict[str, Any] = {}
        for region in order:
            state = self._regions[region]
            projects: dict[str, Any] = {}
            for project in self._listed_projects(region):
                listing = state.alerts.get(project)
                alerts: list[dict[str, Any]] = []
                seen: set[str] = set()
                for alert in listing.items() if listing else []:
                    if alert.get("name") not in seen:
                        seen.add(alert.get("name"))
                        alerts.append(alert)
                logstores = {
                    logstore: {"index": index}
                    for (p, logstore), index in sorted(state.indexes.items())
                    if p == project
                }
                projects[project] = {"alerts": alerts, "logstores": logstores}
            # In a stable order, not the order the threads happened to fail in: finding ids number
            # repeats of one resource in order, and a retried scan must give the same ids.
            errors = sorted(state.errors, key=_error_order)
            regions[region] = {"trails": state.trails, "sls_projects": projects, "errors": errors}
        return {
            "version": SNAPSHOT_VERSION,
            "account_id": self.account_id,
            "collected_at": collected_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "regions": regions,
        }


def _error_order(entry: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(entry.get(key) or "") for key in ("api", "project", "logstore", "code", "message"))
