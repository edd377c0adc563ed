"""One scan of a sample account through the FC handler's path (`scan.run`), against the emulated
cloud, with at most one injected fault, and everything the invariants need to judge it.

The emulator's `FaultPlan` scopes a fault by API, call number, account, region and project. The
matrix needs two scopes it does not have, so `CaseFaults` adds them for the one fault a case
injects: one page of a listing (the request's `offset`) and "transient" (each distinct request
fails once, then is answered; call numbers cannot say that when calls run concurrently). To see
the request, and the signatures it carries (to look for them in the outputs), it wraps the
cloud's dispatch: the one place a test reaches into the emulator.
"""

from __future__ import annotations

import copy
import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import aliyun.log.logclient as logclient
import requests

from cis216.cli.invoke import emulated_bootstrap
from cis216.emulator import SERVICES, Credentials, EmulatedCloud, StoredLog, UnemulatedRequest
from cis216.emulator.faults import SHAPE_KINDS, Fault, FaultPlan
from cis216.emulator.http import EmuRequest
from cis216.emulator.pytest_plugin import NoSleep, _TimeWithoutSleep
from cis216.emulator.router import route
from cis216.findings import Finding
from cis216.shell import logs, scan
from cis216.shell.bootstrap import Clock
from tests.functional.handler.support import fc_context, timer_event
from tests.paths import SAMPLES

ACCOUNTS_DIR = Path(__file__).resolve().parent / "accounts"
FINDINGS_REGION, FINDINGS_PROJECT, FINDINGS_LOGSTORE = "cn-hangzhou", "cis216-findings", "cis216_findings"

# An STS key, so that a token can leak too. Neither value is shaped like a real secret: the logs'
# pattern redaction cannot catch them, only the product's handling of the secrets it was given.
KEY = Credentials(
    "STS.FaultMatrixKey0001",
    "fault-matrix-secret-q8V2mZr4",
    security_token="fault-matrix-token-Xk7pW3nB9c",
)
ENVIRON = {
    "FINDINGS_PROJECT": FINDINGS_PROJECT,
    "FINDINGS_LOGSTORE": FINDINGS_LOGSTORE,
    "FINDINGS_REGION": FINDINGS_REGION,
    "FC_REGION": FINDINGS_REGION,
    "LOG_LEVEL": "INFO",
}
# Retries back off on this clock's sleep, which does not wait.
NO_WAIT = Clock(sleep=lambda _seconds: None)


def load_accounts() -> dict[str, dict[str, Any]]:
    """The matrix's sample accounts by name: the bundled sample and accounts/*.json."""
    paths = [SAMPLES / "sample-account.json", *sorted(ACCOUNTS_DIR.glob("*.json"))]
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in paths}


@dataclass(frozen=True)
class RequestKey:
    """One logical read or write: what a retry repeats."""

    api: str
    region: str | None
    project: str | None
    logstore: str | None
    offset: int | None  # the page: SLS listings' offset, Resource Directory listings' PageNumber
    pattern: str | None  # ListProject filtered to one name (the Log Audit lookup)

    def where(self) -> str:
        parts = [self.region, self.project, self.logstore]
        if self.offset is not None:
            parts.append(f"offset {self.offset}")
        return "/".join(p for p in parts if p) or "-"


@dataclass(frozen=True)
class Attempt:
    key: RequestKey
    faulted: bool  # the case's fault answered (or bent the answer) instead of the service
    status: int | None


@dataclass(frozen=True)
class FaultSpec:
    """The one fault of a case: `FaultPlan.add` arguments, plus the page and transient scopes."""

    kind: str
    api: str
    scope: dict[str, str] = field(default_factory=dict)  # region / project
    offset: int | None = None
    pattern: str | None = None
    transient: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # code/status of kind "error"


class CaseFaults(FaultPlan):
    """The cloud's fault plan (the snapshot's own `errors` faults too) and the case's fault,
    which it scopes to one page and/or to once per request."""

    def __init__(self) -> None:
        super().__init__()
        self.spec: FaultSpec | None = None
        self.fault: Fault | None = None
        self.attempts: list[Attempt] = []
        self.signatures: set[str] = set()
        self._seen: set[RequestKey] = set()
        self._local = threading.local()
        self._lock = threading.Lock()

    def inject(self, spec: FaultSpec) -> None:
        self.spec = spec
        self.fault = self.add(spec.kind, api=spec.api, **spec.scope, **spec.extra)

    def matching(self, **where: object) -> list[Fault]:
        found = super().matching(**where)
        if self.fault is None or not any(f is self.fault for f in found):
            return found
        if self._case_fault_fires():
            self._local.faulted = self.fault.kind != "latency"
            return found
        return [f for f in found if f is not self.fault]

    def _case_fault_fires(self) -> bool:
        assert self.spec is not None
        key: RequestKey = self._local.key
        if self.spec.offset is not None and (key.offset, key.pattern) != (
            self.spec.offset,
            self.spec.pattern,
        ):
            return False
        if not self.spec.transient:
            return True
        with self._lock:
            if key in self._seen:
                return False
            self._seen.add(key)
            return True

    def tap(self, cloud: EmulatedCloud) -> None:
        """See each request the cloud answers (its key, whether the case's fault fired on it)."""
        dispatch: Callable[[requests.PreparedRequest], Any] = cloud._dispatch

        def tapped(prepared: requests.PreparedRequest) -> Any:
            self._remember_signature(prepared)
            try:
                key = _request_key(prepared)
            except UnemulatedRequest:
                return dispatch(prepared)  # which records and raises it
            self._local.key, self._local.faulted = key, False
            status: int | None = None  # None: the request raised (a timeout fault)
            try:
                answer = dispatch(prepared)
                status = answer[0]
                return answer
            finally:
                # A shape fault bends only a 200 answer; an error answer stays the service's own.
                shaped = self.fault is not None and self.fault.kind in SHAPE_KINDS
                faulted = self._local.faulted and (not shaped or status == 200)
                with self._lock:
                    self.attempts.append(Attempt(self._local.key, faulted, status))

        cloud._dispatch = tapped  # type: ignore[method-assign]

    def _remember_signature(self, prepared: requests.PreparedRequest) -> None:
        authorization = str(prepared.headers.get("Authorization") or "")
        if "Signature=" in authorization:  # ACS3-HMAC-SHA256 ...,Signature=<hex>
            signature = authorization.rsplit("Signature=", 1)[1]
        else:  # SLS: LOG <access key id>:<base64 signature>
            signature = authorization.rsplit(":", 1)[-1]
        if len(signature) >= 16:
            with self._lock:
                self.signatures.add(signature.strip())


