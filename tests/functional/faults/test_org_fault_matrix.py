"""The organisation scan (the real coordinator and workers, through the local runner) under every
fault (org_matrix.py): CI runs the fixed-seed sample, `make faults` (CIS216_FULL_FAULT_MATRIX=1)
every case. Cases known to fail are xfail(strict) with their diagnosis (org_matrix.ORG_KNOWN_BUGS)."""

from __future__ import annotations

import pytest

from tests.functional.faults.matrix import FULL, Case
from tests.functional.faults.org_matrix import (
    ORG_KNOWN_BUGS,
    ORG_SAMPLE_SIZE,
    ORGANIZATION_CALLS,
    org_baseline,
    org_cases,
    org_known_bugs,
    org_sample,
    org_violations,
    run_org_case,
)

CASES = org_cases()
RUN = CASES if FULL else org_sample(CASES)


def _param(case: Case) -> object:
    bugs = org_known_bugs(case)
    marks = [pytest.mark.xfail(strict=True, reason=" | ".join(b.reason for b in bugs))] if bugs else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in RUN])
def test_org_fault_case(case: Case) -> None:
    problems = org_violations(case, run_org_case(case), org_baseline())
    assert not problems, f"{case.id}:\n  " + "\n  ".join(problems)


def test_every_known_bug_has_a_case_in_the_sample() -> None:
    sampled = org_sample(CASES)
    for bug in ORG_KNOWN_BUGS:  # CI keeps an eye on every known bug (an XPASS tells of its fix)
        assert any(bug.covers(case) for case in sampled), bug.reason


def test_the_calls_come_from_the_real_flow() -> None:
    apis = {a.key.api for a in org_baseline().attempts}
    # The organisation's own calls, the scans' reads (management, log archive, members), the writes.
    assert apis >= ORGANIZATION_CALLS
    assert {"DescribeTrails", "GetTrailStatus", "ListProject", "ListAlerts", "PutLogs"} <= apis
    assert {c.where for c in CASES if c.scope == "page"} == {"page:1", "page:2", "page:3"}


def test_the_sample_covers_every_organisation_call_kind_scope_and_persistence() -> None:
    sampled = org_sample(CASES)
    for field in ("api", "kind", "scope", "persistence"):
        assert {getattr(c, field) for c in sampled} == {getattr(c, field) for c in CASES}, field
    organisation = {(c.api, c.kind) for c in CASES if c.api in ORGANIZATION_CALLS}
    assert organisation <= {(c.api, c.kind) for c in sampled}
    assert sampled == org_sample(CASES)
    assert len(sampled) <= ORG_SAMPLE_SIZE + 5 and len(sampled) < len(CASES) / 4


def test_the_fault_free_run() -> None:
    # Every member judged once: four scanned, two whose role cannot be assumed (missing,
    # untrusted), the one that left told apart by GetAccount; each task queued once although the
    # coordinator ran twice (the rerun met 409s and queued nothing).
    base = org_baseline()
    verdicts = {
        m: [(f.status, f.reason_codes) for f in found] for m, found in base.account_verdicts().items()
    }
    assert sorted(v[0][0] for v in verdicts.values()) == [
        "alarm",
        "error",
        "error",
        "error",
        "ok",
        "ok",
        "ok",
    ]
    assert sorted(v[0][1][0] for v in verdicts.values() if v[0][0] == "error") == [
        "MEMBER_LEFT_ORGANIZATION",
        "MEMBER_ROLE_NOT_ASSUMABLE",
        "MEMBER_ROLE_NOT_ASSUMABLE",
    ]
    assert all(len(v) == 1 for v in verdicts.values())
    assert len(base.task_ids) == len(set(base.task_ids)) == 7
    statuses = [a.status for a in base.attempts if a.key.api == "InvokeFunction"]
    assert statuses.count(202) == 7 and statuses.count(409) == 7
    assert [r.coordinator.summary.already_queued for r in base.runs] == [0, 7]
