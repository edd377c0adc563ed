"""Every sentence of the strict profile, said from its decisions (decide.py, issues.py).

Sentences are built from parts meant to be joined: an alert's issues are predicates that follow
its description ("alert 'x' (...) is disabled ..."); a feed's sentence is a clause that follows a
colon; an account's reason keeps its first word apart, so the same clause can open the reason or
follow "Seen so far:" when failed calls qualify it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...findings import NotificationEvidence
from ..scan_errors import FailedCall
from . import codes
from .binding import Target
from .decide import AccountDecision, TrailDecision
from .feedresult import FeedResult
from .feeds import TrailView
from .issues import (
    AlwaysFires,
    ConditionGaps,
    ConditionUnverifiable,
    ConsecutiveThresholdHigh,
    CountThresholdHigh,
    Disabled,
    EntryNotDecisive,
    FromTemplate,
    IndexUnread,
    Issue,
    Muted,
    NeverFires,
    NoNotification,
    QueryBroad,
    QueryIncomplete,
    QueryUnverifiable,
    ScheduleUnreadable,
    StatusUnknown,
    TemplateDefaultPolicy,
    TemplateQueryUnreadable,
    ThresholdPerGroup,
    TriggerMissesCodes,
    Unjudgeable,
    WindowGap,
)
from .templates import ACTIONTRAIL_TEMPLATE_ID

# --- alerts ---------------------------------------------------------------------------------------


def describe_alert(target: Target) -> str:
    where = f"queryList[{target.entry}]" if target.entry is not None else "template"
    where += ", by template identity" if target.by_identity and target.entry is not None else ""
    return f"alert '{target.alert.name}' (project {target.alert_project}, {target.alert_region}, {where})"


def issue_text(issue: Issue) -> str:
    """What is wrong (or worth a remark), as a predicate of the alert, with what to change."""
    match issue:
        case Disabled(state=state):
            return f"is disabled ({state}); enable it"
        case StatusUnknown():
            return "reports neither status nor state, so whether it runs is unknown"
        case Muted(until=until, evaluated_at=now):
            return f"is muted until {until.isoformat()} (evaluated at {now.isoformat()}); unmute it"
        case EntryNotDecisive():
            return _entry_not_decisive(issue)
        case QueryIncomplete():
            return _query_incomplete(issue)
        case QueryUnverifiable(detail=detail):
            return (
                f"cannot be verified: {detail}; remove what cannot be proven to keep every event, "
                "or use the query in evidence.suggested_query"
            )
        case FromTemplate(identity=identity):
            return f"is Alibaba's {identity}: its query is taken from the template"
        case TemplateQueryUnreadable(identity=identity, detail=detail):
            return (
                f"is Alibaba's {identity}; its query could not be read ({detail}), so it is accepted by "
                "template identity"
            )
        case QueryBroad():
            return (
                "also fires on successful calls or on calls that failed for other reasons than "
                "authorization: it alerts, but noisily"
            )
        case TemplateDefaultPolicy(policy=policy):
            return (
                "names no action policy (no policyConfiguration, no token default.action_policy), so it "
                f"notifies through the template's default action policy {policy}"
            )
    return _unread_or_unjudged_text(issue) or _trigger_or_schedule_text(issue)


_WITH_DEFAULTS = {
    "complete": "catch every required code",
    "incomplete": "miss required codes",
    "unverifiable": "be unverifiable",
}


def _unread_or_unjudged_text(issue: Issue) -> str | None:
    match issue:
        case IndexUnread(logstore=logstore, with_defaults=verdict):
            return (
                f"cannot be judged: the index of logstore {logstore} could not be read (GetIndex failed) "
                f"and its query's meaning depends on it (with SLS defaults it would "
                f"{_WITH_DEFAULTS.get(verdict, verdict)}, which the real index may not); no verdict is "
                "given until the index is read"
            )
        case Unjudgeable(what=what):
            return (
                f"could not be judged ({what}), so whether it alerts cannot be proven; simplify it, or use "
                "the query in evidence.suggested_query"
            )
    return None


def _trigger_or_schedule_text(issue: Issue) -> str:
    match issue:
        case NeverFires(conditions=conditions):
            return (
                f"has no trigger condition the query's result can meet ({'; '.join(conditions)}); use cnt > 0"
            )
        case ConditionUnverifiable(reasons=reasons):
            return "has a trigger that cannot be evaluated: " + "; ".join(reasons)
        case TriggerMissesCodes():
            return _trigger_misses_codes(issue)
        case ThresholdPerGroup(min_count=count, spread=spread, group_by=group_by):
            return (
                f"counts per group (group by {', '.join(group_by)}) and its threshold applies to each group: "
                f"it fires when one group reaches {count} unauthorized calls in a window, but {spread} calls "
                f"spread over {spread} different callers, addresses and regions do not fire; fire on cnt > 0, "
                "or count without grouping"
            )
        case CountThresholdHigh(min_count=count, limit=limit):
            return (
                f"fires only after {count} unauthorized calls in one window (maximum threshold setting: "
                f"{limit}); single calls go unnoticed"
            )
        case ConditionGaps(min_count=count, stops_at=stops_at):
            return (
                f"fires on {count} unauthorized call(s) in a window but not on {stops_at}: a burst of "
                "calls goes unnoticed; use cnt > 0"
            )
        case AlwaysFires():
            return (
                "fires on every run even when no unauthorized call happened (its count query always "
                "returns a row, and the condition holds for 0); such noise gets muted: use cnt > 0"
            )
        case ConsecutiveThresholdHigh(consecutive=consecutive, limit=limit):
            return (
                f"fires only after {consecutive} consecutive triggering evaluations (threshold), more "
                f"than {limit}"
            )
        case ScheduleUnreadable(why=why):
            return f"has a schedule or window that cannot be read ({why}), so gaps between runs cannot be ruled out"
        case WindowGap():
            return (
                f"runs {issue.schedule} but each run looks back only {issue.window} ({issue.window_seconds}s "
                f"< {issue.interval_seconds}s): calls in between are never evaluated; make the window at "
                "least the interval"
            )
        case NoNotification():
            return (
                "notifies nobody (no action policy, alert policy or legacy notification); set "
                "policyConfiguration.actionPolicyId"
            )
    raise ValueError(f"no wording for {issue!r}")


def _trigger_misses_codes(issue: TriggerMissesCodes) -> str:
    codes_text = ", ".join(issue.missed_codes)
    if issue.never_on_unauthorized:
        return (
            f"has a trigger that never fires on an unauthorized call ({codes_text}): the column it tests "
            "does not count them (it fires only on other calls); count every matching call "
            "(select count(1) as cnt) and fire on cnt > 0"
        )
    return (
        f"has a trigger that never fires on the calls of {codes_text}, although its query sees them: the "
        "column it tests does not count them; count every matching call (select count(1) as cnt) and fire "
        "on cnt > 0"
    )


def _entry_not_decisive(issue: EntryNotDecisive) -> str:
    if issue.ignored_under_no_merge:
        why = "under No Merge only queryList[0] reaches the trigger, so this entry's rows are ignored"
    else:
        why = (
            f"its results are combined by {', '.join(issue.joins) or 'no stated set operation'}, so "
            "whether this entry's rows reach the trigger cannot be proven"
        )
    return (
        f"has {issue.entries} query entries and {why}; make the feed's query the first entry with No "
        "Merge, or give it an alert of its own"
    )


def _query_incomplete(issue: QueryIncomplete) -> str:
    literal = ""
    if issue.literal_wildcards:
        verb = "matches" if len(issue.literal_wildcards) == 1 else "match"
        literal = (
            f"; inside double quotes * is a literal character, so {', '.join(issue.literal_wildcards)} "
            f"{verb} no real code"
        )
    examples = ", ".join(issue.missed_events) or "their codes"
    return (
        f"would not alert on {', '.join(issue.missed_codes)} (e.g. {examples}), judged with "
        f"{issue.index_source}{literal}; replace it with the corrected query in evidence.suggested_query "
        "(values unquoted, so X.* is a wildcard)"
    )


def _notified(notification: NotificationEvidence | None) -> str:
    targets = (
        [
            ("action policy", notification.actionPolicyId),
            ("alert policy", notification.alertPolicyId),
            ("", notification.notificationList),
        ]
        if notification
        else []
    )
    who = ", ".join(f"{label} {value}".strip() for label, value in targets if value is not None)
    return f"through {who}" if who else "nobody (notification not required)"


# --- feeds ----------------------------------------------------------------------------------------


def feed_text(result: FeedResult) -> str:
    """What stands between this feed and an effective alert, or which alert is effective."""
    feed, best = result.feed, result.best
    where = f"logstore {feed.label}"
    if result.blocker == "none" and best is not None:
        remarks = [issue_text(i) for i in best.remarks]
        notes = f" ({'; '.join(remarks)})" if remarks else ""
        return (
            f"alert '{best.alert.name}' (project {best.target.alert_project}) on {where} fires on every "
            f"required error code and notifies {_notified(best.evidence.notification)}{notes}"
        )
    if result.blocker == "other_account":
        return (
            f"{where} belongs to account {feed.other_account}: its alerts cannot be seen from this "
            "account; scan that account"
        )
    if result.blocker == "not_scanned":
        return (
            f"the snapshot has no region {feed.region}, so alerts on {where} were not seen; scan that region"
        )
    if result.blocker == "alert" and best is not None:
        remarks = [issue_text(i) for i in best.remarks]
        notes = f" (also: {'; '.join(remarks)})" if remarks else ""
        problems = "; ".join(issue_text(i) for i in best.problems)
        return f"on {where}, {describe_alert(best.target)} {problems}{notes}"
    if result.blocker == "wrong_logstore":
        names = ", ".join(
            f"'{t.alert.name}' (project {t.alert_project}) on {t.project}/{t.store}" for t in result.stray
        )
        return (
            f"no alert watches {where}; unauthorized-call alerts exist on other logstores: {names}; point "
            f"a query entry at store {feed.logstore} in project {feed.project}"
        )
    return f"no alert watches {where}; create one from Alibaba's template {ACTIONTRAIL_TEMPLATE_ID} on it"


def _covering_text(result: FeedResult) -> str:
    best = result.best
    assert best is not None  # a covering feed has an effective alert
    return (
        f"alert '{best.alert.name}' (project {best.target.alert_project}) on complete feed "
        f"{result.feed.label} is effective"
    )


# --- the account ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clause:
    """A sentence whose first word is kept apart: it opens a reason, or follows a colon."""

    first_word: str  # lower case
    rest: str

    def opening(self) -> str:
        return self.first_word.capitalize() + self.rest

    def following(self) -> str:
        return self.first_word + self.rest


def account_reason(decision: AccountDecision, account: str) -> str:
    if decision.case == "alerted" and decision.covering is not None:
        feed = decision.covering.feed
        kind = f"trail {feed.name}" if feed.kind == "trail" else f"Log Audit project {feed.name}"
        return (
            f"Unauthorized API calls in account {account} are alerted on: {kind} records every "
            f"region's events into SLS, and {feed_text(decision.covering)}."
        )
    seen = _account_clause(decision, account)
    if not decision.hiding_errors:
        return seen.opening()
    return (
        f"The scan could not read everything ({_calls_text(decision.hiding_errors)}): what it missed could "
        "hold the trail or alert that would make this account compliant, so no confident verdict is given. "
        "Seen so far: " + seen.following()
    )


def _calls_text(calls: tuple[FailedCall, ...]) -> str:
    """`DescribeTrails (cn-hangzhou), ListAlerts (cn-hangzhou, ops)`: each failed read once."""
    return ", ".join(
        sorted(
            {
                f"{call.error.api} ({call.region or 'every region'}"
                f"{', ' + call.error.project if call.error.project else ''})"
                for call in calls
            }
        )
    )


def _account_clause(decision: AccountDecision, account: str) -> _Clause:
    closest = decision.closest
    if decision.case == "not_recording":
        states = "; ".join(f"{t.trail.name} {_state_text(t)}" for t in decision.trails)
        return _Clause(
            "no",
            f" trail of account {account} is enabled and delivering to SLS ({states}), so no alert can "
            "see unauthorized API calls; enable a trail for all regions and all events with an SLS "
            "project, and alert on its logstore.",
        )
    if decision.case == "partial_feeds_only" and closest is not None:
        partial = "; ".join(f"trail {f.name}: {', '.join(f.gaps)}" for f in decision.partial_feeds)
        return _Clause(
            "account",
            f" {account} has no complete feed (every region, every event) of ActionTrail into SLS "
            f"({partial}); even an effective alert on a partial feed misses calls. Best feed: "
            f"{feed_text(closest)}.",
        )
    if decision.case == "not_alerted" and closest is not None:
        others = ", ".join(f.label for f in decision.other_failing)
        more = (
            f" Other complete feeds without an effective alert: {others} (their trail findings say why)."
            if others
            else ""
        )
        return _Clause(
            "no",
            f" complete ActionTrail feed of account {account} has an effective alert on unauthorized "
            f"API calls: {feed_text(closest)}.{more}",
        )
    return _Clause(
        "account",
        f" {account} has no ActionTrail trail (and no Log Audit central logstore counts), so "
        "unauthorized API calls are recorded nowhere an alert could see them; create a trail for all "
        "regions and all events delivering to SLS, and an alert from template "
        f"{ACTIONTRAIL_TEMPLATE_ID} on its logstore.",
    )


# --- trails ---------------------------------------------------------------------------------------

_TRAIL_STATE = {
    codes.TRAIL_NOT_ENABLED: "is not enabled",
    codes.TRAIL_NOT_DELIVERING_TO_SLS: "does not deliver to SLS",
    codes.TRAIL_DELIVERY_FAILING: "is enabled but its events do not reach SLS",
}
_TRAIL_FIX = {
    codes.TRAIL_NOT_ENABLED: "start logging on it",
    codes.TRAIL_NOT_DELIVERING_TO_SLS: "set an SLS project for delivery",
    codes.TRAIL_DELIVERY_FAILING: "make its delivery to SLS work again (the project, and the write role)",
    codes.TRAIL_NOT_ALL_REGIONS: "set its TrailRegion to All",
    codes.TRAIL_NOT_ALL_EVENTS: "set its EventRW to All",
}


def trail_reason(decision: TrailDecision) -> str:
    if not decision.coverage_undecided:
        unread = tuple(c for c in decision.hiding_errors if c.error.api == "GetTrailStatus")
        if decision.case == "alerted" and unread:
            # Its alert works, but whether the trail still delivers to SLS was not read.
            return (
                f"The scan could not read whether the trail still delivers to SLS "
                f"({_calls_text(unread)}), so its alert proves nothing yet. " + _own_trail_reason(decision)
            )
        return _own_trail_reason(decision)
    if decision.hiding_errors:
        why = (
            f"The scan could not read everything ({_calls_text(decision.hiding_errors)}), so whether "
            "another feed covers the account is unknown"
        )
    else:
        feeds = ", ".join(feed.label for feed in decision.unproven)
        why = (
            f"Whether another feed covers the account could not be proven (whether {feeds} has an "
            "effective alert is unverifiable; the account finding says why)"
        )
    return (
        f"{why}: this trail's own problems are listed as advisories, not as the control's failure. "
        + _own_trail_reason(decision)
    )


def _own_trail_reason(decision: TrailDecision) -> str:
    name, result, other = decision.view.trail.name, decision.result, decision.covered_by
    if decision.case == "not_recording" or result is None:
        state = _state_text(decision.view)
        if other is not None:
            return f"Trail {name} {state}; it needs no alert of its own because {_covering_text(other)}."
        return f"Trail {name} {state}, so no alert can see the calls it would record; {_fixes(decision.view.problems)}."
    feed, gaps = feed_text(result), decision.gaps
    if decision.case == "alerted":
        if not gaps:
            return f"Trail {name}: {feed}."
        if other is not None:
            return (
                f"Trail {name}: {feed} (but it covers only {_gap_text(gaps)}); the account is covered "
                f"because {_covering_text(other)}."
            )
        return (
            f"Trail {name}: {feed}, but the trail covers only {_gap_text(gaps)}, so calls outside it are "
            f"never alerted on; {_fixes(gaps)}."
        )
    if other is not None:
        return (
            f"Trail {name} has no effective alert of its own ({feed}); it needs no alert of its own "
            f"because {_covering_text(other)}."
        )
    also = f" The trail also covers only {_gap_text(gaps)}." if gaps else ""
    # A failed GetIndex is said by the alert's own words (IndexUnread); a failed listing is said here.
    listings = [call for call in decision.hiding_errors if call.error.api != "GetIndex"]
    unseen = (
        "Some alert listings failed during the scan, so an effective alert may exist unseen. "
        if listings and not decision.coverage_undecided
        else ""
    )
    return f"{unseen}Trail {name}: {feed}.{also}"


def _state_text(view: TrailView) -> str:
    states = [_TRAIL_STATE[code] for code in view.problems]
    if view.delivery_failure is not None:  # TRAIL_DELIVERY_FAILING: say why, the error quoted
        states = [*states[:-1], f"{states[-1]}: {view.delivery_failure}"]
    return " and ".join(states)


def _fixes(problems: list[str] | tuple[str, ...]) -> str:
    return " and ".join(_TRAIL_FIX[code] for code in problems)


def _gap_text(gaps: tuple[str, ...]) -> str:
    parts = []
    if codes.TRAIL_NOT_ALL_REGIONS in gaps:
        parts.append("one region")
    if codes.TRAIL_NOT_ALL_EVENTS in gaps:
        parts.append("read-only or write-only events")
    return " and ".join(parts)
