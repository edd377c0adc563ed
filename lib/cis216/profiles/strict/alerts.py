"""Is one alert, through one of its query entries, effective on one feed? (checks 1-6 of issue 3)

Every check records what it finds as an Issue (issues.py: a code and its facts; wording.py says
it); nothing short-circuits, so a finding lists all that is wrong at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property, partial
from typing import Any

from ...findings import (
    AlertEvidence,
    NotificationEvidence,
    QueryCombinationEvidence,
    TriggerConditionEvidence,
    TriggerEvidence,
    WindowEvidence,
)
from ...inventory import Alert
from ...slsquery import QueryExecution, QueryJudgement, suggested_query
from . import codes
from .binding import Target
from .evaluation import Evaluation
from .feeds import Feed
from .issues import (
    AlwaysFires,
    ConditionGaps,
    ConditionUnverifiable,
    ConsecutiveThresholdHigh,
    CountThresholdHigh,
    Disabled,
    EntryNotDecisive,
    FromTemplate,
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
    WindowGap,
)
from .schedule import interval_seconds, window_seconds
from .templates import TemplateRule, template_policy, template_rule
from .trigger import TriggerMemo, TriggerResult


@dataclass(frozen=True)
class AlertJudgement:
    """One alert, through one query entry, judged on one feed: what is wrong with it, as data."""

    target: Target
    issues: tuple[Issue, ...]  # in the order the checks found them
    facts: Mapping[str, Any]  # AlertEvidence's fields; see alert_evidence

    @cached_property
    def evidence(self) -> AlertEvidence:
        """Built only for the judgements a finding shows (a feed's best alert): most of the
        thousands judged in an account never are."""
        return alert_evidence(self.facts)

    @property
    def alert(self) -> Alert:
        return self.target.alert

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """The failing and unverifiable codes (empty: the alert is effective)."""
        return tuple(codes.ordered(i.code for i in self.issues if not i.advisory))

    @cached_property
    def advisories(self) -> tuple[str, ...]:
        return tuple(codes.ordered(i.code for i in self.issues if i.advisory))

    @property
    def problems(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if not i.advisory)

    @property
    def remarks(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.advisory)

    @property
    def effective(self) -> bool:
        return not self.codes

    def sort_key(self) -> tuple[int, int, int]:
        """Effective first, then the fewest failing codes, then the fewest advisories."""
        failing = [c for c in self.codes if c in codes.FAILING]
        return (0 if self.effective else 1 if not failing else 2, len(failing), len(self.advisories))


@dataclass
class _Checking:
    """What the checks of one alert have found so far: issues, and AlertEvidence's fields."""

    target: Target
    issues: list[Issue] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def alert(self) -> Alert:
        return self.target.alert


def judge_alert(target: Target, feed: Feed, evaluation: Evaluation) -> AlertJudgement:
    checking = _Checking(target)
    alert = target.alert
    rule = template_rule(alert)
    identity = rule.identity if rule else None
    checking.facts.update(
        alert=alert.name,
        display_name=alert.display_name,
        project=target.alert_project,
        region=target.alert_region,
        query_entry=target.entry,
        logstore=f"{target.project}/{target.store}",
        template=identity,
    )
    _check_state(checking, evaluation.now)
    _check_query_combination(checking)
    judged = _check_query(checking, feed, evaluation, rule)
    if judged is not None and judged.execution is not None and judged.execution.seen:
        fallback = (rule.condition, "") if rule else None
        broad = judged.verdict == "complete" or checking.target.by_identity
        limit = evaluation.settings.max_threshold
        _check_trigger(checking, evaluation.triggers, judged.execution, limit, fallback, broad)
    _check_window(checking, rule)
    _check_notification(checking, evaluation.settings.require_notification)
    return AlertJudgement(target=target, issues=tuple(checking.issues), facts=checking.facts)


def alert_evidence(facts: Mapping[str, Any]) -> AlertEvidence:
    """AlertEvidence of a judgement's facts; a nested part is a partial until it is shown."""
    return AlertEvidence(
        **{key: value() if isinstance(value, partial) else value for key, value in facts.items()}
    )


def _check_state(checking: _Checking, now: datetime) -> None:
    alert = checking.alert
    if alert.enabled is False:
        checking.issues.append(Disabled(state=alert.status or alert.state))
    elif alert.enabled is None:
        checking.issues.append(StatusUnknown())
    mute = alert.configuration.mute_until if alert.configuration else None
    if mute is None and isinstance(alert.raw.get("muteUntil"), (int, float)):
        mute = int(alert.raw["muteUntil"])
    if mute:
        seconds = mute / 1000 if mute > 10**11 else mute  # some answers give milliseconds
        until = datetime.fromtimestamp(seconds, tz=timezone.utc)
        checking.facts["mute_until"] = until.isoformat()
        if until > now:
            checking.issues.append(Muted(until=until, evaluated_at=now))


# Set operations that hand the first query's rows to the trigger unchanged (SLS: "No Merge: Set A
# is the query result; the fields of Set B are only template variables").
_KEEPS_FIRST_SET = frozenset({"no_join"})


def _check_query_combination(checking: _Checking) -> None:
    """With several queryList entries SLS combines their results by `joinConfigurations`: the
    entry on the feed decides the trigger only when it is the first and nothing is joined to it
    (an inner join or cross join with an empty other set drops its rows; under No Merge a later
    entry is ignored)."""
    config = checking.alert.configuration
    entry = checking.target.entry
    entries = len(config.query_list or []) if config else 0
    if entries <= 1 or entry is None:
        return
    joins = config.raw.get("joinConfigurations") if config else None
    kinds = [
        str(join.get("type") or "").strip().lower() if isinstance(join, dict) else "?"
        for join in (joins if isinstance(joins, list) else [])
    ]
    checking.facts["query_combination"] = partial(QueryCombinationEvidence, entries=entries, joins=kinds)
    keeps_first = all(k in _KEEPS_FIRST_SET for k in kinds)
    if entry == 0 and len(kinds) == entries - 1 and keeps_first:
        return
    checking.issues.append(
        EntryNotDecisive(
            entries=entries,
            joins=tuple(kinds),
            ignored_under_no_merge=entry != 0 and bool(kinds) and keeps_first,
        )
    )


def _check_query(
    checking: _Checking, feed: Feed, evaluation: Evaluation, rule: TemplateRule | None
) -> QueryJudgement | None:
    """Judge the query by meaning; returns the judgement whose rows the trigger is judged on."""
    query = checking.target.query
    if rule is not None and (checking.target.by_identity or query is None):
        # A template alert whose query is not expanded: the template's documented query stands in.
        checking.issues.append(FromTemplate(identity=rule.identity))
        checking.facts["query"] = None
        return evaluation.judge(rule.query, feed)
    text = (query.query if query else None) or ""
    judged = evaluation.judge(text, feed)
    checking.facts.update(
        query=text,
        query_verdict=judged.verdict,
        missed_codes=list(judged.missed_codes),
        missed_events=list(judged.missed_events),
        index_source=judged.index_source,
        query_detail=judged.detail,
    )
    if judged.verdict == "complete":
        return judged
    if judged.verdict == "incomplete":
        checking.facts["suggested_query"] = partial(suggested_query, evaluation.settings.required_codes)
        checking.issues.append(
            QueryIncomplete(
                missed_codes=tuple(judged.missed_codes),
                missed_events=tuple(judged.missed_events),
                index_source=judged.index_source,
                literal_wildcards=tuple(judged.literal_wildcards),
            )
        )
        return judged
    # Identity stands in only for a search statement we cannot read. An analytic statement that
    # cannot be executed was read: accepting it on identity would be a guess.
    if rule is not None and judged.syntax_error and judged.execution is not None:
        checking.issues.append(TemplateQueryUnreadable(identity=rule.identity, detail=judged.detail))
        return judged
    checking.facts["suggested_query"] = partial(suggested_query, evaluation.settings.required_codes)
    checking.issues.append(QueryUnverifiable(detail=judged.detail))
    return None


def _check_trigger(
    checking: _Checking,
    memo: TriggerMemo,
    execution: QueryExecution,
    limit: int,
    fallback: tuple[str, str] | None,
    broad: bool,
) -> None:
    result = memo.judge(checking.alert.configuration, execution, fallback)
    checking.facts["trigger"] = partial(_trigger_evidence, result)
    if result.never:
        texts = tuple(c.condition or c.count_condition for c in result.conditions)
        checking.issues.append(NeverFires(conditions=texts))
    elif result.missed_codes:
        checking.issues.append(
            TriggerMissesCodes(
                missed_codes=tuple(result.missed_codes), never_on_unauthorized=result.min_count is None
            )
        )
    elif result.min_count is None:
        checking.issues.append(ConditionUnverifiable(reasons=tuple(result.unverifiable)))
    if result.min_count is not None and result.min_count > limit:
        checking.issues.append(CountThresholdHigh(min_count=result.min_count, limit=limit))
    if result.min_count is not None and result.stops_at is not None:
        checking.issues.append(ConditionGaps(min_count=result.min_count, stops_at=result.stops_at))
    if result.per_group is not None:
        group = result.per_group
        checking.issues.append(ThresholdPerGroup(group.min_count, group.spread, group.group_by))
    if result.fires_without_calls:
        checking.issues.append(AlwaysFires())
    elif broad and result.fires_on_other_calls and result.min_count is not None:
        checking.issues.append(QueryBroad())
    if result.consecutive > limit:
        checking.issues.append(ConsecutiveThresholdHigh(consecutive=result.consecutive, limit=limit))


def _trigger_evidence(result: TriggerResult) -> TriggerEvidence:
    return TriggerEvidence(
        conditions=[
            TriggerConditionEvidence(
                where=c.where,
                condition=c.condition,
                countCondition=c.count_condition,
                outcome=c.outcome,
                min_count_to_fire=c.min_count,
            )
            for c in result.conditions
        ],
        min_count_to_fire=result.min_count,
        stops_firing_at=result.stops_at,
        consecutive_evaluations=result.consecutive,
    )


def _check_window(checking: _Checking, rule: TemplateRule | None) -> None:
    query = checking.target.query
    if query is not None and (query.start or not checking.target.by_identity):
        start, end, assumed = query.start, query.end, False
    else:
        start, end = rule.window if rule else (None, None)
        assumed = True
    window, window_text = window_seconds(start, end)
    interval, interval_text = interval_seconds(checking.alert.schedule)
    checking.facts["window"] = partial(
        WindowEvidence,
        query_window=window_text,
        window_seconds=window,
        schedule=interval_text,
        interval_seconds=interval,
        window_assumed_from_template=assumed,
    )
    if window is None or interval is None:
        why = window_text if window is None else interval_text
        checking.issues.append(ScheduleUnreadable(why=why))
    elif window < interval:
        checking.issues.append(
            WindowGap(
                schedule=interval_text, window=window_text, window_seconds=window, interval_seconds=interval
            )
        )


def _check_notification(checking: _Checking, required: bool) -> None:
    config = checking.alert.configuration
    policy = (config.policy_configuration or {}) if config else {}
    targets: dict[str, str] = {}
    for key in ("actionPolicyId", "alertPolicyId"):
        value = policy.get(key)
        if isinstance(value, str) and value.strip():
            targets[key] = value
    for source in (config.raw if config else {}, checking.alert.raw):
        legacy = source.get("notificationList")
        if isinstance(legacy, list) and legacy:
            targets["notificationList"] = f"{len(legacy)} legacy notification(s)"
    template = template_policy(checking.alert) if not targets else None
    if template is not None:
        # Template alerts name their policy in the token default.action_policy; without it, the
        # ActionTrail templates notify through their documented default policy.
        template_policy_id, by_default = template
        targets["actionPolicyId"] = template_policy_id
        if by_default:
            checking.issues.append(TemplateDefaultPolicy(policy=template_policy_id))
    checking.facts["notification"] = partial(NotificationEvidence, **targets) if targets else None
    if not targets and required:
        checking.issues.append(NoNotification())
