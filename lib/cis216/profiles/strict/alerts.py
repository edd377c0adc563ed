"""Is one alert, through one of its query entries, effective on one feed? (checks 1-6 of issue 3)

Every check adds a code and a sentence that names the alert and says what to change; nothing
short-circuits, so a finding lists all that is wrong at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ...inventory import Alert, Inventory
from ...settings import Settings
from ...slsquery import (
    TOPIC_LOG_AUDIT,
    TOPIC_TRAIL,
    IndexConfig,
    QueryJudgement,
    analyze_pipe,
    judge_query,
    suggested_query,
)
from . import codes as C
from .binding import Target
from .feeds import Feed
from .schedule import interval_seconds, window_seconds
from .templates import template_identity
from .trigger import judge_trigger

# Alibaba's template queries end this way; used when a template alert's queryList is not expanded.
TEMPLATE_PIPE = "select count(1) as cnt"
# Documented windows of the ready-made rules (alibaba-apis.md), for unexpanded template alerts.
TEMPLATE_WINDOW = {"actiontrail template": ("-30m", "now"), "log audit built-in": ("-2m", "now")}


@dataclass
class Context:
    settings: Settings
    inventory: Inventory
    # Per-evaluation memos: accounts repeat the same query on many alerts, and judging one means
    # running it over every representative event. Judgements are keyed by id() of the IndexConfig
    # made once per distinct index document, which lives as long as this context.
    _indexes: dict[str, IndexConfig] = field(default_factory=dict, repr=False)
    _judgements: dict[tuple[str, int, str], QueryJudgement] = field(default_factory=dict, repr=False)

    def judge(self, text: str, feed: Feed) -> QueryJudgement:
        index = self.index_for(feed)
        # Log Audit tags its events with another __topic__ than trail delivery; a query that
        # filters on the topic must be judged against the events that feed really holds.
        topic = TOPIC_LOG_AUDIT if feed.kind == "log_audit" else TOPIC_TRAIL
        key = (text, id(index), topic)
        if key not in self._judgements:
            self._judgements[key] = judge_query(text, index, self.settings.required_codes, topic=topic)
        return self._judgements[key]

    @property
    def now(self) -> datetime:
        # The core never reads the clock: the snapshot's time unless the caller says otherwise.
        now = self.settings.now or self.inventory.collected_at
        return now if now.tzinfo else now.replace(tzinfo=timezone.utc)

    def index_for(self, feed: Feed) -> IndexConfig:
        """The feed logstore's real index when the snapshot has it, else SLS's defaults; one
        IndexConfig per distinct index document, so equal indexes share judgements."""
        region = self.inventory.regions.get(feed.region)
        project = region.sls_projects.get(feed.project) if region else None
        logstore = project.logstores.get(feed.logstore) if project else None
        document = logstore.index if logstore and logstore.index else None
        key = json.dumps(document, sort_keys=True)
        if key not in self._indexes:
            self._indexes[key] = IndexConfig.from_get_index(document) if document else IndexConfig.default()
        return self._indexes[key]


@dataclass
class AlertJudgement:
    target: Target
    codes: list[str] = field(default_factory=list)
    advisories: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # sentences for codes
    notes: list[str] = field(default_factory=list)  # sentences for advisories
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def alert(self) -> Alert:
        return self.target.alert

    @property
    def effective(self) -> bool:
        return not self.codes

    @property
    def status(self) -> str:
        return C.status_for(self.codes)

    def rank(self) -> tuple[int, int, int]:
        failing = [c for c in self.codes if c in C.FAILING]
        return (0 if self.effective else 1 if not failing else 2, len(failing), len(self.advisories))

    def fail(self, code: str, sentence: str) -> None:
        self.codes.append(code)
        self.problems.append(sentence)

    def advise(self, code: str, sentence: str) -> None:
        self.advisories.append(code)
        self.notes.append(sentence)


def describe(target: Target) -> str:
    where = f"queryList[{target.entry}]" if target.entry is not None else "template"
    where += ", by template identity" if target.by_identity and target.entry is not None else ""
    return f"alert '{target.alert.name}' (project {target.alert_project}, {target.alert_region}, {where})"


def judge_alert(target: Target, feed: Feed, ctx: Context) -> AlertJudgement:
    j = AlertJudgement(target=target)
    alert = target.alert
    identity = template_identity(alert)
    j.evidence.update(
        {
            "alert": alert.name,
            "display_name": alert.display_name,
            "project": target.alert_project,
            "region": target.alert_region,
            "query_entry": target.entry,
            "logstore": f"{target.project}/{target.store}",
            "template": identity,
        }
    )
    _check_state(j, ctx)
    _check_query_combination(j)
    pipe = _check_query(j, feed, ctx, identity)
    if pipe is not None:
        _check_trigger(j, pipe, ctx)
    _check_window(j, identity)
    _check_notification(j, ctx)
    j.codes, j.advisories = C.ordered(j.codes), C.ordered(j.advisories)
    return j


def _check_state(j: AlertJudgement, ctx: Context) -> None:
    alert = j.alert
    if alert.enabled is False:
        j.fail(C.ALERT_DISABLED, f"is disabled ({alert.status or alert.state}); enable it")
    elif alert.enabled is None:
        j.fail(C.ALERT_STATUS_UNKNOWN, "reports neither status nor state, so whether it runs is unknown")
    mute = alert.configuration.mute_until if alert.configuration else None
    if mute is None and isinstance(alert.raw.get("muteUntil"), (int, float)):
        mute = int(alert.raw["muteUntil"])
    if mute:
        seconds = mute / 1000 if mute > 10**11 else mute  # some answers give milliseconds
        until = datetime.fromtimestamp(seconds, tz=timezone.utc)
        j.evidence["mute_until"] = until.isoformat()
        if until > ctx.now:
            j.fail(
                C.ALERT_MUTED,
                f"is muted until {until.isoformat()} (evaluated at {ctx.now.isoformat()}); unmute it",
            )


# Set operations that hand the first query's rows to the trigger unchanged (SLS: "No Merge: Set A
# is the query result; the fields of Set B are only template variables").
_KEEPS_FIRST_SET = frozenset({"no_join"})


def _check_query_combination(j: AlertJudgement) -> None:
    """With several queryList entries SLS combines their results by `joinConfigurations`: the
    entry on the feed decides the trigger only when it is the first and nothing is joined to it
    (an inner join or cross join with an empty other set drops its rows; under No Merge a later
    entry is ignored)."""
    config = j.alert.configuration
    entries = len(config.query_list or []) if config else 0
    if entries <= 1 or j.target.entry is None:
        return
    joins = config.raw.get("joinConfigurations") if config else None
    kinds = [
        str(join.get("type") or "").strip().lower() if isinstance(join, dict) else "?"
        for join in (joins if isinstance(joins, list) else [])
    ]
    j.evidence["query_combination"] = {"entries": entries, "joins": kinds}
    if j.target.entry == 0 and len(kinds) == entries - 1 and all(k in _KEEPS_FIRST_SET for k in kinds):
        return
    if j.target.entry != 0 and kinds and all(k in _KEEPS_FIRST_SET for k in kinds):
        why = "under No Merge only queryList[0] reaches the trigger, so this entry's rows are ignored"
    else:
        why = (
            f"its results are combined by {', '.join(kinds) or 'no stated set operation'}, so whether "
            "this entry's rows reach the trigger cannot be proven"
        )
    j.fail(
        C.ALERT_QUERY_UNVERIFIABLE,
        f"has {entries} query entries and {why}; make the feed's query the first entry with No Merge, "
        "or give it an alert of its own",
    )


def _check_query(j: AlertJudgement, feed: Feed, ctx: Context, identity: str | None):
    """Judge the query by meaning; returns the pipe analysis the trigger is judged on (or None)."""
    query = j.target.query
    if j.target.by_identity:  # a template alert whose query text is not expanded
        j.advise(C.ALERT_FROM_TEMPLATE, f"is Alibaba's {identity}: its query is taken from the template")
        j.evidence["query"] = None
        return analyze_pipe(TEMPLATE_PIPE)
    text = query.query or ""
    verdict: QueryJudgement = ctx.judge(text, feed)
    j.evidence.update(
        {
            "query": text,
            "query_verdict": verdict.verdict,
            "missed_codes": list(verdict.missed_codes),
            "missed_events": list(verdict.missed_events),
            "index_source": verdict.index_source,
            "query_detail": verdict.detail,
        }
    )
    if verdict.verdict == "complete":
        if verdict.matches_everything:
            j.advise(C.ALERT_QUERY_BROAD, "also matches successful calls: it will fire, but noisily")
        return verdict.pipe
    if verdict.verdict == "incomplete":
        fix = suggested_query(ctx.settings.required_codes)
        j.evidence["suggested_query"] = fix
        extra = ""
        if verdict.literal_wildcards:
            verb = "matches" if len(verdict.literal_wildcards) == 1 else "match"
            extra = (
                f"; inside double quotes * is a literal character, so "
                f"{', '.join(verdict.literal_wildcards)} {verb} no real code"
            )
        j.fail(
            C.ALERT_QUERY_INCOMPLETE,
            f"would not alert on {', '.join(verdict.missed_codes)} "
            f"(e.g. {', '.join(verdict.missed_events) or 'their codes'}), judged with {verdict.index_source}"
            f"{extra}; replace it with the corrected query in evidence.suggested_query (values unquoted, "
            "so X.* is a wildcard)",
        )
        return verdict.pipe
    # Identity stands in only for a search statement we cannot read. An analytic statement that
    # may drop rows (`where 1 = 0`) was read: accepting it on identity would be a guess.
    if identity and verdict.syntax_error and verdict.pipe.kind not in ("filters", "unknown"):
        j.advise(
            C.ALERT_FROM_TEMPLATE,
            f"is Alibaba's {identity}; its query could not be read "
            f"({verdict.detail}), so it is accepted by template identity",
        )
        return verdict.pipe
    j.evidence["suggested_query"] = suggested_query(ctx.settings.required_codes)
    j.fail(
        C.ALERT_QUERY_UNVERIFIABLE,
        f"cannot be verified: {verdict.detail}; remove what cannot be "
        "proven to keep every event, or use the query in evidence.suggested_query",
    )
    return None


def _check_trigger(j: AlertJudgement, pipe, ctx: Context) -> None:
    result = judge_trigger(j.alert.configuration, pipe)
    j.evidence["trigger"] = {
        "conditions": result.conditions,
        "min_count_to_fire": result.min_count,
        "stops_firing_at": result.stops_at,
        "consecutive_evaluations": result.consecutive,
    }
    limit = ctx.settings.max_threshold
    if result.never:
        j.fail(
            C.ALERT_NEVER_FIRES,
            f"has no trigger condition the query's result can meet "
            f"({'; '.join(c['condition'] or c['countCondition'] for c in result.conditions)}); use cnt > 0",
        )
    elif result.min_count is None:
        j.fail(
            C.ALERT_CONDITION_UNVERIFIABLE,
            "has a trigger that cannot be evaluated: " + "; ".join(result.unverifiable),
        )
    elif result.min_count > limit:
        j.advise(
            C.ALERT_THRESHOLD_HIGH,
            f"fires only after {result.min_count} unauthorized calls in one "
            f"window (maximum threshold setting: {limit}); single calls go unnoticed",
        )
    if result.min_count is not None and result.stops_at is not None:
        j.fail(
            C.ALERT_CONDITION_GAPS,
            f"fires on {result.min_count} unauthorized call(s) in a window but not on {result.stops_at}: "
            "a burst of calls goes unnoticed; use cnt > 0",
        )
    if result.fires_without_calls:
        j.advise(
            C.ALERT_ALWAYS_FIRES,
            "fires on every run even when no unauthorized call happened (its count query always returns "
            "a row, and the condition holds for 0); such noise gets muted: use cnt > 0",
        )
    if result.consecutive > limit:
        j.advise(
            C.ALERT_THRESHOLD_HIGH,
            f"fires only after {result.consecutive} consecutive triggering "
            f"evaluations (threshold), more than {limit}",
        )


def _check_window(j: AlertJudgement, identity: str | None) -> None:
    query = j.target.query
    if query is not None and (query.start or not j.target.by_identity):
        start, end, assumed = query.start, query.end, False
    else:
        start, end = TEMPLATE_WINDOW.get(identity or "", (None, None))
        assumed = True
    window, window_text = window_seconds(start, end)
    interval, interval_text = interval_seconds(j.alert.schedule)
    j.evidence["window"] = {
        "query_window": window_text,
        "window_seconds": window,
        "schedule": interval_text,
        "interval_seconds": interval,
        "window_assumed_from_template": assumed,
    }
    if window is None or interval is None:
        why = window_text if window is None else interval_text
        j.fail(
            C.ALERT_SCHEDULE_UNVERIFIABLE,
            f"has a schedule or window that cannot be read ({why}), so gaps between runs cannot be ruled out",
        )
    elif window < interval:
        j.fail(
            C.ALERT_WINDOW_GAP,
            f"runs {interval_text} but each run looks back only {window_text} "
            f"({window}s < {interval}s): calls in between are never evaluated; make the window at least "
            "the interval",
        )


def _check_notification(j: AlertJudgement, ctx: Context) -> None:
    config = j.alert.configuration
    policy = (config.policy_configuration or {}) if config else {}
    targets = {
        k: policy.get(k)
        for k in ("actionPolicyId", "alertPolicyId")
        if isinstance(policy.get(k), str) and policy.get(k).strip()
    }
    for source in (config.raw if config else {}, j.alert.raw):
        legacy = source.get("notificationList")
        if isinstance(legacy, list) and legacy:
            targets["notificationList"] = f"{len(legacy)} legacy notification(s)"
    j.evidence["notification"] = targets or None
    if not targets and ctx.settings.require_notification:
        j.fail(
            C.ALERT_NO_NOTIFICATION,
            "notifies nobody (no action policy, alert policy "
            "or legacy notification); set policyConfiguration.actionPolicyId",
        )
