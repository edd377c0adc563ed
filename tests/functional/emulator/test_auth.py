"""Signature and token checks: a client with the wrong secret, key or token is refused."""

from __future__ import annotations

import dataclasses
import re

import pytest
import requests
from alibabacloud_actiontrail20200706 import models
from alibabacloud_tea_openapi.exceptions import ClientException
from aliyun.log import LogException

from cis216.emulator import DEFAULT_CREDENTIALS, Credentials, EmulatedCloud
from tests.functional.emulator.clients import actiontrail, sls, sts

WRONG_SECRET = dataclasses.replace(DEFAULT_CREDENTIALS, access_key_secret="not-the-secret")
UNKNOWN_KEY = Credentials("LTAIunknown1", "emulated-secret")
STS_KEY = Credentials("STS.emulated", "sts-secret", security_token="token-1")


def rpc_error(call) -> ClientException:
    with pytest.raises(ClientException) as caught:
        call()
    return caught.value


def sls_error(call) -> LogException:
    with pytest.raises(LogException) as caught:
        call()
    return caught.value


def test_wrong_secret_is_refused_everywhere(cloud: EmulatedCloud) -> None:
    err = rpc_error(lambda: actiontrail(creds=WRONG_SECRET).describe_trails(models.DescribeTrailsRequest()))
    assert (err.code, err.status_code) == ("SignatureDoesNotMatch", 400)
    err = rpc_error(lambda: sts(creds=WRONG_SECRET).get_caller_identity())
    assert err.code == "SignatureDoesNotMatch"
    sls_err = sls_error(lambda: sls(creds=WRONG_SECRET).list_project())
    assert (sls_err.get_error_code(), sls_err.resp_status) == ("SignatureNotMatch", 401)
    assert sls_err.get_request_id()
    assert cloud.count(status=200) == 0
    # And the right secret works: the refusal is about the secret, nothing else.
    assert actiontrail().describe_trails(models.DescribeTrailsRequest()).status_code == 200


def test_unknown_access_key(cloud: EmulatedCloud) -> None:
    err = rpc_error(lambda: actiontrail(creds=UNKNOWN_KEY).describe_trails(models.DescribeTrailsRequest()))
    assert (err.code, err.status_code) == ("InvalidAccessKeyId.NotFound", 404)
    sls_err = sls_error(lambda: sls(creds=UNKNOWN_KEY).list_alert("audit-hz"))
    assert (sls_err.get_error_code(), sls_err.resp_status) == ("Unauthorized", 401)


def test_sts_credentials_need_their_token(cloud: EmulatedCloud) -> None:
    cloud.credentials.add(STS_KEY)
    assert actiontrail(creds=STS_KEY).describe_trails(models.DescribeTrailsRequest()).status_code == 200
    assert sls(creds=STS_KEY).list_project().get_count() == 2
    missing = dataclasses.replace(STS_KEY, security_token=None)
    assert (
        rpc_error(lambda: actiontrail(creds=missing).describe_regions(models.DescribeRegionsRequest())).code
        == "MissingSecurityToken"
    )
    other = dataclasses.replace(STS_KEY, security_token="token-2")
    err = rpc_error(lambda: actiontrail(creds=other).describe_regions(models.DescribeRegionsRequest()))
    assert (err.code, err.status_code) == ("InvalidSecurityToken.MismatchWithAccessKey", 400)
    assert sls_error(lambda: sls(creds=other).list_project()).get_error_code() == "Unauthorized"


def test_expired_token(cloud: EmulatedCloud) -> None:
    cloud.credentials.add(dataclasses.replace(STS_KEY, expired=True))
    err = rpc_error(lambda: actiontrail(creds=STS_KEY).describe_trails(models.DescribeTrailsRequest()))
    assert (err.code, err.status_code) == ("InvalidSecurityToken.Expired", 400)
    assert sls_error(lambda: sls(creds=STS_KEY).list_project()).get_error_code() == "SecurityTokenExpired"


def test_token_sent_with_a_long_term_key_is_refused(cloud: EmulatedCloud) -> None:
    with_token = dataclasses.replace(DEFAULT_CREDENTIALS, security_token="stray")
    err = rpc_error(lambda: actiontrail(creds=with_token).describe_trails(models.DescribeTrailsRequest()))
    assert err.code == "InvalidSecurityToken.MismatchWithAccessKey"


def test_unsigned_requests(cloud: EmulatedCloud) -> None:
    rpc = requests.post("https://actiontrail.cn-hangzhou.aliyuncs.com/?Action=DescribeTrails")
    assert rpc.status_code == 400 and rpc.json()["Code"] == "IncompleteSignature"
    assert set(rpc.json()) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    log = requests.get("http://audit-hz.cn-hangzhou.log.aliyuncs.com/jobs?jobType=Alert")
    assert log.status_code == 401 and log.json()["errorCode"] == "Unauthorized"
    assert re.fullmatch(r"[0-9A-F]{24}", log.headers["x-log-requestid"])


def test_tampered_sls_query_is_refused(cloud: EmulatedCloud) -> None:
    client = sls()
    sent = []
    original = client._sendRequest

    def tamper(method, url, params, body, headers, respons_body_type="json"):
        params = dict(params, offset="1")  # changed after signing
        sent.append(params)
        return original(method, url, params, body, headers, respons_body_type)

    client._sendRequest = tamper
    err = sls_error(lambda: client.list_alert("audit-hz"))
    assert err.get_error_code() == "SignatureNotMatch" and sent


def test_signatures_hold_for_encoded_query_values(cloud: EmulatedCloud) -> None:
    # Spaces, unicode and reserved characters travel percent-encoded; both signing schemes
    # must be rebuilt from the decoded values the way each SDK signed them.
    odd = "main,trail ü/+*~"
    body = actiontrail().describe_trails(models.DescribeTrailsRequest(name_list=odd)).body
    assert [t.name for t in body.trail_list] == ["main"]
    assert sls().list_project(project_name_pattern="hz ü/+*~").get_count() == 0
    assert sls().list_project(project_name_pattern="-hz").get_count() == 2


@pytest.mark.parametrize(
    "url, headers, status, code",
    [
        (
            "https://cn-hangzhou.log.aliyuncs.com/",
            {"Authorization": f"LOG {DEFAULT_CREDENTIALS.access_key_id}:sig\u00e9"},
            401,
            "SignatureNotMatch",
        ),
        (
            "https://actiontrail.cn-hangzhou.aliyuncs.com/",
            {
                "x-acs-action": "DescribeRegions",
                "Authorization": f"ACS3-HMAC-SHA256 Credential={DEFAULT_CREDENTIALS.access_key_id},"
                "SignedHeaders=host,Signature=\u00e9\ud800",
            },
            400,
            "SignatureDoesNotMatch",
        ),
    ],
)
def test_a_non_ascii_signature_is_a_wrong_signature(cloud: EmulatedCloud, url, headers, status, code) -> None:
    method = "POST" if "actiontrail" in url else "GET"
    answer = requests.request(method, url, headers=headers)
    assert answer.status_code == status
    body = answer.json()
    assert body.get("Code", body.get("errorCode")) == code
