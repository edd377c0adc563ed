"""Parity of the `powerpipe` profile with the reference SQL, run in PostgreSQL over the same data.

The SQL (tests/reference/cis_v200_2_16.sql, vendored) is the truth: every disagreement is
a bug in the Python. Rows are compared as multisets of (resource, status, reason, account_id,
region), NULLs included; `error` findings (recorded API failures) are cis216's own and left out.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from functools import partial
from importlib import resources

import pytest

from cis216.aliyun import sls_project_arn
from cis216.inventory import parse_inventory
from cis216.profiles import powerpipe
from tests.builders import ACCOUNT, ONE_CODE_QUERY, UNSET, alert, document, region, trail
from tests.parity.pgharness import dump, python_rows
from tests.parity.snapshot_gen import random_snapshot

pytestmark = pytest.mark.postgres

GENERATED_CASES = 1000


def _compare(parity_db, document, label=""):
    expected = parity_db.reference_rows(document)
    actual = python_rows(powerpipe.evaluate(parse_inventory(copy.deepcopy(document))))
    if Counter(expected) != Counter(actual):
        only_sql = Counter(expected) - Counter(actual)
        only_py = Counter(actual) - Counter(expected)
        pytest.fail(
            f"{label} powerpipe profile differs from the reference SQL\n"
            f"rows only in SQL: {sorted(only_sql.elements(), key=repr)}\n"
            f"rows only in Python: {sorted(only_py.elements(), key=repr)}\n"
            f"snapshot:\n{dump(document)}"
        )
    return expected


CENTRAL = "actiontrail-central"
GOOD = ONE_CODE_QUERY
# The shapes the reference SQL reads, and nothing more: trail `t` with its four fields, delivering to
# project actiontrail-central of cn-hangzhou; alerts with a name and a query list only.
trail_t = partial(trail, name="t", project=CENTRAL, minimal=True)


def unauth(query_list):
    return alert(queries=query_list, status=UNSET, minimal=True)


def test_the_bundled_sample_matches_the_sql(parity_db):
    sample = json.loads(resources.files("cis216").joinpath("samples/sample-account.json").read_text("utf-8"))
    rows = _compare(parity_db, sample, "sample-account.json:")
    assert {status for _, status, *_ in rows} == {"ok", "alarm"}


def test_no_trail_no_row(parity_db):
    doc = document(
        regions={"cn-hangzhou": region(trails=UNSET, alerts=[unauth([{"query": GOOD}])], project="p01")}
    )
    assert _compare(parity_db, doc) == []


@pytest.mark.parametrize(
    "query_list",
    [
        pytest.param([{"query": GOOD}], id="query"),
        pytest.param([{"Query": GOOD}], id="capital-query"),
        pytest.param([{"Query": None, "query": GOOD}], id="capital-query-null-then-query"),
        # Query wins, although query would match
        pytest.param([{"Query": "nothing", "query": GOOD}], id="capital-query-wins"),
        # neither: the object's text
        pytest.param([{"query": None, "chartTitle": GOOD}], id="neither-so-the-object-text"),
        pytest.param(
            [{"chartTitle": "event.eventType ApiCall", "store": "event.errorCode Forbbiden"}],
            id="patterns-across-keys",
        ),
        pytest.param(
            [{"store": "event.errorCode Forbidden", "chartTitle": "event.eventType ApiCall"}],
            id="patterns-across-keys-reordered",
        ),
        # jsonb orders keys by length, then bytes: "a" < "bb" < "zzz", whatever the document's order
        pytest.param(
            [{"zzz": "event.errorCode NotAuthorized", "bb": "ApiCall", "a": "event.eventType"}],
            id="jsonb-key-order",
        ),
        pytest.param(
            [{"bb": "event.eventType", "a": "ApiCall", "\u00e9": "event.errorCode: Forbbiden"}],
            id="jsonb-key-order-non-ascii",
        ),
        pytest.param([GOOD], id="bare-string-entry"),
        pytest.param(["EVENT.EVENTTYPE:APICALL EVENT.ERRORCODE:notauthorized"], id="upper-case-string-entry"),
        pytest.param([42, None, True, [GOOD]], id="non-object-entries"),
        pytest.param(
            [{"query": "event.eventType: ApiCall and event.errorCode: InvalidAccess\u212aeyId"}],
            id="kelvin-sign",
        ),
        pytest.param(
            [{"query": 'x\\"event.eventType\\": \\"ApiCall\\" \\"event.errorCode\\":\\"Forbidden'}],
            id="escaped-quotes",
        ),
        pytest.param([{"query": ""}], id="empty-query"),
        pytest.param([], id="empty-list"),
    ],
)
def test_query_shapes_match_the_sql(parity_db, query_list):
    hangzhou = region(trails=[trail_t()], alerts=[unauth(query_list)], project="p01")
    _compare(parity_db, document(regions={"cn-hangzhou": hangzhou}))


@pytest.mark.parametrize(
    "sls_region",
    [
        "cn-hangzhou",
        "CN-HANGZHOU",
        " cn-hangzhou ",
        "cn-hangzhou\t",
        "cn-hong\u212aong",
        "cn-hongkong",
        "",
        "ap-southeast-1",
    ],
)
def test_trail_regions_match_the_sql(parity_db, sls_region):
    delivering = trail_t(sls_arn=sls_project_arn(sls_region, ACCOUNT, "p01"))
    alerts = [unauth([{"query": GOOD}])]
    doc = document(
        regions={
            "cn-hangzhou": region(trails=[delivering], alerts=alerts, project="p01"),
            "cn-hongkong": region(trails=UNSET, alerts=alerts, project="p01"),
        }
    )
    _compare(parity_db, doc)


# Steampipe fills its columns from the PascalCase fields only: `name`/`status`/... are other fields.
@pytest.mark.parametrize(
    "trail, alert",
    [
        pytest.param(
            {
                "Name": "t",
                "status": "Enable",
                "HomeRegion": "cn-hangzhou",
                "sls_project_arn": sls_project_arn("cn-hangzhou", ACCOUNT, CENTRAL),
            },
            unauth([{"query": GOOD}]),
            id="trail-status-and-arn-in-snake-case",
        ),
        pytest.param(
            {
                "Name": "t",
                "Status": "Enable",
                "home_region": "cn-hangzhou",
                "SlsProjectArn": sls_project_arn("cn-hangzhou", ACCOUNT, CENTRAL),
            },
            unauth([{"query": GOOD}]),
            id="trail-home-region-in-snake-case",
        ),
        pytest.param(
            trail_t(),
            {"name": "unauth", "configuration": {"query_list": [{"query": GOOD}]}},
            id="alert-query-list-in-snake-case",
        ),
        pytest.param(
            trail_t(),
            {"name": "unauth", "Status": "DISABLED", "configuration": {"queryList": [{"query": GOOD}]}},
            id="alert-status-capitalised",
        ),
    ],
)
def test_fields_in_another_case_are_not_the_columns(parity_db, trail, alert):
    doc = document(regions={"cn-hangzhou": region(trails=[trail], alerts=[alert], project="p01")})
    _compare(parity_db, doc)


def test_patterns_spread_over_nested_objects_and_arrays(parity_db):
    for entry in (
        {"ui": {"zz": "event.errorCode Forbidden", "a": {"bb": "ApiCall", "a": "event.eventType"}}},
        {"ui": [{"a": "event.eventType"}, "ApiCall", {"yyy": "NotAuthorized", "xx": "event.errorCode"}]},
        {"ui": {"bb": ["event.eventType", {"c": "ApiCall"}], "a": "event.errorCode: NoPermission"}},
    ):
        hangzhou = region(trails=[trail_t()], alerts=[unauth([entry])], project="p01")
        _compare(parity_db, document(regions={"cn-hangzhou": hangzhou}))


def test_generated_snapshots_match_the_sql(parity_db):
    statuses = Counter()
    for seed in range(GENERATED_CASES):
        doc = random_snapshot(seed)
        rows = _compare(parity_db, doc, f"seed {seed}:")
        statuses.update(status for _, status, *_ in rows)
        statuses.update("null-resource" for resource, *_ in rows if resource is None)
        statuses.update("null-reason" for _, _, reason, *_ in rows if reason is None)
    # The generator must actually reach every outcome, or the comparison proves little.
    assert statuses["ok"] > 50 and statuses["alarm"] > 50, statuses
    assert statuses["null-resource"] > 0 and statuses["null-reason"] > 0, statuses
