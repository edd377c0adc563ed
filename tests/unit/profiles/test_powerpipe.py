"""Every branch of the reference query, one test each, on the `powerpipe` profile.

The reference (tests/reference/cis_v200_2_16.sql) is reproduced with its weaknesses on purpose:
region-only matching, `ENABLED`-or-missing status, `Query` before `query` before the object's
own text, case-insensitive substrings, any one error code, and no row without a trail.
"""

from __future__ import annotations

from functools import partial

import pytest

from cis216.aliyun import sls_project_arn
from cis216.core import evaluate
from cis216.inventory import parse_inventory
from cis216.profiles import powerpipe
from cis216.profiles.sqltext import ARN_PROJECT, ARN_REGION, sql_substring
from tests import builders
from tests.builders import ACCOUNT, ONE_CODE_QUERY, UNSET, document, scan_error

HZ, SH = "cn-hangzhou", "cn-shanghai"
CENTRAL = "actiontrail-central"

# The shapes the reference query reads, and nothing more: trail `t` with its four fields, delivering
# to project actiontrail-central of its home region; alerts with a name, a status and one query the
# SQL accepts, listed in that project. The project's name never matters to the SQL (it matches by
# region only).
trail = partial(builders.trail, name="t", project=CENTRAL, minimal=True)
alert = partial(builders.alert, query=ONE_CODE_QUERY, minimal=True)
region = partial(builders.region, project=CENTRAL)


def arn(region_id, project=CENTRAL):
    return sls_project_arn(region_id, ACCOUNT, project)


def inventory(regions):
    return parse_inventory(document(regions=regions))


def rows(regions):
    return [
        (f.resource, f.status, f.reason, f.account_id, f.region)
        for f in powerpipe.evaluate(inventory(regions))
        if f.status != "error"
    ]


def status_of(regions):
    found = rows(regions)
    assert len(found) == 1, found
    return found[0][1]


def with_query_list(query_list, status="ENABLED"):
    return {HZ: region(trails=[trail()], alerts=[alert(queries=query_list, status=status)])}


# --- the three strings of a row -------------------------------------------------------------------


def test_ok_row_is_the_sql_row_exactly():
    assert rows({HZ: region(trails=[trail()], alerts=[alert()])}) == [
        (
            f"acs:actiontrail:{HZ}:{ACCOUNT}:actiontrail/t",
            "ok",
            f"t is configured with ActionTrail enabled, delivering to SLS project in region {HZ}, "
            "and has an unauthorized API call monitoring alert configured",
            ACCOUNT,
            HZ,
        )
    ]


def test_no_alert_row():
    assert rows({HZ: region(trails=[trail()])}) == [
        (
            f"acs:actiontrail:{HZ}:{ACCOUNT}:actiontrail/t",
            "alarm",
            f"t is configured with ActionTrail enabled and delivering to SLS project in region {HZ}, "
            "but no unauthorized API call monitoring alert found in that region",
            ACCOUNT,
            HZ,
        )
    ]


@pytest.mark.parametrize("sls_arn", ["", UNSET])
def test_enabled_trail_not_delivering_to_sls(sls_arn):
    found = rows({HZ: region(trails=[trail(sls_arn=sls_arn)], alerts=[alert()])})
    assert [(status, reason) for _, status, reason, *_ in found] == [
        ("alarm", "t is enabled but not configured to deliver logs to SLS")
    ]


@pytest.mark.parametrize("status", ["Disable", "Fresh", "enable", "ENABLE", "", UNSET])
def test_trail_not_enabled(status):
    found = rows({HZ: region(trails=[trail(status=status)], alerts=[alert()])})
    assert [(status, reason) for _, status, reason, *_ in found] == [("alarm", "t is not enabled")]


def test_disabled_trail_without_sls_is_not_enabled():
    found = rows({HZ: region(trails=[trail(status="Disable", sls_arn="")])})
    assert found[0][1:3] == ("alarm", "t is not enabled")


# --- rows: one per trail per region, none without a trail ------------------------------------------


def test_account_without_trail_gives_no_row():
    regions = {
        HZ: region(trails=[], alerts=[alert()]),
        SH: region(trails=[], alerts=[alert(status="DISABLED")]),
    }
    assert rows(regions) == []
    assert evaluate(inventory(regions), "powerpipe") == []


def test_account_without_trail_keeps_its_scan_errors():
    errors = [scan_error(api="DescribeTrails", code="Forbidden.RAM", message="denied")]
    findings = powerpipe.evaluate(inventory({HZ: region(trails=[], errors=errors)}))
    assert [(f.status, f.scope, f.resource) for f in findings] == [
        ("error", "scan", f"acs:actiontrail:{HZ}:{ACCOUNT}:*")
    ]
    assert "DescribeTrails failed" in findings[0].reason and "Forbidden.RAM: denied" in findings[0].reason


