"""The fault matrix of the organisation scan's calls (org_scenario.py): each API its fault-free run
called (ListAccounts, InvokeFunction, AssumeRole, GetAccount, and the member's DescribeTrails) x each fault kind of
`faults.KINDS` that can happen to it x persistent / transient x scope (every call, one page of the
member listing). As in matrix.py nothing is listed by hand: APIs and pages come from the fault-free
run's requests, and the same stratified fixed-seed sample runs in CI.

The invariants, those of invariants.py read for a fan-out (each member's result in place of a finding):
(a) no member gets a success the fault-free run does not give it;
(b) a transient retryable fault (and latency, always) leaves the fault-free results exactly;
(c) every call that failed for good leaves an error result naming its API;
(d) nothing escapes: no exception out of the coordinator, no worker FC had to give up on;
(e) no member lost or queued twice: the fault-free members, each with one result (unless the listing
    itself failed, which is then the directory's error result), each task id accepted once;
(f) no secret (the key's secret, its token, a request signature) in any result or error.
"""

from __future__ import annotations

import functools
from collections import Counter

from tests.functional.faults.harness import KEY, RequestKey
from tests.functional.faults.matrix import (
    HARMLESS,
    PERSISTENCE,
    Case,
    Target,
    kinds_for,
    non_shape_kinds,
    sample_cases,
)
from tests.functional.faults.org_scenario import DIRECTORY, OrgOutcome, run_org

ACCOUNT = "organization"
# Every (API, kind) pair at least once, as in the account matrix; the rest is the random top-up.
ORG_SAMPLE_SIZE = 90


@functools.cache
def org_baseline() -> OrgOutcome:
    outcome = run_org()
    if outcome.raised is not None:
        raise AssertionError(f"the fault-free organisation run failed: {outcome.raised!r}")
    return outcome


def org_targets(api: str) -> list[Target]:
    keys = sorted({a.key for a in org_baseline().attempts if a.key.api == api}, key=repr)
    candidates = [Target("every")]
    offsets = sorted({k.offset for k in keys if k.offset is not None})
    if len(offsets) > 1:
        candidates += [Target("page", offset=offset) for offset in offsets]
    return candidates


def _answered(api: str, target: Target) -> bool:
    return any(
        a.status == 200 and a.key.api == api and target.matches(a.key) for a in org_baseline().attempts
    )


def org_cases() -> list[Case]:
    cases: list[Case] = []
    for api in sorted({a.key.api for a in org_baseline().attempts}):
        for target in org_targets(api):
            kinds = kinds_for(api) if _answered(api, target) else non_shape_kinds(api)
            cases += [
                Case(ACCOUNT, api, kind, persistence, target.scope, offset=target.offset)
                for kind in kinds
                for persistence in PERSISTENCE
            ]
    return cases


def org_sample(cases: list[Case]) -> list[Case]:
    return sample_cases(cases, size=ORG_SAMPLE_SIZE)


def run_org_case(case: Case) -> OrgOutcome:
    return run_org(case.spec())


# ---- invariants ------------------------------------------------------------------------------


def org_violations(case: Case, outcome: OrgOutcome, base: OrgOutcome) -> list[str]:
    return [
        *_no_new_success(outcome, base),
        *_recovers(case, outcome, base),
        *_failed_calls_reported(outcome),
        *_nothing_escapes(outcome),
        *_members_exact(outcome, base),
        *_no_secret(outcome),
    ]


def _no_new_success(outcome: OrgOutcome, base: OrgOutcome) -> list[str]:
    return [
        f"(a) wrong result: {member} is {result!r}, fault-free {base.results.get(member)!r}"
        for member, result in outcome.results.items()
        if result.startswith("scanned") and base.results.get(member) != result
    ]


def _recovers(case: Case, outcome: OrgOutcome, base: OrgOutcome) -> list[str]:
    if not (case.kind in HARMLESS or (case.retryable and case.persistence == "transient")):
        return []
    if outcome.results == base.results:
        return []
    changed = {m: r for m, r in outcome.results.items() if base.results.get(m) != r}
    return [f"(b) did not recover to the fault-free results: {changed}"]


def _failed_calls_reported(outcome: OrgOutcome) -> list[str]:
    return [
        f"(c) failed call {key.api} ({key.where()}) left no error result naming it"
        for key in outcome.failed_calls()
        if not _named(outcome, key)
    ]


def _named(outcome: OrgOutcome, key: RequestKey) -> bool:
    return any(result.startswith(f"error: {key.api}: ") for result in outcome.results.values())


def _nothing_escapes(outcome: OrgOutcome) -> list[str]:
    out = []
    if outcome.raised is not None:
        out.append(f"(d) the coordinator raised {type(outcome.raised).__name__}: {outcome.raised}")
    out += [f"(d) FC gave up on a worker: {failure}" for failure in outcome.drain_failures]
    return out


def _members_exact(outcome: OrgOutcome, base: OrgOutcome) -> list[str]:
    expected = set(base.results)
    got = set(outcome.results) - {DIRECTORY}
    out = [f"(e) a member the directory does not hold: {m}" for m in sorted(got - expected)]
    if DIRECTORY not in outcome.results and got != expected:
        out.append(f"(e) members without a result: {sorted(expected - got)}")
    out += [f"(e) task {task} was queued twice" for task, n in Counter(outcome.task_ids).items() if n > 1]
    return out


def _no_secret(outcome: OrgOutcome) -> list[str]:
    secrets = {"access key secret": KEY.access_key_secret, "security token": KEY.security_token or ""}
    secrets.update({f"signature {s[:6]}...": s for s in outcome.signatures})
    texts = [*outcome.results.values(), *outcome.drain_failures, repr(outcome.raised), str(outcome.raised)]
    return [
        f"(f) the {name} appears in a result or error"
        for name, secret in secrets.items()
        if secret and any(secret in text for text in texts)
    ]
