"""The account's call plan with fake adapters: no barrier between steps, Log Audit after every trail."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cis216.adapters.calls import Caller, CallError, RetryPolicy
from cis216.aliyun import SlsProjectArn, log_audit_project
from cis216.inventory import Trail
from cis216.shell.collect import collect_account
from cis216.shell.collect.account import delivery_target
from tests.builders import ACCOUNT, UNSET, trail


def delivering(name, project, sls_region, **fields):
    """Trail `name` as DescribeTrails lists it here: enabled, delivering to `project` of `sls_region`."""
    return trail(name=name, home=UNSET, project=project, sls_region=sls_region, minimal=True, **fields)


class FakeCloud:
    """Both adapters in one: trails per region, projects per region, no alerts; records the calls."""

    def __init__(self, trails, projects, hold=None):
        self.trails, self.projects = trails, projects
        self.hold = hold or {}  # region -> Event its DescribeTrails waits for
        self.calls: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def _call(self, api, region):
        with self._lock:
            self.calls.append((api, region))

    def describe_trails(self, region, timeout):
        self._call("DescribeTrails", region)
        if region in self.hold:
            assert self.hold[region].wait(5), "released by a call that must come first"
        return list(self.trails.get(region, []))

    def list_projects(self, region, offset, size, timeout, name_pattern=None):
        self._call("ListProject" + (" (Log Audit)" if name_pattern else ""), region)
        names = [p for p in self.projects.get(region, []) if name_pattern in (None, p)]
        return names, len(names)

    def list_alerts(self, region, project, offset, size, timeout):
        self._call("ListAlerts", region)
        if project == "slow":  # answers only once cn-beijing's DescribeTrails is held up
            self.hold["cn-beijing"].set()
        return [], 0

    def get_index(self, region, project, logstore, timeout):
        self._call("GetIndex", region)
        raise CallError("GetIndex", "LogStoreNotExist", "gone")


def collect(cloud, regions, profile="strict"):
    caller = Caller(RetryPolicy(max_attempts=1), 5.0)
    return collect_account(
        cloud, cloud, caller, ACCOUNT, profile=profile, regions=regions, home_region="cn-hangzhou"
    )


def test_a_trails_sls_region_is_listed_while_other_regions_trails_are_still_pending():
    # cn-beijing's DescribeTrails answers only after cn-hangzhou's trail led to ListAlerts of `slow`:
    # with a barrier after DescribeTrails this would wait out the fake's 5 s and fail.
    cloud = FakeCloud(
        trails={"cn-hangzhou": [delivering("a", "slow", "cn-shanghai")]},
        projects={"cn-shanghai": ["slow"]},
        hold={"cn-beijing": threading.Event()},
    )
    got = collect(cloud, ["cn-hangzhou", "cn-beijing"], profile="powerpipe")
    assert got.error_count == 0
    assert list(got.document["regions"]) == ["cn-hangzhou", "cn-beijing", "cn-shanghai"]


def test_the_log_audit_lookup_waits_for_every_describe_trails_and_skips_listed_regions():
    release = threading.Event()
    cloud = FakeCloud(
        trails={"cn-beijing": [delivering("b", "hz-logs", "cn-hangzhou")]},
        projects={"cn-hangzhou": ["hz-logs"], "cn-beijing": [log_audit_project(ACCOUNT, "cn-beijing")]},
        hold={"cn-beijing": release},
    )
    threading.Timer(0.2, release.set).start()
    got = collect(cloud, ["cn-hangzhou", "cn-beijing"])
    log_audit = [c for c in cloud.calls if c[0] == "ListProject (Log Audit)"]
    assert log_audit == [("ListProject (Log Audit)", "cn-beijing")]  # cn-hangzhou: listed in full
    assert cloud.calls.index(log_audit[0]) > cloud.calls.index(("ListProject", "cn-hangzhou"))
    assert list(got.document["regions"]["cn-beijing"]["sls_projects"]) == [
        log_audit_project(ACCOUNT, "cn-beijing")
    ]
    assert ("GetIndex", "cn-beijing") in cloud.calls  # its actiontrail_log


def test_an_unreadable_trail_is_reported_and_not_followed():
    odd = delivering("odd", "sh-logs", "cn-shanghai", Status=[1])
    cloud = FakeCloud(trails={"cn-hangzhou": [odd]}, projects={"cn-shanghai": ["sh-logs"]})
    got = collect(cloud, ["cn-hangzhou"], profile="powerpipe")
    assert cloud.calls == [("DescribeTrails", "cn-hangzhou")]
    [error] = got.document["regions"]["cn-hangzhou"]["errors"]
    assert (error["api"], error["code"]) == ("DescribeTrails", "MalformedResponse")
    assert got.inventory.regions["cn-hangzhou"].trails == []


@pytest.mark.parametrize(
    ("arn", "target"),
    [
        (f"acs:log:cn-hangzhou:{ACCOUNT}:project/audit-logs", ("cn-hangzhou", "audit-logs")),
        ("acs:log:cn-hangzhou::project/audit-logs", ("cn-hangzhou", "audit-logs")),
        # Read as the profiles read it (Steampipe's first match), so these are still followed,
        # although SlsProjectArn.parse rejects them:
        ("acs:log:cn-hangzhou:*:project/audit-logs", ("cn-hangzhou", "audit-logs")),
        ("acs:log:cn-hangzhou:1:project/audit-logs/", ("cn-hangzhou", "audit-logs")),
        ("acs:log:cn-hangzhou:1:project/Audit_Logs", ("cn-hangzhou", None)),  # its region's projects only
        # Never anything a hostname cannot hold:
        ("acs:log:cn-hangzhou\n:1:project/audit-logs", None),
        ("acs:log:evil.example.com/x:1:project/audit-logs", None),
        ("", None),
        (None, None),
    ],
)
def test_a_trail_is_followed_where_the_profiles_look_for_it(arn, target):
    assert delivery_target(Trail.model_validate({"Name": "t", "SlsProjectArn": arn})) == target


ARNS = st.builds(
    "{}acs:log:{}:{}:project/{}{}".format,
    st.sampled_from(["", "", "", "x"]),
    st.sampled_from(["cn-hangzhou", "ap-southeast-1", "cn-hangzhou\n", "CN-HANGZHOU", "evil.com/x"]),
    st.sampled_from(["", ACCOUNT, ACCOUNT, "*"]),
    st.one_of(
        st.from_regex(r"[a-z0-9][a-z0-9-]{1,10}[a-z0-9]", fullmatch=True),
        st.from_regex(r"[a-z0-9A_/-]{0,12}", fullmatch=True),
    ),
    st.sampled_from(["", "", "", "/", "\n"]),
)


@given(ARNS)
def test_every_arn_sls_project_arn_accepts_is_followed_to_the_same_place(text):
    arn = SlsProjectArn.parse(text)
    target = delivery_target(Trail.model_validate({"Name": "t", "SlsProjectArn": text}))
    if arn is not None:
        assert target == (arn.region, arn.project)
