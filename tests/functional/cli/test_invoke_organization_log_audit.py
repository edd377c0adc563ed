"""`cis216 invoke events/org-timer.json --seed sample-organization-log-audit.json`: the bundled sample
organisation with Log Audit in multi-account mode in the management account (custom scope: the member
the organisation trail's alert is narrowed away from), end to end: the coordinator reads DescribeApp
from the emulated POP SLS endpoint and judges the central project; the workers apply it."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import pytest

from cis216 import cli, emulator
from cis216.profiles.strict import codes
from cis216.shell.config import VARIABLES
from cis216.shell.org import local
from tests.paths import EVENTS, SAMPLES

SAMPLE = SAMPLES / "sample-organization.json"
LOG_AUDIT_SAMPLE = SAMPLES / "sample-organization-log-audit.json"
COVERED_BY_LOG_AUDIT_ONLY = "1100000000000013"  # the member the org trail's query excludes


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for variable in VARIABLES:
        monkeypatch.delenv(variable.name, raising=False)
    for key in (
        "FC_REGION",
        "FC_ACCOUNT_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("RETRY_BASE_SECONDS", "0")


def account_findings(seed):
    out = io.StringIO()
    code = cli.main(
        ["invoke", str(EVENTS / "org-timer.json"), "--seed", str(seed), "--format", "jsonl"], out=out
    )
    assert code == 1  # members in error or alarm: the default --fail-on (README, "Exit codes")
    found = [json.loads(line) for line in out.getvalue().splitlines()]
    return {f["account_id"]: f for f in found if f["scope"] == "account"}


def test_a_member_covered_only_by_log_audit_is_ok():
    found = account_findings(LOG_AUDIT_SAMPLE)[COVERED_BY_LOG_AUDIT_ONLY]
    assert (found["status"], found["reason_codes"]) == ("ok", [])
    assert codes.COVERED_BY_LOG_AUDIT in found["advisories"]
    organization = found["evidence"]["organization"]
    assert organization["covers"] is False and organization["excludes_member"] is True
    audit = organization["log_audit"]
    assert audit["covers"] is True and audit["collects_member"] is True
    assert (audit["project"], audit["logstore"], audit["alert"]) == (
        "slsaudit-center-1100000000000001-cn-hangzhou",
        "actiontrail_log",
        "cis_unauth_central",
    )


def test_the_other_members_keep_their_verdicts():
    without, with_audit = account_findings(SAMPLE), account_findings(LOG_AUDIT_SAMPLE)
    assert set(without) == set(with_audit)
    for member in set(without) - {COVERED_BY_LOG_AUDIT_ONLY}:
        before, after = without[member], with_audit[member]
        assert (after["status"], after["reason_codes"]) == (before["status"], before["reason_codes"])
    # Without Log Audit the excluded member is an alarm, and its evidence has no log_audit key.
    assert without[COVERED_BY_LOG_AUDIT_ONLY]["status"] == "alarm"
    assert "log_audit" not in without[COVERED_BY_LOG_AUDIT_ONLY]["evidence"]["organization"]


def test_an_unreadable_describe_app_is_no_verdict_never_a_kinder_one(monkeypatch):
    class Refusing(emulator.EmulatedCloud):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.faults.add("error", api="DescribeApp", status=403, code="Unauthorized")

    monkeypatch.setattr(emulator, "EmulatedCloud", Refusing)
    found = account_findings(LOG_AUDIT_SAMPLE)
    member = found[COVERED_BY_LOG_AUDIT_ONLY]
    assert member["status"] == "error" and member["reason_codes"][0] == codes.LOG_AUDIT_UNREAD
    assert "DescribeApp" in member["reason"] and "Unauthorized" in member["reason"]
    # A member covered by the organisation trail, or by its own feed, stays ok.
    assert found["1100000000000011"]["status"] == "ok" and found["1100000000000012"]["status"] == "ok"


def test_the_table_names_the_log_audit_coverage():
    out = io.StringIO()
    assert cli.main(["invoke", str(EVENTS / "org-timer.json"), "--seed", str(LOG_AUDIT_SAMPLE)], out=out) == 1
    assert codes.COVERED_BY_LOG_AUDIT in out.getvalue()


def coordinator_summary(document, faults=()):
    cloud = emulator.EmulatedCloud()
    cloud.seed_organization(document)
    for fault in faults:
        cloud.faults.add(**fault)
    account = document["organization"]["management_account_id"]
    environ = {
        "MODE": "organization",
        "FINDINGS_REGION": "cn-hangzhou",
        "FINDINGS_PROJECT": "cis216-findings",
        "FINDINGS_LOGSTORE": "cis216_findings",
        "FC_ACCOUNT_ID": account,
        "FC_REGION": "cn-hangzhou",
        "RETRY_BASE_SECONDS": "0",
    }
    key = emulator.DEFAULT_CREDENTIALS
    credentials = SimpleNamespace(
        access_key_id=key.access_key_id, access_key_secret=key.access_key_secret, security_token=None
    )
    context = SimpleNamespace(
        request_id="req-1",
        region="cn-hangzhou",
        account_id=account,
        credentials=credentials,
        function=SimpleNamespace(name="cis216", timeout=600),
    )
    with cloud:
        run = local.run_organization(cloud, (EVENTS / "org-timer.json").read_bytes(), environ, context)
    return run.coordinator.summary


def test_the_summary_counts_the_members_log_audit_covers():
    document = json.loads(LOG_AUDIT_SAMPLE.read_text(encoding="utf-8"))
    summary = coordinator_summary(document)
    assert summary.log_audit is not None
    assert (summary.log_audit.central_account, summary.log_audit.members_covered) == ("1100000000000001", 1)
    assert summary.log_audit.unread == []
    # Every member listed is covered by the trail or, the one its query excludes, by Log Audit
    # (whether a member's role can be assumed is its worker's to find).
    assert summary.members_not_covered_by_organization == 0
    refused = coordinator_summary(
        document, faults=[{"kind": "error", "api": "DescribeApp", "code": "Unauthorized"}]
    )
    assert refused.log_audit is not None and refused.log_audit.unread[0].startswith("DescribeApp: ")


def test_without_log_audit_the_summary_has_none():
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert coordinator_summary(document).log_audit is None
