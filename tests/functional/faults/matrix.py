"""The fault matrix: for each sample account, each API its fault-free scan called x each fault
kind of the emulator (`faults.KINDS`) x persistent / transient x scope (every call, one page of
a paged listing, one region, one project). Nothing here is hard-coded but the accounts: the APIs,
regions, projects and pages come from the fault-free run's requests.

CI runs a fixed-seed sample (`sample_cases`); the whole matrix runs with
CIS216_FULL_FAULT_MATRIX=1 (`make faults`).
"""

from __future__ import annotations

import functools
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cis216.emulator.faults import KINDS, SHAPE_KINDS, shape_applies
from tests.functional.faults.harness import FaultSpec, Outcome, RequestKey, load_accounts, run_scan

FULL = os.environ.get("CIS216_FULL_FAULT_MATRIX", "") not in ("", "0")
SEED = 216
SAMPLE_SIZE = 160
PERSISTENCE = ("persistent", "transient")
# Kinds a retry is meant to get past: a transient one must leave the fault-free result exactly.
RETRYABLE = frozenset({"throttle", "error500", "error503", "timeout", "connect_timeout", "html502"})
# Kinds that change nothing but time: the fault-free result, persistent or not.
HARMLESS = frozenset({"latency"})
ERROR_KIND_ARGUMENTS = {"code": "InvalidOperation.Unexpected", "status": 400}
# A project's listings: at most this many projects of one API get a case of their own, those the
# snapshot gives alerts or logstores first (the paged account lists 100+ empty ones).
MAX_PROJECTS = 6


@dataclass(frozen=True)
class Case:
    account: str
    api: str
    kind: str
    persistence: str
    scope: str  # every / page / region / project
    region: str | None = None
    project: str | None = None
    offset: int | None = None
    pattern: str | None = None

    @property
    def where(self) -> str:
        """The scope as the ids spell it: `every`, `region:cn-hangzhou`, `page:cn-hangzhou/p/100`."""
        place = "/".join(str(p) for p in (self.region, self.project, self.offset) if p is not None)
        return f"{self.scope}:{place}" if place else self.scope

    @property
    def id(self) -> str:
        return f"{self.account}-{self.api}-{self.kind}-{self.persistence}-{self.where}"

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE

    def spec(self) -> FaultSpec:
        scope = {k: v for k, v in (("region", self.region), ("project", self.project)) if v is not None}
        return FaultSpec(
            kind=self.kind,
            api=self.api,
            scope=scope,
            offset=self.offset,
            pattern=self.pattern,
            transient=self.persistence == "transient",
            extra=ERROR_KIND_ARGUMENTS if self.kind == "error" else {},
        )


@functools.cache
def accounts() -> dict[str, dict[str, Any]]:
    return load_accounts()


@functools.cache
def baseline(account: str) -> Outcome:
    """The fault-free scan of `account` (what every case of it is compared with)."""
    outcome = run_scan(accounts()[account])
    if outcome.report is None:
        raise AssertionError(f"the fault-free scan of {account} failed: {outcome.raised!r}")
    return outcome


# Not answers a cloud gives on their own but building blocks that need their content from the
# test (`json_body` sends `Fault.body`); the shape_* kinds are its cases the matrix runs.
PARAMETRIC_KINDS = ("json_body",)
# On PutLogs these answer 200 without storing the logs: a success no client can tell from a real
# one (a lost write by fiat), not a fault of the cloud.
STORELESS_SUCCESS_KINDS = ("malformed",)


def kinds_for(api: str) -> list[str]:
    """The kinds that can happen to `api`."""
    return [
        k
        for k in KINDS
        if shape_applies(k, api)
        and k not in PARAMETRIC_KINDS
        and not (api == "PutLogs" and k in STORELESS_SUCCESS_KINDS)
    ]


def non_shape_kinds(api: str) -> list[str]:
    return [k for k in kinds_for(api) if k not in SHAPE_KINDS]


