"""Reading the findings store, making a plan's changes, and checking they took.

"Already exists" is handled as SLS answers it (reference, section 1):
- `ProjectAlreadyExist`: project names are unique per region across all accounts, so GetProject
  decides; `ProjectNotExist` or a 403 there means another account holds the name (`NameTaken`);
- `LogStoreAlreadyExist` (any case): made meanwhile, or by a create that timed out and was retried;
- `IndexAlreadyExist`: read it, merge ours in, update when that adds anything;
- a dashboard that exists is updated, one that vanished is created;
- right after CreateLogStore, SLS may answer `LogStoreNotExist` for a while: retried for a bounded
  time (`Patience`, its clock and sleep injectable).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from ..adapters.calls import CallError
from ..adapters.store import GetLogStoreAnswer, GetProjectAnswer, is_already_there
from . import index as indexes
from .plan import DESCRIPTION, Change, Current, LogstoreState, Plan, StoreSpec, plan

T = TypeVar("T")


class SetupError(RuntimeError):
    """The store could not be set up; the message says why and what to do."""


class NameTaken(SetupError):
    pass


class Store(Protocol):
    """What setup calls (adapters/store.py's StoreAdapter)."""

    def get_project(self, project: str) -> GetProjectAnswer | None: ...
    def get_logstore(self, project: str, logstore: str) -> GetLogStoreAnswer | None: ...
    def get_index(self, project: str, logstore: str) -> dict[str, Any] | None: ...
    def get_dashboard(self, project: str, name: str) -> dict[str, Any] | None: ...
    def create_project(self, project: str, description: str) -> None: ...
    def create_logstore(self, project: str, logstore: str, ttl: int, shards: int) -> None: ...
    def create_index(self, project: str, logstore: str, index: dict[str, Any]) -> None: ...
    def update_index(self, project: str, logstore: str, index: dict[str, Any]) -> None: ...
    def create_dashboard(self, project: str, dashboard: dict[str, Any]) -> None: ...
    def update_dashboard(self, project: str, dashboard: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class Patience:
    """How long a logstore just created may stay invisible (SLS's own copy code waits 60 s)."""

    seconds: float = 60.0
    step: float = 2.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    def until_visible(self, what: Callable[[], T]) -> T:
        """`what()`, again while it fails with LogStoreNotExist, until `seconds` have passed."""
        give_up = self.clock() + self.seconds
        while True:
            try:
                return what()
            except CallError as error:
                if error.code.lower() != "logstorenotexist":
                    raise
                if self.clock() + self.step > give_up:
                    raise SetupError(
                        f"{error}; still so {self.seconds:g} s after the logstore was created (SLS shows a new "
                        "logstore within seconds: run setup again, or check it in the console)"
                    ) from None
            self.sleep(self.step)


def taken_message(spec: StoreSpec) -> str:
    return (
        f"the SLS project name {spec.project} is taken in {spec.region} by another Alibaba Cloud account "
        "(project names are unique per region across all accounts): choose another with --project, "
        "e.g. one that ends with your account id"
    )


def read_current(store: Store, spec: StoreSpec, patience: Patience | None = None) -> Current:
    """The store as SLS has it. With `patience`, a logstore that is not there yet is waited for
    (after setup made it, SLS may not show it at once)."""
    try:
        project = store.get_project(spec.project)
    except CallError as error:
        if error.status == 403:
            raise SetupError(
                f"cannot read project {spec.project} ({error}): either the credentials lack "
                f"log:GetProject, or {taken_message(spec)}"
            ) from None
        raise
    if project is None:
        return Current(project=False)
    found = store.get_logstore(spec.project, spec.logstore)
    if found is None and patience is not None:
        found = patience.until_visible(lambda: _visible_logstore(store, spec))
    if found is None:
        return Current(project=True)
    logstore = LogstoreState(found.ttl, found.shard_count)

    def read_index() -> dict[str, Any] | None:
        return store.get_index(spec.project, spec.logstore)

    index = patience.until_visible(read_index) if patience is not None else read_index()
    return Current(True, logstore, index, store.get_dashboard(spec.project, spec.dashboard))


def _visible_logstore(store: Store, spec: StoreSpec) -> GetLogStoreAnswer:
    found = store.get_logstore(spec.project, spec.logstore)
    if found is None:
        raise CallError("GetLogStore", "LogStoreNotExist", f"logstore {spec.logstore} is not visible yet")
    return found


def apply(changes: Plan, store: Store, patience: Patience) -> list[str]:
    """Make the plan's changes in order; what was done, one line each."""
    done = []
    for change in changes.changes:
        done.append(_make(change, changes.spec, store, patience))
    return done


def _make(change: Change, spec: StoreSpec, store: Store, patience: Patience) -> str:
    if change.api == "CreateProject":
        return _create_project(spec, store)
    if change.api == "CreateLogStore":
        try:
            store.create_logstore(spec.project, spec.logstore, spec.retention_days, spec.shards)
        except CallError as error:
            if not is_already_there(error):
                raise
            return f"logstore {spec.logstore} already existed"
        return f"created logstore {spec.logstore}"
    if change.api in ("CreateIndex", "UpdateIndex"):
        assert change.body is not None
        body = change.body
        return patience.until_visible(lambda: _put_index(change.api, body, spec, store))
    if change.api in ("CreateDashboard", "UpdateDashboard"):
        assert change.body is not None
        return _put_dashboard(change.api, change.body, spec, store)
    raise ValueError(f"unknown change {change.api}")


def _create_project(spec: StoreSpec, store: Store) -> str:
    try:
        store.create_project(spec.project, DESCRIPTION)
    except CallError as error:
        if not is_already_there(error):
            raise
        try:
            mine = store.get_project(spec.project)
        except CallError as denied:
            if denied.status != 403:
                raise
            mine = None
        if mine is None:
            raise NameTaken(taken_message(spec)) from None
        return f"project {spec.project} already existed (yours)"
    return f"created project {spec.project}"


def _put_index(api: str, body: dict[str, Any], spec: StoreSpec, store: Store) -> str:
    if api == "UpdateIndex":
        store.update_index(spec.project, spec.logstore, body)
        return f"updated the index of {spec.logstore} (your keys kept)"
    try:
        store.create_index(spec.project, spec.logstore, body)
    except CallError as error:
        if not is_already_there(error):
            raise
        current = store.get_index(spec.project, spec.logstore) or {}
        merged = indexes.merged(current, body)
        if merged == indexes.configuration(current):
            return f"the index of {spec.logstore} already existed with every key"
        store.update_index(spec.project, spec.logstore, merged)
        return f"the index of {spec.logstore} already existed: merged ours into it"
    return f"created the index of {spec.logstore}"


def _put_dashboard(api: str, body: dict[str, Any], spec: StoreSpec, store: Store) -> str:
    if api == "UpdateDashboard":
        try:
            store.update_dashboard(spec.project, body)
        except CallError as error:
            if "notexist" not in error.code.lower():
                raise
            store.create_dashboard(spec.project, body)
            return f"created dashboard {spec.dashboard}"
        return f"updated dashboard {spec.dashboard}"
    try:
        store.create_dashboard(spec.project, body)
    except CallError as error:
        if not is_already_there(error):
            raise
        store.update_dashboard(spec.project, body)
        return f"dashboard {spec.dashboard} already existed: updated"
    return f"created dashboard {spec.dashboard}"


def verify(store: Store, spec: StoreSpec, patience: Patience) -> Plan:
    """Re-read everything and plan again: after a successful apply, nothing is left to change."""
    return plan(spec, read_current(store, spec, patience))
