"""The organisation flow end to end with in-memory ports (tests/orgfakes.py): the
coordinator lists the directory, judges the organisation trail once and queues one worker per
member; each worker assumes the member's role, scans it with the real SDKs against the emulated
cloud and writes into the management account's findings logstore."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from types import SimpleNamespace

import pytest

from cis216.adapters.calls import CallError
from cis216.cli.organization import member_rows, render_organization
from cis216.emulator import DEFAULT_CREDENTIALS
from cis216.profiles.strict import codes
from cis216.shell import logs
from cis216.shell.bootstrap import bootstrap
from cis216.shell.events import WorkerEvent
from cis216.shell.org import entry, local
from cis216.shell.org.coordinator import CoordinatorReport
from cis216.shell.org.members import run_variant
from tests import orgdocs as o
from tests.orgfakes import (
    DrainingQueue,
    FakeAssumer,
    FakeDirectory,
    FakeMember,
    FakePorts,
    FakeQueue,
    OrganizationCloud,
)

REGION, PROJECT, LOGSTORE = "cn-hangzhou", "cis216-findings", "cis216_findings"
TIMER = json.dumps({"triggerTime": "2026-11-29T02:00:00Z", "triggerName": "org-scan", "payload": ""})
MEMBERS = [o.MEMBER_A, o.MEMBER_B, o.MEMBER_C, o.MEMBER_D, o.MEMBER_E, o.ARCHIVE]


def context(account=o.MANAGEMENT):
    creds = SimpleNamespace(
        access_key_id=DEFAULT_CREDENTIALS.access_key_id,
        access_key_secret=DEFAULT_CREDENTIALS.access_key_secret,
        security_token=None,
    )
    function = SimpleNamespace(name="cis216-org", timeout=600)
    return SimpleNamespace(request_id="req-1", credentials=creds, account_id=account, function=function)


ENVIRON = {
    "FINDINGS_PROJECT": PROJECT,
    "FINDINGS_LOGSTORE": LOGSTORE,
    "FC_REGION": REGION,
    "MODE": "organization",
}


@pytest.fixture
def org(emulated_cloud):
    """The organisation of tests/orgdocs.py seeded into the emulator; the management account last
    (the default account: the function's own)."""
    emulated_cloud.seed_snapshot(o.archive_doc(query=o.excluding(o.MEMBER_C)))
    emulated_cloud.seed_snapshot(o.member_doc(o.MEMBER_A, sees_org_trail=False))
    emulated_cloud.seed_snapshot(o.member_doc(o.MEMBER_B, own_feed=True, sees_org_trail=False))
    emulated_cloud.seed_snapshot(o.member_doc(o.MEMBER_C, sees_org_trail=False))
    emulated_cloud.seed_snapshot(o.member_doc(o.MEMBER_D, sees_org_trail=False))
    emulated_cloud.seed_snapshot(o.member_doc(o.MEMBER_E, sees_org_trail=False))
    emulated_cloud.seed_snapshot(o.management_doc())
    emulated_cloud.actiontrail.link_organization(o.MANAGEMENT, MEMBERS)
    emulated_cloud.create_logstore(o.MANAGEMENT, REGION, PROJECT, LOGSTORE)
    directory = FakeDirectory(o.ORG_ID, o.MANAGEMENT, [FakeMember(m) for m in MEMBERS])
    ports = FakePorts(directory, FakeQueue(), FakeAssumer(emulated_cloud, missing={o.MEMBER_D}))
    yield SimpleNamespace(cloud=emulated_cloud, ports=ports)
    logs.LOGGER.clear_state()


def run(org, event, environ=ENVIRON, make_cloud=bootstrap):
    return entry.run(event, context(), environ, make_cloud=make_cloud, make_ports=org.ports)


def drain(org, environ=None):
    """Every queued worker, as FC would run them (MODE=worker)."""
    reports = []
    for payload in list(org.ports.queue.tasks.values()):
        reports.append(run(org, payload, {**ENVIRON, "MODE": "worker", **(environ or {})}))
    return reports


def stored(org, scan_id, record="finding"):
    logs_ = org.cloud.sls_logs(o.MANAGEMENT, REGION, PROJECT, LOGSTORE)
    return [
        log.contents
        for log in logs_
        if log.contents.get("scan_id") == scan_id and log.contents["record"] == record
    ]


def verdicts(org, scan_id):
    return {
        c["account_id"]: (c["status"], json.loads(c["reason_codes"]))
        for c in stored(org, scan_id)
        if c["scope"] == "account"
    }


def test_the_coordinator_queues_one_worker_per_member_and_every_member_gets_a_verdict(org):
    report = run(org, TIMER)
    assert isinstance(report, CoordinatorReport)
    summary = report.summary
    assert (summary.members_listed, summary.enqueued, summary.already_queued, summary.refused) == (6, 6, 0, 0)
    assert summary.organization_feed.covers is True and summary.organization_feed.alert == "org-unauth"
    assert summary.largest_payload_bytes < 8 * 1024
    variant = run_variant(
        WorkerEvent.model_validate_json(next(iter(org.ports.queue.tasks.values()))).overrides
    )
    assert variant.startswith("run-")
    expected = sorted(f"cis216-{summary.scan_id}-{variant}-{m}" for m in MEMBERS)
    assert sorted(org.ports.queue.tasks) == expected
    organization_summary = stored(org, summary.scan_id, "organization-summary")
    assert len(organization_summary) == 1 and json.loads(organization_summary[0]["evidence"])["enqueued"] == 6

    org.cloud.sts.assumable_roles = None
    org.ports.directory.members = [m for m in org.ports.directory.members if m.account_id != o.MEMBER_E]
    org.ports.assumer.missing.add(o.MEMBER_E)  # gone: its role answers as a missing one
    drain(org)
    found = verdicts(org, summary.scan_id)
    assert found[o.MEMBER_A] == ("ok", [])  # covered only by the organisation trail
    assert found[o.MEMBER_B] == ("ok", [])  # its own complete feed
    assert found[o.MEMBER_C][0] == "alarm"  # the organisation alert excludes it
    assert codes.ORGANIZATION_ALERT_EXCLUDES_MEMBER in found[o.MEMBER_C][1]
    assert found[o.MEMBER_D] == ("error", [codes.MEMBER_ROLE_NOT_ASSUMABLE])
    assert found[o.MEMBER_E] == ("error", [codes.MEMBER_LEFT_ORGANIZATION])
    assert found[o.ARCHIVE] == ("ok", [])
    assert all(session == f"cis216-{summary.scan_id}" for session in org.ports.assumer.sessions)
    (covered,) = [
        c for c in stored(org, summary.scan_id) if c["account_id"] == o.MEMBER_A and c["scope"] == "account"
    ]
    assert codes.COVERED_BY_ORGANIZATION_TRAIL in json.loads(covered["advisories"])
    assert json.loads(covered["evidence"])["organization"]["trail"] == "org"
    (role,) = [c for c in stored(org, summary.scan_id) if c["account_id"] == o.MEMBER_D]
    assert "EntityNotExist.Role" in role["reason"]


def test_a_failed_get_account_keeps_the_assume_role_cause_and_names_both(org, monkeypatch):
    report = run(org, TIMER)
    org.ports.directory.members = [m for m in org.ports.directory.members if m.account_id != o.MEMBER_E]
    org.ports.assumer.missing.add(o.MEMBER_E)

    def unreadable(account_id, timeout):
        raise CallError("GetAccount", "ServiceUnavailable", "try again later", status=503)

    monkeypatch.setattr(org.ports.directory, "get_account", unreadable)
    drain(org)
    found = verdicts(org, report.summary.scan_id)
    assert found[o.MEMBER_E] == ("error", [codes.MEMBER_ROLE_NOT_ASSUMABLE])
    assert found[o.MEMBER_D] == ("error", [codes.MEMBER_ROLE_NOT_ASSUMABLE])
    (left,) = [c for c in stored(org, report.summary.scan_id) if c["account_id"] == o.MEMBER_E]
    assert "EntityNotExist.Role" in left["reason"] and "GetAccount" in left["reason"]
    assert "ServiceUnavailable" in left["reason"]


def test_the_worker_asks_get_account_only_when_assume_role_failed(org):
    run(org, TIMER)
    drain(org)
    asked = [call for call in org.ports.directory.calls if call[0] == "GetAccount"]
    assert len(asked) == 1  # member D, the one whose role is missing


def test_a_rerun_queues_nothing_twice(org):
    first = run(org, TIMER)
    again = run(org, TIMER)
    assert again.summary.scan_id == first.summary.scan_id
    assert (again.summary.enqueued, again.summary.already_queued) == (0, 6)
    assert len(org.ports.queue.tasks) == 6


def test_a_member_that_cannot_be_queued_gets_an_error_finding_from_the_coordinator(org):
    org.ports.queue.refuse.add(o.MEMBER_B)
    report = run(org, TIMER)
    assert report.summary.refused == 1 and report.summary.enqueued == 5
    found = verdicts(org, report.summary.scan_id)
    assert found[o.MEMBER_B] == ("error", [codes.MEMBER_NOT_DISPATCHED])
    assert "ResourceThrottled" in report.refused[0].reason


def test_an_unreadable_log_archive_account_is_no_kinder_verdict(org):
    org.ports.assumer.missing.add(o.ARCHIVE)
    report = run(org, TIMER)
    assert report.summary.organization_feed.covers is None
    org.ports.assumer.missing.discard(o.ARCHIVE)
    drain(org)
    found = verdicts(org, report.summary.scan_id)
    assert found[o.MEMBER_A][0] == "error" and found[o.MEMBER_A][1][0] == codes.ORGANIZATION_UNREAD
    assert found[o.MEMBER_B] == ("ok", [])  # its own feed covers it whatever the organisation side


def test_a_member_scan_that_raises_is_its_error_finding(org):
    report = run(org, TIMER)

    def failing(plan, credentials, clock, read):
        if read is not None and read.account_id == o.MEMBER_A:
            raise RuntimeError("boom")
        return bootstrap(plan, credentials, clock, read)

    for payload in list(org.ports.queue.tasks.values()):
        run(org, payload, {**ENVIRON, "MODE": "worker"}, make_cloud=failing)
    found = verdicts(org, report.summary.scan_id)
    assert found[o.MEMBER_A] == ("error", [codes.MEMBER_SCAN_FAILED])


def test_an_error_carrying_the_assumed_roles_secret_is_logged_and_written_redacted(org):
    report = run(org, TIMER)

    def leaking(plan, credentials, clock, read):
        if read is not None and read.account_id == o.MEMBER_A:
            raise RuntimeError(f"signing failed with {read.credentials.access_key_secret}")
        return bootstrap(plan, credentials, clock, read)

    lines = io.StringIO()
    with logs.LOGGER.writing_to(lines):
        for payload in list(org.ports.queue.tasks.values()):
            run(org, payload, {**ENVIRON, "MODE": "worker"}, make_cloud=leaking)
    minted = [a.credentials for a in org.cloud.sts.assumed if a.role_arn.split(":")[3] == o.MEMBER_A]
    secret = minted[-1].access_key_secret
    written = [c for c in stored(org, report.summary.scan_id) if c["account_id"] == o.MEMBER_A]
    assert any("signing failed with" in c["reason"] for c in written)
    texts = [lines.getvalue(), *(json.dumps(c) for c in written)]
    assert lines.getvalue() and not any(secret in text for text in texts)


def test_folders_and_allow_deny_lists(org):
    directory = org.ports.directory
    directory.members = [
        FakeMember(m, folder_id="fd-a" if m in (o.MEMBER_A, o.MEMBER_B) else "fd-b") for m in MEMBERS
    ]
    report = run(org, TIMER, {**ENVIRON, "ORG_FOLDERS": "fd-a", "ORG_ACCOUNTS_DENY": o.MEMBER_B})
    assert (report.summary.members_listed, report.summary.members_excluded_by_filters) == (2, 1)
    assert [t.rsplit("-", 1)[1] for t in org.ports.queue.tasks] == [o.MEMBER_A]


def test_a_dry_run_queues_workers_that_write_nothing(org):
    report = run(org, TIMER, {**ENVIRON, "DRY_RUN": "true"})
    assert report.summary.dry_run and report.summary.enqueued == 6
    drain(org)
    assert stored(org, report.summary.scan_id) == []


def test_a_dry_run_does_not_block_the_real_run_of_the_same_scan_time(org):
    dry = run(org, TIMER, {**ENVIRON, "DRY_RUN": "true"})
    real = run(org, TIMER)
    assert real.summary.scan_id == dry.summary.scan_id
    assert (real.summary.enqueued, real.summary.already_queued) == (6, 0)
    again = run(org, TIMER)
    assert (again.summary.enqueued, again.summary.already_queued) == (0, 6)
    assert len(org.ports.queue.tasks) == 12


def test_other_regions_make_another_task_id_for_the_same_scan_time(org):
    run(org, TIMER, {**ENVIRON, "SCAN_REGIONS": "cn-hangzhou"})
    other = run(org, TIMER, {**ENVIRON, "SCAN_REGIONS": "cn-shanghai"})
    assert other.summary.enqueued == 6


def test_a_worker_event_needs_a_worker_function(org):
    run(org, TIMER)
    payload = next(iter(org.ports.queue.tasks.values()))
    with pytest.raises(Exception, match="MODE=account"):
        run(org, payload, {**ENVIRON, "MODE": "account"})


def test_the_local_runner_drains_every_worker_and_collects_the_findings(org):
    organization = OrganizationCloud(org.cloud, DrainingQueue(org.ports.queue))
    result = local.run_organization(organization, TIMER.encode(), ENVIRON, context(), make_ports=org.ports)
    assert result.drained.succeeded == 6 and result.drained.failed == []
    rows = {member: (status, found) for member, status, found, _ in member_rows(result.findings)}
    assert rows[o.MEMBER_A] == ("ok", [codes.COVERED_BY_ORGANIZATION_TRAIL])
    assert rows[o.MEMBER_D] == ("error", [codes.MEMBER_ROLE_NOT_ASSUMABLE])
    out = io.StringIO()
    render_organization(result.coordinator.summary, result.findings, [], out)
    text = out.getvalue()
    assert f"organization {o.ORG_ID}" in text and "6 queued, 0 already queued, 0 refused" in text
    assert "alert org-unauth: covers members" in text
    assert "6 members: 1 error, 1 alarm, 4 ok" in text


def test_the_local_runner_reports_a_worker_that_failed_for_good(org, monkeypatch):
    organization = OrganizationCloud(org.cloud, DrainingQueue(org.ports.queue))

    def unwritable(plan, credentials, clock, read):
        cloud = bootstrap(plan, credentials, clock, read)
        if read is not None and read.account_id == o.MEMBER_B:
            raise_on_write = cloud.writer

            class Broken:
                project, logstore = raise_on_write.project, raise_on_write.logstore

                def write(self, records, when=None):
                    raise RuntimeError("findings logstore unavailable")

            return replace(cloud, writer=Broken())
        return cloud

    monkeypatch.setattr(local, "emulated_cloud", lambda emulated: unwritable)
    result = local.run_organization(organization, TIMER.encode(), ENVIRON, context(), make_ports=org.ports)
    assert result.drained.succeeded == 5 and len(result.drained.failed) == 1
    (failed,) = result.failed
    assert o.MEMBER_B in failed and "findings logstore unavailable" in failed


def test_a_failed_read_of_the_management_scan_no_worker_reports_is_the_coordinators_error_finding(org):
    # The management account is no listed member: no worker scans it, so a read its scan could not
    # make (here ListAlerts of its own findings project, which the organisation trail's judging does
    # not need) is named by the coordinator, never dropped.
    org.cloud.faults.add(
        "error", api="ListAlerts", account=o.MANAGEMENT, project=PROJECT, status=403, code="Unauthorized"
    )
    report = run(org, TIMER)
    assert isinstance(report, CoordinatorReport)
    assert report.summary.organization_feed.covers is True  # the trail's judging did not need it
    (error,) = report.scan_errors
    assert (error.status, error.account_id, error.reason_codes) == ("error", o.MANAGEMENT, ["SCAN_ERROR"])
    assert "ListAlerts" in (error.reason or "") and PROJECT in (error.resource or "")
    written = [c for c in stored(org, report.summary.scan_id) if c["account_id"] == o.MANAGEMENT]
    assert [(c["status"], c["resource"]) for c in written] == [("error", error.resource)]


def test_a_listed_management_account_reports_its_own_failed_reads_once(org):
    # Listed, the management account gets its own worker, whose scan names the failed read:
    # the coordinator does not write a second finding for it.
    org.ports.directory.members.append(FakeMember(o.MANAGEMENT))
    org.cloud.faults.add(
        "error", api="ListAlerts", account=o.MANAGEMENT, project=PROJECT, status=403, code="Unauthorized"
    )
    report = run(org, TIMER)
    assert report.scan_errors == ()
