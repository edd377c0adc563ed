"""The evidence of the strict findings, recorded from their decisions (decide.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...findings import AccountEvidence, CoveredByEvidence, HidingErrorEvidence, ReadEvidence, TrailEvidence
from ..scan_errors import FailedCall
from .decide import AccountDecision, TrailDecision
from .feedresult import FeedResult
from .reads import Read

# The account finding lists this many feeds at most (each trail's finding holds its own feed).
MAX_FEEDS_SHOWN = 20


def account_evidence(decision: AccountDecision) -> AccountEvidence:
    shown = decision.shown
    feeds = _feeds_shown(decision.feeds, shown)
    fields: dict[str, Any] = {
        "trails": [t.trail.name for t in decision.trails],
        "feeds": [r.evidence for r in feeds],
        "log_audit_not_accepted": [f.project for f in decision.unaccepted],
    }
    if len(feeds) < len(decision.feeds):
        fields["feeds_not_shown"] = len(decision.feeds) - len(feeds)
    if shown is not None:
        fields.update(feed=shown.feed.label, alert=shown.best.evidence if shown.best else None)
    fields["depends_on"] = [read_evidence(read) for read in decision.depends_on]
    if decision.hiding_errors:
        fields["scan_errors"] = [hiding_error_evidence(call) for call in decision.hiding_errors]
    return AccountEvidence(**fields)


def _feeds_shown(feeds: Sequence[FeedResult], shown: FeedResult | None) -> list[FeedResult]:
    """The first feeds and the one the reason is about, in the account's order."""
    if len(feeds) <= MAX_FEEDS_SHOWN:
        return list(feeds)
    kept = {id(r) for r in feeds[: MAX_FEEDS_SHOWN - 1]}
    if shown is not None:
        kept.add(id(shown))
    return [r for r in feeds if id(r) in kept]


def trail_evidence(decision: TrailDecision) -> TrailEvidence:
    view, result = decision.view, decision.result
    trail = view.trail
    fields: dict[str, Any] = {
        "trail": trail.name,
        "home_region": view.home_region,
        "listed_in": list(view.listed_in),
        "status": trail.status,
        "trail_region": trail.trail_region,
        "event_rw": trail.event_rw,
        "sls_project_arn": trail.sls_project_arn,
        "feed": result.evidence if result else None,
        "alert": result.best.evidence if result and result.best else None,
    }
    covering = decision.covered_by
    if covering is not None and covering.best is not None:
        fields["covered_by"] = CoveredByEvidence(feed=covering.feed.label, alert=covering.best.alert.name)
    fields["depends_on"] = [read_evidence(read) for read in decision.depends_on]
    if decision.hiding_errors:
        fields["scan_errors"] = [hiding_error_evidence(call) for call in decision.hiding_errors]
    if decision.unproven:
        fields["coverage_unproven_by"] = [feed.label for feed in decision.unproven]
    return TrailEvidence(**fields)


def read_evidence(read: Read) -> ReadEvidence:
    return ReadEvidence(api=read.api, region=read.region, project=read.project, logstore=read.logstore)


def hiding_error_evidence(call: FailedCall) -> HidingErrorEvidence:
    error = call.error
    return HidingErrorEvidence(
        region=call.region,
        api=error.api,
        code=error.code,
        project=error.project,
        logstore=error.logstore,
        message=error.message,
    )
