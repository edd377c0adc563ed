"""adapters/answers.py: each API answer's envelope checked where it enters; wrong shapes said exactly."""

from __future__ import annotations

import pytest

from cis216.adapters.answers import (
    RPC_ERROR,
    SLS_ERROR,
    DescribeRegionsAnswer,
    DescribeTrailsAnswer,
    GetCallerIdentityAnswer,
    GetIndexAnswer,
    ListAlertsAnswer,
    ListProjectAnswer,
    read_answer,
)
from cis216.adapters.calls import CallError

FIRST_PAGE = {"offset": 0, "size": 100}


def rejected(model, body, keys=SLS_ERROR, context=FIRST_PAGE) -> CallError:
    with pytest.raises(CallError) as caught:
        read_answer(model, model.__name__.removesuffix("Answer"), body, error_keys=keys, context=context)
    return caught.value


def test_good_answers_pass_with_their_items_untouched():
    odd_item = {"name": 5}  # the collector types items; the envelope leaves them as they came
    alerts = read_answer(
        ListAlertsAnswer,
        "ListAlerts",
        {"count": 2, "total": 2, "results": [{"name": "a"}, odd_item]},
        error_keys=SLS_ERROR,
        context=FIRST_PAGE,
    )
    assert alerts.results == [{"name": "a"}, odd_item] and alerts.total == 2
    projects = read_answer(
        ListProjectAnswer,
        "ListProject",
        {"count": 1, "total": 101, "projects": [{"projectName": "p-1", "region": "x"}]},
        error_keys=SLS_ERROR,
        context={"offset": 100, "size": 100},
    )
    assert [p.project_name for p in projects.projects] == ["p-1"]
    trails = read_answer(
        DescribeTrailsAnswer, "DescribeTrails", {"TrailList": [1, "x"]}, error_keys=RPC_ERROR
    )
    assert trails.trail_list == [1, "x"]
    regions = read_answer(
        DescribeRegionsAnswer,
        "DescribeRegions",
        {"Regions": {"Region": [{"RegionId": "cn-hangzhou", "LocalName": "x"}]}, "RequestId": "r"},
        error_keys=RPC_ERROR,
    )
    assert [r.region_id for r in regions.regions.region] == ["cn-hangzhou"]
    identity = read_answer(
        GetCallerIdentityAnswer, "GetCallerIdentity", {"AccountId": 1234567890123456}, error_keys=RPC_ERROR
    )
    assert identity.account_id == "1234567890123456"
    index = {"line": {"token": [","]}, "keys": {}}
    assert read_answer(GetIndexAnswer, "GetIndex", index, error_keys=SLS_ERROR).root == index


def test_an_empty_listing_is_still_an_answer():
    empty = {"count": 0, "total": 0, "results": []}
    assert (
        read_answer(ListAlertsAnswer, "ListAlerts", empty, error_keys=SLS_ERROR, context=FIRST_PAGE).results
        == []
    )
    # Past the end (alerts deleted between two pages): nothing more, and nothing missed.
    past = {"count": 0, "total": 80, "results": []}
    after = {"offset": 100, "size": 100}
    assert (
        read_answer(ListAlertsAnswer, "ListAlerts", past, error_keys=SLS_ERROR, context=after).results == []
    )


WRONG_SHAPES = [
    # (model, body, the message)
    (
        ListAlertsAnswer,
        {"count": 1, "total": 1, "alerts": [{"name": "a"}]},
        "answer: results: Field required (the answer's keys: alerts, count, total)",
    ),
    (
        ListAlertsAnswer,
        {"count": 1, "total": 1, "results": "a"},
        "answer: results: Input should be a valid list",
    ),
    (
        ListAlertsAnswer,
        {"count": 0, "total": 0, "results": None},
        "answer: results: Input should be a valid list",
    ),
    (
        ListAlertsAnswer,
        {"count": 1, "results": [{}]},
        "answer: total: Field required (the answer's keys: count, results)",
    ),
    (
        ListAlertsAnswer,
        {"total": 1, "results": [{}]},
        "answer: count: Field required (the answer's keys: results, total)",
    ),
    (
        ListAlertsAnswer,
        {"count": 2, "total": 2, "results": [{}]},
        "answer: count: 2, but the page holds 1 item",
    ),
    (
        ListAlertsAnswer,
        {"count": 1, "total": "1", "results": [{}]},
        "answer: total: Input should be a valid integer",
    ),
    (
        ListAlertsAnswer,
        {"count": 1, "total": True, "results": [{}]},
        "answer: total: Input should be a valid integer",
    ),
    (
        ListAlertsAnswer,
        {"count": 1, "total": -1, "results": [{}]},
        "answer: total: Input should be greater than or equal to 0",
    ),
    (
        ListAlertsAnswer,
        {"count": 1, "total": 0, "results": [{}]},
        "answer: total: 0, but this page ends at item 1 (offset 0)",
    ),
    (
        ListAlertsAnswer,
        {"count": 1, "total": 150, "results": [{}]},
        "answer: total: 150, but this page ends at item 1 with room for 99 more: the items after it would be missed",
    ),
    (ListAlertsAnswer, [{"name": "a"}], "answer: (document): expected a JSON object, got an array"),
    (ListAlertsAnswer, "results", "answer: (document): expected a JSON object, got a string"),
    (ListAlertsAnswer, None, "answer: (document): expected a JSON object, got nothing (an empty answer)"),
    (
        ListProjectAnswer,
        {"count": 1, "total": 1, "projects": ["p-1"]},
        "answer: projects[0]: Input should be a JSON object",
    ),
    (
        ListProjectAnswer,
        {"count": 1, "total": 1, "projects": [{"name": "p-1"}]},
        "answer: projects[0].projectName: Field required (the keys beside it: name)",
    ),
    (
        ListProjectAnswer,
        {"count": 1, "total": 1, "projectList": []},
        "answer: projects: Field required (the answer's keys: count, projectList, total)",
    ),
    (
        ListProjectAnswer,
        {"count": 0, "total": 0, "projects": {}},
        "answer: projects: Input should be a valid list",
    ),
    (GetIndexAnswer, ["line"], "answer: (document): expected a JSON object, got an array"),
    (GetIndexAnswer, 7, "answer: (document): expected a JSON object, got a number"),
]


