"""The organisation scan's calls under every fault (org_matrix.py): CI runs the fixed-seed sample,
`make faults` (CIS216_FULL_FAULT_MATRIX=1) every case."""

from __future__ import annotations

import pytest

from tests.functional.faults.matrix import FULL, Case
from tests.functional.faults.org_matrix import (
    org_baseline,
    org_cases,
    org_sample,
    org_violations,
    run_org_case,
)
from tests.functional.faults.org_scenario import DIRECTORY

CASES = org_cases()
RUN = CASES if FULL else org_sample(CASES)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in RUN])
def test_org_fault_case(case: Case) -> None:
    problems = org_violations(case, run_org_case(case), org_baseline())
    assert not problems, f"{case.id}:\n  " + "\n  ".join(problems)


def test_the_new_apis_come_from_the_fault_free_calls() -> None:
    assert {a.key.api for a in org_baseline().attempts} == {
        "ListAccounts",
        "InvokeFunction",
        "AssumeRole",
        "DescribeTrails",
        "GetAccount",
        "DescribeApp",
    }
    assert {c.where for c in CASES if c.scope == "page"} == {"page:1", "page:2", "page:3"}


def test_the_sample_covers_every_api_kind_scope_and_persistence() -> None:
    sampled = org_sample(CASES)
    for field in ("api", "kind", "scope", "persistence"):
        assert {getattr(c, field) for c in sampled} == {getattr(c, field) for c in CASES}, field
    assert {(c.api, c.kind) for c in sampled} == {(c.api, c.kind) for c in CASES}
    assert sampled == org_sample(CASES)
    assert len(sampled) < len(CASES) / 2


def test_the_fault_free_run() -> None:
    # Four members scanned, three whose role cannot be assumed (missing, untrusted, left: GetAccount
    # tells the member that left from the one without the role); each
    # task queued once although the coordinator ran twice (the rerun met 409s).
    base = org_baseline()
    assert DIRECTORY not in base.results
    assert sorted(base.results.values()) == [
        "error: AssumeRole: EntityNotExist.Role",
        "error: AssumeRole: EntityNotExist.Role (left the resource directory)",
        "error: AssumeRole: NoPermission",
        "scanned: log audit all, []",
        "scanned: org-trail",
        "scanned: org-trail",
        "scanned: org-trail",
        "scanned: org-trail,own-trail",
    ]
    assert len(base.task_ids) == len(set(base.task_ids)) == 7
    statuses = [a.status for a in base.attempts if a.key.api == "InvokeFunction"]
    assert statuses.count(202) == 7 and statuses.count(409) == 7
