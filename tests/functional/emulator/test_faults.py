"""Fault injection per API and call number, through the real SDKs."""

from __future__ import annotations

import pytest
from alibabacloud_actiontrail20200706 import models
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException
from aliyun.log import LogException, LogItem, PutLogsRequest
from darabonba.exceptions import UnretryableException

from cis216.emulator import EmulatedCloud, Fault
from tests.functional.emulator.clients import ACCOUNT, actiontrail, sls


def describe() -> object:
    return actiontrail().describe_trails(models.DescribeTrailsRequest())


def test_rpc_throttling_on_chosen_calls_only(cloud: EmulatedCloud) -> None:
    cloud.faults.add("throttle", api="DescribeTrails", calls=[2, 3])
    assert describe().status_code == 200
    for _ in range(2):
        with pytest.raises(ClientException) as caught:
            describe()
        assert (caught.value.code, caught.value.status_code) == ("Throttling.User", 400)
    assert describe().status_code == 200
    assert [c.status for c in cloud.calls] == [200, 400, 400, 200]
    assert [c.call_number for c in cloud.calls] == [1, 2, 3, 4]
    assert cloud.calls[1].error_code == "Throttling.User"


def test_rpc_server_errors(cloud: EmulatedCloud) -> None:
    cloud.faults.add("error500", api="DescribeTrails", calls=[1])
    cloud.faults.add("error503", api="DescribeTrails", calls=[2])
    with pytest.raises(ServerException) as caught:
        describe()
    assert (caught.value.code, caught.value.status_code) == ("InternalError", 500)
    with pytest.raises(ServerException) as caught:
        describe()
    assert (caught.value.code, caught.value.status_code) == ("ServiceUnavailable", 503)


def test_timeouts_are_raised_from_the_transport(cloud: EmulatedCloud) -> None:
    cloud.faults.add("timeout", api="DescribeRegions")
    with pytest.raises(
        UnretryableException, match=r"Read timed out\. \(emulated read timeout on DescribeRegions\)"
    ):
        actiontrail().describe_regions(models.DescribeRegionsRequest())
    call = cloud.calls[-1]
    assert (call.status, call.error_code) == (None, "ReadTimeout")
    assert cloud.count(api="DescribeRegions") == 1  # the tea SDK does not retry by default


def test_sls_sdk_retries_plain_http_timeouts_but_not_https(cloud: EmulatedCloud) -> None:
    # Its retry test is "httpconnectionpool" in the message, which HTTPS pools do not match.
    cloud.faults.add("connect_timeout", api="ListAlerts", calls=[1, 2])
    assert sls().list_alert("audit-hz").get_total() == 1
    assert [c.error_code for c in cloud.calls] == ["ConnectTimeout", "ConnectTimeout", None]
    cloud.reset_calls()
    with pytest.raises(LogException) as caught:
        sls(https=True).list_alert("audit-hz")
    assert caught.value.get_error_code() == "LogRequestError"
    assert "emulated connect timeout on ListAlerts" in caught.value.get_error_message()
    assert cloud.count(api="ListAlerts") == 1


def test_latency_uses_the_injected_sleep(cloud: EmulatedCloud) -> None:
    cloud.faults.add("latency", api=None, seconds=1.5)
    assert describe().status_code == 200
    assert sls().list_project().get_count() == 2
    assert cloud.sleep.slept == [1.5, 1.5]


def test_latency_on_chosen_calls_outside_the_fixture() -> None:
    slept = []
    cloud = EmulatedCloud(sleep=slept.append)
    cloud.faults.add("latency", seconds=0.25, calls=[1])
    with cloud:
        describe()
        describe()
    assert slept == [0.25]


def test_malformed_bodies(cloud: EmulatedCloud) -> None:
    cloud.faults.add("malformed", api="DescribeTrails")
    cloud.faults.add("malformed", api="ListAlerts")
    with pytest.raises(UnretryableException, match="json"):
        describe()
    with pytest.raises(LogException) as caught:
        sls().list_alert("audit-hz")
    assert caught.value.get_error_code() == "BadResponse"


def test_sls_read_and_write_throttling(cloud: EmulatedCloud) -> None:
    cloud.create_logstore(ACCOUNT, "cn-hangzhou", "audit-hz", "findings")
    cloud.faults.add("throttle", api="ListAlerts")
    cloud.faults.add("throttle", api="PutLogs", status=429, calls=[1])
    with pytest.raises(LogException) as caught:
        sls().list_alert("audit-hz")
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("ReadQuotaExceed", 403)
    request = PutLogsRequest("audit-hz", "findings", "t", "s", [LogItem(contents=[("k", "v")])])
    with pytest.raises(LogException) as caught:
        sls().put_logs(request)
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("WriteQuotaExceed", 429)
    sls().put_logs(request)  # call 2 goes through
    assert len(cloud.sls_logs(ACCOUNT, "cn-hangzhou", "audit-hz", "findings")) == 1


