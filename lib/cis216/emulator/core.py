"""EmulatedCloud: the state of every emulated service, and the HTTP entry point.

Active as a context manager: a ``responses.RequestsMock`` intercepts every request made
through ``requests`` (which all the SDKs use), routes it to a service, verifies its
signature, applies faults, records the call and answers. A request nobody emulates raises
UnemulatedRequest naming method, URL and action, and is kept in ``cloud.unemulated``.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from unittest import mock

import requests
import responses

from ..organization.snapshot import OrganizationSnapshot, parse_organization
from .actiontrail.backend import ActionTrailBackend
from .actiontrail.urls import SERVICE as ACTIONTRAIL
from .auth import AuthFailure
from .context import CallContext
from .credentials import DEFAULT_CREDENTIALS, Credentials, CredentialStore
from .errors import ServiceError, UnemulatedRequest
from .faults import SHAPE_KINDS, TRANSPORT_KINDS, Fault, FaultPlan, reshaped, transport_error
from .fc.backend import FcBackend
from .fc.urls import SERVICE as FC
from .http import Answer, EmuRequest
from .records import CallRecord, StoredLog, count, error_code
from .regions import name_resolution_error
from .resourcemanager.backend import ResourceManagerBackend
from .resourcemanager.urls import SERVICE as RESOURCEMANAGER
from .router import Route, host_region, route
from .sls.backend import SlsBackend
from .sls.putlogs import PutLogsLimits
from .sls.urls import SERVICE as SLS
from .slsapp.backend import SlsAppBackend
from .slsapp.urls import SERVICE as SLSAPP
from .snapshot import inventory_document, seed, seed_directory
from .sts.backend import StsBackend
from .sts.urls import SERVICE as STS

SERVICES = (ACTIONTRAIL, SLS, STS, FC, RESOURCEMANAGER, SLSAPP)
DEFAULT_ACCOUNT = "1234567890123456"
_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS")


class EmulatedCloud:
    def __init__(
        self,
        credentials: Iterable[Credentials] | None = None,
        *,
        default_account: str = DEFAULT_ACCOUNT,
        regions: Iterable[str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        putlogs_limits: PutLogsLimits | None = None,
        strict: bool = True,
    ) -> None:
        self.credentials = CredentialStore(credentials if credentials is not None else [DEFAULT_CREDENTIALS])
        self.default_account = default_account
        # One backend per service, moto style; a request's handler is given its service's only.
        self.actiontrail = ActionTrailBackend(regions)
        self.sls = SlsBackend(putlogs_limits)
        self.sts = StsBackend(self.credentials)
        self.fc = FcBackend()
        self.resourcemanager = ResourceManagerBackend()
        self.slsapp = SlsAppBackend()
        self._backends: dict[str, object] = {
            ACTIONTRAIL.name: self.actiontrail,
            SLS.name: self.sls,
            STS.name: self.sts,
            FC.name: self.fc,
            RESOURCEMANAGER.name: self.resourcemanager,
            SLSAPP.name: self.slsapp,
        }
        self.faults = FaultPlan()
        self.calls: list[CallRecord] = []
        self.unemulated: list[UnemulatedRequest] = []
        self.sleep = sleep  # injectable so latency faults need not slow tests down
        self.clock = clock
        self._call_numbers: Counter[str] = Counter()
        self._lock = threading.Lock()  # collectors fan out over threads
        self._mock: responses.RequestsMock | None = None
        self._patches: list[Any] = []
        # strict: leaving the `with` block raises if any request was not emulated, even
        # when the caller swallowed the error (collectors turn API errors into findings).
        self.strict = strict

    # ---- state ------------------------------------------------------------------------
    def seed_snapshot(self, doc: dict[str, Any]) -> str:
        """Load an inventory snapshot; returns its account id, which becomes the default
        account (the one DEFAULT_CREDENTIALS and keys without account_id act in)."""
        account = seed(
            doc,
            actiontrail=self.actiontrail,
            sls=self.sls,
            faults=self.faults,
            default_account=self.default_account,
        )
        self.default_account = account
        return account

    def seed_organization(self, org: OrganizationSnapshot | dict[str, Any]) -> str:
        """Load an organisation snapshot (organization/snapshot.py): every account's inventory under
        its own account id, the resource directory, the organisation trails its members see and what
        AssumeRole answers for each member's role (emulator/snapshot.py `seed_directory`). Returns the
        management account, which becomes the default account (the coordinator's)."""
        snapshot = org if isinstance(org, OrganizationSnapshot) else parse_organization(org, "organization")
        for inventory in [snapshot.management, *(m.inventory for m in snapshot.members if not m.left)]:
            self.seed_snapshot(inventory_document(inventory))
        seed_directory(
            snapshot, actiontrail=self.actiontrail, resourcemanager=self.resourcemanager, sts=self.sts
        )
        audit = snapshot.organization.log_audit
        if audit is not None:  # Log Audit's multi-account configuration, for DescribeApp
            self.slsapp.put_log_audit(
                audit.central_account_id, audit.region, audit.type, audit.members, audit.actiontrail_enabled
            )
        self.default_account = snapshot.organization.management_account_id
        return self.default_account

    def create_project(self, account: str, region: str, project: str) -> None:
        self.sls.create_project(account, region, project)

    def create_logstore(
        self, account: str, region: str, project: str, logstore: str, index: dict[str, Any] | None = None
    ) -> None:
        """Create (or give an index to) a logstore, creating its project if needed."""
        self.sls.create_logstore(account, region, project, logstore, index=index)

    def sls_logs(self, account: str, region: str, project: str, logstore: str) -> list[StoredLog]:
        return self.sls.logs(account, region, project, logstore)

    @property
    def putlogs_limits(self) -> PutLogsLimits:
        return self.sls.putlogs_limits

    @putlogs_limits.setter
    def putlogs_limits(self, limits: PutLogsLimits) -> None:
        self.sls.putlogs_limits = limits

    def set_regions(self, regions: Iterable[str]) -> None:
        """Replace the region list DescribeRegions answers (every account)."""
        self.actiontrail.regions.replace(regions)

    def regions_for(self, account: str) -> list[str]:
        return self.actiontrail.regions.of(account)

    # ---- records ----------------------------------------------------------------------
    def count(self, **where: object) -> int:
        """Calls matching every field given: ``cloud.count(api="PutLogs", status=200)``."""
        return count(self.calls, **where)

    def reset_calls(self) -> None:
        with self._lock:
            self.calls.clear()
            self._call_numbers.clear()

    # ---- activation -------------------------------------------------------------------
    def start(self) -> EmulatedCloud:
        if self._mock is not None:
            return self
        mocker = responses.RequestsMock(assert_all_requests_are_fired=False)
        for method in _METHODS:
            # One catch-everything registration per method; routing happens in _dispatch.
            mocker.add_callback(method, re.compile(r".*"), callback=self._dispatch)
        mocker.start()
        self._mock = mocker
        # The SLS SDK finds its "source" by opening a UDP socket towards the endpoint (a DNS
        # lookup at least); nothing real may be touched while emulated.
        patch = mock.patch("aliyun.log.util.Util.get_host_ip", staticmethod(lambda host: "127.0.0.1"))
        patch.start()
        self._patches.append(patch)
        return self

    def stop(self) -> None:
        for patch in reversed(self._patches):
            patch.stop()
        self._patches.clear()
        if self._mock is not None:
            self._mock.stop()
            self._mock.reset()
            self._mock = None

    def __enter__(self) -> EmulatedCloud:
        return self.start()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.stop()
        if self.strict and exc_type is None and self.unemulated:
            first = self.unemulated[0]
            raise UnemulatedRequest(
                first.method,
                first.url,
                first.action,
                f"{len(self.unemulated)} request(s) were not emulated while the emulator was active "
                "(clear cloud.unemulated to accept that)",
            )

    # ---- request handling -------------------------------------------------------------
    def _dispatch(self, prepared: requests.PreparedRequest) -> Answer:
        req = EmuRequest.from_prepared(prepared)
        if not self.actiontrail.regions.exists(host_region(SERVICES, req.host)):
            # No such endpoint: the request never leaves the client, so no call is recorded.
            raise name_resolution_error(req.url)
        try:
            found = route(SERVICES, req)
        except UnemulatedRequest as error:
            self.unemulated.append(error)
            raise
        started = self.clock()
        t0 = time.perf_counter()
        with self._lock:
            self._call_numbers[found.api] += 1
            number = self._call_numbers[found.api]
        status: int | None = None
        account: str | None = None
        code: str | None = None
        try:
            answer, account = self._answer(req, found, number)
            status, code = answer[0], error_code(answer)
            return answer
        except _Raised as raised:
            account, code = raised.account, type(raised.error).__name__
            raise raised.error from None
        finally:
            record = CallRecord(
                service=found.service.name,
                api=found.api,
                region=found.region,
                project=found.project,
                status=status,
                started=started,
                duration=time.perf_counter() - t0,
                account=account,
                error_code=code,
                call_number=number,
            )
            with self._lock:
                self.calls.append(record)

    def _answer(self, req: EmuRequest, found: Route, number: int) -> tuple[Answer, str | None]:
        """The answer, and the account that signed (None when authentication failed)."""
        protocol = found.service.protocol
        verdict = protocol.authenticate(req, self.credentials)
        if isinstance(verdict, AuthFailure):
            return protocol.auth_error(verdict), None
        account = verdict.credentials.account_id or self.default_account
        faults = self.faults.matching(
            service=found.service.name,
            api=found.api,
            call_number=number,
            account=account,
            region=found.region,
            project=found.project,
            logstore=found.params.get("logstore"),
        )
        faulted = self._fault_answer(req, found, faults, account)
        if faulted is not None:
            return faulted, account
        ctx = CallContext(
            backend=self._backends[found.service.name],
            request=req,
            account=account,
            region=found.region,
            project=found.project,
            params=found.params,
            credentials=verdict.credentials,
        )
        try:
            answer = protocol.ok(found.handler(ctx))
        except ServiceError as error:
            return protocol.error(error.status, error.code, error.message), account
        return reshaped(answer, found.api, faults), account

    def _fault_answer(
        self, req: EmuRequest, found: Route, faults: list[Fault], account: str
    ) -> Answer | None:
        """Apply the faults in force: latency first (all of them), then the first other fault
        answers or raises in place of the service. None: answer normally (shape faults bend
        that answer afterwards)."""
        for fault in faults:
            if fault.kind == "latency":
                fault.fired += 1
                self.sleep(fault.seconds)
        for fault in faults:
            if fault.kind == "latency" or fault.kind in SHAPE_KINDS:
                continue
            fault.fired += 1
            if fault.kind in TRANSPORT_KINDS:
                raise _Raised(transport_error(fault.kind, req.url, found.api), account)
            return found.service.protocol.fault_answer(fault, found.api, found.writes)
        return None


class _Raised(Exception):
    """Carries an exception a fault wants raised out of the callback, past the recorder."""

    def __init__(self, error: BaseException, account: str) -> None:
        super().__init__(str(error))
        self.error = error
        self.account = account
