"""The matrix's checks are not vacuous: each one, shown an outcome doctored to break it, says so."""

from __future__ import annotations

import dataclasses
import json

import pytest

from cis216.adapters.writer import WriteError
from cis216.emulator import StoredLog
from tests.functional.faults import invariants
from tests.functional.faults.harness import KEY, Attempt, Outcome, RequestKey
from tests.functional.faults.matrix import Case, baseline

ACCOUNT = "multi-region-trail"
READ = RequestKey("ListAlerts", "cn-shanghai", "sh-audit", None, 0, None)


@pytest.fixture
def base() -> Outcome:
    return baseline(ACCOUNT)


def case(kind: str = "access_denied", persistence: str = "persistent", api: str = "ListAlerts") -> Case:
    return Case(ACCOUNT, api, kind, persistence, "every")


def with_findings(outcome: Outcome, **status_by_scope: str) -> Outcome:
    assert outcome.report is not None
    findings = tuple(
        f.model_copy(update={"status": status_by_scope.get(f.scope or "", f.status)})
        for f in outcome.findings
    )
    return dataclasses.replace(outcome, report=dataclasses.replace(outcome.report, findings=findings))


def test_the_fault_free_outcome_passes_every_check(base: Outcome) -> None:
    assert invariants.violations(case("latency"), base, base) == []


def test_a_verdict_the_fault_free_run_does_not_have_is_wrong(base: Outcome) -> None:
    [problem] = invariants.no_new_verdict(with_findings(base, account="alarm"), base)
    assert problem.startswith("(a) wrong verdict: account acs:actiontrail::4567890123456789:* is alarm")
    assert invariants.no_new_verdict(with_findings(base, account="error"), base) == []


def test_a_transient_retryable_fault_must_leave_the_fault_free_result(base: Outcome) -> None:
    changed = with_findings(base, account="error")
    assert invariants.recovers(case("throttle", "transient"), changed, base)[0].startswith(
        "(b) did not recover"
    )
    assert invariants.recovers(case("throttle", "persistent"), changed, base) == []
    assert invariants.recovers(case("latency", "persistent"), changed, base) != []


def test_a_failed_read_needs_an_error_finding_naming_it(base: Outcome) -> None:
    failed = dataclasses.replace(base, attempts=[*base.attempts, Attempt(READ, True, 403)])
    [problem] = invariants.failed_reads_reported(failed)
    assert problem.startswith(
        "(c) failed read ListAlerts (cn-shanghai/sh-audit/offset 0) left no error finding"
    )
    retried = dataclasses.replace(failed, attempts=[*failed.attempts, Attempt(READ, False, 200)])
    assert invariants.failed_reads_reported(retried) == []


def test_only_a_write_fault_may_fail_the_handler(base: Outcome) -> None:
    write_error = WriteError("writing findings failed", 0, 3)
    crashed = dataclasses.replace(base, report=None, answer=None, raised=write_error, stored=[])
    assert invariants.no_crash(case(api="PutLogs"), crashed) == []
    assert invariants.no_crash(case(), crashed) == [
        "(d) the handler raised WriteError: writing findings failed"
    ]


def test_logs_lost_or_written_twice(base: Outcome) -> None:
    assert invariants.logs_exact(dataclasses.replace(base, stored=base.stored[1:]))
    twice = invariants.logs_exact(dataclasses.replace(base, stored=[*base.stored, base.stored[0]]))
    assert any(p.startswith("(e) a log was written twice") for p in twice)
    failed = dataclasses.replace(base, report=None, raised=WriteError("failed", 2, 4), stored=base.stored[:1])
    assert invariants.logs_exact(failed) == [
        "(e) the failed scan says 2 logs were written, the logstore holds 1"
    ]


@pytest.mark.parametrize("where", ["log_text", "stored", "raised"])
def test_a_secret_anywhere_is_found(base: Outcome, where: str) -> None:
    signature = sorted(base.signatures)[0]
    leak = f"token={KEY.security_token} sig {signature}"
    doctored = {
        "log_text": {"log_text": base.log_text + leak},
        "stored": {"all_stored": [*base.all_stored, StoredLog(0, "", "", {}, {"x": leak}, 0)]},
        "raised": {"raised": RuntimeError("boom", leak)},
    }[where]
    problems = invariants.no_secret(dataclasses.replace(base, **doctored))
    assert len(problems) == 2 and problems[0].startswith("(f) the security token appears in")
    assert json.dumps(problems).count("signature") == 1
