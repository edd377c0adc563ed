"""The collector against the emulated cloud, real SDKs underneath."""

from __future__ import annotations

import copy
import json
import threading
import time

import pytest

from cis216.adapters.actiontrail import ActionTrailAdapter
from cis216.adapters.calls import Caller, CallError, RetryPolicy
from cis216.adapters.credentials import Credentials
from cis216.adapters.sls import SlsAdapter
from cis216.aliyun import log_audit_project
from cis216.emulator import DEFAULT_CREDENTIALS
from cis216.inventory import parse_inventory
from cis216.shell.collect import collect_account
from tests.paths import SAMPLES

SAMPLE = json.loads((SAMPLES / "sample-account.json").read_text())
ACCOUNT = SAMPLE["account_id"]
HANGZHOU_TRAILS = [t["Name"] for t in SAMPLE["regions"]["cn-hangzhou"]["trails"]]
CREDS = Credentials(DEFAULT_CREDENTIALS.access_key_id, DEFAULT_CREDENTIALS.access_key_secret)


def make_caller(max_attempts=4, deadline=None, clock=time.monotonic):
    return Caller(
        RetryPolicy(max_attempts=max_attempts, sleep=lambda s: None),
        call_timeout=5,
        deadline=deadline,
        clock=clock,
    )


def collect(**options):
    """The snapshot document collect_account makes of the emulated account."""
    return collected(**options).document


def collected(
    profile="strict",
    regions=None,
    concurrency=8,
    actiontrail=None,
    sls=None,
    grace_seconds=None,
    caller=None,
    **caller_options,
):
    return collect_account(
        actiontrail or ActionTrailAdapter(CREDS),
        sls or SlsAdapter(CREDS, "test"),
        caller or make_caller(**caller_options),
        ACCOUNT,
        profile=profile,
        regions=regions,
        home_region="cn-hangzhou",
        max_concurrency=concurrency,
        grace_seconds=grace_seconds,
    )


@pytest.fixture
def cloud(emulated_cloud):
    emulated_cloud.seed_snapshot(copy.deepcopy(SAMPLE))
    return emulated_cloud


def test_collects_the_seeded_account_back(cloud):
    snapshot = collect()
    parse_inventory(snapshot)  # a valid snapshot document
    assert snapshot["account_id"] == ACCOUNT
    for region, seeded in SAMPLE["regions"].items():
        got = snapshot["regions"][region]
        assert sorted(t["Name"] for t in got["trails"]) == sorted(t["Name"] for t in seeded["trails"])
    # SLS: every project of the trails' SLS regions, with its alerts verbatim and the trail logstores' index.
    for region in ("cn-hangzhou", "cn-shanghai"):
        for project, seeded in SAMPLE["regions"][region]["sls_projects"].items():
            got = snapshot["regions"][region]["sls_projects"][project]
            assert got["alerts"] == seeded["alerts"]
            for logstore, store in seeded["logstores"].items():
                assert got["logstores"][logstore]["index"] == store["index"]
    errors = [e for r in snapshot["regions"].values() for e in r["errors"]]
    assert [(e["api"], e["project"], e["code"]) for e in errors] == [
        ("ListAlerts", "sg-data-platform", "Unauthorized")
    ]


def test_makes_no_redundant_calls(cloud):
    collect()
    regions = len(cloud.regions_for(ACCOUNT))
    assert cloud.count(api="DescribeRegions") == 1
    assert cloud.count(api="DescribeTrails") == regions
    # one page in each region: full listings in the trails' SLS regions, Log Audit lookups elsewhere
    assert cloud.count(api="ListProject") == regions
    listed = sum(
        len(SAMPLE["regions"][r]["sls_projects"]) for r in ("cn-hangzhou", "cn-shanghai", "ap-southeast-1")
    )
    assert cloud.count(api="ListAlerts") == listed
    # the logstore of each trail delivering to a project that exists (stopped-trail-sg's is gone)
    assert cloud.count(api="GetIndex") == 3


