"""The evidence of the strict findings, recorded from their decisions (decide.py).

Evidence stays small however large the account (issue 15): it names what decided the verdict (the
covering feed and its effective alert, or else the closest feed and its best alert, and the failed
reads), and of every list that grows with the account only the first few items, with a count of
the rest (`<list>_not_shown`) and counts by reason code. Each trail has its own finding, so the
account finding need not repeat them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ...findings import AccountEvidence, CoveredByEvidence, HidingErrorEvidence, ReadEvidence, TrailEvidence
from ..scan_errors import FailedCall
from .decide import AccountDecision, TrailDecision
from .feedresult import FeedResult, count_codes
from .reads import Read

# Named items per list (trails, feeds, Log Audit projects, unproven feeds); the rest are counted.
MAX_SHOWN = 5
# Reads per list (depends_on, scan_errors): the general listings come first, then one read per
# feed, which is what can grow.
MAX_READS_SHOWN = 10

Item = TypeVar("Item")


def account_evidence(decision: AccountDecision) -> AccountEvidence:
    shown = decision.shown
    feeds = _feeds_shown(decision.feeds, shown)
    fields: dict[str, Any] = {}
    _put_capped(fields, "trails", [t.trail.name for t in decision.trails], MAX_SHOWN)
    fields["feeds_examined"] = len(decision.feeds)
    fields["feeds_by_code"] = count_codes(r.codes for r in decision.feeds)
    fields["feeds"] = [r.evidence for r in feeds]
    if len(feeds) < len(decision.feeds):
        fields["feeds_not_shown"] = len(decision.feeds) - len(feeds)
    _put_capped(fields, "log_audit_not_accepted", [f.project for f in decision.unaccepted], MAX_SHOWN)
    if shown is not None:
        fields.update(feed=shown.feed.label, alert=shown.best.evidence if shown.best else None)
    _put_reads(fields, decision.depends_on, decision.hiding_errors)
    return AccountEvidence(**fields)


def _feeds_shown(feeds: Sequence[FeedResult], shown: FeedResult | None) -> list[FeedResult]:
    """The first feeds, and the one the reason is about in the last place when it is further down."""
    first = list(feeds[:MAX_SHOWN])
    if shown is None or any(r is shown for r in first):
        return first
    return [*first[:-1], shown]


def trail_evidence(decision: TrailDecision) -> TrailEvidence:
    view, result = decision.view, decision.result
    trail = view.trail
    fields: dict[str, Any] = {
        "trail": trail.name,
        "home_region": view.home_region,
        "listed_in": list(view.listed_in),  # regions: as many as the cloud has, no more
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
    _put_reads(fields, decision.depends_on, decision.hiding_errors)
    if decision.unproven:
        _put_capped(fields, "coverage_unproven_by", [feed.label for feed in decision.unproven], MAX_SHOWN)
    return TrailEvidence(**fields)


def _put_reads(fields: dict[str, Any], depends_on: Sequence[Read], hiding: Sequence[FailedCall]) -> None:
    _put_capped(fields, "depends_on", depends_on, MAX_READS_SHOWN, read_evidence)
    if hiding:
        _put_capped(fields, "scan_errors", hiding, MAX_READS_SHOWN, hiding_error_evidence)


def _put_capped(
    fields: dict[str, Any],
    key: str,
    items: Sequence[Item],
    limit: int,
    shape: Callable[[Item], Any] = lambda item: item,
) -> None:
    """`key`: the first `limit` items; `<key>_not_shown`: how many more there are, only when there are."""
    fields[key] = [shape(item) for item in items[:limit]]
    if len(items) > limit:
        fields[f"{key}_not_shown"] = len(items) - limit


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