def test_trail_region_all_gives_one_row_per_region():
    shared = trail(name="org", home=HZ, TrailRegion="All")
    found = rows({HZ: region(trails=[shared], alerts=[alert()]), SH: region(trails=[dict(shared)])})
    assert sorted((f[4], f[1]) for f in found) == [(HZ, "ok"), (SH, "ok")]
    assert {f[0] for f in found} == {f"acs:actiontrail:{HZ}:{ACCOUNT}:actiontrail/org"}


def test_rows_are_per_region_answer_and_region_is_the_answering_region():
    found = rows(
        {HZ: region(trails=[trail(name="a")]), SH: region(trails=[trail(name="b", home=SH, Region=HZ)])}
    )
    assert sorted((f[0].rsplit("/", 1)[1], f[4]) for f in found) == [("a", HZ), ("b", SH)]


def test_a_match_is_by_trail_name_across_regions():
    # matched_pairs is keyed by trail name only: another delivering trail of the same name shares the match.
    regions = {
        HZ: region(trails=[trail(name="same")], alerts=[alert()]),
        SH: region(trails=[trail(name="same", home=SH, sls_arn=arn(SH))]),
    }
    assert sorted((f[4], f[1]) for f in rows(regions)) == [(HZ, "ok"), (SH, "ok")]


def test_a_name_match_does_not_help_a_row_that_does_not_deliver():
    regions = {
        HZ: region(trails=[trail(name="same")], alerts=[alert()]),
        SH: region(trails=[trail(name="same", home=SH, sls_arn="")]),
    }
    assert sorted((f[4], f[1]) for f in rows(regions)) == [(HZ, "ok"), (SH, "alarm")]
    assert [f[2] for f in rows(regions) if f[4] == SH] == [
        "same is enabled but not configured to deliver logs to SLS"
    ]


# --- region-only matching --------------------------------------------------------------------------


def test_alert_in_any_project_of_the_sls_region_counts():
    regions = {
        HZ: region(
            trails=[trail(sls_arn=arn(HZ, "actiontrail-central"))], alerts=[alert()], project="other-project"
        )
    }
    assert status_of(regions) == "ok"


def test_alert_in_another_region_does_not_count():
    regions = {HZ: region(trails=[trail(sls_arn=arn(HZ))]), SH: region(trails=[], alerts=[alert()])}
    assert status_of(regions) == "alarm"


def test_the_sls_region_of_the_arn_decides_not_the_trail_region():
    regions = {
        HZ: region(trails=[trail(sls_arn=arn(SH))], alerts=[alert()]),
        SH: region(trails=[], alerts=[alert()]),
    }
    assert rows(regions)[0][1:3] == (
        "ok",
        f"t is configured with ActionTrail enabled, delivering to SLS project in region {SH}, "
        "and has an unauthorized API call monitoring alert configured",
    )
    assert status_of({HZ: region(trails=[trail(sls_arn=arn(SH))], alerts=[alert()])}) == "alarm"


def test_logstore_and_query_list_project_are_not_compared():
    query = [{"query": ONE_CODE_QUERY, "store": "some_other_store", "project": "unrelated", "region": SH}]
    assert status_of(with_query_list(query)) == "ok"


@pytest.mark.parametrize("sls_region", ["CN-HANGZHOU", " cn-hangzhou  ", "Cn-HangZhou"])
def test_sls_region_is_compared_trimmed_and_lowercased(sls_region):
    regions = {
        HZ: region(trails=[trail(sls_arn=f"acs:log:{sls_region}:{ACCOUNT}:project/p01")], alerts=[alert()])
    }
    found = rows(regions)
    assert found[0][1] == "ok"
    assert sls_region in found[0][2]  # the reason shows the ARN's region as written


@pytest.mark.parametrize("sls_region", ["cn-hangzhou\t", "\ncn-hangzhou", "cn-hangzhou\u00a0"])
def test_trim_strips_spaces_only(sls_region):
    regions = {
        HZ: region(trails=[trail(sls_arn=f"acs:log:{sls_region}:{ACCOUNT}:project/p01")], alerts=[alert()])
    }
    assert rows(regions)[0][1] == "alarm"


def test_lower_folds_ascii_only_as_in_the_c_locale():
    # KELVIN SIGN lowercases to 'k' in Python, not in PostgreSQL's C locale (Steampipe's database).
    kelvin = "cn-hong\u212aong"
    regions = {
        "cn-hongkong": region(
            trails=[trail(home="cn-hongkong", sls_arn=f"acs:log:{kelvin}:1:project/p")], alerts=[alert()]
        )
    }
    assert status_of(regions) == "alarm"


