"""The organisation scan's adapters (Resource Directory, STS AssumeRole, FC async invocation) through
the real SDKs against the emulated cloud seeded with an organisation."""

from __future__ import annotations

from typing import Any

import pytest

from cis216.adapters import fc, sts
from cis216.adapters.actiontrail import ActionTrailAdapter
from cis216.adapters.calls import CallError
from cis216.adapters.credentials import Credentials
from cis216.adapters.resourcemanager import ResourceDirectoryAdapter
from cis216.emulator import EmulatedCloud
from tests.builders import trail
from tests.org_builders import (
    DIRECTORY,
    LOG_ARCHIVE,
    MANAGEMENT,
    inventory,
    many_members,
    member,
    organization,
    sample_organization,
)

TIMEOUT = 5.0
REGION = "cn-hangzhou"
WORKER = "cis216-worker"
SAMPLE_MEMBERS = {
    "covered": "1100000000000011",
    "own_feed": "1100000000000012",
    "no_role": "1100000000000014",
    "left": "1100000000000015",
    "untrusted": "1100000000000016",
}


def role(account: str) -> str:
    return f"acs:ram::{account}:role/cis216-reader"


@pytest.fixture
def sample(emulated_cloud: EmulatedCloud) -> EmulatedCloud:
    emulated_cloud.seed_organization(sample_organization())
    return emulated_cloud


def _all_pages(adapter: ResourceDirectoryAdapter, size: int, folder: str | None = None) -> list[Any]:
    pages, number = [], 1
    while True:
        if folder is None:
            page = adapter.list_accounts(number, size, TIMEOUT)
        else:
            page = adapter.list_accounts_for_parent(folder, number, size, TIMEOUT)
        pages.append(page)
        if page.last:
            return pages
        number += 1


# ---- Resource Directory --------------------------------------------------------------------------


def test_list_accounts_pages_over_more_than_a_hundred_members(emulated_cloud, creds):
    members = [member(LOG_ARCHIVE), *many_members(249)]
    emulated_cloud.seed_organization(organization(members))
    pages = _all_pages(ResourceDirectoryAdapter(creds), 100)
    assert [(p.page_number, p.page_size, p.total, len(p.members)) for p in pages] == [
        (1, 100, 250, 100),
        (2, 100, 250, 100),
        (3, 100, 250, 50),
    ]
    listed = [m.account_id for p in pages for m in p.members]
    assert listed == [m["account_id"] for m in members]
    assert emulated_cloud.count(api="ListAccounts", status=200) == 3


def test_list_accounts_for_parent_lists_one_folder(emulated_cloud, creds):
    members = many_members(30)
    emulated_cloud.seed_organization(organization([member(LOG_ARCHIVE), *members]))
    pages = _all_pages(ResourceDirectoryAdapter(creds), 4, folder="fd-test000003")
    in_folder = [m["account_id"] for m in members if m["folder_id"] == "fd-test000003"]
    assert [m.account_id for p in pages for m in p.members] == in_folder
    assert {m.folder_id for p in pages for m in p.members} == {"fd-test000003"}
    assert pages[0].total == len(in_folder) == 10 and len(pages) == 3


def test_a_listed_member_carries_what_list_accounts_says(sample, creds):
    page = ResourceDirectoryAdapter(creds).list_accounts(1, 100, TIMEOUT)
    own = next(m for m in page.members if m.account_id == SAMPLE_MEMBERS["own_feed"])
    assert (own.display_name, own.status, own.type, own.folder_id) == (
        "payments-own-feed",
        "InviteSuccess",
        "CloudAccount",
        "fd-prod000001",
    )
    # A member that left is still listed: the listing was taken before it left.
    assert SAMPLE_MEMBERS["left"] in {m.account_id for m in page.members}
    assert page.total == 7 and page.last