def test_powerpipe_needs_no_index_and_no_log_audit_lookup(cloud):
    snapshot = collect(profile="powerpipe", regions=["cn-hangzhou", "cn-beijing"])
    assert cloud.count(api="GetIndex") == 0
    assert cloud.count(api="ListProject") == 1  # cn-hangzhou: org-audit-trail's SLS region
    assert list(snapshot["regions"]) == ["cn-hangzhou", "cn-beijing"]


def test_trail_sls_region_outside_the_scan_list_is_still_listed(cloud):
    snapshot = collect(profile="powerpipe", regions=["cn-beijing"])
    assert "actiontrail-central" in snapshot["regions"]["cn-hangzhou"]["sls_projects"]
    assert snapshot["regions"]["cn-hangzhou"]["trails"] == []


def test_all_pages_of_projects_and_alerts(cloud):
    for n in range(230):
        cloud.create_project(ACCOUNT, "cn-shanghai", f"bulk-{n:03d}")
    for n in range(250):
        cloud.sls.put_alert(
            ACCOUNT, "cn-shanghai", "sh-audit", {"name": f"alert-{n:03d}", "status": "ENABLED"}
        )
    snapshot = collect(regions=["cn-shanghai"], concurrency=16)
    projects = snapshot["regions"]["cn-shanghai"]["sls_projects"]
    assert len(projects) == 231
    names = [a["name"] for a in projects["sh-audit"]["alerts"]]
    assert len(names) == 252 and len(set(names)) == 252
    assert cloud.count(api="ListProject", region="cn-shanghai") == 3


def test_one_denied_project_does_not_stop_the_scan(cloud):
    cloud.faults.add(
        "error",
        api="ListAlerts",
        project="web-prod-logs",
        code="Unauthorized",
        message="denied by sts or ram, action: log:ListJobs",
    )
    snapshot = collect(regions=["cn-hangzhou"])
    region = snapshot["regions"]["cn-hangzhou"]
    seeded = SAMPLE["regions"]["cn-hangzhou"]["sls_projects"]["actiontrail-central"]["alerts"]
    assert region["sls_projects"]["actiontrail-central"]["alerts"] == seeded  # the other project is read
    assert region["sls_projects"]["web-prod-logs"]["alerts"] == []
    [error] = region["errors"]
    assert (error["api"], error["project"], error["code"], error["attempts"]) == (
        "ListAlerts",
        "web-prod-logs",
        "Unauthorized",
        1,
    )


def test_throttling_then_success(cloud):
    cloud.faults.add("throttle", api="DescribeTrails", calls=[1, 2])
    cloud.faults.add("throttle", api="ListAlerts", calls=[1], status=429)
    cloud.faults.add("error503", api="GetIndex", calls=[1])
    caller = make_caller()
    snapshot = collect(regions=["cn-hangzhou", "cn-shanghai"], caller=caller)
    assert all(not r["errors"] for r in snapshot["regions"].values())
    assert len(snapshot["regions"]["cn-hangzhou"]["trails"]) == 2
    assert caller.stats.retries == 4


def test_persistent_failure_is_recorded_after_max_attempts(cloud):
    cloud.faults.add("error500", api="DescribeTrails", region="cn-shanghai")
    snapshot = collect(regions=["cn-hangzhou", "cn-shanghai"], max_attempts=3)
    [error] = snapshot["regions"]["cn-shanghai"]["errors"]
    assert (error["api"], error["code"], error["attempts"]) == ("DescribeTrails", "InternalError", 3)
    assert [t["Name"] for t in snapshot["regions"]["cn-hangzhou"]["trails"]] == HANGZHOU_TRAILS
    assert cloud.count(api="DescribeTrails", region="cn-shanghai") == 3


def test_describe_regions_failure_falls_back_to_the_home_region(cloud):
    cloud.faults.add("error", api="DescribeRegions", code="NoPermission", message="denied")
    snapshot = collect()
    assert list(snapshot["regions"]) == ["cn-hangzhou"]
    [error] = snapshot["regions"]["cn-hangzhou"]["errors"]
    assert (error["api"], error["code"], error["message"]) == ("DescribeRegions", "NoPermission", "denied")