# --- NULL propagation --------------------------------------------------------------------------------


@pytest.mark.parametrize("home", [UNSET, ""])
def test_missing_home_region_makes_the_resource_null(home):
    found = rows({HZ: region(trails=[trail(home=home, sls_arn=arn(HZ))], alerts=[alert()])})
    assert found[0][0] is None and found[0][1] == "ok" and found[0][2] is not None


@pytest.mark.parametrize(
    "sls_arn", ["garbage", f"acs:log::{ACCOUNT}:project/p", f"acs:log:{HZ}", "ACS:LOG:cn-hangzhou:1:"]
)
def test_arn_without_a_region_makes_the_reason_null(sls_arn):
    found = rows({HZ: region(trails=[trail(sls_arn=sls_arn)], alerts=[alert()])})
    assert found[0][1:3] == ("alarm", None)  # delivers (ARN not null), no region to match, reason || NULL


def test_first_arn_region_is_the_one_taken():
    sls_arn = f"x acs:log:{SH}:1:project/a acs:log:{HZ}:2:"
    assert (
        status_of({HZ: region(trails=[trail(sls_arn=sls_arn)], alerts=[alert()]), SH: region(trails=[])})
        == "alarm"
    )
    assert (
        status_of({HZ: region(trails=[trail(sls_arn=sls_arn)]), SH: region(trails=[], alerts=[alert()])})
        == "ok"
    )


# --- alert status ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, expected",
    [
        ("ENABLED", "ok"),
        (UNSET, "ok"),
        ("", "ok"),
        ("DISABLED", "alarm"),
        ("Enabled", "alarm"),
        ("enabled", "alarm"),
        ("disabled", "alarm"),
    ],
)
def test_alert_status_enabled_or_missing(status, expected):
    assert status_of({HZ: region(trails=[trail()], alerts=[alert(status=status)])}) == expected


@pytest.mark.parametrize("state", ["Enabled", "DISABLED"])
def test_legacy_state_is_not_read_status_missing_counts(state):
    assert status_of({HZ: region(trails=[trail()], alerts=[alert(status=UNSET, state=state)])}) == "ok"


def test_one_qualifying_alert_among_others_is_enough():
    alerts = [alert(status="DISABLED"), alert(queries=[{"query": "*"}], name="noise"), alert(name="good")]
    assert status_of({HZ: region(trails=[trail()], alerts=alerts)}) == "ok"


# --- query_list and the query text ---------------------------------------------------------------------


@pytest.mark.parametrize("configuration", [None, {}, {"queryList": None}, {"queryList": []}])
def test_alert_without_queries_does_not_count(configuration):
    doc = alert()
    if configuration is None:
        del doc["configuration"]
    else:
        doc["configuration"] = configuration
    assert status_of({HZ: region(trails=[trail()], alerts=[doc])}) == "alarm"


@pytest.mark.parametrize(
    "entry, expected",
    [
        ({"query": ONE_CODE_QUERY}, "ok"),
        ({"Query": ONE_CODE_QUERY}, "ok"),
        ({"Query": None, "query": ONE_CODE_QUERY}, "ok"),
        ({"Query": "*", "query": ONE_CODE_QUERY}, "alarm"),  # Query wins even when query would match
        ({"Query": "", "query": ONE_CODE_QUERY}, "alarm"),  # '' is not NULL inside jsonb
        ({"query": "*", "chartTitle": ONE_CODE_QUERY}, "alarm"),
        ({"query": None, "chartTitle": ONE_CODE_QUERY}, "ok"),  # neither: the object's own text
        ({"chartTitle": ONE_CODE_QUERY}, "ok"),
        ({"QUERY": ONE_CODE_QUERY}, "ok"),  # not a key the SQL reads, but part of the object's text
        (ONE_CODE_QUERY, "ok"),  # a bare string entry: its jsonb text, quotes included
        (42, "alarm"),
        (None, "alarm"),
    ],
)
def test_query_text_is_query_then_lowercase_query_then_the_object(entry, expected):
    assert status_of(with_query_list([entry])) == expected


def test_object_text_uses_jsonb_key_order():
    # jsonb sorts keys by length, then bytes: "a" < "bb" < "zzz" whatever the document's order.
    aligned = {"zzz": "event.errorCode NotAuthorized", "bb": "ApiCall", "a": "event.eventType"}
    misaligned = {"a": "ApiCall", "bb": "event.eventType", "zzz": "event.errorCode NotAuthorized"}
    assert status_of(with_query_list([aligned])) == "ok"
    assert status_of(with_query_list([misaligned])) == "alarm"


