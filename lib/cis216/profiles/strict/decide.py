"""The strict verdict as data: the account's and each trail's status, codes and the feeds they
rest on, decided once, with no English (wording.py says them; evidence.py records them).

Rules, in order:
- the account is ok when a complete, accepted feed of its own has an effective alert (the
  `covering` feed); otherwise its codes are those of the feed closest to one (`closest`), with
  the gap codes of every feed when only partial feeds exist;
- a trail is judged on its own feed, and is `skip` when it is not ok but the covering feed is
  another one (its own codes become advisories);
- then each verdict is held to the read rule (reads.py): an `ok` rests on its proof, so no
  listing can spoil it; any other verdict whose reads failed is `error` (SCAN_ERROR first, the
  failed calls named). A trail that would be the failure claims it only when no other feed could
  still cover the account: otherwise its own codes become advisories and it is `error` (a read
  failed) or `info` (COVERAGE_UNVERIFIABLE: another feed's alert could not be proven either way).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Literal

from ...findings import Status
from ..scan_errors import FailedCall
from . import codes
from .feedresult import FeedResult
from .feeds import Feed, TrailView
from .reads import Read, alert_reads, failed_reads, hidden_feed_reads, status_reads, unique

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
    hiding_errors: tuple[FailedCall, ...]  # the failed reads among `depends_on`: no verdict
    trails: tuple[TrailView, ...]
    feeds: tuple[FeedResult, ...]
    unaccepted: tuple[Feed, ...]  # Log Audit feeds the settings exclude
    partial_feeds: tuple[Feed, ...] = ()  # case partial_feeds_only: the feeds with gaps
    other_failing: tuple[Feed, ...] = ()  # case not_alerted: other complete feeds that fail too
    depends_on: tuple[Read, ...] = ()  # the reads whose failure could change this verdict

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
    hiding_errors: tuple[FailedCall, ...]  # the failed reads among `depends_on`: no verdict
    depends_on: tuple[Read, ...] = ()  # the reads whose failure could change this verdict
    # Whether another feed covers the account is undecided (a failed read, or `unproven`): the
    # trail's own problems are advisories, not the control's failure.
    coverage_undecided: bool = False
    unproven: tuple[Feed, ...] = ()  # other complete feeds whose alert is neither proven nor refuted

    @property
    def gaps(self) -> tuple[str, ...]:
        return self.result.feed.gaps if self.result else ()


@dataclass(frozen=True)
class Decisions:
    account: AccountDecision
    trails: tuple[TrailDecision, ...]
    failed: tuple[FailedCall, ...] = ()  # every failed read the decisions were held to


def decide(
    trails: Sequence[TrailView],
    results: Sequence[FeedResult],
    unaccepted: Sequence[Feed],
    failed: Sequence[FailedCall],
    *,
    accept_log_audit: bool,
) -> Decisions:
    scope = ReadScope(tuple(results), tuple(failed), accept_log_audit)
    covering = covering_feed(r for r in results if not scope.failed_among(status_reads(r.feed)))
    account = decide_account(trails, results, unaccepted, covering, scope)
    by_feed = {id(r.feed): r for r in results}
    decisions = tuple(
        decide_trail(view, by_feed.get(id(view.feed)) if view.feed else None, covering, scope)
        for view in trails
    )
    return Decisions(account=account, trails=decisions, failed=tuple(failed))


def covering_feed(results: Iterable[FeedResult]) -> FeedResult | None:
    """The best feed that alone makes the account ok, if any (decide() leaves out the feeds of
    trails whose GetTrailStatus failed: they are not proven to deliver)."""
    candidates = [r for r in results if r.feed.can_cover_account and r.covered]
    return min(candidates, key=FeedResult.sort_key) if candidates else None


@dataclass(frozen=True)
class ReadScope:
    """Which reads each verdict of this scan depends on (reads.py), and which of them failed."""

    results: tuple[FeedResult, ...]
    failed: tuple[FailedCall, ...]
    accept_log_audit: bool

    def failed_among(self, depends_on: Sequence[Read]) -> tuple[FailedCall, ...]:
        return failed_reads(depends_on, self.failed)

    def account_reads(self) -> tuple[Read, ...]:
        """What "no feed covers the account" rests on: a feed, an alert, or an index the scan missed."""
        alerts = alert_reads() if self.results else ()
        undecided = (read for r in self.results for read in r.undecided_reads)
        delivering = _delivery_reads(self.results)
        return unique((*hidden_feed_reads(self.accept_log_audit), *delivering, *alerts, *undecided))

    def coverage_reads(self, own: FeedResult | None) -> tuple[Read, ...]:
        """What "no other feed covers the account" rests on (a trail claiming to be the failure)."""
        others = len(self._candidates) - (own is not None and id(own) in self._candidate_ids)
        alerts = alert_reads() if others else ()
        if own is not None and any(r is own for r in self._undecided):
            undecided = tuple(read for r in self._undecided if r is not own for read in r.undecided_reads)
        else:  # the common case, shared by every trail: computed once, not once per trail
            undecided = self._all_undecided_reads
        if own is not None and any(r is own for r in self._covered):
            delivering = _delivery_reads(r for r in self._covered if r is not own)
        else:
            delivering = self._all_delivery_reads
        return unique((*hidden_feed_reads(self.accept_log_audit), *delivering, *alerts, *undecided))

    @staticmethod
    def own_reads(own: FeedResult | None) -> tuple[Read, ...]:
        """What the trail's own feed's verdict rests on: its alerts, and their index when undecided."""
        return unique((*alert_reads(), *own.undecided_reads)) if own is not None else ()

    def unproven(self, own: FeedResult | None) -> tuple[Feed, ...]:
        """Other complete feeds whose alert could not be proven either way (no read failed)."""
        return tuple(r.feed for r in self._unproven if r is not own)

    # Every trail asks about "the other feeds": these are computed once per scan so that deciding
    # every trail stays linear in trails + feeds.
    @cached_property
    def _candidates(self) -> tuple[FeedResult, ...]:
        return tuple(r for r in self.results if r.feed.can_cover_account)

    @cached_property
    def _candidate_ids(self) -> frozenset[int]:
        return frozenset(id(r) for r in self._candidates)

    @cached_property
    def _undecided(self) -> tuple[FeedResult, ...]:
        return tuple(r for r in self._candidates if r.undecided_reads)

    @cached_property
    def _all_undecided_reads(self) -> tuple[Read, ...]:
        return tuple(read for r in self._undecided for read in r.undecided_reads)

    @cached_property
    def _unproven(self) -> tuple[FeedResult, ...]:
        return tuple(r for r in self._candidates if r.status == "info")

    @cached_property
    def _covered(self) -> tuple[FeedResult, ...]:
        return tuple(r for r in self._candidates if r.covered)

    @cached_property
    def _all_delivery_reads(self) -> tuple[Read, ...]:
        return _delivery_reads(self._covered)


def _delivery_reads(results: Iterable[FeedResult]) -> tuple[Read, ...]:
    """The GetTrailStatus of each feed that would cover the account if its trail delivers."""
    return tuple(
        read for r in results if r.feed.can_cover_account and r.covered for read in status_reads(r.feed)
    )


def decide_account(
    trails: Sequence[TrailView],
    results: Sequence[FeedResult],
    unaccepted: Sequence[Feed],
    covering: FeedResult | None,
    scope: ReadScope,
) -> AccountDecision:
    facts = _AccountFacts(tuple(trails), tuple(results), tuple(unaccepted))
    advisories = [codes.LOG_AUDIT_NOT_ACCEPTED] if unaccepted else []
    if covering is not None and covering.best is not None:
        # Proven: its effective alert was judged with every read it rests on.
        decision = facts.decision(
            "alerted", covering=covering, advisories=[*advisories, *covering.best.advisories]
        )
        return replace(decision, depends_on=unique((*status_reads(covering.feed), *covering.proof_reads)))
    if not trails and not results:
        decision = facts.decision("no_trail", found=[codes.NO_TRAIL], advisories=advisories)
    elif not results:
        found = [codes.TRAIL_NOT_DELIVERING_TO_SLS]
        for problem in (codes.TRAIL_NOT_ENABLED, codes.TRAIL_DELIVERY_FAILING):
            if any(problem in t.problems for t in trails):
                found.append(problem)
        decision = facts.decision("not_recording", found=found, advisories=advisories)
    else:
        decision = _closest_feed(facts, advisories)
    depends_on = scope.account_reads()
    hiding = scope.failed_among(depends_on)
    if hiding:
        decision = replace(
            decision, codes=_ordered((codes.SCAN_ERROR, *decision.codes)), hiding_errors=hiding
        )
    return replace(decision, depends_on=depends_on)


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
    scope: ReadScope,
) -> TrailDecision:
    covered_by = covering if covering is not None and covering is not result else None
    own = _own_verdict(view, result, covered_by)
    if own.status in ("ok", "skip"):
        # Proven: by its own effective alert, or the covering feed's, or both (a partial feed
        # with an effective alert is ok because another feed covers the account).
        proofs = [p for p in ((covered_by,) if own.status == "skip" else (result, covered_by)) if p]
        reads = unique(read for p in proofs for read in (*status_reads(p.feed), *p.proof_reads))
        hiding = scope.failed_among(reads)
        if hiding:  # its own feed's alert works, but whether the trail delivers is unknown
            found = [codes.SCAN_ERROR, *own.codes]
            return replace(own, status="error", codes=_ordered(found), hiding_errors=hiding, depends_on=reads)
        return replace(own, depends_on=reads)
    return _held_to_reads(own, scope)


def _own_verdict(view: TrailView, result: FeedResult | None, covered_by: FeedResult | None) -> TrailDecision:
    """The trail judged on its own feed, as if every read had succeeded."""
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
    return _trail(view, result, "not_alerted", None, found=[*gaps, *result.codes], advisories=remarks)


def _held_to_reads(own: TrailDecision, scope: ReadScope) -> TrailDecision:
    """A trail that would be the failure (or undecided) on its own is so only when every read that
    could change that succeeded, and no other feed could still cover the account."""
    coverage = scope.coverage_reads(own.result)
    depends_on = unique((*scope.own_reads(own.result), *coverage))
    hiding = scope.failed_among(depends_on)
    unproven = scope.unproven(own.result)
    if scope.failed_among(coverage) or unproven:
        # Another feed may cover the account: the trail's own problems may not matter.
        found = [codes.SCAN_ERROR] if hiding else [codes.COVERAGE_UNVERIFIABLE]
        advisories = [*own.codes, *own.advisories]
        return _trail(
            own.view,
            own.result,
            own.case,
            None,
            found=found,
            advisories=advisories,
            hiding=hiding,
            depends_on=depends_on,
            unproven=unproven,
            coverage_undecided=True,
        )
    if hiding:  # its own feed's alerts, as far as they were seen
        found = [codes.SCAN_ERROR, *own.codes]
        return replace(
            own, status="error", codes=_ordered(found), hiding_errors=hiding, depends_on=depends_on
        )
    return replace(own, depends_on=depends_on)


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
    depends_on: tuple[Read, ...] = (),
    unproven: tuple[Feed, ...] = (),
    coverage_undecided: bool = False,
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
        depends_on=depends_on,
        coverage_undecided=coverage_undecided,
        unproven=unproven,
    )


def _ordered(found: Iterable[str]) -> tuple[str, ...]:
    return tuple(codes.ordered(found))


def _advisories(advisories: Iterable[str], reason_codes: Iterable[str]) -> tuple[str, ...]:
    """Deduplicated and ordered, without what is already a reason code."""
    taken = set(reason_codes)
    return tuple(a for a in codes.ordered(advisories) if a not in taken)