def test_get_resource_directory(sample, creds):
    found = ResourceDirectoryAdapter(creds).get_resource_directory(TIMEOUT)
    assert (found.id, found.master_account_id, found.root_folder_id) == (
        "rd-cis216smpl",
        "1100000000000001",
        "r-cis216",
    )


def test_get_account_tells_a_member_that_left_from_one_without_the_role(sample, creds):
    adapter = ResourceDirectoryAdapter(creds)
    found = adapter.get_account(SAMPLE_MEMBERS["no_role"], TIMEOUT)
    assert found is not None and (found.display_name, found.folder_id) == ("sandbox-no-role", "fd-sandbx0001")
    assert adapter.get_account(SAMPLE_MEMBERS["left"], TIMEOUT) is None
    assert adapter.get_account("1999999999999999", TIMEOUT) is None
    assert [(c.api, c.status) for c in sample.calls] == [
        ("GetAccount", 200),
        ("GetAccount", 404),
        ("GetAccount", 404),
    ]


def test_get_account_other_failures_raise(emulated_cloud, creds):
    with pytest.raises(CallError) as caught:
        ResourceDirectoryAdapter(creds).get_account("1999999999999999", TIMEOUT)
    assert (caught.value.code, caught.value.status) == ("EntityNotExists.ResourceDirectory", 404)
    emulated_cloud.seed_organization(sample_organization())
    emulated_cloud.faults.add("shape_renamed", api="GetAccount")
    with pytest.raises(CallError, match="MalformedResponse"):
        ResourceDirectoryAdapter(creds).get_account(SAMPLE_MEMBERS["covered"], TIMEOUT)


def test_a_member_may_not_list_the_directory(sample, creds):
    member_creds = sts.assume_role(creds, REGION, role(SAMPLE_MEMBERS["own_feed"]), "cis216-t", 900, TIMEOUT)
    with pytest.raises(CallError) as caught:
        ResourceDirectoryAdapter(member_creds).list_accounts(1, 10, TIMEOUT)
    assert (caught.value.code, caught.value.status) == ("NoPermission.ResourceDirectory.MemberAccount", 409)


def test_an_account_without_a_directory_is_told_so(emulated_cloud, creds):
    with pytest.raises(CallError) as caught:
        ResourceDirectoryAdapter(creds).list_accounts(1, 10, TIMEOUT)
    assert (caught.value.code, caught.value.status) == ("NotExists.ResourceDirectory", 404)


def test_an_unknown_folder(sample, creds):
    with pytest.raises(CallError) as caught:
        ResourceDirectoryAdapter(creds).list_accounts_for_parent("fd-nothere001", 1, 10, TIMEOUT)
    assert (caught.value.code, caught.value.status) == ("EntityNotExists.Folder", 404)


def test_a_page_that_stops_short_is_an_error_not_fewer_members(sample, creds):
    # The second page of 3 holds 3 members of 7: the seventh would be missed without a word.
    sample.faults.add(
        "json_body",
        api="ListAccounts",
        body={"TotalCount": 7, "PageNumber": 2, "PageSize": 3, "Accounts": {"Account": []}},
    )
    with pytest.raises(CallError) as caught:
        ResourceDirectoryAdapter(creds).list_accounts(2, 3, TIMEOUT)
    assert caught.value.code == "MalformedResponse"
    assert "the members after it would be missed" in caught.value.message


@pytest.mark.parametrize("kind", ["shape_renamed", "shape_string", "shape_no_total"])
def test_a_listing_of_the_wrong_shape_is_malformed(sample, creds, kind):
    sample.faults.add(kind, api="ListAccounts")
    with pytest.raises(CallError) as caught:
        ResourceDirectoryAdapter(creds).list_accounts(1, 100, TIMEOUT)
    assert caught.value.code == "MalformedResponse"


def test_page_arguments_outside_the_api_range_are_refused_before_calling(sample, creds):
    with pytest.raises(ValueError, match="1-100"):
        ResourceDirectoryAdapter(creds).list_accounts(1, 101, TIMEOUT)
    assert sample.count(api="ListAccounts") == 0


