"""The organisation in the emulated cloud: seeding, the Resource Directory answers as the real SDK's
own models read them, and FC's asynchronous queue drained by the local runner."""

from __future__ import annotations

import pytest
from alibabacloud_resourcemanager20200331 import models as rm_models
from alibabacloud_resourcemanager20200331.client import Client as ResourceManagerClient
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions

from cis216.emulator import DEFAULT_CREDENTIALS, EmulatedCloud, Invocation, UnemulatedRequest
from cis216.organization.snapshot import parse_organization
from tests.org_builders import LOG_ARCHIVE, MANAGEMENT, member, organization, sample_organization

LEFT = "1100000000000015"


def resourcemanager() -> ResourceManagerClient:
    # The SDK's own endpoint (its `central` rule), not one we give it.
    return ResourceManagerClient(
        Config(
            access_key_id=DEFAULT_CREDENTIALS.access_key_id,
            access_key_secret=DEFAULT_CREDENTIALS.access_key_secret,
            region_id="cn-shanghai",
        )
    )


def test_the_sdk_reads_list_accounts_with_its_own_models(emulated_cloud: EmulatedCloud):
    emulated_cloud.seed_organization(sample_organization())
    body = (
        resourcemanager()
        .list_accounts_with_options(
            rm_models.ListAccountsRequest(page_number=2, page_size=5), RuntimeOptions()
        )
        .body
    )
    assert (body.total_count, body.page_number, body.page_size) == (7, 2, 5)
    accounts = body.accounts.account
    assert [a.account_id for a in accounts] == ["1100000000000015", "1100000000000016"]
    assert (accounts[1].type, accounts[1].join_method, accounts[1].status) == (
        "CloudAccount",
        "invited",
        "InviteSuccess",
    )
    assert accounts[0].resource_directory_path == "rd-cis216smpl/r-cis216/fd-sandbx0001/1100000000000015"
    [call] = emulated_cloud.calls
    assert (call.service, call.api, call.account) == ("resourcemanager", "ListAccounts", "1100000000000001")


def test_the_sdk_reads_the_folder_listing_and_the_directory(emulated_cloud: EmulatedCloud):
    emulated_cloud.seed_organization(sample_organization())
    client = resourcemanager()
    folder = client.list_accounts_for_parent_with_options(
        rm_models.ListAccountsForParentRequest(parent_folder_id="r-cis216"), RuntimeOptions()
    ).body
    assert folder.total_count == 0  # every member sits in a folder below the root
    directory = client.get_resource_directory_with_options(RuntimeOptions()).body.resource_directory
    assert (directory.resource_directory_id, directory.master_account_id) == (
        "rd-cis216smpl",
        "1100000000000001",
    )


def test_an_rd_call_the_emulator_does_not_know_fails_loudly(emulated_cloud: EmulatedCloud):
    emulated_cloud.seed_organization(sample_organization())
    with pytest.raises(Exception, match=r"request not emulated.*ListFoldersForParent"):
        resourcemanager().list_folders_for_parent_with_options(
            rm_models.ListFoldersForParentRequest(), RuntimeOptions()
        )
    [refused] = emulated_cloud.unemulated
    assert isinstance(refused, UnemulatedRequest) and refused.action == "ListFoldersForParent"
    emulated_cloud.unemulated.clear()


def test_seeding_accepts_the_parsed_model_and_the_document_alike():
    document = organization([member(LOG_ARCHIVE), member("1500000000000003", left=True)])
    for given in (document, parse_organization(document)):
        cloud = EmulatedCloud()
        assert cloud.seed_organization(given) == MANAGEMENT == cloud.default_account
        assert cloud.actiontrail.management_of == {LOG_ARCHIVE: MANAGEMENT}  # not the member that left
        assert cloud.sts.closed_accounts == {"1500000000000003"}
        assert [a.account_id for a in cloud.resourcemanager.directories[MANAGEMENT].accounts] == [
            LOG_ARCHIVE,
            "1500000000000003",
        ]
        # The organisation trail's logstore is in the log archive account.
        assert cloud.sls.project(LOG_ARCHIVE, "cn-hangzhou", "org-archive") is not None


def test_the_sample_seeds_every_account_but_the_one_that_left(emulated_cloud: EmulatedCloud):
    emulated_cloud.seed_organization(sample_organization())
    assert [t["Name"] for t in emulated_cloud.actiontrail.trails("1100000000000012")] == ["own-trail"]
    assert LEFT not in emulated_cloud.actiontrail.management_of and LEFT in emulated_cloud.sts.closed_accounts
    assert emulated_cloud.sts.role_access["1100000000000014"] == "missing"


# ---- FC's asynchronous queue ---------------------------------------------------------------------


def _enqueue(cloud: EmulatedCloud, task: str) -> Invocation:
    invocation = Invocation(MANAGEMENT, "cn-hangzhou", "worker", None, "Async", task, task.encode())
    assert cloud.fc.accept(invocation)
    return invocation


def test_drain_runs_in_fifo_order_including_what_is_enqueued_while_draining(emulated_cloud: EmulatedCloud):
    for task in ("a", "b", "c"):
        _enqueue(emulated_cloud, task)
    ran: list[str] = []

    def run(invocation: Invocation) -> None:
        ran.append(invocation.body.decode())
        if invocation.body == b"b":
            _enqueue(emulated_cloud, "d")  # a worker that fans out again

    result = emulated_cloud.fc.drain(run)
    assert ran == ["a", "b", "c", "d"]
    assert [i.async_task_id for i in result.succeeded] == ["a", "b", "c", "d"]
    assert (result.failed, result.attempts) == ([], 4)
    assert emulated_cloud.fc.queued() == []


def test_drain_retries_a_failing_invocation_behind_the_others(emulated_cloud: EmulatedCloud):
    for task in ("flaky", "steady"):
        _enqueue(emulated_cloud, task)
    ran: list[str] = []

    def run(invocation: Invocation) -> None:
        ran.append(invocation.body.decode())
        if invocation.body == b"flaky" and ran.count("flaky") < 3:
            raise RuntimeError("findings not written")

    result = emulated_cloud.fc.drain(run, max_attempts=3)
    assert ran == ["flaky", "steady", "flaky", "flaky"]
    assert [i.async_task_id for i in result.succeeded] == ["steady", "flaky"]
    assert result.failed == [] and result.attempts == 4


def test_drain_reports_what_failed_for_good(emulated_cloud: EmulatedCloud):
    broken = _enqueue(emulated_cloud, "broken")
    _enqueue(emulated_cloud, "fine")

    def run(invocation: Invocation) -> None:
        if invocation.body == b"broken":
            raise ValueError("cannot write findings")

    result = emulated_cloud.fc.drain(run, max_attempts=2)
    [failed] = result.failed
    assert (failed.invocation, failed.attempts, failed.error) == (
        broken,
        2,
        "ValueError: cannot write findings",
    )
    assert [i.async_task_id for i in result.succeeded] == ["fine"]
    assert result.attempts == 3 and emulated_cloud.fc.queued() == []


def test_drain_needs_one_attempt_at_least(emulated_cloud: EmulatedCloud):
    with pytest.raises(ValueError, match="at least 1"):
        emulated_cloud.fc.drain(lambda _invocation: None, max_attempts=0)


def test_a_synchronous_invocation_is_not_queued(emulated_cloud: EmulatedCloud):
    sync = Invocation(MANAGEMENT, "cn-hangzhou", "worker", None, "Sync", None, b"{}")
    assert emulated_cloud.fc.accept(sync)
    assert emulated_cloud.fc.queued() == [] and emulated_cloud.fc.invocations == [sync]
