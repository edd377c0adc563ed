"""The organisation scan's calls, for the fault matrix: a small fan-out built from the adapters alone
(adapters/resourcemanager.py, sts.assume_role, fc.invoke_async, through `Caller` retries), over the
bundled sample organisation, against the emulated cloud, with at most one injected fault.

A coordinator reads Log Audit's configuration (DescribeApp), lists the members (page by page) and queues one worker per member under a deterministic
task id; it runs twice, as FC reruns a timer invocation, so the second run meets FC's 409 ("already
queued"). Then the queue is drained: each worker assumes its member's role and reads the member's
trails with those credentials; a role that does not exist sends it to GetAccount, to tell a member
that left the directory from one without the role. A call that fails for good becomes that member's (or the directory's)
error result naming the API, as the organisation scan turns it into an error finding; nothing is
raised. The outcome is each member's result, which org_matrix.py holds to the matrix's invariants.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from cis216.adapters import fc, logaudit, sts
from cis216.adapters.actiontrail import ActionTrailAdapter
from cis216.adapters.calls import Caller, CallError, RetryPolicy
from cis216.adapters.credentials import Credentials
from cis216.adapters.resourcemanager import ResourceDirectoryAdapter
from cis216.emulator import EmulatedCloud, Invocation
from cis216.emulator.pytest_plugin import NoSleep
from tests.functional.faults.harness import KEY, Attempt, CaseFaults, FaultSpec, RequestKey
from tests.org_builders import sample_organization

REGION = "cn-hangzhou"
WORKER = "cis216-worker"
ROLE = "cis216-reader"
SCAN_ID = "fm0001"
PAGE_SIZE = 3  # the sample's 7 members take 3 pages
DIRECTORY = "(directory)"  # the result key of a listing that failed
LOG_AUDIT = "(log audit)"  # the result key of the coordinator's DescribeApp


@dataclass
class OrgOutcome:
    results: dict[str, str]  # member (or DIRECTORY) -> "scanned: <trails>" | "error: <api>: <code>"
    raised: BaseException | None  # anything the scenario did not turn into a result
    task_ids: list[str]  # every async task id FC accepted, in order
    drain_failures: list[str]  # workers FC gave up on (the worker raised)
    attempts: list[Attempt]
    signatures: set[str]

    def failed_calls(self) -> list[RequestKey]:
        """Calls whose last attempt the case's fault answered: their answer never came."""
        last: dict[RequestKey, Attempt] = {}
        for attempt in self.attempts:
            last[attempt.key] = attempt
        return [key for key, attempt in last.items() if attempt.faulted]


def _error(error: CallError) -> str:
    return f"error: {error.api}: {error.code}"


class _Scenario:
    def __init__(self, credentials: Credentials, management: str) -> None:
        self.credentials = credentials
        self.management = management
        self.caller = Caller(RetryPolicy(max_attempts=3, sleep=lambda _s: None, rand=lambda: 0.0))
        self.results: dict[str, str] = {}

    def list_members(self) -> list[str] | None:
        adapter = ResourceDirectoryAdapter(self.credentials)
        members: list[str] = []
        number = 1
        while True:
            try:
                page = self.caller.call(
                    "ListAccounts", lambda t, n=number: adapter.list_accounts(n, PAGE_SIZE, t)
                )
            except CallError as error:
                self.results[DIRECTORY] = _error(error)
                return None
            members += [m.account_id for m in page.members]
            if page.last:
                return members
            number += 1

    def read_log_audit(self) -> None:
        """The coordinator's DescribeApp (Log Audit's multi-account configuration), once per run."""
        try:
            found = self.caller.call(
                "DescribeApp",
                lambda t: logaudit.describe_app(self.credentials, REGION, self.management, t),
            )
        except CallError as error:
            self.results.setdefault(LOG_AUDIT, _error(error))
            return
        scope = "not configured" if found is None else f"{found.directory_scope}, {sorted(found.members)}"
        self.results[LOG_AUDIT] = f"scanned: log audit {scope}"  # the rerun read it after all

    def dispatch(self, member: str) -> None:
        payload = json.dumps({"scan_id": SCAN_ID, "member": member}).encode()
        task = f"cis216-{SCAN_ID}-{member}"
        try:
            self.caller.call(
                "InvokeFunction",
                lambda t: fc.invoke_async(
                    self.credentials, REGION, self.management, WORKER, payload, task, t
                ),
            )
        except CallError as error:
            self.results.setdefault(member, _error(error))
            return
        if self.results.get(member, "").startswith("error: InvokeFunction"):
            del self.results[member]  # the rerun queued it after all

    def work(self, invocation: Invocation) -> None:
        member = json.loads(invocation.body)["member"]
        role = f"acs:ram::{member}:role/{ROLE}"
        try:
            assumed = self.caller.call(
                "AssumeRole",
                lambda t: sts.assume_role(self.credentials, REGION, role, f"cis216-{SCAN_ID}", 1800, t),
            )
            trails = self.caller.call(
                "DescribeTrails", lambda t: ActionTrailAdapter(assumed).describe_trails(REGION, t)
            )
        except CallError as error:
            self.results[member] = self._refused(member, error)
            return
        self.results[member] = "scanned: " + ",".join(sorted(str(t.get("Name")) for t in trails))

    def _refused(self, member: str, error: CallError) -> str:
        if error.code != "EntityNotExist.Role":
            return _error(error)
        directory = ResourceDirectoryAdapter(self.credentials)
        try:
            still = self.caller.call("GetAccount", lambda t: directory.get_account(member, t))
        except CallError as failed:
            return _error(failed)
        return _error(error) + ("" if still else " (left the resource directory)")


def run_org(spec: FaultSpec | None = None, document: dict[str, Any] | None = None) -> OrgOutcome:
    cloud = EmulatedCloud(credentials=[KEY], sleep=NoSleep())
    plan = CaseFaults()
    cloud.faults = plan
    management = cloud.seed_organization(copy.deepcopy(document or sample_organization()))
    if cloud.slsapp.app(management, "audit") is None:  # Log Audit in multi-account mode, all members
        cloud.slsapp.put_log_audit(management, REGION, "all", [], actiontrail_enabled=True)
    if spec is not None:
        plan.inject(spec)
    plan.tap(cloud)
    credentials = Credentials(KEY.access_key_id, KEY.access_key_secret, KEY.security_token, "fault-matrix")
    scenario = _Scenario(credentials, management)
    raised: BaseException | None = None
    failures: list[str] = []
    try:
        with cloud:
            for _rerun in range(2):
                scenario.read_log_audit()
                for member in scenario.list_members() or []:
                    scenario.dispatch(member)
            result = cloud.fc.drain(scenario.work)
            failures = [f"{f.invocation.async_task_id}: {f.error}" for f in result.failed]
    except Exception as error:  # judged by the invariants: nothing may escape
        raised = error
    return OrgOutcome(
        results=dict(sorted(scenario.results.items())),
        raised=raised,
        task_ids=[i.async_task_id or "" for i in cloud.fc.invocations],
        drain_failures=failures,
        attempts=list(plan.attempts),
        signatures=set(plan.signatures),
    )