# ---- STS AssumeRole ----------------------------------------------------------------------------


def test_assumed_credentials_see_only_that_members_resources(emulated_cloud, creds):
    other = "1500000000000004"
    mine = "1500000000000003"
    emulated_cloud.seed_organization(
        organization(
            [
                member(LOG_ARCHIVE),
                member(mine, inventory=inventory(mine, trails=[trail(name="mine")])),
                member(other, inventory=inventory(other, trails=[trail(name="theirs")])),
            ]
        )
    )
    member_creds = sts.assume_role(creds, REGION, role(mine), "cis216-scan-20261130", 1800, TIMEOUT)
    assert member_creds.security_token and member_creds.access_key_id != creds.access_key_id
    trails = ActionTrailAdapter(member_creds).describe_trails(REGION, TIMEOUT)
    # Its own trail, and the organisation trail every member can view; never another member's.
    assert sorted(t["Name"] for t in trails) == ["mine", "org"]
    [org_trail] = [t for t in trails if t["Name"] == "org"]
    assert org_trail["OrganizationId"] == DIRECTORY
    [call] = [c for c in emulated_cloud.calls if c.api == "DescribeTrails"]
    assert call.account == mine
    [assumed] = emulated_cloud.sts.assumed
    assert (assumed.role_arn, assumed.session_name) == (role(mine), "cis216-scan-20261130")
    assert sts.get_caller_identity(member_creds, REGION, TIMEOUT) == mine
    assert (
        ActionTrailAdapter(creds).describe_trails(REGION, TIMEOUT)[0]["Name"] == "org"
    )  # the management's own


@pytest.mark.parametrize(
    ("who", "code", "status", "message"),
    [
        (
            "no_role",
            "EntityNotExist.Role",
            404,
            "The role not exists: acs:ram::1100000000000014:role/cis216-reader",
        ),
        (
            "untrusted",
            "NoPermission",
            403,
            "You are not authorized to do this action. You should be authorized by RAM.",
        ),
        (
            "left",
            "EntityNotExist.Role",
            404,
            "The role not exists: acs:ram::1100000000000015:role/cis216-reader",
        ),
    ],
)
def test_a_role_that_cannot_be_assumed_is_the_real_error(sample, creds, who, code, status, message):
    with pytest.raises(CallError) as caught:
        sts.assume_role(creds, REGION, role(SAMPLE_MEMBERS[who]), "cis216-scan", 1800, TIMEOUT)
    assert (caught.value.code, caught.value.status, caught.value.message) == (code, status, message)
    assert not caught.value.retryable
    assert sample.sts.assumed == []


def test_the_role_state_holds_whatever_the_role_is_called(sample, creds):
    arn = f"acs:ram::{SAMPLE_MEMBERS['no_role']}:role/ResourceDirectoryAccountAccessRole"
    with pytest.raises(CallError, match=r"EntityNotExist\.Role"):
        sts.assume_role(creds, REGION, arn, "cis216-scan", 1800, TIMEOUT)
    other = f"acs:ram::{SAMPLE_MEMBERS['covered']}:role/ResourceDirectoryAccountAccessRole"
    assert sts.assume_role(creds, REGION, other, "cis216-scan", 1800, TIMEOUT).security_token


def test_an_assume_role_answer_without_credentials_is_malformed(sample, creds):
    sample.faults.add("shape_renamed", api="AssumeRole")
    with pytest.raises(CallError) as caught:
        sts.assume_role(creds, REGION, role(SAMPLE_MEMBERS["covered"]), "cis216-scan", 1800, TIMEOUT)
    assert caught.value.code == "MalformedResponse" and "Credentials" in caught.value.message


def test_a_badly_formed_session_name(sample, creds):
    with pytest.raises(CallError) as caught:
        sts.assume_role(creds, REGION, role(SAMPLE_MEMBERS["covered"]), "bad name/1", 1800, TIMEOUT)
    assert caught.value.code == "InvalidParameter.RoleSessionName"


