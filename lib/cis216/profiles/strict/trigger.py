"""Does the alert fire when one unauthorized call is found, and after how many?

The trigger is judged against the row the query's analytic part produces (`select count(1) as
cnt` gives one row whose `cnt` is the number of matching logs). Alerts fire when any severity's
condition holds. Conditions that read other columns, or syntax we do not know, are reported as
unverifiable, never as "fires" or "never fires".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ...inventory import AlertConfiguration
from ...slsquery import PipeAnalysis, condition_fires, minimum_count_to_fire

COUNT_ROWS = "__count__"


@dataclass(frozen=True)
class TriggerCondition:
    """One trigger condition and what it does with the query's result."""

    where: str  # e.g. "severityConfigurations[0] (severity 6)"
    condition: str
    count_condition: str
    outcome: str  # 'fires' | 'never' | 'unverifiable: <why>'
    min_count: int | None  # fewest matching calls that fire it


@dataclass
class TriggerResult:
    min_count: int | None  # fewest matching calls that fire; None: never or unknown
    never: bool = False
    unverifiable: list[str] = field(default_factory=list)
    conditions: list[TriggerCondition] = field(default_factory=list)
    consecutive: int = 1  # `threshold`: evaluations in a row that must trigger
    # A count above min_count at which no condition fires (`cnt == 1` misses two calls in a window)
    stops_at: int | None = None
    # Fires with no unauthorized call at all: a count query always returns its one row, so an empty
    # condition ("data is returned") or `cnt >= 0` fires on every run.
    fires_without_calls: bool = False


def conditions_of(config: AlertConfiguration | None) -> list[tuple[str, str, str]]:
    """(where, condition, countCondition) for every trigger the alert defines."""
    if config is None:
        return [("default", "", "")]
    out: list[tuple[str, str, str]] = []
    for i, severity in enumerate(config.severity_configurations or []):
        evaluation = severity.get("evalCondition") if isinstance(severity, dict) else None
        if isinstance(evaluation, dict):
            out.append(
                (
                    f"severityConfigurations[{i}] (severity {severity.get('severity')})",
                    _text(evaluation.get("condition")),
                    _text(evaluation.get("countCondition")),
                )
            )
    if isinstance(config.condition_configuration, dict):
        cc = config.condition_configuration
        out.append(("conditionConfiguration", _text(cc.get("condition")), _text(cc.get("countCondition"))))
    legacy = config.raw.get("condition")
    if not out and isinstance(legacy, str):
        out.append(("condition (Alert 1.0)", legacy, ""))
    # Alert 2.0 semantics: no condition means "fires when data is returned".
    return out or [("default", "", "")]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _one(where: str, condition: str, count_condition: str, pipe: PipeAnalysis) -> tuple[int | None, str]:
    """(fewest calls that fire or None, 'fires'|'never'|'unverifiable: why')."""
    column = pipe.count_column
    if condition:
        if column is None:
            return None, f"unverifiable: condition {condition!r} on rows that are not a count"
        n = minimum_count_to_fire(condition, column)
        if n is None:
            if condition_fires(condition, {column: 1}) is None:
                return None, f"unverifiable: condition {condition!r} cannot be evaluated on {{{column}: n}}"
            return None, "never"
    else:
        n = 1
    if count_condition:
        # With one result row per query (count without group by) or one group per single call,
        # `__count__` is 1; without a pipe, it is the number of matching logs.
        if pipe.count_column is None and not pipe.groups:
            m = minimum_count_to_fire(count_condition, COUNT_ROWS)
            if m is None:
                unknown = condition_fires(count_condition, {COUNT_ROWS: 1}) is None
                return None, "unverifiable: countCondition not understood" if unknown else "never"
            n = max(n, m)
        else:
            fires = condition_fires(count_condition, {COUNT_ROWS: 1})
            if fires is None:
                return None, f"unverifiable: countCondition {count_condition!r} not understood"
            if not fires:
                # One row can never satisfy `__count__ > 1`-style conditions.
                return None, "never"
    return n, "fires"


# Counts checked above the fewest that fire: every count up to 1000, then larger bursts.
_BURSTS: tuple[int, ...] = (*range(1, 1001), 2000, 5000, 10**4, 10**5, 10**6)


def _fires_at(condition: str, count_condition: str, column: str | None, groups: bool, n: int) -> bool | None:
    """Does this trigger fire when the window holds n unauthorized calls? None: cannot tell."""
    fired: bool | None = True
    if condition:
        fired = condition_fires(condition, {column: n}) if column is not None else None
    if count_condition and fired:
        rows = n if (column is None and not groups) else 1
        fired = condition_fires(count_condition, {COUNT_ROWS: rows})
    return fired


def _first_gap(triggers: list[tuple[str, str, str]], pipe: PipeAnalysis, least: int) -> int | None:
    """The first count above ``least`` at which no trigger fires and none is unknown."""
    key = tuple((c, cc) for _, c, cc in triggers)
    return _first_gap_cached(key, pipe.count_column, pipe.groups, least)


@lru_cache(maxsize=1024)  # accounts repeat the same few conditions on many alerts
def _first_gap_cached(
    triggers: tuple[tuple[str, str], ...], column: str | None, groups: bool, least: int
) -> int | None:
    for n in _BURSTS:
        if n <= least:
            continue
        outcomes = [_fires_at(c, cc, column, groups, n) for c, cc in triggers]
        if not any(outcomes) and None not in outcomes:
            return n
    return None


def judge_trigger(config: AlertConfiguration | None, pipe: PipeAnalysis) -> TriggerResult:
    result = TriggerResult(min_count=None)
    fired: list[int] = []
    outcomes = []
    for where, condition, count_condition in conditions_of(config):
        n, outcome = _one(where, condition, count_condition, pipe)
        result.conditions.append(TriggerCondition(where, condition, count_condition, outcome, n))
        outcomes.append(outcome)
        if n is not None:
            fired.append(n)
        elif outcome.startswith("unverifiable"):
            result.unverifiable.append(f"{where}: {outcome.split(': ', 1)[1]}")
    result.min_count = min(fired) if fired else None
    result.never = not fired and all(o == "never" for o in outcomes)
    if result.min_count is not None:
        firing = [t for t, o in zip(conditions_of(config), outcomes, strict=True) if o == "fires"]
        result.stops_at = _first_gap(firing, pipe, result.min_count)
        result.fires_without_calls = pipe.always_row and any(
            _fires_at(c, cc, pipe.count_column, pipe.groups, 0) for _, c, cc in firing
        )
    if config is not None and isinstance(config.threshold, int) and config.threshold > 1:
        result.consecutive = config.threshold
    return result
