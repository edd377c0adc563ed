"""The analytic statement run over the representative events the search part kept.

An event is *seen* by the query when it changes the result: the rows of n such calls differ from
the rows of no call at all, for some n (``having count(1) > 5`` sees a call once six come). The
trigger is then judged on these rows (``firing.py``): one call alone, a burst of n, calls spread
over many callers, addresses and regions, and no call at all.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .events import RepresentativeEvent, spread_calls
from .sql import AnalyticStatement, SqlNotExecutable
from .sqlexec import Burst, Call, Executor, LinearRows, Rows

# SLS adds these to every log (the time comes from the event's own time).
RESERVED_FIELDS = frozenset({"__time__", "__topic__", "__source__", "__receive_time__"})
# Burst sizes tried when the rows are not linear in n (beyond these: numbers near the literals).
SMALL_BURSTS: tuple[int, ...] = (*range(1, 31), 50, 100, 1000, 10**4, 10**6)


@dataclass
class QueryExecution:
    """The statement (None: no analytic part) ready to run over one feed's representative logs."""

    executor: Executor
    seen: tuple[RepresentativeEvent, ...]  # required-code events (and variants) the query sees
    negatives: tuple[RepresentativeEvent, ...]  # negative controls the search part matches
    _bursts: dict[int, tuple[RepresentativeEvent, Burst]] = field(default_factory=dict, repr=False)

    @property
    def statement(self) -> AnalyticStatement | None:
        return self.executor.statement

    @cached_property
    def empty(self) -> Rows:
        """The rows when no log matched (an aggregate without GROUP BY still gives its row)."""
        return self.executor.run([])

    def burst(self, event: RepresentativeEvent) -> Burst:
        found = self._bursts.get(id(event))
        if found is None or found[0] is not event:
            found = (event, self.executor.burst(event.event))
            self._bursts[id(event)] = found
        return found[1]

    def spread(self, event: RepresentativeEvent, count: int) -> Rows:
        return self.executor.run([Call(e, 1) for e in spread_calls(event.event, count)])

    @property
    def group_by(self) -> tuple[str, ...]:
        statement = self.statement
        if statement is None:
            return ()
        names = {id(c.expr): c.name for c in statement.columns}
        return tuple(names.get(id(g), g.sql("presto")) for g in statement.group)

    @cached_property
    def literals(self) -> tuple[float, ...]:
        """Numbers written in the statement: where a HAVING or IF over a count changes its mind."""
        statement = self.statement
        if statement is None:
            return ()
        found = []
        for node in _nodes(statement):
            if type(node).__name__ == "Literal" and not node.is_string:
                try:
                    found.append(float(node.this))
                except ValueError:
                    continue
        return tuple(sorted(set(found)))


def _nodes(statement: AnalyticStatement) -> Iterable[Any]:
    roots = [c.expr for c in statement.columns]
    roots += [r for r in (statement.where, statement.having) if r is not None]
    for root in roots:
        yield from root.walk()


def known_fields(events: Iterable[RepresentativeEvent]) -> frozenset[str]:
    return frozenset(k for e in events for k in e.event) | RESERVED_FIELDS


def burst_sizes(literals: Iterable[float]) -> list[int]:
    """The burst sizes a non-linear statement is run at: small ones, then around its numbers."""
    sizes = set(SMALL_BURSTS)
    for value in literals:
        if math.isfinite(value) and 0 < value < 10**12:
            sizes.update(k for k in range(math.floor(value) - 1, math.floor(value) + 3) if k >= 1)
    return sorted(sizes)


def sees(execution: QueryExecution, burst: Burst) -> bool:
    """Does some burst of the call change the rows from those of no call at all?"""
    empty = execution.empty
    if isinstance(burst, LinearRows):  # affine in n: two sizes decide
        return burst.rows_at(1) != empty or burst.rows_at(2) != empty
    return any(burst.rows_at(n) != empty for n in burst_sizes(execution.literals))


def execute(
    statement: AnalyticStatement | None,
    events: list[RepresentativeEvent],
    matched: Mapping[int, bool],
) -> QueryExecution:
    """Run the statement over every event the search matched (``matched``: by id of the event).

    Raises SqlNotExecutable when a construct met on the way cannot be evaluated."""
    executor = Executor(statement, known_fields(events))
    execution = QueryExecution(executor, (), ())
    execution.empty  # noqa: B018 - an unknown column or function surfaces here, before any call
    seen = [e for e in events if not e.negative and matched[id(e)] and sees(execution, execution.burst(e))]
    negatives = [e for e in events if e.negative and matched[id(e)]]
    for negative in negatives:  # evaluated too, so what the trigger later reads is executable
        execution.burst(negative)
    execution.seen, execution.negatives = tuple(seen), tuple(negatives)
    return execution


__all__ = ["QueryExecution", "SqlNotExecutable", "burst_sizes", "execute", "known_fields", "sees"]
