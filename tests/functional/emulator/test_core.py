"""The emulator itself: loud failures, no network, call records, activation."""

from __future__ import annotations

import contextlib
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from alibabacloud_actiontrail20200706 import models
from aliyun.log import LogClient, LogException

from cis216.emulator import DEFAULT_CREDENTIALS, EmulatedCloud, UnemulatedRequest
from tests.functional.emulator.clients import ACCOUNT, actiontrail, fc, sls, sts


def test_unknown_host_fails_loudly_naming_it(emulated_cloud: EmulatedCloud) -> None:
    with pytest.raises(UnemulatedRequest) as caught:
        requests.get("https://ecs.cn-hangzhou.aliyuncs.com/?Action=DescribeInstances")
    message = str(caught.value)
    assert "GET https://ecs.cn-hangzhou.aliyuncs.com/?Action=DescribeInstances" in message
    assert "DescribeInstances" in message and "ecs.cn-hangzhou.aliyuncs.com" in message
    assert emulated_cloud.unemulated == [caught.value]
    assert emulated_cloud.calls == []
    emulated_cloud.unemulated.clear()


def test_unknown_action_of_an_emulated_service_fails_loudly(emulated_cloud: EmulatedCloud) -> None:
    # The tea SDK wraps every exception in UnretryableException; the message still names it.
    with pytest.raises(Exception, match=r"POST https://actiontrail\.cn-hangzhou.*action LookupEvents"):
        actiontrail().lookup_events(models.LookupEventsRequest())
    assert [e.action for e in emulated_cloud.unemulated] == ["LookupEvents"]
    emulated_cloud.unemulated.clear()  # else leaving the emulator raises (see the next test)


def test_leaving_the_emulator_raises_when_something_was_not_emulated() -> None:
    # Callers may swallow errors (a collector records API failures as findings); the
    # emulator still makes the gap visible when the block ends.
    cloud = EmulatedCloud()
    expected = pytest.raises(UnemulatedRequest, match=r"ecs\.cn-hangzhou\.aliyuncs\.com.*1 request")
    # The caller swallows the error; leaving the block still raises.
    with expected, cloud, contextlib.suppress(UnemulatedRequest):
        requests.get("https://ecs.cn-hangzhou.aliyuncs.com/")
    lenient = EmulatedCloud(strict=False)
    with lenient, pytest.raises(UnemulatedRequest):
        requests.get("https://ecs.cn-hangzhou.aliyuncs.com/")
    assert len(lenient.unemulated) == 1


def test_unknown_sls_path_fails_loudly_even_through_the_sls_sdk(emulated_cloud: EmulatedCloud) -> None:
    # aliyun.log wraps every transport exception in LogException; the message still names it.
    with pytest.raises(LogException) as caught:
        sls().get_project_logs(
            __import__("aliyun.log", fromlist=["GetProjectLogsRequest"]).GetProjectLogsRequest(
                "audit-hz", "select 1"
            )
        )
    assert (
        "request not emulated: GET http://audit-hz.cn-hangzhou.log.aliyuncs.com"
        in caught.value.get_error_message()
    )
    assert len(emulated_cloud.unemulated) == 1
    emulated_cloud.unemulated.clear()


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
@pytest.mark.disable_socket
def test_whole_flow_opens_no_socket(cloud: EmulatedCloud) -> None:
    # pytest-socket makes any socket creation raise; every emulated API must still answer.
    with pytest.raises(Exception, match="socket"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    actiontrail().describe_trails(models.DescribeTrailsRequest(include_shadow_trails=True))
    actiontrail().describe_regions(models.DescribeRegionsRequest())
    sls().list_project()
    sls().list_alert("audit-hz")
    sls().get_index_config("audit-hz", "actiontrail_main")
    sts().get_caller_identity()
    from alibabacloud_fc20230330 import models as fc_models
    from darabonba.runtime import RuntimeOptions

    fc().invoke_function_with_options(
        "f",
        fc_models.InvokeFunctionRequest(body=b"{}"),
        fc_models.InvokeFunctionHeaders(x_fc_invocation_type="Async"),
        RuntimeOptions(),
    )
    assert cloud.count(status=200) == 6 and cloud.count(status=202) == 1


@pytest.mark.disable_socket
def test_sls_client_without_source_does_not_probe_the_network(emulated_cloud: EmulatedCloud) -> None:
    client = LogClient(
        "cn-hangzhou.log.aliyuncs.com",
        DEFAULT_CREDENTIALS.access_key_id,
        DEFAULT_CREDENTIALS.access_key_secret,
    )
    assert client._source == "127.0.0.1"


def test_call_records(cloud: EmulatedCloud) -> None:
    sls().list_alert("audit-hz")
    actiontrail("cn-shanghai").describe_trails(models.DescribeTrailsRequest())
    first, second = cloud.calls
    assert (first.service, first.api, first.region, first.project, first.status, first.account) == (
        "sls",
        "ListAlerts",
        "cn-hangzhou",
        "audit-hz",
        200,
        ACCOUNT,
    )
    assert (second.service, second.api, second.region, second.project) == (
        "actiontrail",
        "DescribeTrails",
        "cn-shanghai",
        None,
    )
    assert first.started <= second.started and first.duration >= 0
    assert cloud.count(service="sls") == 1 and cloud.count(api="DescribeTrails", status=200) == 1
    cloud.reset_calls()
    assert cloud.calls == [] and cloud.count() == 0


def test_calls_from_threads_are_all_recorded(cloud: EmulatedCloud) -> None:
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: sls().list_project(), range(40)))
    assert cloud.count(api="ListProject", status=200) == 40
    assert sorted(c.call_number for c in cloud.calls) == list(range(1, 41))


def test_activation_is_scoped_and_reentrant() -> None:
    cloud = EmulatedCloud()
    with cloud:
        assert cloud.start() is cloud  # already active: no second mock
        assert sls().list_project().get_count() == 0
    assert cloud._mock is None
    with cloud:  # can be activated again; state survives
        assert sls().list_project().get_count() == 0
    assert cloud.count(api="ListProject") == 2


def test_custom_credentials_replace_the_default() -> None:
    from .test_auth import UNKNOWN_KEY

    cloud = EmulatedCloud(credentials=[UNKNOWN_KEY])
    with cloud:
        assert sls(creds=UNKNOWN_KEY).list_project().get_count() == 0
        with pytest.raises(LogException):
            sls().list_project()


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_the_suite_itself_runs_with_network_sockets_and_dns_disabled() -> None:
    # No marker here: the suite's own options (pyproject addopts --disable-socket) must block the
    # network for every test, so that a test that tries fails; only unix sockets (PostgreSQL) pass.
    with pytest.raises(Exception, match="socket"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(Exception, match="getaddrinfo"):
        socket.getaddrinfo("actiontrail.cn-hangzhou.aliyuncs.com", 443)
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()