# ---- FC asynchronous invocation ----------------------------------------------------------------


def _invoke(creds: Credentials, task_id: str, payload: bytes = b'{"member": "1"}') -> str:
    return fc.invoke_async(creds, REGION, MANAGEMENT, WORKER, payload, task_id, TIMEOUT)


def test_a_queued_invocation_then_a_repeat_is_already_queued(emulated_cloud, creds):
    emulated_cloud.seed_organization(organization())  # the coordinator runs in the management account
    assert _invoke(creds, "cis216-scan1-1500000000000003") == "enqueued"
    assert _invoke(creds, "cis216-scan1-1500000000000003", b"{}") == "already_queued"
    [queued] = emulated_cloud.fc.queued()
    assert (queued.function, queued.async_task_id, queued.body) == (
        WORKER,
        "cis216-scan1-1500000000000003",
        b'{"member": "1"}',
    )
    assert (queued.account, queued.region, queued.invocation_type) == (MANAGEMENT, REGION, "Async")
    assert [(c.api, c.status) for c in emulated_cloud.calls] == [
        ("InvokeFunction", 202),
        ("InvokeFunction", 409),
    ]


def test_the_same_task_id_for_another_function_is_not_a_repeat(emulated_cloud, creds):
    assert _invoke(creds, "cis216-t1") == "enqueued"
    assert fc.invoke_async(creds, REGION, MANAGEMENT, "other", b"{}", "cis216-t1", TIMEOUT) == "enqueued"


@pytest.mark.parametrize(
    ("prepare", "code", "status", "retryable"),
    [
        (lambda cloud: cloud.faults.add("throttle", api="InvokeFunction"), "Throttling.User", 400, True),
        (lambda cloud: cloud.faults.add("error503", api="InvokeFunction"), "ServiceUnavailable", 503, True),
        (lambda cloud: setattr(cloud.fc, "functions", {"elsewhere"}), "FunctionNotFound", 404, False),
        (lambda cloud: cloud.faults.add("access_denied", api="InvokeFunction"), "NoPermission", 403, False),
    ],
)
def test_other_failures_raise_call_errors(emulated_cloud, creds, prepare, code, status, retryable):
    prepare(emulated_cloud)
    with pytest.raises(CallError) as caught:
        _invoke(creds, "cis216-t1")
    assert (caught.value.api, caught.value.code, caught.value.status, caught.value.retryable) == (
        "InvokeFunction",
        code,
        status,
        retryable,
    )
    assert emulated_cloud.fc.queued() == []


def test_a_payload_over_the_async_limit_is_refused(emulated_cloud, creds):
    assert _invoke(creds, "cis216-fits", b"x" * (128 * 1024)) == "enqueued"
    with pytest.raises(CallError) as caught:
        _invoke(creds, "cis216-too-big", b"x" * (128 * 1024 + 1))
    assert (caught.value.code, caught.value.status) == ("EntityTooLarge", 413)


def test_a_task_id_fc_cannot_take_is_refused(emulated_cloud, creds):
    with pytest.raises(CallError) as caught:
        _invoke(creds, "9-starts-with-a-digit")
    assert (caught.value.code, caught.value.status) == ("InvalidArgument", 400)


def test_an_answer_that_is_not_202_is_an_error(emulated_cloud, creds):
    emulated_cloud.faults.add("json_body", api="InvokeFunction", body={})
    with pytest.raises(CallError) as caught:
        _invoke(creds, "cis216-t1")
    assert (caught.value.code, caught.value.status) == ("UnexpectedStatus", 200)


def test_a_transport_failure_is_a_retryable_call_error(emulated_cloud, creds):
    emulated_cloud.faults.add("timeout", api="InvokeFunction")
    with pytest.raises(CallError) as caught:
        _invoke(creds, "cis216-t1")
    assert caught.value.retryable and caught.value.api == "InvokeFunction"
