"""Every API the scan calls, through its real SDK and the emulated cloud: a wrong shape is an error
naming the API and the path, an unreadable answer is classified by its HTTP status first, and a call
that got no answer names the host and the cause."""

from __future__ import annotations

import pytest

from cis216.adapters import sts
from cis216.adapters.actiontrail import ActionTrailAdapter
from cis216.adapters.calls import Caller, CallError, RetryPolicy
from cis216.adapters.sls import SlsAdapter
from tests.functional.adapters.support import ACCOUNT

REGION, PROJECT, LOGSTORE = "cn-hangzhou", "audit-hz", "actiontrail_main"
SLS_HOST = f"{REGION}.log.aliyuncs.com"


@pytest.fixture
def cloud(emulated_cloud):
    emulated_cloud.create_logstore(
        ACCOUNT, REGION, PROJECT, LOGSTORE, index={"line": {"token": [","]}, "keys": {}}
    )
    return emulated_cloud


def calls(creds):
    """Each API the scan reads, as one call of its adapter: (api, host, call)."""
    sls = SlsAdapter(creds, "test")
    trails = ActionTrailAdapter(creds)
    return {
        "DescribeRegions": (f"actiontrail.{REGION}.aliyuncs.com", lambda: trails.describe_regions(REGION, 5)),
        "DescribeTrails": (f"actiontrail.{REGION}.aliyuncs.com", lambda: trails.describe_trails(REGION, 5)),
        "GetCallerIdentity": (
            f"sts.{REGION}.aliyuncs.com",
            lambda: sts.get_caller_identity(creds, REGION, 5),
        ),
        "ListProject": (SLS_HOST, lambda: sls.list_projects(REGION, 0, 100, 5)),
        "ListAlerts": (f"{PROJECT}.{SLS_HOST}", lambda: sls.list_alerts(REGION, PROJECT, 0, 100, 5)),
        "GetIndex": (f"{PROJECT}.{SLS_HOST}", lambda: sls.get_index(REGION, PROJECT, LOGSTORE, 5)),
    }


APIS = ["DescribeRegions", "DescribeTrails", "GetCallerIdentity", "ListProject", "ListAlerts", "GetIndex"]


def failure(cloud, creds, api) -> CallError:
    with pytest.raises(CallError) as caught:
        calls(creds)[api][1]()
    assert caught.value.api == api
    return caught.value


WRONG_SHAPES = [
    # (api, the 200 answer's body, the message)
    ("DescribeRegions", {"Regions": ["cn-hangzhou"]}, "answer: Regions: Input should be a JSON object"),
    (
        "DescribeRegions",
        {"RegionList": {"Region": [{"RegionId": "cn-hangzhou"}]}},
        "answer: Regions: Field required (the answer's keys: RegionList)",
    ),
    ("DescribeTrails", {"TrailList": "main"}, "answer: TrailList: Input should be a valid list"),
    (
        "DescribeTrails",
        {"Trails": [{"Name": "main"}]},
        "answer: TrailList: Field required (the answer's keys: Trails)",
    ),
    ("DescribeTrails", [{"Name": "main"}], "answer: (document): expected a JSON object, got an array"),
    (
        "GetCallerIdentity",
        {"AccountId": ""},
        "answer: AccountId: '' is not an Alibaba Cloud account id (5-20 digits)",
    ),
    (
        "ListProject",
        {"count": 1, "total": 1, "items": [{"projectName": "p-1"}]},
        "answer: projects: Field required (the answer's keys: count, items, total)",
    ),
    (
        "ListProject",
        {"count": 1, "total": 1, "projects": "p-1"},
        "answer: projects: Input should be a valid list",
    ),
    (
        "ListProject",
        {"count": 1, "projects": [{"projectName": "p-1"}]},
        "answer: total: Field required (the answer's keys: count, projects)",
    ),
    (
        "ListAlerts",
        {"count": 1, "total": 1, "alerts": [{"name": "cis_at_unauth_apicall"}]},
        "answer: results: Field required (the answer's keys: alerts, count, total)",
    ),
    (
        "ListAlerts",
        {"count": 1, "total": 1, "results": "cis"},
        "answer: results: Input should be a valid list",
    ),
    (
        "ListAlerts",
        {"count": 0, "total": 3, "results": []},
        "answer: total: 3, but this page ends at item 0 with room for 100 more: the items after it would be missed",
    ),
    ("ListAlerts", {"count": 3, "total": 3, "results": [{}]}, "answer: count: 3, but the page holds 1 item"),
    ("GetIndex", ["line"], "answer: (document): expected a JSON object, got an array"),
    ("GetIndex", "index", "answer: (document): expected a JSON object, got a string"),
]


