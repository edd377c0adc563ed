"""Does the alert fire when unauthorized calls happen, after how many, and on which codes?

The query's analytic statement has been executed (``slsquery.execution``); its rows are asked
here, as SLS asks them: for one call alone and bursts of n calls of every code family the query
sees, for no call at all, for calls spread over many callers, addresses and regions, and for
calls that are not unauthorized. A trigger fires when any severity's condition holds. What
cannot be evaluated is reported as unverifiable, never as "fires" or "never fires".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ...inventory import AlertConfiguration
from ...slsquery import QueryExecution, RepresentativeEvent
from ...slsquery.execution import burst_sizes
from ...slsquery.firing import Scan, Trigger, fires, scan
from ...slsquery.sql import SqlNotExecutable

COUNT_ROWS = "__count__"
# Calls spread over this many groups at most, to see whether a per-group threshold is ever met.
SPREAD_LIMIT = 100


@dataclass(frozen=True)
class TriggerCondition:
    """One trigger condition and what it does with the query's result."""

    where: str  # e.g. "severityConfigurations[0] (severity 6)"
    condition: str
    count_condition: str
    outcome: str  # 'fires' | 'never' | 'unverifiable: <why>'
    min_count: int | None  # fewest matching calls that fire it


@dataclass(frozen=True)
class PerGroup:
    """A threshold met per group only: ``spread`` calls over as many groups did not fire."""

    min_count: int
    spread: int
    group_by: tuple[str, ...]


@dataclass
class TriggerResult:
    min_count: int | None  # fewest calls of every covered code that fire; None: never or unknown
    never: bool = False
    unverifiable: list[str] = field(default_factory=list)
    conditions: list[TriggerCondition] = field(default_factory=list)
    consecutive: int = 1  # `threshold`: evaluations in a row that must trigger
    # A count above min_count at which no condition fires (`cnt == 1` misses two calls in a window)
    stops_at: int | None = None
    # Fires with no unauthorized call at all (a count row with `cnt >= 0`, an empty condition).
    fires_without_calls: bool = False
    # Code families the query sees but on which no condition ever fires (it fires on others).
    missed_codes: list[str] = field(default_factory=list)
    fires_on_other_calls: bool = False  # successful calls, or calls failing for other reasons
    per_group: PerGroup | None = None


