"""seed(): a snapshot loaded into the backends it is given, no emulated cloud needed."""

from __future__ import annotations

import copy

import pytest

from cis216.emulator.actiontrail.backend import ActionTrailBackend
from cis216.emulator.faults import FaultPlan
from cis216.emulator.regions import DEFAULT_REGION_IDS
from cis216.emulator.sls.backend import SlsBackend
from cis216.emulator.snapshot import seed
from tests.functional.emulator.clients import ACCOUNT, ALERT, SNAPSHOT

OTHER = "2222222222222222"


def seeded(doc: dict) -> tuple[str, ActionTrailBackend, SlsBackend, FaultPlan]:
    actiontrail, sls, faults = ActionTrailBackend(), SlsBackend(), FaultPlan()
    account = seed(doc, actiontrail=actiontrail, sls=sls, faults=faults, default_account=OTHER)
    return account, actiontrail, sls, faults


def test_seed_fills_the_backends_it_is_given() -> None:
    account, actiontrail, sls, faults = seeded(copy.deepcopy(SNAPSHOT))
    assert account == ACCOUNT
    assert [t["Name"] for t in actiontrail.trails(ACCOUNT)] == ["main", "local", "org", "sh-only"]
    assert [p.name for p in sls.projects(ACCOUNT, "cn-hangzhou")] == ["audit-hz", "empty-hz"]
    audit = sls.project(ACCOUNT, "cn-hangzhou", "audit-hz")
    assert audit is not None and list(audit.alerts.values()) == [ALERT]
    (fault,) = faults
    assert (fault.kind, fault.api, fault.code, fault.status, fault.project, fault.region) == (
        "error",
        "ListAlerts",
        "Unauthorized",
        401,
        "locked-sh",
        "cn-shanghai",
    )
    assert actiontrail.regions.of(ACCOUNT) == list(DEFAULT_REGION_IDS)  # both already listed
    assert actiontrail.regions.of(OTHER) == list(DEFAULT_REGION_IDS)


def test_a_snapshot_without_account_id_is_the_default_accounts() -> None:
    account, actiontrail, _, _ = seeded({"regions": {"xx-test-1": {"trails": [{"Name": "t"}]}}})
    assert account == OTHER
    assert [t["Name"] for t in actiontrail.trails(OTHER)] == ["t"]
    assert actiontrail.regions.of(OTHER)[-1] == "xx-test-1"
    assert "xx-test-1" not in actiontrail.regions.of(ACCOUNT)


def trail_delivering_to(arn: str) -> dict:
    trail = {"Name": "t", "HomeRegion": "cn-hangzhou", "SlsProjectArn": arn}
    listed = {"audit-hz": {"alerts": [], "logstores": {}}}
    return {"account_id": ACCOUNT, "regions": {"cn-hangzhou": {"trails": [trail], "sls_projects": listed}}}


@pytest.mark.parametrize(
    ("arn", "where"),
    [
        pytest.param(
            "acs:log:cn-hangzhou::project/audit-hz", (ACCOUNT, "cn-hangzhou", "audit-hz"), id="no-account"
        ),
        pytest.param(
            f"acs:log:cn-hangzhou:{ACCOUNT}:project/audit-hz", (ACCOUNT, "cn-hangzhou", "audit-hz"), id="own"
        ),
        # Names cis216 refuses to use (SlsProjectArn.parse) still exist in the emulated cloud.
        pytest.param(
            "acs:log:cn-beijing:999:project/central", ("999", "cn-beijing", "central"), id="short-account"
        ),
        pytest.param(f"acs:log:CN-X:{OTHER}:project/Up_Per", (OTHER, "CN-X", "Up_Per"), id="unusable-names"),
    ],
)
def test_a_trail_arn_implies_its_logstore(arn: str, where: tuple[str, str, str]) -> None:
    _, _, sls, _ = seeded(trail_delivering_to(arn))
    project = sls.project(*where)
    assert project is not None and list(project.logstores) == ["actiontrail_t"]


@pytest.mark.parametrize(
    "arn",
    [
        pytest.param(f"acs:log::{OTHER}:project/central", id="no-region"),
        pytest.param(f"acs:log:cn-hangzhou:{ACCOUNT}:project/unlisted", id="unlisted-own-project"),
        pytest.param(f"acs:log:cn-hangzhou:{OTHER}:project/a/b", id="not-a-project-arn"),
        pytest.param("", id="none"),
    ],
)
def test_a_trail_arn_that_implies_no_logstore(arn: str) -> None:
    _, _, sls, _ = seeded(trail_delivering_to(arn))
    audit = sls.project(ACCOUNT, "cn-hangzhou", "audit-hz")
    assert audit is not None and audit.logstores == {}
    assert [p.name for p in sls.projects(ACCOUNT, "cn-hangzhou")] == ["audit-hz"]
    assert sls.projects(OTHER, "cn-hangzhou") == [] and sls.projects(OTHER, "") == []
