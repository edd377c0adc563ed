"""Each organisation function makes exactly the organisation calls its RAM policy grants
(`ORGANIZATION_FUNCTIONS`, held equal to deploy/ram-policy-{coordinator,worker}.json by
tests/unit/deploy/test_org_policies.py): the real coordinator, then the real workers, against the
emulated cloud seeded with the bundled sample organisation."""

from __future__ import annotations

from cis216.cli.organization import _context
from cis216.deploy.policy import ORGANIZATION_APIS, ORGANIZATION_FUNCTIONS
from cis216.emulator import DEFAULT_CREDENTIALS
from cis216.shell import logs
from cis216.shell.bootstrap import Clock
from cis216.shell.org import entry, local
from tests.functional.handler.support import timer_event
from tests.org_builders import sample_organization

REGION = "cn-hangzhou"
NO_WAIT = Clock(sleep=lambda _seconds: None)


def test_each_function_calls_what_its_policy_grants(emulated_cloud):
    management = emulated_cloud.seed_organization(sample_organization())
    environ = {
        "MODE": "organization",
        "FINDINGS_PROJECT": "cis216-findings",
        "FINDINGS_REGION": REGION,
        "FC_REGION": REGION,
        "FC_ACCOUNT_ID": management,
    }
    context = _context(DEFAULT_CREDENTIALS, management, REGION)
    make_cloud = local.emulated_cloud(emulated_cloud)
    try:
        entry.run(timer_event(), context, environ, make_cloud, clock=NO_WAIT)
        coordinator = {c.api for c in emulated_cloud.calls}
        before = len(emulated_cloud.calls)
        worker_environ = {**environ, "MODE": "worker"}
        drained = emulated_cloud.fc.drain(
            lambda invocation: entry.run(invocation.body, context, worker_environ, make_cloud, clock=NO_WAIT)
        )
    finally:
        logs.LOGGER.clear_state()
    assert len(drained.succeeded) == 7 and not drained.failed
    worker = {c.api for c in emulated_cloud.calls[before:]}
    # ListAccountsForParent only with ORG_FOLDERS; the worker's GetAccount after a refused AssumeRole.
    assert coordinator & ORGANIZATION_APIS == set(ORGANIZATION_FUNCTIONS["coordinator"]) - {
        "ListAccountsForParent"
    }
    assert worker & (ORGANIZATION_APIS | {"PutLogs"}) == set(ORGANIZATION_FUNCTIONS["worker"])
