"""What a collection adds up to: the inventory, the snapshot document dumped from it, the errors' order."""

from __future__ import annotations

from cis216.adapters.calls import Caller, RetryPolicy
from cis216.inventory import ScanError, parse_inventory
from cis216.shell.collect.answers import AnswerReader
from cis216.shell.collect.collected import RegionAnswers, assemble
from cis216.shell.collect.graph import CallGraph, Where
from cis216.shell.collect.paging import fetch_all

ACCOUNT = "1234567890123456"
AT = "2026-11-29T02:00:00Z"
READER = AnswerReader(ACCOUNT, AT)


def listing(*pages):
    """A complete listing of these pages (100 a page, the last ones may be shorter)."""
    graph = CallGraph(Caller(RetryPolicy(max_attempts=1), 1.0), max_concurrency=2)
    out = []

    def fetch(offset, timeout):
        return list(pages[offset // 100]), 100 * len(pages)

    graph.run(lambda: out.append(fetch_all(graph, "ListAlerts", Where("cn-hangzhou"), fetch)))
    return out[0]


def region_answers():
    answers = RegionAnswers(f"slsaudit-center-{ACCOUNT}-cn-hangzhou")
    answers.trails = READER.trails("cn-hangzhou", [{"Name": "t1"}, {"Name": "odd", "Status": 5}])
    answers.projects = listing(["proj-1", "Bad_Name", "proj-0", "proj-1"])
    alerts = [{"name": "a"}, {"name": "b", "status": [1]}, {"name": "a", "status": "second copy"}]
    answers.alerts["proj-1"] = listing(
        READER.alerts("cn-hangzhou", "proj-1", alerts[:2]), READER.alerts("cn-hangzhou", "proj-1", alerts[2:])
    )
    answers.indexes[("proj-1", "actiontrail_t1")] = READER.index(
        "cn-hangzhou", "proj-1", "actiontrail_t1", None
    )
    answers.indexes[("proj-1", "actiontrail_X")] = READER.index("cn-hangzhou", "proj-1", "actiontrail_X", {})
    return answers


FAILED = [ScanError(api="ListAlerts", project="proj-0", code="Unauthorized", message="denied", attempts=1)]


def collected():
    return assemble(ACCOUNT, AT, [("cn-hangzhou", region_answers())], lambda region: list(FAILED))


def test_the_document_is_the_answers_verbatim_and_reads_back_as_the_inventory():
    got = collected()
    assert got.document == {
        "version": 1,
        "account_id": ACCOUNT,
        "collected_at": AT,
        "regions": {
            "cn-hangzhou": {
                "trails": [{"Name": "t1"}],
                "sls_projects": {
                    "proj-1": {"alerts": [{"name": "a"}], "logstores": {"actiontrail_t1": {"index": None}}},
                    "proj-0": {"alerts": [], "logstores": {}},
                },
                "errors": got.document["regions"]["cn-hangzhou"]["errors"],
            }
        },
    }
    assert got.inventory == parse_inventory(got.document)
    assert got.error_count == 5  # Bad_Name is reported, not dropped


def test_failed_calls_come_first_then_unreadable_items_in_document_order():
    errors = collected().document["regions"]["cn-hangzhou"]["errors"]
    assert [(e["api"], e["project"], e["logstore"], e["code"]) for e in errors] == [
        ("ListAlerts", "proj-0", None, "Unauthorized"),
        ("DescribeTrails", None, None, "MalformedResponse"),
        ("ListAlerts", "proj-1", None, "MalformedResponse"),
        ("GetIndex", "proj-1", "actiontrail_X", "MalformedResponse"),
        ("ListProject", None, None, "MalformedResponse"),
    ]
    # a failed call keeps its extra fields, in the snapshot's key order
    assert list(errors[0]) == ["api", "project", "logstore", "code", "message", "attempts"]


def test_a_repeated_alert_counts_once_its_first_copy_even_when_that_one_is_unreadable():
    answers = region_answers()
    first_unreadable = [{"name": "a", "status": [1]}, {"name": "a"}]
    answers.alerts["proj-1"] = listing(READER.alerts("cn-hangzhou", "proj-1", first_unreadable))
    got = assemble(ACCOUNT, AT, [("cn-hangzhou", answers)], lambda region: [])
    region = got.document["regions"]["cn-hangzhou"]
    assert region["sls_projects"]["proj-1"]["alerts"] == []
    assert [e["message"][:9] for e in region["errors"] if e["api"] == "ListAlerts"] == ["alert 'a'"]


def test_only_the_log_audit_project_counts_in_a_log_audit_only_listing():
    answers = RegionAnswers(f"slsaudit-center-{ACCOUNT}-cn-beijing")
    answers.projects = listing(["bj-ops", f"slsaudit-center-{ACCOUNT}-cn-beijing"])
    answers.log_audit_only = True
    assert answers.listed_projects() == [f"slsaudit-center-{ACCOUNT}-cn-beijing"]


def test_regions_keep_the_order_given():
    regions = [("cn-shanghai", RegionAnswers("x")), ("cn-hangzhou", RegionAnswers("y"))]
    got = assemble(ACCOUNT, AT, regions, lambda region: [])
    assert list(got.document["regions"]) == ["cn-shanghai", "cn-hangzhou"]
    assert list(got.inventory.regions) == ["cn-shanghai", "cn-hangzhou"]