def test_sls_sdk_retries_5xx_by_itself(cloud: EmulatedCloud) -> None:
    cloud.faults.add("error503", api="ListProject", calls=[1, 2])
    assert sls().list_project().get_count() == 2
    assert [c.status for c in cloud.calls] == [503, 503, 200]
    cloud.faults.add("error500", api="GetIndex")
    with pytest.raises(LogException) as caught:
        sls().get_index_config("audit-hz", "actiontrail_main")
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("InternalServerError", 500)
    assert cloud.count(api="GetIndex") == 10  # the SDK gave up after ten tries
    assert cloud.sdk_sleeps.slept == [1] * 12  # its pauses, skipped: 2 + 10


def test_snapshot_errors_become_faults(cloud: EmulatedCloud) -> None:
    with pytest.raises(LogException) as caught:
        sls("cn-shanghai").list_alert("locked-sh")
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("Unauthorized", 401)
    assert caught.value.get_error_message() == "denied by sts or ram"
    # Scoped to that project and API: the rest of the region answers.
    assert sls("cn-shanghai").list_project().get_count() == 1
    assert sls("cn-hangzhou").list_alert("audit-hz").get_total() == 1


def test_fault_scoping_and_custom_codes(cloud: EmulatedCloud) -> None:
    fault = cloud.faults.add(
        "error", api="list_alert", code="ProjectForbidden", project="empty-hz", message="project is forbidden"
    )
    assert isinstance(fault, Fault)
    assert sls().list_alert("audit-hz").get_total() == 1
    with pytest.raises(LogException) as caught:
        sls().list_alert("empty-hz")
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("ProjectForbidden", 403)
    assert fault.fired == 1
    cloud.faults.remove(fault)
    assert sls().list_alert("empty-hz").get_total() == 0


def test_faults_come_after_authentication(cloud: EmulatedCloud) -> None:
    from .test_auth import WRONG_SECRET

    cloud.faults.add("throttle")
    with pytest.raises(ClientException) as caught:
        actiontrail(creds=WRONG_SECRET).describe_trails(models.DescribeTrailsRequest())
    assert caught.value.code == "SignatureDoesNotMatch"


def test_bad_fault_kind() -> None:
    cloud = EmulatedCloud()
    with pytest.raises(ValueError):
        cloud.faults.add("explode")
    with pytest.raises(ValueError):
        cloud.faults.add("error")


def test_api_names_are_matched_loosely() -> None:
    from cis216.emulator.faults import normalize_api

    assert {normalize_api(n) for n in ("ListAlerts", "ListAlert", "list_alert", "ListJobs")} == {"listalert"}
    assert normalize_api("GetIndexConfig") == normalize_api("GetIndex")
    assert normalize_api("list_logstores") == normalize_api("ListLogStores")
    assert normalize_api("ListProjects") == normalize_api("ListProject")


# ---- the kinds issue 12 lists: a gateway's HTML 502, auth failures, 200 answers of the wrong shape


