"""The organisation scan for the fault matrix: the real flow (shell/org: entry, coordinator, worker,
through the local runner shell/org/local.py and the real adapters of wiring.py), against the
emulated cloud seeded with the bundled sample organisation, with at most one injected fault.

The local runner runs the coordinator, then drains FC's queue through the worker (a worker that
raises is retried, three attempts, as FC does). It runs twice, as FC reruns a timer invocation, so
the second coordinator meets FC's 409 ("already queued") for every member the first queued, and
its drain runs only what the rerun queued. The member listing is paged by PAGE_SIZE (the sample's 7
members take 3 pages), so that a fault can hit one page; DescribeRegions answers the snapshot's
regions, as in harness.py. Retries do not wait (the runs' clock).

The outcome is what the runs reported (their findings), what the findings logstore holds, what was
raised, and the calls the cloud answered; org_matrix.py holds it to the matrix's invariants.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from unittest import mock

import aliyun.log.logclient as logclient

from cis216.adapters.writer import WriteError
from cis216.emulator import EmulatedCloud, StoredLog
from cis216.emulator.pytest_plugin import NoSleep, _TimeWithoutSleep
from cis216.findings import Finding
from cis216.shell import logs
from cis216.shell.org import local, members
from tests.functional.faults.harness import KEY, NO_WAIT, Attempt, CaseFaults, FaultSpec, RequestKey
from tests.functional.handler.support import fc_context, timer_event
from tests.org_builders import sample_organization

REGION, PROJECT, LOGSTORE = "cn-hangzhou", "cis216-findings", "cis216_findings"
PAGE_SIZE = 3  # the sample's 7 members take 3 pages
RUNS = 2  # the timer run and FC's rerun of it
ENVIRON = {
    "MODE": "organization",
    "FINDINGS_PROJECT": PROJECT,
    "FINDINGS_LOGSTORE": LOGSTORE,
    "FINDINGS_REGION": REGION,
    "FC_REGION": REGION,
    "LOG_LEVEL": "INFO",
}


@dataclass
class OrgOutcome:
    findings: tuple[Finding, ...]  # every finding the runs reported written, run after run
    runs: list[local.OrganizationRun]  # the runs that returned
    raised: list[BaseException]  # what a run raised (the coordinator: FC retries the timer run)
    drain_failures: list[str]  # workers FC gave up on (every attempt raised), with their last error
    task_ids: list[str]  # every async task id FC accepted, in order
    stored: list[StoredLog]  # the findings logstore, after both runs
    attempts: list[Attempt]
    signatures: set[str]
    log_text: str
    # The secrets and tokens of every role session the emulator minted (AssumeRole answers).
    minted: tuple[str, ...] = ()

    def failed_calls(self) -> list[RequestKey]:
        """Calls whose last attempt the case's fault answered: their answer never came."""
        last: dict[RequestKey, Attempt] = {}
        for attempt in self.attempts:
            last[attempt.key] = attempt
        return [key for key, attempt in last.items() if attempt.faulted]

    def account_verdicts(self) -> dict[str, list[Finding]]:
        """Each member's account findings (its verdict), in the order the runs reported them."""
        found: dict[str, list[Finding]] = {}
        for finding in self.findings:
            if finding.scope == "account":
                found.setdefault(finding.account_id or "", []).append(finding)
        return found

    def write_failed(self) -> bool:
        """Whether a write failed for good somewhere (a run or a worker raised WriteError)."""
        return any(isinstance(e, WriteError) for e in self.raised) or any(
            "WriteError" in failure for failure in self.drain_failures
        )


def run_org(spec: FaultSpec | None = None, document: dict[str, Any] | None = None) -> OrgOutcome:
    cloud = EmulatedCloud(credentials=[KEY], sleep=NoSleep())
    plan = CaseFaults()
    cloud.faults = plan  # before seeding: the snapshot's `errors` become faults of this plan
    organization = copy.deepcopy(document or sample_organization())
    management = cloud.seed_organization(organization)
    cloud.set_regions(_regions(organization))  # DescribeRegions answers the snapshot's, as harness.py
    if spec is not None:
        plan.inject(spec)
    plan.tap(cloud)
    runs: list[local.OrganizationRun] = []
    raised: list[BaseException] = []
    lines = io.StringIO()
    with (
        mock.patch.object(members, "PAGE_SIZE", PAGE_SIZE),
        mock.patch.object(logclient, "time", _TimeWithoutSleep(NoSleep())),
        logs.LOGGER.writing_to(lines),
    ):
        for _run in range(RUNS):
            try:
                with cloud:
                    runs.append(
                        local.run_organization(
                            cloud, timer_event(), ENVIRON, _context(management), clock=NO_WAIT
                        )
                    )
            except Exception as error:  # judged by the invariants: what may fail a run, and how
                raised.append(error)
            finally:
                logs.LOGGER.clear_state()
    return OrgOutcome(
        findings=tuple(f for run in runs for f in run.findings),
        runs=runs,
        raised=raised,
        drain_failures=[text for run in runs for text in run.failed],
        task_ids=[i.async_task_id or "" for i in cloud.fc.invocations],
        stored=_stored(cloud, management),
        attempts=list(plan.attempts),
        signatures=set(plan.signatures),
        log_text=lines.getvalue(),
        minted=tuple(
            secret
            for assumed in cloud.sts.assumed
            for secret in (assumed.credentials.access_key_secret, assumed.credentials.security_token)
            if secret
        ),
    )


def _regions(organization: dict[str, Any]) -> list[str]:
    inventories = [organization["management"], *(m.get("inventory") or {} for m in organization["members"])]
    return sorted({region for inventory in inventories for region in inventory.get("regions", {})})


def _context(account: str) -> Any:
    credentials = SimpleNamespace(
        access_key_id=KEY.access_key_id,
        access_key_secret=KEY.access_key_secret,
        security_token=KEY.security_token,
    )
    return fc_context(request_id="org-fault-matrix", credentials=credentials, account_id=account)


def _stored(cloud: EmulatedCloud, management: str) -> list[StoredLog]:
    try:
        return cloud.sls_logs(management, REGION, PROJECT, LOGSTORE)
    except KeyError:  # nothing ever created the findings logstore
        return []