@pytest.mark.parametrize(("api", "body", "message"), WRONG_SHAPES)
def test_a_wrong_shape_is_malformed_naming_the_api_and_the_path(cloud, creds, api, body, message):
    cloud.faults.add("json_body", api=api, body=body)
    error = failure(cloud, creds, api)
    assert (error.code, error.message, error.retryable) == ("MalformedResponse", message, False)
    assert str(error) == f"{api}: MalformedResponse: {message}"


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize(
    ("status", "code"),
    [(502, "BadGateway"), (503, "ServiceUnavailable"), (504, "GatewayTimeout"), (500, "InternalServerError")],
)
def test_an_html_error_page_is_a_server_error_by_its_status(cloud, creds, api, status, code):
    cloud.faults.add("html502", api=api, status=status)
    error = failure(cloud, creds, api)
    assert (error.code, error.status, error.retryable, error.message) == (
        code,
        status,
        True,
        "the answer is not JSON (text/html)",
    )
    assert cloud.count(api=api) == 1  # the SDKs' own retry loops are bypassed: ours counts and backs off


@pytest.mark.parametrize("api", APIS)
def test_only_a_2xx_that_cannot_be_read_is_malformed(cloud, creds, api):
    cloud.faults.add("html502", api=api, status=200)
    error = failure(cloud, creds, api)
    assert (error.code, error.status, error.retryable, error.message) == (
        "MalformedResponse",
        200,
        False,
        "the answer is not JSON (text/html)",
    )


@pytest.mark.parametrize("api", APIS)
def test_an_error_answer_without_a_code_is_classified_by_its_status(cloud, creds, api):
    cloud.faults.add("json_body", api=api, status=502, body={"unexpected": True})
    error = failure(cloud, creds, api)
    assert (error.code, error.status, error.retryable, error.message) == (
        "BadGateway",
        502,
        True,
        "the error answer names no error code",
    )


@pytest.mark.parametrize("api", APIS)
def test_a_transient_gateway_page_is_retried_to_the_real_answer(cloud, creds, api):
    expected = calls(creds)[api][1]()
    cloud.reset_calls()  # the next call is call 1 again
    cloud.faults.add("html502", api=api, calls=[1])
    caller = Caller(RetryPolicy(max_attempts=3, sleep=lambda _s: None), call_timeout=5)
    assert caller.call(api, lambda _timeout: calls(creds)[api][1]()) == expected
    assert caller.stats.retries == 1


TRANSPORT = [
    ("connection_refused", "ConnectionError", "cannot reach {host} (connection refused)"),
    ("dns_failure", "ConnectionError", "cannot reach {host} (DNS lookup failed)"),
    ("tls_handshake_failure", "ConnectionError", "cannot reach {host} (TLS handshake failed)"),
    ("connect_timeout", "Timeout", "cannot reach {host} (connect timeout)"),
    ("timeout", "Timeout", "no answer from {host} within the call timeout (read timeout)"),
]


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize(("kind", "code", "message"), TRANSPORT)
def test_no_answer_names_the_host_and_the_cause(cloud, creds, api, kind, code, message):
    cloud.faults.add(kind, api=api)
    host = calls(creds)[api][0]
    error = failure(cloud, creds, api)
    assert (error.code, error.message, error.retryable) == (code, message.format(host=host), True)
    assert str(error) == f"{api}: {code}: {message.format(host=host)}"


def test_the_unreachable_sts_endpoint_says_so_in_one_line(cloud, creds):
    cloud.faults.add("connection_refused", api="GetCallerIdentity")
    with pytest.raises(CallError) as caught:
        sts.get_caller_identity(creds, REGION, 5)
    assert str(caught.value) == (
        "GetCallerIdentity: ConnectionError: cannot reach sts.cn-hangzhou.aliyuncs.com (connection refused)"
    )