@pytest.mark.parametrize(
    ("answer", "expected_regions", "says"),
    [
        ([], ["cn-hangzhou"], "no usable region id, so only cn-hangzhou was scanned"),
        (["cn-shanghai", "cn-hangzhou.evil.com"], ["cn-shanghai"], "'cn-hangzhou.evil.com'"),
    ],
)
def test_an_unusable_region_list_is_recorded_not_silently_narrowed(cloud, answer, expected_regions, says):
    class Answering(ActionTrailAdapter):
        def describe_regions(self, region, timeout):
            return list(answer)

    snapshot = collect(actiontrail=Answering(CREDS))
    (error,) = [e for e in snapshot["regions"]["cn-hangzhou"]["errors"] if e["api"] == "DescribeRegions"]
    assert error["code"] == "MalformedResponse" and says in error["message"]
    for region in expected_regions:
        assert region in snapshot["regions"]
    assert not any("evil" in region for region in snapshot["regions"])
    parse_inventory(snapshot)


def test_log_audit_central_project_in_another_region(cloud):
    central = log_audit_project(ACCOUNT, "cn-beijing")
    cloud.create_logstore(ACCOUNT, "cn-beijing", central, "actiontrail_log", index={"line": {"token": [","]}})
    cloud.sls.put_alert(
        ACCOUNT, "cn-beijing", central, {"name": "sls_app_audit_cis_at_unauth_apicall", "status": "ENABLED"}
    )
    snapshot = collect(regions=["cn-hangzhou", "cn-beijing"])
    beijing = snapshot["regions"]["cn-beijing"]["sls_projects"]
    assert list(beijing) == [central]  # bj-ops is not listed: only the Log Audit lookup ran there
    assert beijing[central]["alerts"][0]["name"] == "sls_app_audit_cis_at_unauth_apicall"
    assert beijing[central]["logstores"]["actiontrail_log"]["index"] == {"line": {"token": [","]}}


def test_missing_trail_logstore_is_not_an_error(cloud):
    cloud.actiontrail.add_trail(
        ACCOUNT,
        {
            "Name": "nolog",
            "HomeRegion": "cn-hangzhou",
            "TrailRegion": "cn-hangzhou",
            "Status": "Enable",
            "SlsProjectArn": f"acs:log:cn-hangzhou:{ACCOUNT}:project/web-prod-logs",
        },
    )
    snapshot = collect(regions=["cn-hangzhou"])
    region = snapshot["regions"]["cn-hangzhou"]
    assert region["errors"] == []
    assert "actiontrail_nolog" not in region["sls_projects"]["web-prod-logs"]["logstores"]


def test_budget_exhaustion_records_errors_instead_of_calling(cloud):
    now = {"t": 0.0}

    def clock():
        now["t"] += 1.0  # every look at the clock costs a second
        return now["t"]

    snapshot = collect(
        regions=["cn-hangzhou", "cn-shanghai", "cn-beijing"], deadline=4.0, clock=clock, concurrency=1
    )
    codes = {e["code"] for r in snapshot["regions"].values() for e in r["errors"]}
    assert "ScanBudgetExceeded" in codes
    parse_inventory(snapshot)


def test_calls_run_in_parallel_within_the_bound(cloud):
    state = {"now": 0, "max": 0}
    lock = threading.Lock()

    class Tracking(ActionTrailAdapter):
        def describe_trails(self, region, timeout):
            with lock:
                state["now"] += 1
                state["max"] = max(state["max"], state["now"])
            time.sleep(0.02)
            try:
                return super().describe_trails(region, timeout)
            finally:
                with lock:
                    state["now"] -= 1

    collect(concurrency=4, actiontrail=Tracking(CREDS))
    assert 1 < state["max"] <= 4


def test_malformed_region_ids_from_the_api_are_not_used_in_hostnames(cloud):
    cloud.set_regions(["cn-hangzhou", "evil.example.com/x"])
    snapshot = collect(profile="powerpipe")
    assert list(snapshot["regions"]) == ["cn-hangzhou"]