@dataclass(frozen=True)
class Target:
    scope: str
    region: str | None = None
    project: str | None = None
    offset: int | None = None
    pattern: str | None = None

    def matches(self, key: RequestKey) -> bool:
        if self.region is not None and key.region != self.region:
            return False
        if self.project is not None and key.project != self.project:
            return False
        return self.offset is None or (key.offset, key.pattern) == (self.offset, self.pattern)


def targets(account: str, api: str) -> list[Target]:
    """Where a fault on `api` can be put, from the fault-free run's requests; a target that would
    hit exactly the requests an earlier one hits is left out (one region = every call, when the
    API was only called in one region)."""
    # Sorted: the calls run concurrently, so the order they were made in differs from run to run,
    # and the sample must not.
    keys = sorted({a.key for a in baseline(account).attempts if a.key.api == api}, key=repr)
    candidates = [Target("every")]
    candidates += [Target("region", region=r) for r in sorted(_distinct(k.region for k in keys))]
    candidates += [Target("project", project=p) for p in _projects(account, keys)]
    for region, project, pattern in _distinct((k.region, k.project, k.pattern) for k in keys):
        offsets = sorted(
            _distinct(
                k.offset for k in keys if (k.region, k.project, k.pattern) == (region, project, pattern)
            )
        )
        if len(offsets) > 1:
            candidates += [Target("page", region, project, offset, pattern) for offset in offsets]
    out: list[Target] = []
    seen: set[frozenset[RequestKey]] = set()
    for target in candidates:
        hit = frozenset(k for k in keys if target.matches(k))
        if hit and hit not in seen:
            seen.add(hit)
            out.append(target)
    return out


def answered(account: str, api: str, target: Target) -> bool:
    """Whether some request the target hits was answered 200 fault-free: a shape fault bends only
    such answers (the sample account's ListAlerts of sg-data-platform is always denied)."""
    return any(
        a.status == 200 and a.key.api == api and target.matches(a.key) for a in baseline(account).attempts
    )


def _distinct(values: Iterator[Any]) -> list[Any]:
    return [v for v in dict.fromkeys(values) if v is not None]


def _projects(account: str, keys: list[RequestKey]) -> list[str]:
    projects = sorted(_distinct(k.project for k in keys))
    if len(projects) <= MAX_PROJECTS:
        return projects
    listed = {
        name
        for region in accounts()[account]["regions"].values()
        for name, project in region.get("sls_projects", {}).items()
        if project.get("alerts") or project.get("logstores")
    }
    busy = [p for p in projects if p in listed]
    return (busy + [p for p in projects if p not in listed])[: max(MAX_PROJECTS, len(busy))]


def all_cases() -> list[Case]:
    cases: list[Case] = []
    for account in accounts():
        apis = sorted({a.key.api for a in baseline(account).attempts})
        for api in apis:
            for target in targets(account, api):
                kinds = kinds_for(api) if answered(account, api, target) else non_shape_kinds(api)
                for kind in kinds:
                    for persistence in PERSISTENCE:
                        cases.append(
                            Case(
                                account,
                                api,
                                kind,
                                persistence,
                                target.scope,
                                target.region,
                                target.project,
                                target.offset,
                                target.pattern,
                            )
                        )
    return cases


def sample_cases(cases: list[Case], size: int = SAMPLE_SIZE, seed: int = SEED) -> list[Case]:
    """A fixed-seed sample that still has every (API, kind) pair and every account x scope at least
    once, topped up at random to `size`, in matrix order."""
    chooser = random.Random(seed)
    chosen: set[Case] = set()
    for stratum in (
        lambda c: (c.api, c.kind),
        lambda c: (c.account, c.scope),
        lambda c: (c.kind, c.persistence),
    ):
        groups: dict[Any, list[Case]] = {}
        for case in cases:
            groups.setdefault(stratum(case), []).append(case)
        for key in sorted(groups, key=repr):
            if not chosen.intersection(groups[key]):
                chosen.add(chooser.choice(groups[key]))
    rest = [c for c in cases if c not in chosen]
    chosen.update(chooser.sample(rest, max(0, min(len(rest), size - len(chosen)))))
    return [c for c in cases if c in chosen]


def run_case(case: Case) -> Outcome:
    return run_scan(accounts()[case.account], case.spec())