def conditions_of(
    config: AlertConfiguration | None, fallback: tuple[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(where, condition, countCondition) for every trigger the alert defines; ``fallback``
    (a template's documented trigger) when it defines none."""
    out: list[tuple[str, str, str]] = []
    severities = (config.severity_configurations or []) if config is not None else []
    for i, severity in enumerate(severities):
        evaluation = severity.get("evalCondition") if isinstance(severity, dict) else None
        if isinstance(evaluation, dict):
            out.append(
                (
                    f"severityConfigurations[{i}] (severity {severity.get('severity')})",
                    _text(evaluation.get("condition")),
                    _text(evaluation.get("countCondition")),
                )
            )
    if config is not None and isinstance(config.condition_configuration, dict):
        cc = config.condition_configuration
        out.append(("conditionConfiguration", _text(cc.get("condition")), _text(cc.get("countCondition"))))
    legacy = config.raw.get("condition") if config is not None else None
    if not out and isinstance(legacy, str):
        out.append(("condition (Alert 1.0)", legacy, ""))
    if not out and fallback is not None:
        out.append(("template (documented trigger)", *fallback))
    # Alert 2.0 semantics: no condition means "fires when data is returned".
    return out or [("default", "", "")]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def judge_trigger(
    config: AlertConfiguration | None, execution: QueryExecution, fallback: tuple[str, str] | None = None
) -> TriggerResult:
    """Judge every trigger of the alert on the rows of the executed query."""
    return judge_conditions(tuple(conditions_of(config, fallback)), consecutive_of(config), execution)


def consecutive_of(config: AlertConfiguration | None) -> int:
    """How many evaluations in a row must fire (the alert's `threshold`), 1 when unset."""
    if config is not None and isinstance(config.threshold, int) and config.threshold > 1:
        return config.threshold
    return 1


class TriggerMemo:
    """Trigger judgements of one evaluation, one per distinct executed query and trigger set:
    accounts repeat the same query and condition on many alerts. The executions are the
    evaluation's memoised ones, so keying by their id() is safe while this lives."""

    def __init__(self) -> None:
        self._results: dict[tuple[int, tuple[tuple[str, str, str], ...], int], TriggerResult] = {}

    def judge(
        self, config: AlertConfiguration | None, execution: QueryExecution, fallback: tuple[str, str] | None
    ) -> TriggerResult:
        listed = tuple(conditions_of(config, fallback))
        consecutive = consecutive_of(config)
        key = (id(execution), listed, consecutive)
        if key not in self._results:
            self._results[key] = judge_conditions(listed, consecutive, execution)
        return self._results[key]


def judge_conditions(
    listed: Sequence[tuple[str, str, str]], consecutive: int, execution: QueryExecution
) -> TriggerResult:
    """Judge the listed (where, condition, countCondition) triggers on the executed query's rows."""
    triggers = [Trigger(c, cc) for _, c, cc in listed]
    result = TriggerResult(min_count=None)
    sizes = burst_sizes(execution.literals)
    reference = execution.seen[0]
    for (where, condition, count_condition), trigger in zip(listed, triggers, strict=True):
        found = scan([trigger], execution.burst(reference), sizes)
        outcome = "fires" if found.first else f"unverifiable: {found.unknown}" if found.unknown else "never"
        result.conditions.append(TriggerCondition(where, condition, count_condition, outcome, found.first))
    _judge_families(result, triggers, execution, sizes)
    if result.min_count is not None:
        covered = next(e for e in execution.seen if scan(triggers, execution.burst(e), sizes).first)
        result.stops_at = scan(triggers, execution.burst(covered), sizes).stops_at
        result.per_group = _per_group(triggers, execution, covered, result.min_count)
    result.fires_without_calls = any(fires(t, execution.empty).fires for t in triggers)
    if consecutive > 1:
        result.consecutive = consecutive
    return result


def _judge_families(
    result: TriggerResult, triggers: list[Trigger], execution: QueryExecution, sizes: list[int]
) -> None:
    """Which code families the alert fires on, and after how many calls of each."""
    scans: dict[str, list[Scan]] = {}
    for event in execution.seen:
        scans.setdefault(event.family, []).append(scan(triggers, execution.burst(event), sizes))
    firsts = {f: [s.first for s in found] for f, found in scans.items()}
    covered = {f: max(n for n in ns if n) for f, ns in firsts.items() if all(ns)}
    unknown = [(f, s.unknown) for f, found in scans.items() for s in found if s.unknown]
    silent = [f for f in scans if f not in covered and not any(f == u for u, _ in unknown)]
    result.fires_on_other_calls = any(
        scan(triggers, execution.burst(negative), sizes).first for negative in execution.negatives
    )
    result.min_count = max(covered.values()) if covered else None
    if unknown and not covered:
        stated = [
            f"{c.where}: {c.outcome.split(': ', 1)[1]}"
            for c in result.conditions
            if c.outcome.startswith("unverifiable")
        ]
        result.unverifiable = stated or list(dict.fromkeys(f"trigger: {why}" for _, why in unknown))
    elif silent and (covered or result.fires_on_other_calls):
        result.missed_codes = silent
    elif not covered and not unknown:
        result.never = True


def _per_group(
    triggers: Sequence[Trigger], execution: QueryExecution, event: RepresentativeEvent, least: int
) -> PerGroup | None:
    """A threshold above one call, on grouped rows: do as many calls spread over as many
    callers, addresses and regions fire? If not, the threshold holds per group only."""
    if least <= 1 or not execution.group_by:
        return None
    spread = min(least, SPREAD_LIMIT)
    try:
        rows = execution.spread(event, spread)
    except SqlNotExecutable:
        return None  # cannot tell: say nothing rather than guess
    if any(fires(t, rows).fires is not False for t in triggers):
        return None
    return PerGroup(min_count=least, spread=spread, group_by=execution.group_by)
