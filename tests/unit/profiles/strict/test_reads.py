"""The read rule's vocabulary (reads.py): which failed call spoils which read, listed once."""

from __future__ import annotations

from cis216.inventory import ScanError
from cis216.profiles.scan_errors import FailedCall
from cis216.profiles.strict.feeds import Feed
from cis216.profiles.strict.reads import (
    Read,
    alert_reads,
    failed_reads,
    hidden_feed_reads,
    index_read,
    unique,
)
from tests.builders import REGION

FEED = Feed(kind="trail", name="main", project="audit", region=REGION, logstore="actiontrail_main")


def call(
    api: str, project: str | None = None, logstore: str | None = None, region: str = REGION
) -> FailedCall:
    return FailedCall(region, ScanError(api=api, code="Err", project=project, logstore=logstore))


def test_a_read_of_every_region_or_project_is_spoiled_by_any_failure_of_its_api():
    assert Read("DescribeTrails").failed_by(call("DescribeTrails", region="eu-central-1"))
    assert Read("ListAlerts").failed_by(call("ListAlerts", "ops"))
    assert not Read("ListAlerts").failed_by(call("ListProject"))


def test_a_named_read_is_spoiled_only_by_its_own_failure():
    read = index_read(FEED)
    assert read == Read("GetIndex", REGION, "audit", "actiontrail_main")
    assert read.failed_by(call("GetIndex", "audit", "actiontrail_main"))
    # Recorded under another region's errors: still this project's logstore (names are unique).
    assert read.failed_by(call("GetIndex", "audit", "actiontrail_main", region="cn-shanghai"))
    assert not read.failed_by(call("GetIndex", "audit", "nginx"))
    assert not read.failed_by(call("GetIndex", "other", "actiontrail_main"))
    assert not Read("ListProject", REGION).failed_by(call("ListProject", region="cn-shanghai"))
    assert Read("ListProject", REGION).failed_by(call("ListProject", region=REGION.upper()))


def test_failed_reads_keep_what_could_change_the_verdict():
    # Formerly decide.hiding_errors / alert_hiding_errors: the same calls, now per verdict.
    failed = [
        call("GetTrailStatus"),
        call("GetIndex", "audit", "nginx"),
        call("GetIndex", "audit", "actiontrail_main"),
        call("DescribeTrails"),
        call("ListAlerts", "ops"),
    ]
    everything = (*hidden_feed_reads(True), *alert_reads(), index_read(FEED))
    assert failed_reads(everything, failed) == (failed[2], failed[3], failed[4])
    assert failed_reads((*alert_reads(), index_read(FEED)), failed) == (failed[2], failed[4])
    assert failed_reads(hidden_feed_reads(True), failed) == (failed[3],)


def test_log_audit_off_leaves_project_listings_out_of_the_hidden_feeds():
    assert hidden_feed_reads(False) == (Read("DescribeRegions"), Read("DescribeTrails"))
    assert hidden_feed_reads(True) == (Read("DescribeRegions"), Read("DescribeTrails"), Read("ListProject"))


def test_an_api_the_rule_does_not_know_spoils_what_a_listing_could_hide_but_never_a_proof():
    unknown = call("ListLogStores", "audit")
    assert failed_reads(hidden_feed_reads(False), [unknown]) == (unknown,)
    assert failed_reads((index_read(FEED),), [unknown]) == ()
    assert failed_reads((), [unknown, call("DescribeTrails")]) == ()


def test_unique_lists_each_read_once_in_the_scan_order_without_narrower_copies():
    reads = [
        index_read(FEED),
        Read("ListAlerts", REGION, "audit"),
        Read("ListProject"),
        Read("ListAlerts"),
        Read("ListProject", REGION),
        Read("DescribeTrails"),
        Read("ListAlerts"),
    ]
    assert unique(reads) == (
        Read("DescribeTrails"),
        Read("ListProject"),
        Read("ListAlerts"),
        index_read(FEED),
    )