def rpc_body(action: str, query: dict[str, str] | None = None) -> dict:
    """An ActionTrail answer's JSON body verbatim (the typed models drop keys they do not know)."""
    from alibabacloud_tea_openapi import utils_models
    from alibabacloud_tea_openapi.utils import Utils
    from darabonba.runtime import RuntimeOptions

    params = utils_models.Params(
        action=action,
        version="2020-07-06",
        protocol="HTTPS",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    request = utils_models.OpenApiRequest(query=Utils.query(query or {}))
    return actiontrail().call_api(params, request, RuntimeOptions())["body"]


def sls_body(project: str | None, resource: str, params: dict[str, str] | None = None) -> dict:
    """An SLS answer's JSON body verbatim, before the SDK's response models read it (they raise
    on the shapes these faults make)."""
    body, _headers = sls()._send("GET", project, None, resource, params or {}, {})
    return body


def test_html_502_from_a_gateway_for_both_protocols(cloud: EmulatedCloud) -> None:
    cloud.faults.add("html502", api="DescribeTrails", calls=[1])
    cloud.faults.add("html502", api="ListAlerts")
    with pytest.raises(UnretryableException, match="502 Bad Gateway"):
        describe()  # the tea SDK tries to read the page as JSON
    with pytest.raises(LogException) as caught:
        sls(https=True).list_alert("audit-hz")
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("BadResponse", 502)
    assert "<center><h1>502 Bad Gateway</h1></center>" in caught.value.get_error_message()
    assert cloud.count(api="ListAlerts", status=502) == 10  # the SLS SDK retries any 5xx itself
    assert cloud.calls[0].status == 502 and describe().status_code == 200


@pytest.mark.parametrize(
    ("kind", "rpc", "sls_code"),
    [
        ("expired_token", ("InvalidSecurityToken.Expired", 400), ("SecurityTokenExpired", 401)),
        ("bad_signature", ("SignatureDoesNotMatch", 400), ("SignatureNotMatch", 401)),
        ("access_denied", ("NoPermission", 403), ("Unauthorized", 401)),
    ],
)
def test_auth_failures_as_each_service_answers_them(
    cloud: EmulatedCloud, kind: str, rpc: tuple[str, int], sls_code: tuple[str, int]
) -> None:
    cloud.faults.add(kind, api="DescribeTrails")
    cloud.faults.add(kind, api="ListProject")
    with pytest.raises(ClientException) as caught:
        describe()
    assert (caught.value.code, caught.value.status_code) == rpc
    with pytest.raises(LogException) as sls_caught:
        sls().list_project()
    assert (sls_caught.value.get_error_code(), sls_caught.value.resp_status) == sls_code
    assert [c.error_code for c in cloud.calls] == [rpc[0], sls_code[0]]
    # A fault, not the key: other APIs still answer.
    assert sls().list_alert("audit-hz").get_total() == 1


def test_wrong_shape_list_under_another_key(cloud: EmulatedCloud) -> None:
    cloud.faults.add("shape_renamed", api="DescribeTrails")
    cloud.faults.add("shape_renamed", api="ListAlerts")
    body = rpc_body("DescribeTrails")
    assert "TrailList" not in body and [t["Name"] for t in body["items"]] == ["main", "local"]
    answer = sls_body("audit-hz", "/jobs", {"jobType": "Alert"})
    assert "results" not in answer and answer["items"][0]["name"] == "cis_at_unauth_apicall"
    assert (answer["count"], answer["total"]) == (1, 1)
    assert [c.status for c in cloud.calls] == [200, 200]


def test_wrong_shape_string_where_a_list_is(cloud: EmulatedCloud) -> None:
    cloud.faults.add("shape_string", api="ListProject")
    cloud.faults.add("shape_string", api="DescribeRegions")
    cloud.faults.add("shape_string", api="GetIndex")
    projects = sls().list_project().get_body()["projects"]
    assert isinstance(projects, str) and "audit-hz" in projects
    assert isinstance(rpc_body("DescribeRegions")["Regions"], str)
    assert sls_body("audit-hz", "/logstores/actiontrail_main/index")["keys"] == "{}"


def test_wrong_shape_listing_without_total(cloud: EmulatedCloud) -> None:
    fault = cloud.faults.add("shape_no_total", api="ListAlerts", project="audit-hz")
    answer = sls_body("audit-hz", "/jobs", {"jobType": "Alert"})
    assert "total" not in answer and answer["count"] == 1 and len(answer["results"]) == 1
    with pytest.raises(KeyError, match="total"):
        sls().list_alert("audit-hz")  # the SDK's own response model needs it
    assert fault.fired == 2
    assert sls().list_alert("empty-hz").get_total() == 0  # scoped to one project


def test_shape_faults_apply_only_to_answers_of_that_shape() -> None:
    from cis216.emulator.faults import KINDS, SHAPE_KINDS, shape_applies

    assert set(SHAPE_KINDS) <= set(KINDS)
    assert shape_applies("shape_no_total", "ListProject") and not shape_applies(
        "shape_no_total", "DescribeTrails"
    )
    # A full-text index has no `keys`: only a wrong type is a wrong shape there.
    assert not shape_applies("shape_renamed", "GetIndex") and shape_applies("shape_string", "GetIndex")
    assert not shape_applies("shape_string", "PutLogs") and shape_applies("throttle", "PutLogs")
    with pytest.raises(ValueError, match="cannot bend the answer of PutLogs"):
        EmulatedCloud().faults.add("shape_renamed", api="PutLogs")


def test_shape_faults_for_every_api_bend_only_the_apis_that_have_that_shape(cloud: EmulatedCloud) -> None:
    fault = cloud.faults.add("shape_no_total")
    describe()
    assert "total" not in sls_body("audit-hz", "/jobs", {"jobType": "Alert"})
    assert fault.fired == 1  # DescribeTrails has no total to drop


def test_shape_faults_leave_error_answers_alone(cloud: EmulatedCloud) -> None:
    cloud.faults.add("shape_renamed", api="ListAlerts")
    with pytest.raises(LogException) as caught:
        sls("cn-shanghai").list_alert("locked-sh")  # the snapshot's own error for that project
    assert caught.value.get_error_code() == "Unauthorized"
