"""The `strict` profile: will someone be alerted when an unauthorized API call happens?

Pipeline: trails and Log Audit -> feeds (feeds.py); alert query entries -> feeds (binding.py);
each bound alert judged on checks 1-6 of issue 3 (alerts.py, with slsquery for the query), each
feed on its best alert (feedresult.py); then decisions for the account and every trail
(decide.py) and held to the read rule (reads.py: ok or alarm only if every read that could change
it succeeded), worded (wording.py) and recorded as evidence (evidence.py) in one account finding
and one finding per trail, plus one `error` finding per failed API call of the scan (and per item
set aside because judging it raised: unexpected.py), each with its fix (remediation.py).
Pure: no clock (settings.now or the snapshot's collected_at).
"""

from __future__ import annotations

from ...findings import Finding
from ...inventory import Inventory
from ...settings import Settings
from ...slsquery import suggested_query
from ..scan_errors import failed_call_findings
from .decide import AccountDecision, Decisions, TrailDecision, decide
from .evaluation import Evaluation
from .evidence import account_evidence, trail_evidence
from .feedresult import judge_feeds
from .feeds import find_log_audit_feeds, find_trails
from .reads import nothing_read
from .remediation import with_remediation
from .wording import account_reason, trail_reason

PROFILE = "strict"


def decisions(inventory: Inventory, settings: Settings) -> Decisions:
    """The account's and every trail's verdict, as data."""
    evaluation = Evaluation.of(inventory, settings)
    trails = find_trails(inventory, evaluation.unexpected)
    audit = find_log_audit_feeds(inventory, settings, evaluation.unexpected)
    feeds = [t.feed for t in trails if t.feed is not None] + [f for f in audit if f.accepted]
    results = judge_feeds(feeds, inventory, evaluation)
    unaccepted = [f for f in audit if not f.accepted]
    # An item set aside while judging counts as an answer that could not be read.
    failed = [*nothing_read(inventory), *evaluation.failed, *evaluation.unexpected.calls]
    return decide(trails, results, unaccepted, failed, accept_log_audit=settings.accept_log_audit)


def evaluate(inventory: Inventory, settings: Settings) -> list[Finding]:
    decided = decisions(inventory, settings)
    findings = [account_finding(inventory, decided.account)]
    findings += [trail_finding(inventory, trail) for trail in decided.trails]
    findings += failed_call_findings(inventory.account_id, decided.failed, PROFILE)
    return with_remediation(findings, suggested_query(settings.required_codes))


def account_finding(inventory: Inventory, decision: AccountDecision) -> Finding:
    return Finding(
        resource=f"acs:actiontrail::{inventory.account_id}:*",
        status=decision.status,
        reason=account_reason(decision, inventory.account_id),
        account_id=inventory.account_id,
        region=None,
        profile=PROFILE,
        scope="account",
        reason_codes=list(decision.codes),
        advisories=list(decision.advisories),
        evidence=account_evidence(decision),
    )


def trail_finding(inventory: Inventory, decision: TrailDecision) -> Finding:
    home, name = decision.view.home_region, decision.view.trail.name
    return Finding(
        resource=f"acs:actiontrail:{home}:{inventory.account_id}:actiontrail/{name}",
        status=decision.status,
        reason=trail_reason(decision),
        account_id=inventory.account_id,
        region=home,
        profile=PROFILE,
        scope="trail",
        reason_codes=list(decision.codes),
        advisories=list(decision.advisories),
        evidence=trail_evidence(decision),
    )
