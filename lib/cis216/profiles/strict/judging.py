"""One alert on one feed, whatever it holds: judged by alerts.py, then held to the read rule.

- An exception while judging one alert (a construct nested or sized beyond what a parser follows,
  characters no check expected) stays with that alert: ALERT_QUERY_UNVERIFIABLE naming the
  exception, and the rest of the account is judged.
- When the feed logstore's GetIndex failed, the query was judged with SLS's default index only to
  see whether the index could matter. It matters unless the search statement could not be read or
  its analytic part may drop rows (unverifiable with any index). Then the query's outcome is
  undecided (IndexUnread, SCAN_ERROR), unless a check the index cannot change (disabled, muted, no
  notification, a window gap, a trigger that never fires...) already makes the alert fail: that
  failure stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...findings import WindowEvidence
from ...slsquery import QueryJudgement, suggested_query
from . import codes
from .alerts import AlertJudgement, judge_alert
from .binding import Target
from .evaluation import Evaluation
from .feeds import Feed
from .issues import IndexUnread, QueryBroad, QueryIncomplete, QueryUnverifiable, Unjudgeable
from .unexpected import name_exception

# The query facts only SLS's defaults gave: kept out of an undecided alert's evidence.
_DEFAULTS_ONLY = frozenset({"missed_codes", "missed_events", "suggested_query"})
# The issues the query check can find; with the index unread, each is a guess.
_QUERY_ISSUES = (QueryIncomplete, QueryBroad, QueryUnverifiable)
# Evidence shows this much of a query: a huge one would otherwise push the finding's evidence past
# what the writer keeps of a field (adapters/writer.py replaces it by a digest), losing all of it.
MAX_QUERY_SHOWN = 16 * 1024
INDEX_UNREAD = "unread (GetIndex failed)"


def judge_on_feed(target: Target, feed: Feed, evaluation: Evaluation) -> AlertJudgement:
    try:
        judgement = judge_alert(target, feed, evaluation)
    except Exception as error:  # one alert's damage stays with that alert
        return unjudgeable(target, error, evaluation)
    if evaluation.unread_index(feed):
        judgement = _without_the_index(judgement, feed, evaluation)
    return _query_capped(judgement)


def _query_capped(judgement: AlertJudgement) -> AlertJudgement:
    query = judgement.facts.get("query")
    if query is None or len(query) <= MAX_QUERY_SHOWN:
        return judgement
    facts = {**judgement.facts, "query": _shown(query)}
    return AlertJudgement(target=judgement.target, issues=judgement.issues, facts=facts)


def _without_the_index(judgement: AlertJudgement, feed: Feed, evaluation: Evaluation) -> AlertJudgement:
    query = judgement.target.query
    if judgement.target.by_identity or query is None:
        return judgement  # judged by template identity: the index was not consulted
    judged = evaluation.judge(query.query or "", feed)
    if judged.syntax_error or judged.pipe.kind in ("filters", "unknown"):
        return judgement  # unverifiable whatever the index
    kept = tuple(issue for issue in judgement.issues if not isinstance(issue, _QUERY_ISSUES))
    fails_anyway = any(issue.code in codes.FAILING for issue in kept)
    logstore = f"{feed.project}/{feed.logstore}"
    unread = IndexUnread(logstore=logstore, with_defaults=judged.verdict)
    issues = kept if fails_anyway else (*kept, unread)
    facts = _undecided_facts(judgement.facts, judged, logstore)
    return AlertJudgement(target=judgement.target, issues=issues, facts=facts)


def _undecided_facts(facts: Mapping[str, Any], judged: QueryJudgement, logstore: str) -> dict[str, Any]:
    fields = {key: value for key, value in facts.items() if key not in _DEFAULTS_ONLY}
    fields.update(
        query_verdict="undecided",
        index_source=INDEX_UNREAD,
        query_detail=(
            f"the index of logstore {logstore} could not be read (GetIndex failed), so whether the "
            f"query catches every required code is undecided; with SLS defaults it would be "
            f"{judged.verdict}: {judged.detail}"
        ),
    )
    return fields


def unjudgeable(target: Target, error: Exception, evaluation: Evaluation) -> AlertJudgement:
    """The alert whose judging raised: unverifiable, with what is safe to show of it."""
    what = name_exception(error)
    text = target.query.query if target.query is not None else None
    facts: dict[str, Any] = dict(
        alert=target.alert.name,
        display_name=target.alert.display_name,
        project=target.alert_project,
        region=target.alert_region,
        query_entry=target.entry,
        logstore=f"{target.project}/{target.store}",
        template=None,
        query=_shown(text),
        query_verdict="unverifiable",
        query_detail=f"could not be judged: {what}",
        suggested_query=suggested_query(evaluation.settings.required_codes),
        window=WindowEvidence(
            query_window="not judged",
            window_seconds=None,
            schedule="not judged",
            interval_seconds=None,
            window_assumed_from_template=False,
        ),
        notification=None,
    )
    return AlertJudgement(target=target, issues=(Unjudgeable(what=what),), facts=facts)


def _shown(text: str | None) -> str | None:
    if text is None or len(text) <= MAX_QUERY_SHOWN:
        return text
    return f"{text[:MAX_QUERY_SHOWN]}… ({len(text)} characters in all)"
