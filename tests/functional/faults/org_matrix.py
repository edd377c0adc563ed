"""The fault matrix of the organisation scan (org_scenario.py: the real coordinator and workers): each
API its fault-free run called (the directory's ListAccounts pages, GetResourceDirectory,
InvokeFunction, AssumeRole, GetAccount, the management, log-archive and member scans' reads, the
findings writes) x each fault kind of `faults.KINDS` that can happen to it x persistent / transient
x scope (every call, one page of the member listing). As in matrix.py nothing is listed by hand:
APIs and pages come from the fault-free run's requests.

CI runs a fixed-seed sample of about ORG_SAMPLE_SIZE cases: every (API, kind) pair of the calls only
an organisation scan makes (ORGANIZATION_CALLS; the single-account reads have matrix.py), every
API, scope, kind and persistence, topped up at random; `make faults` runs every case.

The invariants, those of invariants.py read for a fan-out:
(a) no finding becomes `ok` or `alarm` unless the fault-free run gives that resource that verdict;
(b) a transient retryable fault (and latency, always) leaves the fault-free findings exactly;
(c) every call that failed for good is named: a read by an `error` finding (its API, and its
    project if it had one); a write by the error FC saw (the run or the worker raised WriteError);
    the directory listing by the coordinator's error (it fails, FC retries the timer run);
(d) nothing else escapes: the coordinator raises only for (c)'s two, FC gives up on a worker only
    because its write failed;
(e) no member lost or doubled: each fault-free member has one verdict in each run that judged it,
    and one in all (unless a run failed as (d) allows); each task id accepted once; the findings
    logstore holds exactly the findings and summaries the runs reported (after a failed write: at
    least those);
(f) no secret (the key's secret, its token, a request signature) in any finding, log, log line or
    error.
"""

from __future__ import annotations

import functools
import json
import random
from collections import Counter
from collections.abc import Iterator

from cis216.adapters.calls import CallError
from cis216.adapters.writer import WriteError
from cis216.findings import Finding
from cis216.profiles.strict import codes
from tests.functional.faults.harness import KEY, RequestKey
from tests.functional.faults.known_bugs import KnownBug
from tests.functional.faults.matrix import (
    HARMLESS,
    PERSISTENCE,
    SEED,
    Case,
    Target,
    kinds_for,
    non_shape_kinds,
)
from tests.functional.faults.org_scenario import OrgOutcome, run_org

ACCOUNT = "organization"
ORG_SAMPLE_SIZE = 90
# The calls only an organisation scan makes: CI's sample holds each with every fault kind.
ORGANIZATION_CALLS = frozenset(
    {"ListAccounts", "GetResourceDirectory", "InvokeFunction", "AssumeRole", "GetAccount"}
)
# A failure to read the directory fails the coordinator (FC retries the timer run).
DIRECTORY_CALLS = frozenset({"ListAccounts", "ListAccountsForParent", "GetResourceDirectory"})

# What the real flow is known to get wrong, as known_bugs.py marks them (xfail, strict).
ORG_KNOWN_BUGS: tuple[KnownBug, ...] = ()


def org_known_bugs(case: Case) -> list[KnownBug]:
    return [bug for bug in ORG_KNOWN_BUGS if bug.covers(case)]


@functools.cache
def org_baseline() -> OrgOutcome:
    outcome = run_org()
    if outcome.raised or outcome.drain_failures:
        raise AssertionError(
            f"the fault-free organisation run failed: {outcome.raised} {outcome.drain_failures}"
        )
    return outcome


def org_targets(api: str) -> list[Target]:
    keys = {a.key for a in org_baseline().attempts if a.key.api == api}
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


