"""ActionTrail, SLS and STS adapters: real SDKs against the emulated cloud."""

from __future__ import annotations

import pytest

from cis216.adapters import sts
from cis216.adapters.actiontrail import ActionTrailAdapter
from cis216.adapters.calls import CallError
from cis216.adapters.sls import SlsAdapter
from tests.functional.adapters.support import ACCOUNT

TRAIL = {
    "Name": "main",
    "Status": "Enable",
    "HomeRegion": "cn-hangzhou",
    "TrailRegion": "All",
    "EventRW": "All",
    "SlsProjectArn": f"acs:log:cn-hangzhou:{ACCOUNT}:project/audit-hz",
    "SomeFieldTheModelDoesNotKnow": "kept",
}


@pytest.fixture
def cloud(emulated_cloud):
    emulated_cloud.actiontrail.add_trail(ACCOUNT, dict(TRAIL))
    emulated_cloud.actiontrail.add_trail(
        ACCOUNT,
        {
            "Name": "org",
            "HomeRegion": "cn-shanghai",
            "TrailRegion": "All",
            "IsOrganizationTrail": True,
            "Status": "Enable",
        },
    )
    emulated_cloud.create_logstore(
        ACCOUNT, "cn-hangzhou", "audit-hz", "actiontrail_main", index={"line": {"token": [","]}, "keys": {}}
    )
    return emulated_cloud


def test_describe_trails_with_shadow_and_organization_trails_verbatim(cloud, creds):
    trails = ActionTrailAdapter(creds).describe_trails("cn-beijing", 5)
    assert {t["Name"] for t in trails} == {"main", "org"}
    main = next(t for t in trails if t["Name"] == "main")
    assert main["SomeFieldTheModelDoesNotKnow"] == "kept"


def test_describe_regions(cloud, creds):
    regions = ActionTrailAdapter(creds).describe_regions("cn-hangzhou", 5)
    assert "cn-hangzhou" in regions and "ap-southeast-1" in regions


def test_caller_identity(cloud, creds):
    assert sts.get_caller_identity(creds, "cn-hangzhou", 5) == ACCOUNT


def test_projects_paged_with_totals(cloud, creds):
    for n in range(7):
        cloud.create_project(ACCOUNT, "cn-hangzhou", f"proj-{n}")
    sls = SlsAdapter(creds, "test")
    first, total = sls.list_projects("cn-hangzhou", 0, 5, 5)
    second, _ = sls.list_projects("cn-hangzhou", 5, 5, 5)
    assert total == 8 and len(first) == 5 and len(second) == 3
    assert set(first + second) == {"audit-hz", *(f"proj-{n}" for n in range(7))}


def test_alerts_and_index(cloud, creds):
    cloud.sls.put_alert(
        ACCOUNT, "cn-hangzhou", "audit-hz", {"name": "a1", "status": "ENABLED", "configuration": {}}
    )
    sls = SlsAdapter(creds, "test")
    alerts, total = sls.list_alerts("cn-hangzhou", "audit-hz", 0, 100, 5)
    assert total == 1 and alerts[0]["name"] == "a1"
    assert sls.get_index("cn-hangzhou", "audit-hz", "actiontrail_main", 5)["line"] == {"token": [","]}


def test_index_absent_is_none_missing_logstore_is_an_error(cloud, creds):
    cloud.create_logstore(ACCOUNT, "cn-hangzhou", "audit-hz", "noindex")
    sls = SlsAdapter(creds, "test")
    assert sls.get_index("cn-hangzhou", "audit-hz", "noindex", 5) is None
    with pytest.raises(CallError) as caught:
        sls.get_index("cn-hangzhou", "audit-hz", "missing", 5)
    assert caught.value.code == "LogStoreNotExist" and not caught.value.retryable


@pytest.mark.parametrize(
    "kind, code, retryable",
    [
        ("throttle", "ReadQuotaExceed", True),
        ("error500", "InternalServerError", True),
        ("error503", "ServerBusy", True),
        ("timeout", "Timeout", True),
        ("malformed", "MalformedResponse", False),
    ],
)
def test_sls_errors_are_classified_and_not_retried_by_the_sdk(cloud, creds, kind, code, retryable):
    cloud.faults.add(kind, api="ListAlerts")
    before = cloud.count(api="ListAlerts")
    with pytest.raises(CallError) as caught:
        SlsAdapter(creds, "test").list_alerts("cn-hangzhou", "audit-hz", 0, 100, 5)
    assert (caught.value.code, caught.value.retryable) == (code, retryable)
    assert cloud.count(api="ListAlerts") - before == 1  # the SDK's own 10x retry loop is bypassed


