"""ActionTrail through the real SDK: DescribeTrails semantics, DescribeRegions, GetTrailStatus."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from alibabacloud_actiontrail20200706 import models
from alibabacloud_tea_openapi.exceptions import ClientException

from cis216.emulator import Credentials, EmulatedCloud
from cis216.emulator.regions import DEFAULT_REGION_IDS
from tests.functional.emulator.clients import ACCOUNT, actiontrail


def names(region: str, **flags: object) -> list:
    body = actiontrail(region).describe_trails(models.DescribeTrailsRequest(**flags)).body
    return [t.name for t in body.trail_list]


def test_home_region_lists_its_own_trails_without_organization_trails(cloud: EmulatedCloud) -> None:
    assert names("cn-hangzhou") == ["main", "local"]


def test_organization_trails_need_the_flag(cloud: EmulatedCloud) -> None:
    assert names("cn-hangzhou", include_organization_trail=True) == ["main", "local", "org"]


def test_all_region_trail_shows_in_other_regions_with_shadow_flag(cloud: EmulatedCloud) -> None:
    assert names("cn-shanghai") == ["sh-only"]
    # The region's own trails first, then the shadow copies of other regions' trails.
    assert names("cn-shanghai", include_shadow_trails=True) == ["sh-only", "main"]
    assert names("cn-beijing", include_shadow_trails=True, include_organization_trail=True) == ["main", "org"]


def test_shadow_copy_is_stored_once_and_items_come_back_verbatim(cloud: EmulatedCloud) -> None:
    assert [t["Name"] for t in cloud.actiontrail.trails(ACCOUNT)] == ["main", "local", "org", "sh-only"]
    body = actiontrail("cn-hangzhou").describe_trails(models.DescribeTrailsRequest()).body.to_map()
    assert body["TrailList"][0]["SlsWriteRoleArn"].endswith(":role/aliyunactiontraildefaultrole")
    assert body["TrailList"][0]["IsOrganizationTrail"] is False
    assert re.fullmatch(r"[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}", body["RequestId"])


def test_name_list_filters(cloud: EmulatedCloud) -> None:
    assert names("cn-hangzhou", name_list="local,org", include_organization_trail=True) == ["local", "org"]


def test_describe_regions_default_list_and_snapshot_regions(cloud: EmulatedCloud) -> None:
    regions = actiontrail().describe_regions(models.DescribeRegionsRequest()).body.regions.region
    ids = [r.region_id for r in regions]
    assert ids == list(DEFAULT_REGION_IDS)
    assert len(ids) >= 20 and "cn-hangzhou" in ids
    assert regions[0].region_endpoint == f"actiontrail.{ids[0]}.aliyuncs.com"


def test_describe_regions_override_adds_snapshot_regions(
    emulated_cloud: EmulatedCloud, snapshot: dict
) -> None:
    emulated_cloud.set_regions(["eu-central-1"])
    emulated_cloud.seed_snapshot(snapshot)
    regions = actiontrail().describe_regions(models.DescribeRegionsRequest()).body.regions.region
    assert [r.region_id for r in regions] == ["eu-central-1", "cn-hangzhou", "cn-shanghai"]


def test_get_trail_status(cloud: EmulatedCloud) -> None:
    client = actiontrail()
    assert client.get_trail_status(models.GetTrailStatusRequest(name="main")).body.is_logging is True
    assert client.get_trail_status(models.GetTrailStatusRequest(name="local")).body.is_logging is False
    cloud.actiontrail.status_overrides[(ACCOUNT, "main")] = {"LatestDeliveryLogServiceError": "denied"}
    body = client.get_trail_status(models.GetTrailStatusRequest(name="main")).body
    assert body.latest_delivery_log_service_error == "denied"


def test_get_trail_status_unknown_trail(cloud: EmulatedCloud) -> None:
    with pytest.raises(ClientException) as caught:
        actiontrail().get_trail_status(models.GetTrailStatusRequest(name="nope"))
    assert caught.value.code == "TrailNotFoundException"
    assert caught.value.status_code == 404


def test_empty_account(emulated_cloud: EmulatedCloud) -> None:
    assert names("cn-hangzhou", include_shadow_trails=True) == []
    assert emulated_cloud.count(api="DescribeTrails", status=200) == 1


def test_members_see_the_management_accounts_organization_trails(cloud: EmulatedCloud) -> None:
    member = Credentials("LTAImember", "member-secret", account_id="2222222222222222")
    cloud.credentials.add(member)
    cloud.actiontrail.link_organization(ACCOUNT, ["2222222222222222"])
    client = actiontrail("cn-hangzhou", creds=member)
    assert client.describe_trails(models.DescribeTrailsRequest()).body.trail_list == []
    request = models.DescribeTrailsRequest(include_organization_trail=True)
    assert [t.name for t in client.describe_trails(request).body.trail_list] == ["org"]


def test_get_trail_status_answers_the_real_fields_with_their_types(cloud: EmulatedCloud) -> None:
    # The fields of Alibaba's GetTrailStatus reference (2020-07-06): booleans for IsLogging,
    # SlsLogStoreStatus and OssBucketStatus, text for the errors and times.
    body = actiontrail().get_trail_status(models.GetTrailStatusRequest(name="main")).body.to_map()
    assert {"IsLogging", "LatestDeliveryError", "LatestDeliveryLogServiceError", "RequestId"} <= set(body)
    assert {
        "LatestDeliveryLogServiceTime",
        "LatestDeliveryTime",
        "SlsLogStoreStatus",
        "OssBucketStatus",
    } <= set(body)
    assert body["SlsLogStoreStatus"] is True and body["IsLogging"] is True


def test_get_trail_status_faults_apply(cloud: EmulatedCloud) -> None:
    cloud.faults.add("error", api="GetTrailStatus", code="Forbidden.RAM", message="denied", status=403)
    with pytest.raises(ClientException) as caught:
        actiontrail().get_trail_status(models.GetTrailStatusRequest(name="main"))
    assert (caught.value.code, caught.value.status_code) == ("Forbidden.RAM", 403)


def test_a_snapshot_seeds_the_trail_status(emulated_cloud: EmulatedCloud, snapshot: dict[str, Any]) -> None:
    snapshot = copy.deepcopy(snapshot)
    home = next(
        region
        for region, body in snapshot["regions"].items()
        if any(t["Name"] == "main" for t in body["trails"])
    )
    snapshot["regions"][home]["trail_status"] = {
        "main": {"IsLogging": False, "LatestDeliveryLogServiceError": "gone"}
    }
    emulated_cloud.seed_snapshot(snapshot)
    body = actiontrail().get_trail_status(models.GetTrailStatusRequest(name="main")).body
    assert (body.is_logging, body.latest_delivery_log_service_error) == (False, "gone")
