"""An organisation scan run in-process against the emulated cloud (`cis216 invoke
events/org-timer.json`): the coordinator, then every queued worker invocation, drained from the
emulator's FC queue in order (a worker that raises is retried, as FC does), then the findings.
Every call goes through the real adapters and SDKs (wiring.py).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Protocol

from ...adapters.credentials import Credentials
from ...findings import Finding
from ...inventory import read_file
from ...organization.snapshot import load_organization
from ..bootstrap import SYSTEM_CLOCK, Clock, Cloud, MakeReadCloud, ReadAccess, bootstrap
from ..plan import ScanPlan
from . import entry, wiring
from .coordinator import CoordinatorReport, MakePorts
from .worker import WorkerReport

SAMPLE_ORGANIZATION = Path(__file__).resolve().parents[2] / "samples" / "sample-organization.json"
DRAIN_ATTEMPTS = 3  # FC's default for asynchronous invocations: the first run and two retries


# The emulator is no part of the FC package (nor of a install without the `local` extra), so what
# this runner uses of it (cis216.emulator.EmulatedCloud, its FcBackend) is typed structurally here.
class QueuedInvocation(Protocol):
    @property
    def body(self) -> bytes: ...
    @property
    def async_task_id(self) -> str | None: ...


class DrainingFc(Protocol):
    def drain(self, run: Callable[[Any], None], *, max_attempts: int = 3) -> Any: ...


class OrganizationEmulator(Protocol):
    """What of the emulated cloud an organisation run uses."""

    @property
    def fc(self) -> DrainingFc: ...

    def create_logstore(self, account: str, region: str, project: str, logstore: str) -> None: ...


def is_organization_document(document: Any) -> bool:
    return isinstance(document, dict) and document.get("kind") == "organization"


def load_organization_document(path: str | Path | None) -> dict[str, Any]:
    """The organisation snapshot (default: the bundled sample), validated by the organisation
    snapshot's own reader (an InventoryError names the JSON path)."""
    source = Path(path) if path else SAMPLE_ORGANIZATION
    load_organization(source)
    document: dict[str, Any] = json.loads(read_file(source))
    return document


def management_account(document: Mapping[str, Any]) -> str:
    return str(document["organization"]["management_account_id"])


@dataclass
class OrganizationRun:
    """What the coordinator and the workers reported."""

    coordinator: CoordinatorReport
    workers: list[WorkerReport] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # worker invocations that failed for good
    drained: Any = None  # the emulator's own account of the drain (its DrainResult)

    @property
    def findings(self) -> list[Finding]:
        """Every finding written: the coordinator's (members not queued), then each worker's."""
        coordinator = [*self.coordinator.refused, *self.coordinator.scan_errors]
        return [*coordinator, *(f for w in self.workers for f in w.findings)]


def emulated_cloud(emulated: OrganizationEmulator) -> MakeReadCloud:
    """`bootstrap` for the emulated cloud, the findings logstore created first."""

    def make_cloud(plan: ScanPlan, credentials: Credentials, clock: Clock, read: ReadAccess | None) -> Cloud:
        cloud = bootstrap(plan, credentials, clock, read)
        target = plan.target
        if target.project is not None and read is None:
            emulated.create_logstore(cloud.account_id, target.region, target.project, target.logstore)
        return cloud

    return make_cloud


def run_organization(
    emulated: OrganizationEmulator,
    event: bytes,
    environ: Mapping[str, str],
    context: Any,
    make_ports: MakePorts | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> OrganizationRun:
    """The coordinator with `environ` (MODE=organization), then every queued worker (MODE=worker);
    the real adapters (wiring.ports) unless `make_ports` says otherwise; `clock` paces retries."""
    make_ports = make_ports or wiring.ports
    make_cloud = emulated_cloud(emulated)
    coordinator = entry.run(event, context, environ, make_cloud, make_ports, clock)
    assert isinstance(coordinator, CoordinatorReport)
    result = OrganizationRun(coordinator)
    worker_environ = {**environ, "MODE": "worker"}

    errors: dict[str, str] = {}
    done: set[str] = set()

    def run_worker(invocation: QueuedInvocation) -> None:
        task = invocation.async_task_id or "?"
        worker_context = _worker_context(context, worker_environ)
        try:
            report = entry.run(invocation.body, worker_context, worker_environ, make_cloud, make_ports, clock)
        except Exception as error:  # FC retries it; what it said last is kept for the report
            errors[task] = f"{type(error).__name__}: {error}"
            raise
        assert isinstance(report, WorkerReport)
        done.add(task)
        result.workers.append(report)

    result.drained = emulated.fc.drain(run_worker, max_attempts=DRAIN_ATTEMPTS)
    result.failed = [f"{task}: {error}" for task, error in errors.items() if task not in done]
    return result


def _worker_context(context: Any, environ: Mapping[str, str]) -> Any:
    """FC's context of one worker invocation: its own request id, the worker function's name."""
    function = SimpleNamespace(
        name=environ.get("WORKER_FUNCTION") or "cis216-worker",
        timeout=getattr(context.function, "timeout", None),
    )
    return SimpleNamespace(
        request_id=str(uuid.uuid4()),
        region=getattr(context, "region", None),
        account_id=context.account_id,
        credentials=context.credentials,
        function=function,
    )