@pytest.mark.parametrize(
    "kind, code, retryable",
    [
        ("throttle", "Throttling.User", True),
        ("error500", "InternalError", True),
        ("timeout", "Timeout", True),
        ("connect_timeout", "Timeout", True),
        ("malformed", "MalformedResponse", False),
    ],
)
def test_actiontrail_errors_are_classified(cloud, creds, kind, code, retryable):
    cloud.faults.add(kind, api="DescribeTrails")
    with pytest.raises(CallError) as caught:
        ActionTrailAdapter(creds).describe_trails("cn-hangzhou", 5)
    assert (caught.value.code, caught.value.retryable) == (code, retryable)


def test_permission_error_keeps_code_and_message(cloud, creds):
    cloud.faults.add("error", api="ListAlerts", code="Unauthorized", message="denied by sts or ram")
    with pytest.raises(CallError) as caught:
        SlsAdapter(creds, "test").list_alerts("cn-hangzhou", "audit-hz", 0, 100, 5)
    assert caught.value.code == "Unauthorized" and "denied" in caught.value.message
    assert not caught.value.retryable


def test_put_logs_with_explicit_source(cloud, creds):
    SlsAdapter(creds, "fn/acct").put_logs(
        "cn-hangzhou",
        "audit-hz",
        "actiontrail_main",
        "topic",
        "fn/acct",
        [(1700000000, [("k", "v"), ("x", "ü")])],
        5,
    )
    [log] = cloud.sls_logs(ACCOUNT, "cn-hangzhou", "audit-hz", "actiontrail_main")
    assert (log.topic, log.source, log.contents) == ("topic", "fn/acct", {"k": "v", "x": "ü"})


def test_sts_credentials_are_sent_with_their_token(emulated_cloud):
    from cis216.adapters.credentials import Credentials
    from cis216.emulator import Credentials as EmuCredentials

    emulated_cloud.credentials.add(EmuCredentials("STS.testkey0001", "sts-secret", security_token="tok-1"))
    good = Credentials("STS.testkey0001", "sts-secret", "tok-1")
    assert SlsAdapter(good, "s").list_projects("cn-hangzhou", 0, 10, 5) == ([], 0)  # accepted, nothing there
    with pytest.raises(CallError) as caught:
        ActionTrailAdapter(Credentials("STS.testkey0001", "sts-secret", "wrong")).describe_trails(
            "cn-hangzhou", 5
        )
    assert caught.value.code.startswith("InvalidSecurityToken")


def test_every_call_goes_over_https(cloud, creds, monkeypatch):
    # LogClient talks plain HTTP to a bare host name: the STS token (x-acs-security-token), the
    # inventory and the findings would cross the network in clear text.
    import requests

    urls = []
    send = requests.Session.send

    def recording(self, request, **kwargs):
        urls.append(request.url)
        return send(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", recording)
    sls = SlsAdapter(creds, "fn/acct")
    sls.list_projects("cn-hangzhou", 0, 10, 5)
    sls.list_alerts("cn-hangzhou", "audit-hz", 0, 10, 5)
    sls.get_index("cn-hangzhou", "audit-hz", "actiontrail_main", 5)
    logs = [(1700000000, [("k", "v")])]
    sls.put_logs("cn-hangzhou", "audit-hz", "actiontrail_main", "t", "fn/acct", logs, 5)
    ActionTrailAdapter(creds).describe_trails("cn-hangzhou", 5)
    assert [url.split("?")[0] for url in urls] == [
        "https://cn-hangzhou.log.aliyuncs.com:443/",
        "https://audit-hz.cn-hangzhou.log.aliyuncs.com:443/jobs",
        "https://audit-hz.cn-hangzhou.log.aliyuncs.com:443/logstores/actiontrail_main/index",
        "https://audit-hz.cn-hangzhou.log.aliyuncs.com:443/logstores/actiontrail_main/shards/lb",
        "https://actiontrail.cn-hangzhou.aliyuncs.com/",
    ]


def test_an_error_in_a_200_answer_is_not_an_empty_trail_list(cloud, creds):
    # No TrailList is not "no trails": it would read as an account without any trail (alarm).
    cloud.faults.add("error", api="DescribeTrails", status=200, code="Weird", message="odd answer")
    with pytest.raises(CallError) as caught:
        ActionTrailAdapter(creds).describe_trails("cn-hangzhou", 5)
    assert (caught.value.code, caught.value.message) == ("Weird", "odd answer")


def test_an_error_in_a_200_answer_is_not_an_index_config(cloud, creds):
    cloud.faults.add("error", api="GetIndex", status=200, code="Weird", message="odd answer")
    with pytest.raises(CallError) as caught:
        SlsAdapter(creds, "test").get_index("cn-hangzhou", "audit-hz", "actiontrail_main", 5)
    assert (caught.value.code, caught.value.message) == ("Weird", "odd answer")
