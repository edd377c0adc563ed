"""The strict verdict as data: the account's and each trail's status, codes and the feeds they
rest on, decided once, with no English (wording.py says them; evidence.py records them).

Rules, in order:
- the account is ok when a complete, accepted feed of its own has an effective alert (the
  `covering` feed); otherwise its codes are those of the feed closest to one (`closest`), with
  the gap codes of every feed when only partial feeds exist;
- a trail is judged on its own feed, and is `skip` when it is not ok but the covering feed is
  another one (its own codes become advisories);
- a failed call that could hide what would make a finding ok turns a not-ok finding into
  `error` (SCAN_ERROR first); an ok is never downgraded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from ...findings import Status
from ..scan_errors import ACTIONTRAIL_APIS, FailedCall
from . import codes
from .feedresult import FeedResult
from .feeds import Feed, TrailView

AccountCase = Literal[
    "alerted",  # a complete feed has an effective alert: `covering`
    "no_trail",  # no trail and no accepted Log Audit feed
    "not_recording",  # trails, but none enabled and delivering to SLS: `trails` say why
    "partial_feeds_only",  # every feed misses regions or events: `partial_feeds`
    "not_alerted",  # no complete feed has an effective alert: `closest`, then `other_failing`
]
TrailCase = Literal[
    "not_recording",  # not enabled or not delivering to SLS: the trail is no feed
    "alerted",  # its feed has an effective alert
    "not_alerted",  # its feed has none: `result.blocker` says what stands in the way
]


@dataclass(frozen=True)
class AccountDecision:
    case: AccountCase
    covering: FeedResult | None  # the complete feed whose effective alert makes the account ok
    closest: FeedResult | None  # otherwise the feed nearest to an effective alert, if any
    codes: tuple[str, ...]
    advisories: tuple[str, ...]
    hiding_errors: tuple[FailedCall, ...]  # failed calls that could hide what would make it ok
    trails: tuple[TrailView, ...]
    feeds: tuple[FeedResult, ...]
    unaccepted: tuple[Feed, ...]  # Log Audit feeds the settings exclude
    partial_feeds: tuple[Feed, ...] = ()  # case partial_feeds_only: the feeds with gaps
    other_failing: tuple[Feed, ...] = ()  # case not_alerted: other complete feeds that fail too

    @property
    def status(self) -> Status:
        return codes.status_for(self.codes)

    @property
    def shown(self) -> FeedResult | None:
        """The feed the account's reason is about."""
        return self.covering or self.closest


@dataclass(frozen=True)
class TrailDecision:
    view: TrailView
    result: FeedResult | None  # its feed, judged; None when the trail is no feed
    case: TrailCase
    covered_by: FeedResult | None  # another feed that makes the account ok
    status: Status
    codes: tuple[str, ...]
    advisories: tuple[str, ...]
    hiding_errors: tuple[FailedCall, ...]

    @property
    def gaps(self) -> tuple[str, ...]:
        return self.result.feed.gaps if self.result else ()


@dataclass(frozen=True)
class Decisions:
    account: AccountDecision
    trails: tuple[TrailDecision, ...]


def decide(
    trails: Sequence[TrailView],
    results: Sequence[FeedResult],
    unaccepted: Sequence[Feed],
    failed: Sequence[FailedCall],
) -> Decisions:
    covering = covering_feed(results)
    hiding = hiding_errors(failed, (r.feed for r in results))
    account = decide_account(trails, results, unaccepted, covering, hiding)
    by_feed = {id(r.feed): r for r in results}
    alert_hiding = alert_hiding_errors(hiding)
    decisions = tuple(
        decide_trail(view, by_feed.get(id(view.feed)) if view.feed else None, covering, alert_hiding)
        for view in trails
    )
    return Decisions(account=account, trails=decisions)


def covering_feed(results: Iterable[FeedResult]) -> FeedResult | None:
    """The best feed that alone makes the account ok, if any."""
    candidates = [r for r in results if r.feed.can_cover_account and r.covered]
    return min(candidates, key=FeedResult.sort_key) if candidates else None


def hiding_errors(failed: Iterable[FailedCall], feeds: Iterable[Feed]) -> tuple[FailedCall, ...]:
    """Failed calls whose missing data could hide a trail or an effective alert.

    GetTrailStatus is not used by the verdict; a GetIndex failure matters only for a feed's
    logstore (the query was then judged with SLS defaults).
    """
    feed_stores = {(f.project, f.logstore) for f in feeds}
    return tuple(
        call
        for call in failed
        if call.error.api != "GetTrailStatus"
        and (call.error.api != "GetIndex" or (call.error.project, call.error.logstore) in feed_stores)
    )


def alert_hiding_errors(hiding: Iterable[FailedCall]) -> tuple[FailedCall, ...]:
    """Those that could hide an alert: a trail's finding ignores ActionTrail failures (the trail was seen)."""
    return tuple(call for call in hiding if call.error.api not in ACTIONTRAIL_APIS)