def org_sample(cases: list[Case], size: int = ORG_SAMPLE_SIZE) -> list[Case]:
    """Fixed seed: every (API, kind) pair of ORGANIZATION_CALLS, every API, scope and (kind,
    persistence) at least once, topped up at random to `size`, in matrix order."""
    chooser = random.Random(SEED)
    chosen: set[Case] = set()
    strata = (
        lambda c: (c.api, c.kind) if c.api in ORGANIZATION_CALLS else None,
        lambda c: c.api,
        lambda c: (c.scope, c.offset),
        lambda c: (c.kind, c.persistence),
    )
    for stratum in strata:
        groups: dict[object, list[Case]] = {}
        for case in cases:
            if (key := stratum(case)) is not None:
                groups.setdefault(key, []).append(case)
        for key in sorted(groups, key=repr):
            if not chosen.intersection(groups[key]):
                chosen.add(chooser.choice(groups[key]))
    rest = [c for c in cases if c not in chosen]
    chosen.update(chooser.sample(rest, max(0, min(len(rest), size - len(chosen)))))
    return [c for c in cases if c in chosen]


def run_org_case(case: Case) -> OrgOutcome:
    return run_org(case.spec())


# ---- invariants ------------------------------------------------------------------------------


def org_violations(case: Case, outcome: OrgOutcome, base: OrgOutcome) -> list[str]:
    return [
        *_no_new_verdict(outcome, base),
        *_recovers(case, outcome, base),
        *_failed_calls_named(outcome),
        *_nothing_else_escapes(case, outcome),
        *_members_exact(outcome, base),
        *_logs_exact(outcome),
        *_no_secret(outcome),
    ]


def _key(finding: Finding) -> tuple[str, str, str]:
    return finding.account_id or "", finding.scope or "", finding.resource or ""


def _verdicts(outcome: OrgOutcome) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    return sorted((*_key(f), f.status, tuple(f.reason_codes)) for f in outcome.findings)


def _no_new_verdict(outcome: OrgOutcome, base: OrgOutcome) -> list[str]:
    """(a); an alarm must also be the fault-free alarm (same reason codes). One code may be missing:
    ORGANIZATION_ALERT_EXCLUDES_MEMBER says the alert covers other members, which is unknown once
    a read of the organisation trail failed; the alarm (ALERT_QUERY_INCOMPLETE) stands without it."""
    before = {_key(f): (f.status, _codes(f)) for f in base.findings}
    out = []
    for finding in outcome.findings:
        now = (finding.status, _codes(finding))
        if finding.status in ("ok", "alarm") and before.get(_key(finding)) != now:
            out.append(
                f"(a) wrong verdict: {' '.join(_key(finding))} is {now}, fault-free {before.get(_key(finding))}"
            )
    return out


def _codes(finding: Finding) -> list[str]:
    return [c for c in finding.reason_codes if c != codes.ORGANIZATION_ALERT_EXCLUDES_MEMBER]


def _recovers(case: Case, outcome: OrgOutcome, base: OrgOutcome) -> list[str]:
    """(b)"""
    if not (case.kind in HARMLESS or (case.retryable and case.persistence == "transient")):
        return []
    problems = [f"(b) did not recover: a run raised {type(e).__name__}: {e}" for e in outcome.raised]
    got, want = _verdicts(outcome), _verdicts(base)
    if got != want:
        extra = [f for f in got if f not in want]
        missing = [f for f in want if f not in got]
        problems.append(f"(b) did not recover to the fault-free findings: got {extra}, instead of {missing}")
    return problems


def _failed_calls_named(outcome: OrgOutcome) -> list[str]:
    """(c)"""
    errors = [f for f in outcome.findings if f.status == "error"]
    out = []
    for key in outcome.failed_calls():
        if key.api == "PutLogs":
            named = outcome.write_failed()
        elif key.api in DIRECTORY_CALLS:
            named = any(isinstance(e, CallError) and e.api == key.api for e in outcome.raised)
        else:
            named = any(_names(f, key) for f in errors)
        if not named:
            out.append(f"(c) failed call {key.api} ({key.where()}) was not named by an error")
    return out


