"""`cis216.core.evaluate`: the profile switch, purity, and recorded API errors as `error` findings."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from cis216.core import PROFILES, UnknownProfile, evaluate
from cis216.findings import CONTROL, count_by_status
from cis216.inventory import parse_inventory
from tests.builders import ACCOUNT, ONE_CODE_QUERY, alert, document, region, scan_error, trail

HZ = "cn-hangzhou"
CENTRAL = "actiontrail-central"


def covered_region(**fields):
    """Trail `t` delivering to actiontrail-central and an alert the reference SQL accepts there."""
    t = trail(name="t", project=CENTRAL, minimal=True)
    return region(trails=[t], alerts=[alert(query=ONE_CODE_QUERY, minimal=True)], project=CENTRAL, **fields)


def inventory(regions):
    return parse_inventory(document(regions=regions))


def _sample():
    text = resources.files("cis216").joinpath("samples/sample-account.json").read_text("utf-8")
    return parse_inventory(json.loads(text))


def test_unknown_profile():
    with pytest.raises(UnknownProfile, match="unknown profile 'lenient'; choose one of: strict, powerpipe"):
        evaluate(inventory({}), "lenient")


def test_powerpipe_findings_carry_the_contract_fields():
    findings = evaluate(inventory({HZ: covered_region()}), "powerpipe")
    assert [(f.control, f.profile, f.scope, f.account_id, f.region) for f in findings] == [
        (CONTROL, "powerpipe", "trail", ACCOUNT, HZ)
    ]
    assert CONTROL == "cis_v200_2_16"


def test_evaluation_is_pure_and_repeatable():
    sample = _sample()
    before = sample.model_dump()
    first = evaluate(sample, "powerpipe")
    assert evaluate(sample, "powerpipe") == first
    assert sample.model_dump() == before


def test_sample_has_ok_and_alarm_rows():
    statuses = [f.status for f in evaluate(_sample(), "powerpipe")]
    assert statuses == ["ok", "alarm", "ok", "ok", "alarm", "ok", "alarm", "ok", "error"]


@pytest.mark.parametrize(
    ("profile", "counts"),
    [
        ("strict", {"error": 1, "alarm": 0, "info": 0, "skip": 4, "ok": 2}),
        ("powerpipe", {"error": 1, "alarm": 3, "info": 0, "skip": 0, "ok": 5}),
    ],
)
def test_every_profile_runs_on_the_sample(profile, counts):
    assert count_by_status(evaluate(_sample(), profile)) == counts
    assert set(PROFILES) == {"strict", "powerpipe"}


@pytest.mark.parametrize(
    "error, resource, reason",
    [
        pytest.param(
            scan_error(api="ListAlerts", project="p01", code="Unauthorized", message="denied"),
            f"acs:log:{HZ}:{ACCOUNT}:project/p01",
            f"ListAlerts failed for project p01 in {HZ} (Unauthorized: denied); what it would have returned is "
            "missing, so verdicts that depend on it may be wrong",
            id="failed-project-listing",
        ),
        pytest.param(
            scan_error(api="GetIndex", project="p01", logstore="actiontrail_t", code="InternalError"),
            f"acs:log:{HZ}:{ACCOUNT}:project/p01/logstore/actiontrail_t",
            f"GetIndex failed for logstore actiontrail_t of project p01 in {HZ} (InternalError); what it would have "
            "returned is missing, so verdicts that depend on it may be wrong",
            id="failed-logstore-call",
        ),
        pytest.param(
            scan_error(api="ListProject", code="Throttling", message="slow down"),
            f"acs:log:{HZ}:{ACCOUNT}:*",
            f"ListProject failed for {HZ} (Throttling: slow down); what it would have returned is missing, "
            "so verdicts that depend on it may be wrong",
            id="failed-region-call",
        ),
    ],
)
def test_recorded_errors_become_error_findings(error, resource, reason):
    findings = evaluate(inventory({HZ: covered_region(errors=[error])}), "powerpipe")
    assert [f.status for f in findings] == ["ok", "error"]
    found = findings[1]
    assert (found.resource, found.reason, found.scope, found.reason_codes) == (
        resource,
        reason,
        "scan",
        ["SCAN_ERROR"],
    )
    assert found.evidence.model_dump() == {
        "api": error["api"],
        "code": error["code"],
        "message": error.get("message", ""),
        "project": error.get("project"),
        "logstore": error.get("logstore"),
    }
