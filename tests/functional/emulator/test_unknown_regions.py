"""A region that does not exist has no endpoint: its hosts fail like a DNS lookup does, before
anything reaches the cloud, so a misspelt region scans as a connection error, never as "fine"."""

from __future__ import annotations

import copy
import json

import pytest
import requests

from cis216.adapters.actiontrail import ActionTrailAdapter
from cis216.adapters.calls import Caller, CallError, RetryPolicy
from cis216.adapters.credentials import Credentials
from cis216.adapters.sls import SlsAdapter
from cis216.core import evaluate
from cis216.emulator import DEFAULT_CREDENTIALS, EmulatedCloud
from cis216.emulator.regions import DEFAULT_REGION_IDS, REAL_REGION_IDS
from cis216.inventory import parse_inventory
from cis216.shell.collect import collect_account
from tests.paths import SAMPLES

CREDS = Credentials(DEFAULT_CREDENTIALS.access_key_id, DEFAULT_CREDENTIALS.access_key_secret)
SAMPLE = json.loads((SAMPLES / "sample-account.json").read_text())
ACCOUNT = SAMPLE["account_id"]
TYPO = "cn-hangzou"


def unresolved(host: str) -> str:
    return (
        f"HTTPSConnectionPool(host='{host}', port=443): Max retries exceeded with url: / "
        f"(Caused by NameResolutionError(\"Failed to resolve '{host}' ([Errno -2] Name or service not known)\"))"
    )


@pytest.mark.parametrize(
    "host",
    [
        f"actiontrail.{TYPO}.aliyuncs.com",
        f"{TYPO}.log.aliyuncs.com",
        f"audit.{TYPO}-intranet.log.aliyuncs.com",
    ],
)
def test_a_host_of_an_unknown_region_does_not_resolve(emulated_cloud: EmulatedCloud, host: str) -> None:
    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        requests.get(f"https://{host}/", timeout=5)
    assert str(caught.value) == unresolved(host)
    assert emulated_cloud.calls == [] and emulated_cloud.unemulated == []  # nothing reached the cloud


def test_every_real_region_resolves(emulated_cloud: EmulatedCloud) -> None:
    assert set(DEFAULT_REGION_IDS) < REAL_REGION_IDS and "cn-shanghai-finance-1" in REAL_REGION_IDS
    for region in sorted(REAL_REGION_IDS):  # answered (unsigned: refused), not unresolved
        assert requests.get(f"https://{region}.log.aliyuncs.com/", timeout=5).status_code >= 400
    assert ActionTrailAdapter(CREDS).describe_trails("cn-nanjing", 5) == []


def test_a_region_the_test_names_exists(emulated_cloud: EmulatedCloud) -> None:
    emulated_cloud.set_regions(["xx-test-1"])
    assert ActionTrailAdapter(CREDS).describe_trails("xx-test-1", 5) == []
    with EmulatedCloud(regions=["xx-test-2"]) as cloud:
        assert ActionTrailAdapter(CREDS).describe_trails("xx-test-2", 5) == []
        assert cloud.count(api="DescribeTrails", region="xx-test-2") == 1


def test_a_region_only_a_seeded_snapshot_names_is_listed_but_has_no_endpoint(
    emulated_cloud: EmulatedCloud,
) -> None:
    emulated_cloud.seed_snapshot({"account_id": ACCOUNT, "regions": {TYPO: {"trails": []}}})
    assert TYPO in ActionTrailAdapter(CREDS).describe_regions("cn-hangzhou", 5)
    with pytest.raises(CallError) as caught:
        ActionTrailAdapter(CREDS).describe_trails(TYPO, 5)
    assert (caught.value.api, caught.value.code, caught.value.retryable) == (
        "DescribeTrails",
        "ConnectionError",
        True,
    )
    with pytest.raises(CallError) as caught:
        SlsAdapter(CREDS, "t").list_projects(TYPO, 0, 100, 5)
    assert (caught.value.api, caught.value.code) == ("ListProject", "ConnectionError")


def test_a_misspelt_region_scans_as_a_connection_error(emulated_cloud: EmulatedCloud) -> None:
    emulated_cloud.seed_snapshot(copy.deepcopy(SAMPLE))
    caller = Caller(RetryPolicy(max_attempts=2, sleep=lambda s: None), call_timeout=5)
    document = collect_account(
        ActionTrailAdapter(CREDS),
        SlsAdapter(CREDS, "t"),
        caller,
        ACCOUNT,
        profile="strict",
        regions=["cn-hangzhou", TYPO],
        home_region="cn-hangzhou",
        max_concurrency=4,
    ).document
    errors = document["regions"][TYPO]["errors"]  # its trails, and Log Audit's project there
    assert [(e["api"], e["code"]) for e in errors] == [
        ("DescribeTrails", "ConnectionError"),
        ("ListProject", "ConnectionError"),
    ]
    assert emulated_cloud.count(region=TYPO) == 0  # never reached: retried, and failed, in the client
    findings = evaluate(parse_inventory(document), "strict")
    typo = [f for f in findings if f.region == TYPO]
    assert [(f.status, f.reason_codes) for f in typo] == [("error", ["SCAN_ERROR"])] * 2
    assert "DescribeTrails failed for cn-hangzou" in (typo[0].reason or "")