def _names(finding: Finding, key: RequestKey) -> bool:
    text = finding.model_dump_json()
    return key.api in text and (key.project is None or key.project in text)


def _nothing_else_escapes(case: Case, outcome: OrgOutcome) -> list[str]:
    """(d)"""
    out = []
    for error in outcome.raised:
        allowed = (case.api == "PutLogs" and isinstance(error, WriteError)) or (
            case.api in DIRECTORY_CALLS and isinstance(error, CallError) and error.api == case.api
        )
        if not allowed:
            out.append(f"(d) a run raised {type(error).__name__}: {error}")
    out += [
        f"(d) FC gave up on a worker: {failure}"
        for failure in outcome.drain_failures
        if not (case.api == "PutLogs" and "WriteError" in failure)
    ]
    return out


def _members_exact(outcome: OrgOutcome, base: OrgOutcome) -> list[str]:
    """(e): verdicts and task ids."""
    expected = set(base.account_verdicts())
    out = []
    for number, run in enumerate(outcome.runs, 1):
        counted = Counter(f.account_id for f in run.findings if f.scope == "account")
        out += [f"(e) run {number} gave {m} {n} verdicts" for m, n in sorted(counted.items()) if n > 1]
    got = set(outcome.account_verdicts())
    out += [f"(e) a verdict for {m}, which the directory does not hold" for m in sorted(got - expected)]
    excused = bool(outcome.raised) or bool(outcome.drain_failures)
    if got != expected and not excused:
        out.append(f"(e) members without a verdict: {sorted(expected - got)}")
    out += [f"(e) task {task} was queued twice" for task, n in Counter(outcome.task_ids).items() if n > 1]
    return out


def _logs_exact(outcome: OrgOutcome) -> list[str]:
    """(e): the findings logstore against what the runs reported written."""
    stored = Counter(_stored_fingerprints(outcome))
    reported = Counter(_reported_fingerprints(outcome))
    if outcome.write_failed():
        lost = reported - stored
        return [f"(e) reported but not stored: {dict(lost)}"] if lost else []
    if stored == reported:
        return []
    return [f"(e) the logstore holds {dict(stored - reported)} more and {dict(reported - stored)} fewer logs"]


def _stored_fingerprints(outcome: OrgOutcome) -> Iterator[tuple[str, ...]]:
    for log in outcome.stored:
        contents = log.contents
        record = contents.get("record") or ""
        if record == "finding":
            yield record, contents["account_id"], contents["scope"], contents["resource"], contents["status"]
        else:
            yield record, contents.get("account_id") or ""


def _reported_fingerprints(outcome: OrgOutcome) -> Iterator[tuple[str, ...]]:
    for finding in outcome.findings:
        yield "finding", *_key(finding)[:1], finding.scope or "", finding.resource or "", finding.status
    for run in outcome.runs:
        if run.coordinator.summary.written and run.coordinator.summary.written.count:
            yield "organization-summary", run.coordinator.summary.management_account_id
        for worker in run.workers:
            if "error" not in worker.summary:
                yield "summary", worker.member


def _no_secret(outcome: OrgOutcome) -> list[str]:
    """(f)"""
    secrets = {"access key secret": KEY.access_key_secret, "security token": KEY.security_token or ""}
    secrets.update({f"signature {s[:6]}...": s for s in outcome.signatures})
    secrets.update({f"assumed role's secret or token {s[:6]}...": s for s in outcome.minted})
    texts = [
        *(f.model_dump_json() for f in outcome.findings),
        *(json.dumps(log.contents, ensure_ascii=False) for log in outcome.stored),
        *(run.coordinator.summary.to_json() for run in outcome.runs),
        *outcome.drain_failures,
        *(f"{e!s} {e!r}" for e in outcome.raised),
        outcome.log_text,
    ]
    return [
        f"(f) the {name} appears in a finding, log, log line or error"
        for name, secret in secrets.items()
        if secret and any(secret in text for text in texts)
    ]
