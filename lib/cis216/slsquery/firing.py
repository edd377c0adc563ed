"""Does an alert trigger fire on the rows a query returned? As SLS evaluates it.

A trigger is a ``condition`` over one result row and an optional ``countCondition`` over
``__count__``, the number of rows satisfying the condition. Without a countCondition the alert
fires when any row satisfies the condition; an empty condition means "data is returned".

Rows are ``(row, times)`` pairs (``sqlexec``). SQL NULL reaches the condition as the text
``null``; a value the SQL evaluator did not compute (``Opaque``) makes a condition that reads it
unverifiable, naming the construct.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from .condition import ConditionError, columns, condition_fires, parse_condition
from .sql import SqlNotExecutable
from .sqleval import Opaque
from .sqlexec import Burst, LinearRows, Rows

COUNT_ROWS = "__count__"


@dataclass(frozen=True)
class Trigger:
    condition: str
    count_condition: str = ""

    @property
    def texts(self) -> tuple[str, str]:
        return (self.condition, self.count_condition)


@dataclass(frozen=True)
class Firing:
    fires: bool | None  # None: cannot tell
    why: str = ""  # when None: what could not be evaluated


def fires(trigger: Trigger, rows: Rows) -> Firing:
    """Does ``trigger`` fire on ``rows``?"""
    read = _columns(trigger.condition)
    if read is None:
        return Firing(None, f"condition {trigger.condition!r} not understood")
    satisfied, unknown = 0, ""
    for row, times in rows:
        opaque = [row[c] for c in read if isinstance(row.get(c), Opaque)]
        if opaque:
            unknown = f"condition {trigger.condition!r} reads a value computed by {opaque[0].construct}"
            continue
        holds = condition_fires(trigger.condition, _plain(row))
        if holds is None:
            unknown = f"condition {trigger.condition!r} cannot be evaluated on {_shown(row, read)}"
        elif holds:
            satisfied += times
    if unknown and (trigger.count_condition or not satisfied):
        return Firing(None, unknown)
    if not trigger.count_condition:
        return Firing(satisfied > 0)
    counted = condition_fires(trigger.count_condition, {COUNT_ROWS: satisfied})
    if counted is None:
        return Firing(None, f"countCondition {trigger.count_condition!r} not understood")
    return Firing(counted)


def _columns(condition: str) -> set[str] | None:
    if not condition.strip():
        return set()
    try:
        return columns(parse_condition(condition.strip()))
    except ConditionError:
        return None


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """Row values as SLS hands them to a condition: text, numbers, ``null``."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if value is None:
            out[name] = "null"
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, datetime):
            out[name] = value.strftime("%Y-%m-%d %H:%M:%S.000")
        else:
            out[name] = value
    return out


def _shown(row: dict[str, Any], read: set[str]) -> str:
    shown = {c: row[c] for c in sorted(read) if c in row}
    missing = sorted(c for c in read if c not in row)
    return f"{shown}" + (f" (no column {', '.join(missing)})" if missing else "")


# --- over bursts: how many calls it takes ---------------------------------------------------------

# Burst sizes scanned when the rows are linear in n: every count up to 1000, then larger bursts.
LINEAR_SIZES: tuple[int, ...] = (*range(1, 1001), 2000, 5000, 10**4, 10**5, 10**6)


@dataclass(frozen=True)
class Scan:
    """What a set of triggers (fires when any does) does on bursts of one call."""

    first: int | None  # fewest calls that fire
    stops_at: int | None  # a larger burst on which none fires (and none is unknown)
    unknown: str = ""  # why some burst could not be judged (when first is None)


def scan(triggers: Sequence[Trigger], burst: Burst, sizes: Iterable[int]) -> Scan:
    if isinstance(burst, LinearRows):
        return _scan_linear(tuple(triggers), burst)
    return _scan(tuple(triggers), burst, tuple(sizes))


@lru_cache(maxsize=2048)  # accounts repeat the same few conditions and query shapes
def _scan_linear(triggers: tuple[Trigger, ...], burst: LinearRows) -> Scan:
    return _scan(triggers, burst, LINEAR_SIZES + _near_literals(triggers))


def _scan(triggers: tuple[Trigger, ...], burst: Burst, sizes: tuple[int, ...]) -> Scan:
    first: int | None = None
    unknown = ""
    for n in sorted(set(sizes)):
        outcomes = [fires(t, rows) for t in triggers] if (rows := _rows(burst, n)) is not None else []
        if not outcomes:  # the statement fails for this many calls (a division by zero, ...)
            unknown = unknown or f"the analytic statement cannot be evaluated for {n} calls"
            continue
        fired = any(o.fires for o in outcomes)
        unsure = next((o.why for o in outcomes if o.fires is None), "")
        if first is None:
            if fired:
                first = n
            elif unsure and not unknown:
                unknown = unsure
        elif not fired and not unsure:
            return Scan(first, n)
    return Scan(first, None, "" if first is not None else unknown)


def _rows(burst: Burst, n: int) -> Rows | None:
    try:
        return burst.rows_at(n)
    except (SqlNotExecutable, ArithmeticError, TypeError, ValueError):
        return None


def _near_literals(triggers: tuple[Trigger, ...]) -> tuple[int, ...]:
    """Counts around the numbers written in the conditions, beyond 1000: where a comparison of a
    linear expression changes its answer."""
    literals: set[float] = set()
    for trigger in triggers:
        for text in trigger.texts:
            literals.update(_numbers(text))
    extra: set[int] = set()
    for a in literals:
        for b in (1.0, *literals):
            for base in (a * b, a / b if b else a, a + b):
                if abs(base) < 10**15:
                    extra.update(k for k in range(int(base) - 1, int(base) + 3) if 1000 < k < 10**15)
    return tuple(sorted(extra))


def _numbers(text: str) -> list[float]:
    return [float(m) for m in re.findall(r"\d+(?:\.\d+)?", text)]