@pytest.mark.parametrize("profile", ["strict", "powerpipe"])
def test_collected_snapshot_evaluates_like_the_seed(cloud, profile):
    from cis216.core import evaluate

    snapshot = collect(profile=profile, regions=list(SAMPLE["regions"]))

    def verdicts(document):
        return sorted(
            (f.region or "", f.resource or "", f.status, f.reason or "")
            for f in evaluate(parse_inventory(document), profile)
        )

    assert verdicts(snapshot) == verdicts(SAMPLE)


def test_timeouts_are_retried(cloud):
    cloud.faults.add("timeout", api="ListProject", calls=[1])
    cloud.faults.add("connect_timeout", api="DescribeTrails", calls=[1])
    caller = make_caller()
    snapshot = collect(regions=["cn-hangzhou"], caller=caller)
    assert snapshot["regions"]["cn-hangzhou"]["errors"] == []
    assert caller.stats.retries == 2


def test_names_from_arns_with_a_trailing_newline_are_not_used_in_hostnames(cloud):
    cloud.actiontrail.add_trail(
        ACCOUNT,
        {
            "Name": "newline-trail",
            "HomeRegion": "cn-beijing",
            "TrailRegion": "cn-beijing",
            "Status": "Enable",
            "SlsProjectArn": f"acs:log:cn-shanghai\n:{ACCOUNT}:project/sh-audit",
        },
    )
    snapshot = collect(profile="powerpipe", regions=["cn-beijing"])
    assert not any("\n" in region for region in snapshot["regions"])
    assert all(not r["errors"] for r in snapshot["regions"].values()), snapshot["regions"]
    assert "cn-shanghai" not in snapshot["regions"]


def test_a_call_that_hangs_past_the_deadline_is_given_up(cloud):
    # The per-call timeout does not bound a DNS lookup or an answer that trickles in: the scan must
    # not wait past its budget for such a call (it would leave no time to evaluate and write).
    release = threading.Event()

    class Hanging(ActionTrailAdapter):
        def describe_trails(self, region, timeout):
            if region == "cn-shanghai":
                release.wait(30)
                # Released after the test: end without another call (the emulator is gone by then).
                raise TimeoutError("released by the test")
            return super().describe_trails(region, timeout)

    ActionTrailAdapter(CREDS).describe_trails("cn-hangzhou", 5)  # SDK imports out of the budget
    deadline = time.monotonic() + 1.0
    started = time.monotonic()
    try:
        snapshot = collect(
            regions=["cn-hangzhou", "cn-shanghai"],
            deadline=deadline,
            actiontrail=Hanging(CREDS),
            grace_seconds=0.2,
        )
    finally:
        release.set()
    assert time.monotonic() - started < 5
    errors = {(e["api"], e["code"]) for e in snapshot["regions"]["cn-shanghai"]["errors"]}
    assert ("DescribeTrails", "ScanBudgetExceeded") in errors, errors
    assert [t["Name"] for t in snapshot["regions"]["cn-hangzhou"]["trails"]] == HANGZHOU_TRAILS
    parse_inventory(snapshot)


def test_errors_come_in_a_stable_order_whatever_the_threads_did(cloud):
    # Two failed pages of one project's alerts are two errors on the same resource: finding ids
    # number such repeats in order, so the order must not depend on which thread failed first.
    for n in range(300):
        cloud.sls.put_alert(ACCOUNT, "cn-shanghai", "sh-audit", {"name": f"a{n:03d}", "status": "ENABLED"})

    def run(slow_offset):
        class Racing(SlsAdapter):
            def list_alerts(self, region, project, offset, size, timeout):
                if project == "sh-audit" and offset in (100, 200):
                    if offset == slow_offset:
                        time.sleep(0.2)
                    raise CallError("ListAlerts", "Unauthorized", f"denied at offset {offset}")
                return super().list_alerts(region, project, offset, size, timeout)

        snapshot = collect(profile="powerpipe", regions=["cn-shanghai"], sls=Racing(CREDS, "t"))
        return snapshot["regions"]["cn-shanghai"]["errors"]

    first, second = run(100), run(200)
    assert len(first) == 2 and first == second