@pytest.mark.parametrize(("model", "body", "message"), WRONG_SHAPES)
def test_a_wrong_sls_shape_is_malformed_never_empty(model, body, message):
    error = rejected(model, body)
    assert (error.api, error.code, error.message, error.retryable) == (
        model.__name__.removesuffix("Answer"),
        "MalformedResponse",
        message,
        False,
    )


RPC_WRONG_SHAPES = [
    (
        DescribeTrailsAnswer,
        {"RequestId": "r"},
        "answer: TrailList: Field required (the answer's keys: RequestId)",
    ),
    (DescribeTrailsAnswer, {"TrailList": None}, "answer: TrailList: Input should be a valid list"),
    (DescribeTrailsAnswer, {"TrailList": {"Trail": []}}, "answer: TrailList: Input should be a valid list"),
    (DescribeRegionsAnswer, {"Regions": ["cn-hangzhou"]}, "answer: Regions: Input should be a JSON object"),
    (
        DescribeRegionsAnswer,
        {"Regions": {"Region": [{"RegionId": 7}]}},
        "answer: Regions.Region[0].RegionId: Input should be a valid string",
    ),
    (
        DescribeRegionsAnswer,
        {"Regions": {"Regions": []}},
        "answer: Regions.Region: Field required (the keys beside it: Regions)",
    ),
    (
        GetCallerIdentityAnswer,
        {"AccountId": "12ab"},
        "answer: AccountId: '12ab' is not an Alibaba Cloud account id (5-20 digits)",
    ),
    (GetCallerIdentityAnswer, {"AccountId": True}, "answer: AccountId: Input should be a valid string"),
    (GetCallerIdentityAnswer, {"Arn": "x"}, "answer: AccountId: Field required (the answer's keys: Arn)"),
]


@pytest.mark.parametrize(("model", "body", "message"), RPC_WRONG_SHAPES)
def test_a_wrong_rpc_shape_is_malformed_never_empty(model, body, message):
    error = rejected(model, body, keys=RPC_ERROR, context=None)
    assert (error.code, error.message, error.retryable) == ("MalformedResponse", message, False)


def test_many_problems_are_cut_to_a_few():
    body = {"count": 7, "total": 7, "projects": [{} for _ in range(7)]}
    message = rejected(ListProjectAnswer, body).message
    assert message.count("projectName: Field required") == 5
    assert message.endswith("; and 2 more problems (the keys beside it: none)")


def test_an_error_answered_with_200_is_that_error():
    error = rejected(ListAlertsAnswer, {"errorCode": "ReadQuotaExceed", "errorMessage": "slow down"})
    assert (error.code, error.message, error.status, error.retryable) == (
        "ReadQuotaExceed",
        "slow down",
        None,
        True,
    )
    index_error = rejected(GetIndexAnswer, {"errorCode": "IndexConfigNotExist", "errorMessage": "none"})
    assert (index_error.code, index_error.message) == ("IndexConfigNotExist", "none")
    rpc = rejected(
        DescribeTrailsAnswer, {"Code": "Weird", "Message": "odd answer"}, keys=RPC_ERROR, context=None
    )
    assert (rpc.code, rpc.message, rpc.retryable) == ("Weird", "odd answer", False)


def test_an_error_code_that_is_not_text_is_still_no_index():
    error = rejected(GetIndexAnswer, {"errorCode": 5})
    assert (error.code, error.message) == (
        "MalformedResponse",
        "answer: (document): an error, not an index config",
    )


def test_a_project_name_sls_cannot_have_is_kept_for_the_collector_to_report():
    # The rest of the page counts; shell/collect reports the name as its own unreadable item.
    body = {"count": 2, "total": 2, "projects": [{"projectName": "audit-hz"}, {"projectName": "evil.com/x"}]}
    page = read_answer(ListProjectAnswer, "ListProject", body, error_keys=SLS_ERROR)
    assert [p.project_name for p in page.projects] == ["audit-hz", "evil.com/x"]
