"""SLS through the real SDK: projects, logstores, indexes, alerts, paging and errors."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from aliyun.log import LogException

from cis216.emulator import EmulatedCloud
from tests.functional.emulator.clients import ACCOUNT, ALERT, sls


def test_list_projects_of_the_region(cloud: EmulatedCloud) -> None:
    projects = sls("cn-hangzhou").list_project().get_projects()
    assert [p["projectName"] for p in projects] == ["audit-hz", "empty-hz"]
    assert projects[0]["region"] == "cn-hangzhou"
    assert [p["projectName"] for p in sls("cn-shanghai").list_project().get_projects()] == ["locked-sh"]
    assert sls("cn-beijing").list_project().get_projects() == []


def test_list_projects_pages(emulated_cloud: EmulatedCloud) -> None:
    for i in range(7):
        emulated_cloud.create_project(ACCOUNT, "cn-hangzhou", f"p{i}")
    client = sls()
    first = client.list_project(offset=0, size=3)
    assert (first.get_count(), first.get_total()) == (3, 7)
    last = client.list_project(offset=6, size=3)
    assert [p["projectName"] for p in last.get_projects()] == ["p6"]
    assert (last.get_count(), last.get_total()) == (1, 7)
    assert client.list_project(offset=9, size=3).get_count() == 0


def test_list_projects_size_minus_one_walks_every_page(emulated_cloud: EmulatedCloud) -> None:
    for i in range(501):
        emulated_cloud.create_project(ACCOUNT, "cn-hangzhou", f"p{i:03d}")
    everything = sls().list_project(size=-1)
    assert len(everything.get_projects()) == 501
    assert emulated_cloud.count(api="ListProject") == 2  # the SDK pages by 500


def test_page_size_over_500_is_refused(cloud: EmulatedCloud) -> None:
    with pytest.raises(LogException) as caught:
        sls()._send("GET", None, None, "/", {"offset": "0", "size": "501"}, {})
    assert caught.value.get_error_code() == "ParameterInvalid"


def test_list_alerts_pages_and_returns_alerts_verbatim(cloud: EmulatedCloud) -> None:
    for i in range(4):
        cloud.sls.put_alert(ACCOUNT, "cn-hangzhou", "audit-hz", {"name": f"extra{i}", "type": "Alert"})
    client = sls()
    page = client.list_alert("audit-hz", offset=0, size=2)
    assert page.get_entities()[0] == ALERT
    assert (page.get_count(), page.get_total()) == (2, 5)
    rest = client.list_alert("audit-hz", offset=2, size=10)
    assert [a["name"] for a in rest.get_entities()] == ["extra1", "extra2", "extra3"]
    assert client.list_alert("empty-hz").get_entities() == []


def test_list_jobs_of_other_types_is_empty(cloud: EmulatedCloud) -> None:
    resp, _ = sls()._send(
        "GET", "audit-hz", None, "/jobs", {"jobType": "ETL", "offset": "0", "size": "10"}, {}
    )
    assert resp == {"count": 0, "total": 0, "results": []}


MINE = {"name": "mine", "type": "Alert", "configuration": {"queryList": []}}
SINGLE_ALERT_CALLS = {
    "GET /jobs/<name>": lambda client: client.get_alert("audit-hz", ALERT["name"]),
    "POST /jobs": lambda client: client.create_alert("audit-hz", MINE),
    "PUT /jobs/<name>": lambda client: client.update_alert("audit-hz", dict(ALERT, displayName="x")),
    "DELETE /jobs/<name>": lambda client: client.delete_alert("audit-hz", ALERT["name"]),
}


@pytest.mark.parametrize("route", list(SINGLE_ALERT_CALLS))
def test_alert_routes_cis216_does_not_call_are_not_emulated(cloud: EmulatedCloud, route: str) -> None:
    # cis216 only lists alerts; getting, creating, updating or deleting one must fail loudly.
    with pytest.raises(LogException) as caught:
        SINGLE_ALERT_CALLS[route](sls())
    (not_emulated,) = cloud.unemulated
    cloud.unemulated.clear()
    method, path = route.split(" ", 1)
    path = path.replace("<name>", ALERT["name"])
    assert (not_emulated.method, urlsplit(not_emulated.url).path) == (method, path)
    message = caught.value.get_error_message()
    assert f"request not emulated: {method} http://audit-hz.cn-hangzhou.log.aliyuncs.com:80{path}" in message
    assert f"sls has no route for {method} {path}" in message
    assert cloud.calls == []
    assert sls().list_alert("audit-hz").get_entities() == [ALERT]  # the seeded alert is untouched


def test_get_index_answers_the_seeded_index(cloud: EmulatedCloud, snapshot: dict) -> None:
    got = sls().get_index_config("audit-hz", "actiontrail_main")
    expected = snapshot["regions"]["cn-hangzhou"]["sls_projects"]["audit-hz"]["logstores"]["actiontrail_main"]
    assert got.get_body() == expected["index"]
    assert got.get_index_config().line_config.token_list == [",", " "]


def test_get_index_without_index(cloud: EmulatedCloud) -> None:
    cloud.create_logstore(ACCOUNT, "cn-hangzhou", "audit-hz", "plain")
    with pytest.raises(LogException) as caught:
        sls().get_index_config("audit-hz", "plain")
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("IndexConfigNotExist", 404)
    assert caught.value.get_request_id()


def test_missing_project_and_logstore(cloud: EmulatedCloud) -> None:
    with pytest.raises(LogException) as caught:
        sls().get_index_config("nope", "x")
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("ProjectNotExist", 404)
    with pytest.raises(LogException) as caught:
        sls().get_index_config("audit-hz", "nope")
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("LogStoreNotExist", 404)


def test_projects_are_per_region(cloud: EmulatedCloud) -> None:
    with pytest.raises(LogException) as caught:
        sls("cn-shanghai").list_alert("audit-hz")
    assert caught.value.get_error_code() == "ProjectNotExist"


def test_list_logstores_includes_implied_and_created(cloud: EmulatedCloud) -> None:
    cloud.create_logstore(ACCOUNT, "cn-hangzhou", "empty-hz", "findings")
    assert sls().list_logstore("audit-hz").get_logstores() == ["actiontrail_main"]
    assert sls().list_logstore("empty-hz").get_logstores() == ["findings"]
    assert sls().get_logstore("empty-hz", "findings").logstore_name == "findings"


def test_trail_arn_in_unlisted_project_of_same_account_implies_nothing(emulated_cloud: EmulatedCloud) -> None:
    emulated_cloud.seed_snapshot(
        {
            "account_id": ACCOUNT,
            "regions": {
                "cn-hangzhou": {
                    "trails": [
                        {
                            "Name": "gone",
                            "HomeRegion": "cn-hangzhou",
                            "SlsProjectArn": f"acs:log:cn-hangzhou:{ACCOUNT}:project/del",
                        }
                    ]
                }
            },
        }
    )
    assert emulated_cloud.sls.project(ACCOUNT, "cn-hangzhou", "del") is None


def test_trail_arn_in_another_account_creates_that_project(emulated_cloud: EmulatedCloud) -> None:
    emulated_cloud.seed_snapshot(
        {
            "account_id": ACCOUNT,
            "regions": {
                "cn-hangzhou": {
                    "trails": [
                        {
                            "Name": "x",
                            "HomeRegion": "cn-hangzhou",
                            "SlsProjectArn": "acs:log:cn-beijing:999:project/central",
                        }
                    ]
                }
            },
        }
    )
    project = emulated_cloud.sls.project("999", "cn-beijing", "central")
    assert project is not None and list(project.logstores) == ["actiontrail_x"]


def test_https_endpoint_and_intranet_host(cloud: EmulatedCloud) -> None:
    assert sls(https=True).list_alert("audit-hz").get_total() == 1
    from aliyun.log import LogClient

    from cis216.emulator import DEFAULT_CREDENTIALS as C

    client = LogClient(
        "cn-hangzhou-intranet.log.aliyuncs.com", C.access_key_id, C.access_key_secret, source="x"
    )
    assert client.list_alert("audit-hz").get_total() == 1


def test_get_project_is_told_apart_from_list_project_by_the_host(cloud: EmulatedCloud) -> None:
    assert sls().get_project("audit-hz").get_body()["projectName"] == "audit-hz"
    assert cloud.calls[-1].api == "GetProject"
    with pytest.raises(LogException) as caught:
        sls().get_project("nope")
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("ProjectNotExist", 404)
