"""Issue 12's fault matrix: missing data never becomes a verdict.

Each case scans one sample account through the FC handler's path with one fault injected (an API
the fault-free scan called x a kind of `emulator.faults.KINDS` x persistent/transient x every
call / one page / one region / one project) and compares with the fault-free scan of the same
account (invariants.py says what must hold). CI runs a fixed-seed sample; `make faults`
(CIS216_FULL_FAULT_MATRIX=1) runs every case. Cases known to fail are xfail(strict) with their
diagnosis (known_bugs.py).
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.functional.faults.invariants import violations
from tests.functional.faults.known_bugs import KNOWN_BUGS, known_bugs
from tests.functional.faults.matrix import FULL, Case, all_cases, baseline, run_case, sample_cases

CASES = all_cases()
RUN = CASES if FULL else sample_cases(CASES)


def _param(case: Case) -> object:
    bugs = known_bugs(case)
    marks = [pytest.mark.xfail(strict=True, reason=" | ".join(b.reason for b in bugs))] if bugs else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in RUN])
def test_fault_case(case: Case) -> None:
    problems = violations(case, run_case(case), baseline(case.account))
    assert not problems, f"{case.id}:\n  " + "\n  ".join(problems)


def test_the_sample_covers_every_api_kind_scope_and_account() -> None:
    sampled = sample_cases(CASES)
    for field in ("api", "kind", "scope", "account", "persistence"):
        assert {getattr(c, field) for c in sampled} == {getattr(c, field) for c in CASES}, field
    assert {(c.api, c.kind) for c in sampled} == {(c.api, c.kind) for c in CASES}
    assert sampled == sample_cases(CASES), "the sample must be the same at every run"
    assert len(sampled) < len(CASES) / 5
    for bug in KNOWN_BUGS:  # CI keeps an eye on every known bug (an XPASS tells of its fix)
        assert any(bug.covers(case) for case in sampled), bug.reason


def test_the_apis_come_from_the_fault_free_calls() -> None:
    # Not a list the matrix uses (it reads the calls): what a strict scan of every region calls.
    for account in ("sample-account", "paged"):
        assert {a.key.api for a in baseline(account).attempts} == {
            "DescribeRegions",
            "DescribeTrails",
            "GetTrailStatus",
            "ListProject",
            "ListAlerts",
            "GetIndex",
            "PutLogs",
        }
    assert Counter(c.api for c in CASES).keys() == {"DescribeRegions", "DescribeTrails", "GetTrailStatus"} | {
        "ListProject",
        "ListAlerts",
        "GetIndex",
        "PutLogs",
    }


def test_the_paged_account_pages_its_projects_and_alerts() -> None:
    pages = {(a.key.api, a.key.project, a.key.offset) for a in baseline("paged").attempts}
    assert ("ListProject", None, 100) in pages and ("ListAlerts", "zz-audit-hz", 100) in pages
    assert {c.where for c in CASES if c.scope == "page"} == {
        "page:cn-hangzhou/0",
        "page:cn-hangzhou/100",
        "page:cn-hangzhou/zz-audit-hz/0",
        "page:cn-hangzhou/zz-audit-hz/100",
    }


@pytest.mark.parametrize(
    ("account", "verdict"),
    [
        ("sample-account", ("ok", ())),
        ("index-blind", ("alarm", ("ALERT_QUERY_INCOMPLETE",))),
        ("multi-region-trail", ("ok", ())),
        ("log-audit", ("ok", ())),
        ("paged", ("ok", ())),
    ],
)
def test_fault_free_scans(account: str, verdict: tuple[str, tuple[str, ...]]) -> None:
    # Four differently shaped accounts and the bundled sample: what each case is compared with.
    outcome = baseline(account)
    [found] = [f for f in outcome.findings if f.scope == "account"]
    assert (found.status, tuple(found.reason_codes)) == verdict
    case = Case(account, "PutLogs", "latency", "persistent", "every")
    assert violations(case, outcome, outcome) == []