def test_the_inventory_is_the_document_read_back(cloud):
    got = collected(regions=list(SAMPLE["regions"]))
    assert got.inventory == parse_inventory(got.document)
    assert got.error_count == 1  # the sample's denied project


def test_an_unreadable_answer_is_left_out_as_it_arrives_and_says_where(cloud):
    odd_alert = {"name": "odd", "status": "ENABLED", "configuration": {"queryList": [{"query": 5}]}}
    cloud.sls.put_alert(ACCOUNT, "cn-hangzhou", "web-prod-logs", odd_alert)
    cloud.actiontrail.add_trail(
        ACCOUNT, {"Name": "odd", "HomeRegion": "cn-hangzhou", "TrailRegion": "cn-hangzhou", "Status": [1]}
    )
    got = collected(regions=["cn-hangzhou"])
    region = got.document["regions"]["cn-hangzhou"]
    assert [(e["api"], e["project"], e["code"], e["message"]) for e in region["errors"]] == [
        (
            "DescribeTrails",
            None,
            "MalformedResponse",
            "trail 'odd' could not be read, so it was left out: "
            "answer: regions.cn-hangzhou.trails[0].Status: Input should be a valid string",
        ),
        (
            "ListAlerts",
            "web-prod-logs",
            "MalformedResponse",
            "alert 'odd' could not be read, so it was left out: answer: "
            "regions.cn-hangzhou.sls_projects.web-prod-logs.alerts[0].configuration.queryList[0]: "
            "query: expected a string (the search statement) or null, got a number",
        ),
    ]
    assert "odd" not in [t["Name"] for t in region["trails"]]
    assert "odd" not in [a["name"] for a in region["sls_projects"]["web-prod-logs"]["alerts"]]
    assert got.inventory == parse_inventory(got.document)


class AskedTrailStatus(ActionTrailAdapter):
    def __init__(self, creds):
        super().__init__(creds)
        self.asked = []

    def get_trail_status(self, region, name, timeout, *, organization=False):
        self.asked.append((region, name, organization))
        return super().get_trail_status(region, name, timeout, organization=organization)


def test_trail_status_is_asked_once_per_enabled_trail_delivering_to_sls_in_its_home_region(cloud):
    adapter = AskedTrailStatus(CREDS)
    snapshot = collected(actiontrail=adapter).document
    # org-audit-trail is listed in four regions (shadow copies) but asked once, in cn-hangzhou;
    # fresh-trail (not enabled), legacy-oss-trail (no SLS) and stopped-trail-sg are not asked.
    assert sorted(adapter.asked) == [
        ("cn-hangzhou", "org-audit-trail", False),
        ("cn-shanghai", "sh-write-trail", False),
    ]
    assert cloud.count(api="GetTrailStatus") == 2
    assert snapshot["regions"]["cn-hangzhou"]["trail_status"]["org-audit-trail"]["IsLogging"] is True
    assert "trail_status" in snapshot["regions"]["cn-shanghai"]
    assert "trail_status" not in snapshot["regions"]["cn-beijing"]  # nothing asked: the key is absent
    parse_inventory(snapshot)


def test_powerpipe_does_not_ask_trail_status(cloud):
    snapshot = collect(profile="powerpipe")
    assert cloud.count(api="GetTrailStatus") == 0
    assert all("trail_status" not in region for region in snapshot["regions"].values())


def test_a_failed_trail_status_is_recorded_in_the_trails_home_region(cloud):
    cloud.faults.add("error", api="GetTrailStatus", code="Forbidden.RAM", message="denied", status=403)
    snapshot = collect()
    errors = [(e["api"], e["code"]) for e in snapshot["regions"]["cn-hangzhou"]["errors"]]
    assert ("GetTrailStatus", "Forbidden.RAM") in errors
    assert "org-audit-trail" not in snapshot["regions"]["cn-hangzhou"].get("trail_status", {})