def test_any_entry_of_the_query_list_is_enough():
    assert status_of(with_query_list([{"query": "*"}, "x", {"Query": ONE_CODE_QUERY}])) == "ok"


def test_both_patterns_must_be_in_the_same_entry():
    split = [{"query": "event.eventType: ApiCall"}, {"query": "event.errorCode: Forbidden"}]
    assert status_of(with_query_list(split)) == "alarm"


# --- matching: case-insensitive substrings in order, any one code ---------------------------------------

CODES = (
    "NoPermission",
    "Forbidden",
    "Forbbiden",
    "InvalidAccessKeyId",
    "InvalidSecurityToken",
    "SignatureDoesNotMatch",
    "InvalidAuthorization",
    "AccessForbidden",
    "NotAuthorized",
)


@pytest.mark.parametrize("code", CODES)
def test_any_one_error_code_is_enough(code):
    query = f"event.eventType: ApiCall and event.errorCode: {code}"
    assert status_of(with_query_list([{"query": query}])) == "ok"


@pytest.mark.parametrize(
    "text",
    [
        "EVENT.EVENTTYPE:APICALL EVENT.ERRORCODE:FORBBIDEN",
        "event.eventtype=apicall|event.errorcode=notauthorized",
        '{"event.eventType": "ApiCall", "event.errorCode": "Forbidden.RAM"}',
        "xxevent.eventTypexxApiCallxx event.errorCodexxNoPermission.Role",
        "event.errorCode: InvalidAccessKeyId.NotFound and event.eventType: ApiCall",
        "not event.eventType: ApiCall and not event.errorCode: Forbidden",  # negation is not understood
    ],
)
def test_case_insensitive_substrings(text):
    assert status_of(with_query_list([{"query": text}])) == "ok"


@pytest.mark.parametrize(
    "text",
    [
        "ApiCall event.eventType event.errorCode: Forbidden",  # ApiCall before event.eventType
        "event.eventType: ApiCall and Forbidden event.errorCode",  # code before event.errorCode
        "event.eventType: ApiCall and event.errorCode: Forbid",
        "event_eventType: ApiCall and event.errorCode: Forbidden",  # '.' is literal in LIKE
        "event.eventType: Api Call and event.errorCode: Forbidden",
        "event.eventType: ApiCall",
        "event.errorCode: Forbidden",
        "event.eventType: ApiCall and event.errorCode: InvalidAccess\u212aeyId",  # KELVIN SIGN: C locale
        "",
    ],
)
def test_near_misses(text):
    assert status_of(with_query_list([{"query": text}])) == "alarm"


@pytest.mark.parametrize(
    "text, region, project",
    [
        (f"acs:log:{HZ}:{ACCOUNT}:project/p01", HZ, "p01"),
        (f"acs:log:{HZ}:{ACCOUNT}:project/p01/logstore/x", HZ, "p01"),  # first match, up to the '/'
        ("acs:log:Not A Region!:1:project/Bad_Project", "Not A Region!", "Bad_Project"),  # nothing checked
        ("xx acs:log:a:b:c acs:log:d:e", "a", None),  # the first match wins
        ("acs:log::1:project/", None, None),
    ],
)
def test_arn_parts_as_steampipe_substring_reads_them(text, region, project):
    assert sql_substring(text, ARN_REGION) == region
    assert sql_substring(text, ARN_PROJECT) == project


# --- each distinct query text is judged once (alert_regions memoises by text) ---------------------


def test_a_repeated_query_counts_only_on_the_alerts_that_qualify() -> None:
    # The same text on a disabled alert in Hangzhou and an enabled one in Shanghai: the memo is per
    # text, the status is per alert, so only Shanghai holds a qualifying alert.
    regions = {
        HZ: region(trails=[trail()], alerts=[alert(name="off", status="DISABLED")]),
        SH: region(alerts=[alert(name="on")]),
    }
    assert powerpipe.alert_regions(inventory(regions)) == {SH}


def test_a_repeated_query_counts_in_every_region_it_is_in() -> None:
    regions = {HZ: region(alerts=[alert(name="a")]), SH: region(alerts=[alert(name="b")])}
    assert powerpipe.alert_regions(inventory(regions)) == {HZ, SH}


def test_a_text_judged_not_qualifying_stays_so_and_other_texts_are_still_judged() -> None:
    regions = {
        HZ: region(alerts=[alert(name="x", query="status: 500"), alert(name="y", query="status: 500")]),
        SH: region(alerts=[alert(name="x", query="status: 500"), alert(name="z")]),
    }
    assert powerpipe.alert_regions(inventory(regions)) == {SH}
