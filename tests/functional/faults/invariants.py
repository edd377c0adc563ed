"""What must hold whatever fault a scan met (issue 12), each check returning its violations, one
line each, naming the invariant; the test prefixes the case.

(a) no finding becomes `ok` or `alarm` unless the fault-free run has that status for that resource;
(b) a transient retryable fault (and latency, always) leaves the fault-free result exactly;
(c) every failed read leaves an `error` finding naming the API and where it was called;
(d) no crash: the handler answers its summary; only a PutLogs fault may fail it (WriteError);
(e) no log lost or counted twice: the findings logstore holds the scan's findings + 1 summary, as
    the summary counts them (after a failed write: exactly what the error says was written);
(f) no secret (the key's secret, the token, a request signature) in any output.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

from cis216.adapters.writer import WriteError
from cis216.findings import Finding
from tests.functional.faults.harness import KEY, Outcome, RequestKey
from tests.functional.faults.matrix import HARMLESS, Case


def _key(finding: Finding) -> tuple[str | None, str | None]:
    return finding.scope, finding.resource


def _verdict(findings: tuple[Finding, ...]) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return sorted((f.scope or "", f.resource or "", f.status, tuple(f.reason_codes)) for f in findings)


def no_new_verdict(outcome: Outcome, base: Outcome) -> list[str]:
    """(a); an alarm must also be the fault-free alarm (same reason codes), not another failure."""
    before = {_key(f): (f.status, list(f.reason_codes)) for f in base.findings}
    out = []
    for finding in outcome.findings:
        now = (finding.status, list(finding.reason_codes))
        if finding.status in ("ok", "alarm") and before.get(_key(finding)) != now:
            was = before.get(_key(finding))
            out.append(
                f"(a) wrong verdict: {finding.scope} {finding.resource} is {now[0]} {now[1]}, "
                f"fault-free it is {f'{was[0]} {was[1]}' if was else 'absent'}"
            )
    return out


def recovers(case: Case, outcome: Outcome, base: Outcome) -> list[str]:
    """(b)"""
    if not (case.kind in HARMLESS or (case.retryable and case.persistence == "transient")):
        return []
    if outcome.report is None:
        return [f"(b) did not recover: the scan raised {type(outcome.raised).__name__}: {outcome.raised}"]
    got, want = _verdict(outcome.findings), _verdict(base.findings)
    if got == want:
        return []
    extra = [f for f in got if f not in want]
    missing = [f for f in want if f not in got]
    return [f"(b) did not recover to the fault-free result: got {extra}, instead of {missing}"]


def failed_reads_reported(outcome: Outcome) -> list[str]:
    """(c)"""
    errors = [f for f in outcome.findings if f.status == "error"]
    out = []
    for key in outcome.failed_reads():
        if not any(_names(f, key) for f in errors):
            out.append(
                f"(c) failed read {key.api} ({key.where()}) left no error finding naming it "
                f"(error findings: {[f.resource for f in errors]})"
            )
    return out


def _names(finding: Finding, key: RequestKey) -> bool:
    text = finding.model_dump_json()
    api = finding.model_dump(mode="json")["evidence"].get("api")
    where = key.project or key.region
    return (api == key.api or key.api in (finding.reason or "")) and (where is None or where in text)


def no_crash(case: Case, outcome: Outcome) -> list[str]:
    """(d)"""
    if outcome.raised is None:
        return [] if outcome.answer else ["(d) the handler gave no answer"]
    if case.api == "PutLogs" and isinstance(outcome.raised, WriteError):
        return []
    return [f"(d) the handler raised {type(outcome.raised).__name__}: {outcome.raised}"]


def logs_exact(outcome: Outcome) -> list[str]:
    """(e)"""
    records = Counter(log.contents.get("record") for log in outcome.stored)
    ids = [log.contents.get("finding_id") for log in outcome.stored]
    out = [f"(e) a log was written twice: {id_}" for id_, n in Counter(ids).items() if n > 1]
    if outcome.report is None:
        written = outcome.raised.written if isinstance(outcome.raised, WriteError) else 0
        if len(outcome.stored) != written:
            out.append(
                f"(e) the failed scan says {written} logs were written, the logstore holds {len(outcome.stored)}"
            )
        return out
    summary = outcome.report.summary
    scans = {log.contents.get("scan_id") for log in outcome.stored}
    statuses = Counter(
        log.contents.get("status") for log in outcome.stored if log.contents.get("record") == "finding"
    )
    if scans != {summary.scan_id}:
        out.append(
            f"(e) the logstore holds logs of scans {sorted(map(str, scans))}, not only {summary.scan_id}"
        )
    if records != Counter({"finding": summary.findings, "summary": 1}):
        out.append(
            f"(e) the logstore holds {dict(records)}, the summary counts {summary.findings} findings + 1 summary"
        )
    if {s: n for s, n in summary.counts.items() if n} != dict(statuses):
        out.append(f"(e) stored statuses {dict(statuses)} differ from the summary's counts {summary.counts}")
    if summary.written is None or (summary.written.count, summary.written.logs) != (
        summary.findings,
        summary.findings + 1,
    ):
        out.append(f"(e) the summary says it wrote {summary.written}, for {summary.findings} findings")
    return out


def no_secret(outcome: Outcome) -> list[str]:
    """(f)"""
    secrets = {"access key secret": KEY.access_key_secret, "security token": KEY.security_token or ""}
    secrets.update({f"signature {s[:6]}...": s for s in outcome.signatures})
    out = []
    for where, text in _outputs(outcome):
        for name, secret in secrets.items():
            if secret and secret in text:
                out.append(f"(f) the {name} appears in {where}")
    return out


def _outputs(outcome: Outcome) -> Iterator[tuple[str, str]]:
    yield "the handler's answer", outcome.answer or ""
    for finding in outcome.findings:
        yield f"finding {finding.resource}", finding.model_dump_json()
    for log in outcome.all_stored:
        yield "a stored log", json.dumps(log.contents, ensure_ascii=False)
    yield "the log lines", outcome.log_text
    error: BaseException | None = outcome.raised
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield "the raised error", f"{error!s} {error!r} {getattr(error, 'cause', '')!s}"
        error = error.__cause__ or error.__context__


def violations(case: Case, outcome: Outcome, base: Outcome) -> list[str]:
    return [
        *no_new_verdict(outcome, base),
        *recovers(case, outcome, base),
        *failed_reads_reported(outcome),
        *no_crash(case, outcome),
        *logs_exact(outcome),
        *no_secret(outcome),
    ]
