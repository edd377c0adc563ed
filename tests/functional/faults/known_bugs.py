"""Cases of the fault matrix that fail today because of product bugs of issue 12: each bug, the
cases it spoils (by account, API, kind, persistence and scope), and where in lib/ it likely sits.

The test marks them `xfail(strict=True)`: CI stays green, and the fix that makes a case pass
turns it into an XPASS failure, which forces removing (or narrowing) the entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cis216.emulator.faults import SHAPE_KINDS
from tests.functional.faults.matrix import HARMLESS, RETRYABLE, Case

# The tea SDK (ActionTrail) reads a 502 page as a JSON parse error: no retry today.
UNRETRIED = frozenset({("DescribeRegions", "html502"), ("DescribeTrails", "html502")})


def read_lost(case: Case) -> bool:
    """Whether the reads the fault hits stay failed today: not a harmless kind, and not a transient
    fault that today's retries get past."""
    if case.kind in HARMLESS:
        return False
    if case.persistence == "persistent":
        return True
    return case.kind not in RETRYABLE or (case.api, case.kind) in UNRETRIED


@dataclass(frozen=True)
class KnownBug:
    reason: str
    # account -> API -> scopes (Case.where), None: every scope; an empty mapping: every account
    where: Mapping[str, Mapping[str, frozenset[str] | None]]
    when: Callable[[Case], bool]
    apis: frozenset[str] = frozenset()  # with an empty `where`: the APIs, in every account

    def covers(self, case: Case) -> bool:
        if not self.when(case):
            return False
        if not self.where:
            return case.api in self.apis
        scopes = self.where.get(case.account, {})
        if case.api not in scopes:
            return False
        wanted = scopes[case.api]
        return wanted is None or case.where in wanted


def _kind(*kinds: str) -> Callable[[Case], bool]:
    return lambda case: case.kind in kinds


def _scopes(*wheres: str) -> frozenset[str]:
    return frozenset(wheres)


FALSE_OK_FROM_DEFAULT_INDEX = KnownBug(
    "issue 12: GetIndex failed, so the query was judged on SLS's default index, and the alert the real "
    "index makes blind is judged effective: a false ok (profiles/strict/evaluation.py index_for falls "
    "back to IndexConfig.default(); decide.py lets an ok stand on a feed whose GetIndex failed)",
    where={"index-blind": {"GetIndex": None}},
    when=lambda case: read_lost(case) and case.kind not in SHAPE_KINDS,
)

HTML_502_NOT_RETRIED = KnownBug(
    "issue 12: a gateway's HTML 502 page on ActionTrail is not retried: the tea SDK's JSON parse error "
    "is classified MalformedResponse (not retryable) before the HTTP status is looked at "
    "(adapters/_openapi.py classify / classify_transport)",
    where={},
    apis=frozenset({"DescribeRegions", "DescribeTrails"}),
    when=lambda case: case.kind == "html502" and case.persistence == "transient",
)

INDEX_KEYS_NOT_VALIDATED = KnownBug(
    "issue 12: a GetIndex answer whose `keys` is a string is not refused at the boundary: the strict "
    "profile raises AttributeError and the whole scan fails (slsquery/index.py "
    "IndexConfig.from_get_index), or, when no alert is judged on that logstore, the bad index is kept "
    "without an error finding (adapters/sls.py get_index, shell/collect/answers.py index)",
    where={},
    apis=frozenset({"GetIndex"}),
    when=_kind("shape_string"),
)

LIST_UNDER_ANOTHER_KEY_READ_AS_EMPTY = KnownBug(
    "issue 12: a listing whose list is under another key reads as an empty listing: no error finding "
    "names the API, and the projects/alerts it hid give ALERT_MISSING and trail alarms (adapters/sls.py "
    "list_projects `body.get('projects', [])`, list_alerts `results is None -> []`)",
    where={},
    apis=frozenset({"ListProject", "ListAlerts"}),
    when=_kind("shape_renamed"),
)

TRAILS_FLIP_WHEN_COVERAGE_UNKNOWN = KnownBug(
    "issue 12: the reads that decide the feed covering the account failed, and the trails that feed "
    "covered flip from skip (or ok) to alarm, although coverage is unknown: must be error or info "
    "(profiles/strict/decide.py trail decisions; after a failed DescribeRegions, "
    "shell/collect/account.py scans the home region only, so the Log Audit feed is not seen)",
    where={
        "sample-account": {
            "ListAlerts": _scopes("every", "region:cn-hangzhou", "project:actiontrail-central"),
            "ListProject": _scopes("every", "region:cn-hangzhou"),
        },
        "paged": {
            "ListAlerts": _scopes(
                "region:cn-hangzhou",
                "project:zz-audit-hz",
                "page:cn-hangzhou/zz-audit-hz/0",
                "page:cn-hangzhou/zz-audit-hz/100",
            ),
            "ListProject": _scopes("region:cn-hangzhou", "page:cn-hangzhou/0", "page:cn-hangzhou/100"),
        },
        "log-audit": {
            "DescribeRegions": None,
            "ListProject": _scopes("every", "region:cn-shanghai"),
            "ListAlerts": None,
        },
    },
    when=read_lost,
)

KNOWN_BUGS = (
    FALSE_OK_FROM_DEFAULT_INDEX,
    HTML_502_NOT_RETRIED,
    INDEX_KEYS_NOT_VALIDATED,
    LIST_UNDER_ANOTHER_KEY_READ_AS_EMPTY,
    TRAILS_FLIP_WHEN_COVERAGE_UNKNOWN,
)


def known_bugs(case: Case) -> list[KnownBug]:
    return [bug for bug in KNOWN_BUGS if bug.covers(case)]