def _request_key(prepared: requests.PreparedRequest) -> RequestKey:
    request = EmuRequest.from_prepared(prepared)
    found = route(SERVICES, request)
    query = dict(parse_qsl(urlsplit(request.url).query))
    # The page: an SLS listing's offset, a Resource Directory listing's page number.
    offset = {"sls": query.get("offset"), "resourcemanager": query.get("PageNumber")}.get(found.service.name)
    return RequestKey(
        api=found.api,
        region=found.region,
        project=found.project,
        logstore=found.params.get("logstore"),
        offset=int(offset) if offset is not None else None,
        pattern=query.get("projectName") or None,
    )


@dataclass
class Outcome:
    """What one scan left behind."""

    account_id: str
    report: scan.ScanReport | None
    raised: BaseException | None
    stored: list[StoredLog]  # the findings logstore, after the scan
    all_stored: list[StoredLog]  # every log any logstore of the cloud holds
    attempts: list[Attempt]
    signatures: set[str]
    log_text: str
    answer: str | None  # the handler's JSON answer (the summary)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.report.findings if self.report is not None else ()

    def failed_reads(self) -> list[RequestKey]:
        """Reads whose last attempt the case's fault answered: the scan never got their answer."""
        last: dict[RequestKey, Attempt] = {}
        for attempt in self.attempts:
            last[attempt.key] = attempt
        return [key for key, attempt in last.items() if attempt.faulted and key.api != "PutLogs"]


def run_scan(
    document: dict[str, Any],
    spec: FaultSpec | None = None,
    prepare: Callable[[EmulatedCloud], None] | None = None,
) -> Outcome:
    """The FC handler's scan (`scan.run`, its answer `summary.to_json()`) of `document`, seeded into a
    fresh emulated cloud whose DescribeRegions answers the snapshot's regions; `prepare` may then
    change what the cloud answers."""
    cloud = EmulatedCloud(credentials=[KEY], sleep=NoSleep())
    plan = CaseFaults()
    cloud.faults = plan  # before seeding: the snapshot's `errors` become faults of this plan
    account = cloud.seed_snapshot(copy.deepcopy(document))
    cloud.set_regions(list(document["regions"]))
    if prepare is not None:
        prepare(cloud)
    if spec is not None:
        plan.inject(spec)
    plan.tap(cloud)
    report, raised, answer = None, None, None
    lines = io.StringIO()
    context = fc_context(
        request_id="fault-matrix",
        credentials=SimpleNamespace(
            access_key_id=KEY.access_key_id,
            access_key_secret=KEY.access_key_secret,
            security_token=KEY.security_token,
        ),
        account_id=account,
    )
    # The SLS SDK's own retry pause, in case a code path reaches it.
    with mock.patch.object(logclient, "time", _TimeWithoutSleep(NoSleep())), logs.LOGGER.writing_to(lines):
        try:
            with cloud:
                report = scan.run(
                    timer_event(), context, ENVIRON, make_cloud=emulated_bootstrap(cloud), clock=NO_WAIT
                )
                answer = report.summary.to_json()
        except Exception as error:  # judged by the invariants: only a write may fail the invocation
            raised = error
        finally:
            logs.LOGGER.clear_state()
    return Outcome(
        account_id=account,
        report=report,
        raised=raised,
        stored=_findings_logs(cloud, account),
        all_stored=_every_log(cloud, account, list(document["regions"])),
        attempts=list(plan.attempts),
        signatures=set(plan.signatures),
        log_text=lines.getvalue(),
        answer=answer,
    )


def _every_log(cloud: EmulatedCloud, account: str, regions: list[str]) -> list[StoredLog]:
    out: list[StoredLog] = []
    for region in dict.fromkeys([*regions, FINDINGS_REGION]):
        for project in cloud.sls.projects(account, region):
            for logstore in project.logstores.values():
                out.extend(logstore.logs)
    return out


def _findings_logs(cloud: EmulatedCloud, account: str) -> list[StoredLog]:
    try:
        return cloud.sls_logs(account, FINDINGS_REGION, FINDINGS_PROJECT, FINDINGS_LOGSTORE)
    except KeyError:  # the scan ended before the cloud was built: nothing was written
        return []
