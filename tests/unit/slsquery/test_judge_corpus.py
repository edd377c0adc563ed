"""Table-driven corpus of real-world spellings and traps, judged by meaning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from cis216.slsquery import (
    DEFAULT_REQUIRED_CODES,
    TOPIC_LOG_AUDIT,
    IndexConfig,
    judge_query,
    parse_statement,
)

# Verbatim from the CIS benchmark text (/work/shared/spec/seed-control-2.16.txt): values quoted.
CIS_TEXT = '"event.eventType": ApiCall and ("event.errorCode": "NoPermission" or "event.errorCode": "NoPermission.*" or "event.errorCode": "Forbidden" or "event.errorCode": "Forbidden" or "event.errorCode": "Forbidden.*" or "event.errorCode": "InvalidAccessKeyId" or "event.errorCode": "InvalidAccessKeyId.*" or "event.errorCode": "InvalidSecurityToken" or "event.errorCode": "InvalidSecurityToken.*" or "event.errorCode": "SignatureDoesNotMatch" or "event.errorCode": "InvalidAuthorization" or "event.errorCode": "AccessForbidden" or "event.errorCode": "NotAuthorized") | select count(1) as cnt'

ALL = list(DEFAULT_REQUIRED_CODES)
STAR_FAMILIES = ["NoPermission.*", "Forbidden.*", "InvalidAccessKeyId.*", "InvalidSecurityToken.*"]
# The CIS list with values unquoted (Alibaba's template style), duplicate and typo included.
CIS_CODES = [
    "NoPermission",
    "NoPermission.*",
    "Forbidden",
    "Forbidden",
    "Forbidden.*",
    "InvalidAccessKeyId",
    "InvalidAccessKeyId.*",
    "InvalidSecurityToken",
    "InvalidSecurityToken.*",
    "SignatureDoesNotMatch",
    "InvalidAuthorization",
    "AccessForbidden",
    "NotAuthorized",
]


def ors(codes: list[str], key: str = "event.errorCode", quote_value: bool = False, op: str = "or") -> str:
    def one(c: str) -> str:
        return f'{key}: "{c}"' if quote_value else f"{key}: {c}"

    return f" {op} ".join(one(c) for c in codes)


TEMPLATE = f"event.eventType: ApiCall and ({ors(CIS_CODES)}) | select count(1) as cnt"
QUOTED_KEYS = (
    '"event.eventType": ApiCall and ('
    + " or ".join(f'"event.errorCode": {c}' for c in CIS_CODES)
    + ") | select count(1) as cnt"
)
GOOD_SEARCH = f"event.eventType: ApiCall and ({ors(ALL)})"
MULTILINE = (
    "event.eventType:ApiCall\n  AND (\n"
    + "\n    OR ".join(f"event.errorCode:{c}" for c in ALL)
    + "\n  )\n| SELECT COUNT(*) AS cnt"
)
DOT_INDEX = {"keys": {"event": {"type": "json", "token": list(". ,;:/"), "caseSensitive": False}}}
NO_ERRORCODE_INDEX = {
    "keys": {"event": {"type": "json", "index_all": False, "json_keys": {"eventType": {"type": "text"}}}}
}
CASE_INDEX = {
    "keys": {"event": {"type": "json", "token": list(", '\";=()[]{}?@&<>/:\n\t\r"), "caseSensitive": True}}
}

# Alibaba's ready-made rule as published in aliyun/alibabacloud-landing-zone (Terraform
# alicloud_log_alert "cis_at_unauth_apicall"): values unquoted, typo included, group-by pipe.
LANDING_ZONE_TEMPLATE = (
    "event.eventType: ApiCall and (event.errorCode: NoPermission or event.errorCode: NoPermission.* or "
    "event.errorCode: Forbidden or event.errorCode: Forbbiden or event.errorCode: Forbidden.* or "
    "event.errorCode: InvalidAccessKeyId or event.errorCode: InvalidAccessKeyId.* or "
    "event.errorCode: InvalidSecurityToken or event.errorCode: InvalidSecurityToken.* or "
    "event.errorCode: SignatureDoesNotMatch or event.errorCode: InvalidAuthorization or "
    "event.errorCode: AccessForbidden or event.errorCode: NotAuthorized) | select "
    '"event.userIdentity.accountId" as account_id, "event.serviceName" as service_name, '
    '"event.sourceIpAddress" as source_ip,count(1) as cnt group by account_id, service_name,source_ip '
    "order by cnt desc limit 10000"
)


@dataclass(frozen=True)
class Case:
    """A query, the GetIndex answer it is judged with (None: SLS defaults), the expected verdict, and
    the codes it must miss (None: not checked)."""

    query: str
    verdict: str
    missed: list[str] | None
    index: dict[str, Any] | None = None


CORPUS = [
    pytest.param(
        Case(query=CIS_TEXT, verdict="incomplete", missed=STAR_FAMILIES),
        id="cis text verbatim: quoted .* values are literal",
    ),
    pytest.param(Case(query=TEMPLATE, verdict="complete", missed=[]), id="alibaba template, values unquoted"),
    pytest.param(
        Case(query=LANDING_ZONE_TEMPLATE, verdict="complete", missed=[]),
        id="alibaba landing-zone template verbatim",
    ),
    pytest.param(
        Case(query=QUOTED_KEYS, verdict="complete", missed=[]),
        id="powerpipe docs quoted keys, unquoted values",
    ),
    pytest.param(
        Case(
            query='"event.eventType": "ApiCall" and ('
            + " or ".join(f'"event.errorCode": "{c}"' for c in ALL if not c.endswith("*"))
            + " or "
            + " or ".join(f'"event.errorCode": {c}' for c in ALL if c.endswith("*"))
            + ")",
            verdict="complete",
            missed=[],
        ),
        id="quoted keys and values except .* families",
    ),
    pytest.param(Case(query=GOOD_SEARCH, verdict="complete", missed=[]), id="search only, no pipe"),
    pytest.param(
        Case(query=f"({ors(ALL)}) and event.eventType: ApiCall", verdict="complete", missed=[]),
        id="codes first, eventType last",
    ),
    pytest.param(
        Case(query=f"event.eventType: ApiCall ({ors(ALL)})", verdict="complete", missed=[]), id="implicit and"
    ),
    pytest.param(
        Case(query=MULTILINE, verdict="complete", missed=[]),
        id="multi-line, upper-case operators, no spaces after colons",
    ),
    pytest.param(
        Case(
            query=GOOD_SEARCH.lower()
            .replace("event.eventtype", "event.eventType")
            .replace("event.errorcode", "event.errorCode"),
            verdict="complete",
            missed=[],
        ),
        id="lower-case values",
    ),
    pytest.param(
        Case(
            query=f"event.eventType: APICALL and ({ors([c.upper() for c in ALL])})",
            verdict="complete",
            missed=[],
        ),
        id="upper-case values",
    ),
    pytest.param(
        Case(
            query="event.eventType: ApiCall and (event.errorCode: NoPermission* or event.errorCode: Forbidden* or "
            "event.errorCode: InvalidAccessKeyId* or event.errorCode: InvalidSecurityToken* or "
            "event.errorCode: SignatureDoesNotMatch or event.errorCode: InvalidAuthorization or "
            "event.errorCode: AccessForbidden or event.errorCode: NotAuthorized) | select count(*) as c",
            verdict="complete",
            missed=[],
        ),
        id="prefix wildcards cover both X and X.*",
    ),
    pytest.param(
        Case(query=f"ApiCall and ({' or '.join(ALL)})", verdict="complete", missed=[]),
        id="bare full-text codes",
    ),
    pytest.param(
        Case(query="event.eventType: ApiCall and event.errorCode: *", verdict="complete", missed=[]),
        id="any error code on an ApiCall",
    ),
    pytest.param(
        Case(
            query=f"{GOOD_SEARCH} and not event.sourceIpAddress: 10.0.0.1 and __topic__: actiontrail_audit_event",
            verdict="complete",
            missed=[],
        ),
        id="harmless extra narrowing",
    ),
    pytest.param(
        Case(
            query=f'{GOOD_SEARCH} | select "event.errorCode" as code, count(1) as cnt group by code',
            verdict="complete",
            missed=[],
        ),
        id="group by pipe",
    ),
    pytest.param(
        Case(
            query=f"event.eventType: ApiCall and ({ors([*ALL, 'Forbbiden'])})", verdict="complete", missed=[]
        ),
        id="typo Forbbiden added",
    ),
    pytest.param(
        Case(
            query="event.eventType: ApiCall and event.errorCode: NoPermission",
            verdict="incomplete",
            missed=[c for c in ALL if c != "NoPermission"],
        ),
        id="one code only",
    ),
    pytest.param(
        Case(
            query="event.eventType: ApiCall and event.errorCode: Forbidden.*",
            verdict="incomplete",
            missed=[c for c in ALL if c != "Forbidden.*"],
        ),
        id="one wildcard code only",
    ),
    pytest.param(
        Case(
            query=f"event.eventType: ApiCall and ({ors([c for c in ALL if '*' not in c])})",
            verdict="incomplete",
            missed=STAR_FAMILIES,
        ),
        id="without the .* families",
    ),
    pytest.param(
        Case(
            query=f"event.eventType: ApiCall and ({ors(ALL, quote_value=True)})",
            verdict="incomplete",
            missed=STAR_FAMILIES,
        ),
        id="quoted .* values",
    ),
    pytest.param(
        Case(
            query="event.eventType: ApiCall and not event.errorCode: NoPermission",
            verdict="incomplete",
            missed=["NoPermission"],
        ),
        id="negation of one code",
    ),
    pytest.param(
        Case(query=f"event.eventType: ApiCall and not ({ors(ALL)})", verdict="incomplete", missed=ALL),
        id="negation of the whole list",
    ),
    pytest.param(
        Case(
            query="event.eventType: ApiCall not event.errorCode: Forbidden.*",
            verdict="incomplete",
            missed=["Forbidden.*"],
        ),
        id="binary not",
    ),
    pytest.param(
        Case(
            query="not event.errorCode: Forbidden and event.eventType: ApiCall",
            verdict="incomplete",
            missed=["Forbidden"],
        ),
        id="leading not, same verdict either reading",
    ),
    pytest.param(
        Case(
            query="not event.eventType: ConsoleSignin and event.errorCode: NoPermission",
            verdict="unverifiable",
            missed=None,
        ),
        id="leading not whose reading decides the verdict",
    ),
    pytest.param(
        Case(query=f"event.eventType: ApiCall and ({ors(ALL, op='and')})", verdict="incomplete", missed=ALL),
        id="and where or was meant",
    ),
    pytest.param(
        Case(
            query="event.errorCode: NoPermission or event.errorCode: Forbidden and event.eventType: ApiCall",
            verdict="incomplete",
            missed=[c for c in ALL if c not in ("NoPermission", "Forbidden")],
        ),
        id="or where and was meant binds tighter",
    ),
    pytest.param(
        Case(
            query=f"event.eventType: ApiCall and ({ors(ALL, key='event.errorcode')})",
            verdict="incomplete",
            missed=ALL,
        ),
        id="wrong field name case (keys are case-sensitive)",
    ),
    pytest.param(
        Case(
            query=f"event.eventType: ApiCall and ({ors(ALL, key='errorCode')})",
            verdict="incomplete",
            missed=ALL,
        ),
        id="wrong field name",
    ),
    pytest.param(
        Case(query=f"event.eventType: ConsoleOperation and ({ors(ALL)})", verdict="incomplete", missed=ALL),
        id="wrong event type",
    ),
    pytest.param(
        Case(query=f"{GOOD_SEARCH} and event.acsRegion: cn-shanghai", verdict="incomplete", missed=ALL),
        id="narrowing to one region",
    ),
    pytest.param(
        Case(query=f"__topic__: actiontrail_event and {GOOD_SEARCH}", verdict="incomplete", missed=ALL),
        id="log audit topic on a trail logstore",
    ),
    pytest.param(Case(query="*", verdict="complete", missed=[]), id="match everything"),
    pytest.param(
        Case(query="* | select count(1) as cnt", verdict="complete", missed=[]),
        id="match everything with count",
    ),
    # The analytic statement is executed: a WHERE that keeps only one region's calls misses the
    # same calls elsewhere (the context variants), like a search that narrows on the region.
    pytest.param(
        Case(
            query=f"{GOOD_SEARCH} | select count(1) as cnt where \"event.acsRegion\" = 'cn-hangzhou'",
            verdict="incomplete",
            missed=ALL,
        ),
        id="where filter after pipe",
    ),
    # A HAVING on the count keeps a group once enough calls come: every code is seen (the trigger
    # then says how many calls it takes).
    pytest.param(
        Case(
            query=f'{GOOD_SEARCH} | select "event.errorCode" as c, count(1) as cnt group by c having count(1) > 5',
            verdict="complete",
            missed=[],
        ),
        id="having filter",
    ),
    pytest.param(
        Case(query=f"{GOOD_SEARCH} | select count(1) as cnt limit 0", verdict="incomplete", missed=ALL),
        id="limit 0",
    ),
    pytest.param(
        Case(query=f"{GOOD_SEARCH} | select histogram(x)", verdict="unverifiable", missed=None),
        id="unknown sql",
    ),
    pytest.param(
        Case(
            query="event.eventType: ApiCall and event.errorCode: *Forbidden",
            verdict="unverifiable",
            missed=None,
        ),
        id="leading wildcard is a syntax error",
    ),
    pytest.param(
        Case(
            query="event.eventType: ApiCall and event.errorCode: (NoPermission or Forbidden)",
            verdict="unverifiable",
            missed=None,
        ),
        id="parenthesised value list is not SLS syntax",
    ),
    pytest.param(
        Case(query=f"{GOOD_SEARCH} and event.eventVersion > 0", verdict="unverifiable", missed=None),
        id="numeric comparison on a text field",
    ),
    pytest.param(
        Case(query=CIS_TEXT, index=DOT_INDEX, verdict="complete", missed=[]),
        id="cis text under an index that splits on '.'",
    ),
    pytest.param(
        Case(query=TEMPLATE, index=NO_ERRORCODE_INDEX, verdict="incomplete", missed=ALL),
        id="errorCode not indexed",
    ),
    pytest.param(
        Case(
            query=f"event.eventType: ApiCall and ({ors([c.lower() for c in ALL])})",
            index=CASE_INDEX,
            verdict="incomplete",
            missed=ALL,
        ),
        id="case-sensitive index, lower-case values",
    ),
    pytest.param(
        Case(query=TEMPLATE, index=CASE_INDEX, verdict="complete", missed=[]),
        id="case-sensitive index, exact values",
    ),
]


@pytest.mark.parametrize("case", CORPUS)
def test_corpus(case: Case) -> None:
    idx = IndexConfig.from_get_index(case.index) if case.index is not None else None
    j = judge_query(case.query, idx)
    assert j.verdict == case.verdict, j.detail
    if case.missed is not None:
        assert j.missed_codes == [c for c in ALL if c in case.missed], j.detail
        assert sorted(j.matched_codes + j.missed_codes) == sorted(ALL)
    assert j.index_source == ("logstore index" if case.index is not None else "SLS defaults")


def test_cis_text_evidence_names_missed_real_codes_and_literal_wildcards() -> None:
    j = judge_query(CIS_TEXT)
    assert "Forbidden.RAM" in j.missed_events and "InvalidAccessKeyId.NotFound" in j.missed_events
    assert 'event.errorCode: "Forbidden.*"' in j.literal_wildcards
    assert "literal" in j.detail and "SLS defaults" in j.detail
    assert j.pipe.kind == "count" and j.pipe.count_column == "cnt"
    assert judge_query(j.suggested_query).verdict == "complete"
    assert not j.matches_everything


def test_matches_everything_flag() -> None:
    assert judge_query("*").matches_everything
    assert not judge_query(TEMPLATE).matches_everything
    ev_only = judge_query("event.eventType: ApiCall")
    assert ev_only.verdict == "complete" and not ev_only.matches_everything
    assert ev_only.negatives_matched == ["negative:successful-api-call", "negative:other-failed-call"]


def test_syntax_error_evidence() -> None:
    j = judge_query("event.errorCode: *Forbidden | select count(1) as cnt")
    assert j.verdict == "unverifiable" and j.syntax_error and j.pipe.kind == "count"


def test_search_that_drops_codes_is_incomplete_whatever_the_pipe_does() -> None:
    # Once `unverifiable` (a WHERE was refused on sight): SQL cannot bring back logs the search
    # part removed, so the codes it drops are missed whatever follows the `|`.
    j = judge_query(
        "event.eventType: ApiCall and event.errorCode: NoPermission | select count(1) as cnt where 1=1"
    )
    assert j.verdict == "incomplete" and j.pipe.kind == "count"
    assert "NoPermission" in j.matched_codes and "Forbidden" in j.missed_codes


def test_unindexed_fields_are_named() -> None:
    j = judge_query(TEMPLATE, IndexConfig.from_get_index(NO_ERRORCODE_INDEX))
    assert j.unindexed_fields == ["event.errorCode"]


def test_log_audit_topic() -> None:
    q = f"__topic__: actiontrail_event and {GOOD_SEARCH}"
    assert judge_query(q, topic=TOPIC_LOG_AUDIT).verdict == "complete"
    assert judge_query(GOOD_SEARCH, topic=TOPIC_LOG_AUDIT).verdict == "complete"


def test_custom_required_codes() -> None:
    j = judge_query("event.errorCode: Throttling*", required_codes=["Throttling", "Throttling.*"])
    assert j.verdict == "complete"
    # A caller may require the benchmark's typo; the template does not list it.
    j = judge_query(TEMPLATE, required_codes=["Forbidden", "Forbbiden"])
    assert j.verdict == "incomplete" and j.missed_codes == ["Forbbiden"]
    assert parse_statement(TEMPLATE).pipe is not None


def test_empty_and_none_query() -> None:
    assert judge_query("").verdict == "complete"
    assert judge_query(None).verdict == "complete"


def test_landing_zone_template_pipe() -> None:
    j = judge_query(LANDING_ZONE_TEMPLATE)
    assert j.pipe.kind == "grouped" and j.pipe.groups and j.pipe.count_column == "cnt"
    assert j.pipe.output_columns == ("account_id", "service_name", "source_ip", "cnt")


def test_deep_nesting_is_unverifiable_not_a_crash() -> None:
    j = judge_query("(" * 300 + GOOD_SEARCH + ")" * 300 + " | select count(1) as cnt")
    assert j.verdict == "unverifiable"
    assert j.syntax_error == "nested too deeply (at character 100)"


# Narrowing on a context field whose value only happens to equal the sample event's: a real
# unauthorized call in another region, a write call, another service or caller is missed.
@pytest.mark.parametrize(
    "narrowing",
    [
        "event.acsRegion: cn-hangzhou",
        "event.eventRW: Read",
        "event.sourceIpAddress: 203.0.113.7",
        "event.userIdentity.accountId: 1234567890123456",
        "event.eventTime: 2026*",
        "event.userAgent: AlibabaCloud*",
        "(event.userIdentity.type: ram-user or event.userIdentity.type: unknown)",
        "not event.acsRegion: eu-central-1",
    ],
)
def test_narrowing_on_the_sample_context_is_incomplete(narrowing: str) -> None:
    j = judge_query(f"event.eventType: ApiCall and {narrowing} and ({ors(ALL)}) | select count(1) as cnt")
    assert j.verdict == "incomplete"
    assert "NoPermission" in j.missed_codes and j.missed_in_context
    assert "only in some contexts" in j.detail


@pytest.mark.parametrize(
    "harmless",
    [
        "__topic__: actiontrail_audit_event",
        "not event.userIdentity.userName: security-scanner",
        "event.errorCode: *",
        "event.eventName: *",
    ],
)
def test_harmless_narrowing_stays_complete(harmless: str) -> None:
    j = judge_query(f"event.eventType: ApiCall and {harmless} and ({ors(ALL)}) | select count(1) as cnt")
    assert j.verdict == "complete" and j.missed_in_context == []


def test_count_of_a_column_counts_only_logs_that_have_it() -> None:
    # InvalidAccessKeyId calls have no userName: count(userName) is 0 for them, `cnt > 0` never holds.
    pipe = 'select count("event.userIdentity.userName") as cnt'
    j = judge_query(f"{GOOD_SEARCH} | {pipe}")
    assert j.verdict == "incomplete"
    assert j.missed_codes == ["InvalidAccessKeyId", "InvalidAccessKeyId.*"]
    assert "not null" in j.detail


@pytest.mark.parametrize(
    "pipe",
    [
        "select count(1) as cnt",
        "select count(*) as cnt",
        'select count("event.errorCode") as cnt',
        'select count(distinct "event.eventId") as cnt',
    ],
)
def test_count_of_every_log_or_of_an_always_present_column_is_complete(pipe: str) -> None:
    assert judge_query(f"{GOOD_SEARCH} | {pipe}").verdict == "complete"