def decide_account(
    trails: Sequence[TrailView],
    results: Sequence[FeedResult],
    unaccepted: Sequence[Feed],
    covering: FeedResult | None,
    hiding: tuple[FailedCall, ...],
) -> AccountDecision:
    facts = _AccountFacts(tuple(trails), tuple(results), tuple(unaccepted))
    advisories = [codes.LOG_AUDIT_NOT_ACCEPTED] if unaccepted else []
    if covering is not None and covering.best is not None:
        return facts.decision(
            "alerted", covering=covering, advisories=[*advisories, *covering.best.advisories]
        )
    if not trails and not results:
        decision = facts.decision("no_trail", found=[codes.NO_TRAIL], advisories=advisories)
    elif not results:
        found = [codes.TRAIL_NOT_DELIVERING_TO_SLS]
        if any(codes.TRAIL_NOT_ENABLED in t.problems for t in trails):
            found.append(codes.TRAIL_NOT_ENABLED)
        decision = facts.decision("not_recording", found=found, advisories=advisories)
    else:
        decision = _closest_feed(facts, advisories)
    if hiding and decision.status != "ok":
        decision = replace(decision, codes=(codes.SCAN_ERROR, *decision.codes), hiding_errors=hiding)
    return decision


def _closest_feed(facts: _AccountFacts, advisories: list[str]) -> AccountDecision:
    results = facts.feeds
    closest = min(results, key=FeedResult.sort_key)
    if closest.best is not None:
        advisories = [*advisories, *closest.best.advisories]
    if not any(r.feed.can_cover_account for r in results):
        # Only partial feeds (or none this scan can judge): every feed's gaps count.
        gaps = sorted({g for r in results for g in r.feed.gaps})
        if gaps:
            partial = tuple(r.feed for r in results if r.feed.gaps)
            return facts.decision(
                "partial_feeds_only",
                closest=closest,
                found=[*gaps, *closest.codes],
                advisories=advisories,
                partial_feeds=partial,
            )
    # The codes stay those of the closest feed (an unverifiable one keeps the account at `info`),
    # but every other complete feed that fails too is named.
    others = tuple(r.feed for r in results if r is not closest and r.feed.can_cover_account)
    return facts.decision(
        "not_alerted", closest=closest, found=closest.codes, advisories=advisories, other_failing=others
    )


@dataclass(frozen=True)
class _AccountFacts:
    """What every account decision rests on."""

    trails: tuple[TrailView, ...]
    feeds: tuple[FeedResult, ...]
    unaccepted: tuple[Feed, ...]

    def decision(
        self,
        case: AccountCase,
        *,
        covering: FeedResult | None = None,
        closest: FeedResult | None = None,
        found: Iterable[str] = (),
        advisories: Iterable[str] = (),
        partial_feeds: tuple[Feed, ...] = (),
        other_failing: tuple[Feed, ...] = (),
    ) -> AccountDecision:
        reason_codes = _ordered(found)
        return AccountDecision(
            case=case,
            covering=covering,
            closest=closest,
            codes=reason_codes,
            advisories=_advisories(advisories, reason_codes),
            hiding_errors=(),
            trails=self.trails,
            feeds=self.feeds,
            unaccepted=self.unaccepted,
            partial_feeds=partial_feeds,
            other_failing=other_failing,
        )


def decide_trail(
    view: TrailView,
    result: FeedResult | None,
    covering: FeedResult | None,
    hiding: tuple[FailedCall, ...],
) -> TrailDecision:
    covered_by = covering if covering is not None and covering is not result else None
    if result is None:  # not enabled or not delivering to SLS: the trail is no feed
        if covered_by is not None:
            advisories = [*view.problems, codes.COVERED_BY_OTHER_FEED]
            return _trail(view, None, "not_recording", covered_by, status="skip", advisories=advisories)
        return _trail(view, None, "not_recording", None, found=view.problems)
    gaps = list(result.feed.gaps)
    remarks = list(result.best.advisories) if result.best else []
    if result.covered:
        if not gaps or covered_by is not None:
            # A partial feed's own alert works; the account is covered by another feed.
            return _trail(view, result, "alerted", covered_by, advisories=[*gaps, *remarks])
        return _trail(view, result, "alerted", None, found=gaps, advisories=remarks)
    if covered_by is not None:
        advisories = [*gaps, *result.codes, codes.COVERED_BY_OTHER_FEED, *remarks]
        return _trail(view, result, "not_alerted", covered_by, status="skip", advisories=advisories)
    found = [*gaps, *result.codes]
    if not hiding or codes.status_for(found) == "ok":
        return _trail(view, result, "not_alerted", None, found=found, advisories=remarks)
    found.insert(0, codes.SCAN_ERROR)
    return _trail(view, result, "not_alerted", None, found=found, advisories=remarks, hiding=hiding)


def _trail(
    view: TrailView,
    result: FeedResult | None,
    case: TrailCase,
    covered_by: FeedResult | None,
    *,
    status: Status | None = None,
    found: Iterable[str] = (),
    advisories: Iterable[str] = (),
    hiding: tuple[FailedCall, ...] = (),
) -> TrailDecision:
    reason_codes = _ordered(found)
    return TrailDecision(
        view=view,
        result=result,
        case=case,
        covered_by=covered_by,
        status=status or codes.status_for(reason_codes),
        codes=reason_codes,
        advisories=_advisories(advisories, reason_codes),
        hiding_errors=hiding,
    )


def _ordered(found: Iterable[str]) -> tuple[str, ...]:
    return tuple(codes.ordered(found))


def _advisories(advisories: Iterable[str], reason_codes: Iterable[str]) -> tuple[str, ...]:
    """Deduplicated and ordered, without what is already a reason code."""
    taken = set(reason_codes)
    return tuple(a for a in codes.ordered(advisories) if a not in taken)
