"""Run an analytic statement over calls, and describe its rows for a burst of n calls.

A ``Call`` is one log standing for ``times`` calls that differ only in their per-call ids
(``event.eventId``, ``event.requestId``): a burst of a million calls costs what one costs.
Rows come back as ``(row, times)`` pairs: a row of a statement without aggregates repeats once
per call.

``burst(event)`` describes the rows of n calls of one log as a function of n. When the statement
only adds, subtracts or scales aggregates (``count``, ``sum``, ``count_if``, ...) and has no
HAVING, each number in a row is exactly ``a * n + b``: the ``Linear`` model, read from n = 1 and
n = 2, costs nothing per n. Otherwise (``having count(1) > 5``, ``if(count(1) > 5, ...)``) the
statement is run again for every n asked (``Computed``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from .sql import PER_CALL_FIELDS, AnalyticStatement, SqlNotExecutable
from .sqleval import Opaque, Scope, evaluate

Row = dict[str, Any]
Rows = tuple[tuple[Row, int], ...]


class Call(NamedTuple):
    event: Mapping[str, str]
    times: int = 1


@dataclass(frozen=True)
class Linear:
    """``a * n + b`` for a burst of n calls."""

    a: float
    b: float

    def at(self, n: int) -> float | int:
        value = self.a * n + self.b
        return int(value) if float(value).is_integer() else value


class _Prepared(NamedTuple):
    """One log before aggregation: kept by WHERE?, its group key, each aggregate's input."""

    kept: bool
    key: tuple[Any, ...]
    inputs: tuple[Any, ...]


class Executor:
    """One statement, ready to run over the logs of one feed."""

    def __init__(self, statement: AnalyticStatement | None, known_fields: frozenset[str]) -> None:
        self.statement = statement
        self.known_fields = frozenset(f.lower() for f in known_fields)
        self._prepared: dict[int, tuple[Mapping[str, str], _Prepared]] = {}
        self.linear = statement is None or _is_linear(statement)

    def run(self, calls: Sequence[Call]) -> Rows:
        statement = self.statement
        if statement is None:  # no analytic statement: every log is a row
            return tuple((dict(c.event), c.times) for c in calls if c.times > 0)
        kept = [(c, self._prepare(c.event)) for c in calls if c.times > 0]
        kept = [(c, p) for c, p in kept if p.kept]
        if statement.aggregated:
            scoped = _aggregate(statement, kept, self.known_fields)
        else:
            scoped = [(self._scope(c.event), c.times) for c, _ in kept]
        return _finish(statement, scoped)

    def _scope(self, event: Mapping[str, str], aggregates: Mapping[int, Any] | None = None) -> Scope:
        return Scope(event, self.known_fields, aggregates)

    def _prepare(self, event: Mapping[str, str]) -> _Prepared:
        cached = self._prepared.get(id(event))
        if cached is not None and cached[0] is event:
            return cached[1]
        statement = self.statement
        assert statement is not None
        scope = self._scope(event)
        kept = True
        if statement.where is not None:
            verdict = evaluate(statement.where, scope)
            _refuse_opaque(verdict, "decides in WHERE which logs are kept")
            kept = verdict is True
        key = tuple(evaluate(g, scope) for g in statement.group)
        for value in key:
            _refuse_opaque(value, "decides in GROUP BY which group a log joins")
        inputs = tuple(_aggregate_input(a, scope) for a in statement.aggregates)
        prepared = _Prepared(kept, key, inputs)
        self._prepared[id(event)] = (event, prepared)
        return prepared

    def burst(self, event: Mapping[str, str]) -> Burst:
        """The rows of n calls of ``event`` (all kept or all dropped by the search before)."""
        if not self.linear:
            return Computed(self, event)
        one, two = self.run([Call(event, 1)]), self.run([Call(event, 2)])
        model = _linear_model(one, two)
        return Computed(self, event) if model is None else model


def _refuse_opaque(value: Any, what: str) -> None:
    if isinstance(value, Opaque):
        raise SqlNotExecutable(f"{value.construct} {what}")


# --- aggregation ----------------------------------------------------------------------------------


def _aggregate_input(node: Any, scope: Scope) -> Any:
    """What one log gives an aggregate: 1/0 for counts, else the value of its argument."""
    kind = type(node).__name__
    argument = node.this
    if kind == "Count":
        if argument is None or type(argument).__name__ == "Star":
            return 1
        if type(argument).__name__ == "Distinct":
            return tuple(evaluate(e, scope) for e in argument.expressions)
        value = evaluate(argument, scope)
        return value if isinstance(value, Opaque) else int(value is not None)
    if kind == "CountIf":
        value = evaluate(argument, scope)
        return value if isinstance(value, Opaque) else int(value is True)
    if kind in _VALUE_AGGREGATES:
        return evaluate(argument, scope)
    return Opaque(f"{node.sql_name().lower()}()")


_VALUE_AGGREGATES = frozenset({"Sum", "Avg", "Max", "Min", "AnyValue", "ApproxDistinct"})


def _aggregate(
    statement: AnalyticStatement, kept: list[tuple[Call, _Prepared]], known: frozenset[str]
) -> list[tuple[Scope, int]]:
    groups: dict[tuple[Any, ...], list[tuple[Call, _Prepared]]] = {}
    for call, prepared in kept:
        groups.setdefault(prepared.key, []).append((call, prepared))
    if not statement.group and not groups:
        groups[()] = []  # an aggregate without GROUP BY returns its one row even over no log
    out = []
    for members in groups.values():
        values = {
            id(node): _combine(node, [(p.inputs[i], c.times) for c, p in members])
            for i, node in enumerate(statement.aggregates)
        }
        event = members[0][0].event if members else {}
        out.append((Scope(event, known, values), 1))
    return out


def _combine(node: Any, inputs: list[tuple[Any, int]]) -> Any:
    opaque = next((v for v, _ in inputs if isinstance(v, Opaque)), None)
    if opaque is not None:
        return opaque
    kind = type(node).__name__
    if kind in ("Count", "CountIf") and not _distinct(node):
        return sum(v * times for v, times in inputs)
    if kind in ("Count", "ApproxDistinct"):
        return _distinct_count(node, inputs)
    present = [(v, times) for v, times in inputs if v is not None]
    if not present:
        return None
    if kind in ("Sum", "Avg"):
        if any(isinstance(v, (str, bool)) for v, _ in present):
            raise SqlNotExecutable(f"{kind.lower()}() of text")
        total = sum(v * times for v, times in present)
        return total if kind == "Sum" else total / sum(times for _, times in present)
    if kind == "AnyValue":
        return present[0][0]
    try:
        return (max if kind == "Max" else min)(v for v, _ in present)
    except TypeError as exc:
        raise SqlNotExecutable(f"{kind.lower()}() over mixed types") from exc


def _distinct(node: Any) -> bool:
    return type(node.this).__name__ == "Distinct"


def _distinct_count(node: Any, inputs: list[tuple[Any, int]]) -> int:
    arguments = node.this.expressions if _distinct(node) else [node.this]
    per_call = len(arguments) == 1 and type(arguments[0]).__name__ == "Column"
    per_call = per_call and arguments[0].name in PER_CALL_FIELDS
    values = [v if _distinct(node) else (v,) for v, _ in inputs]
    if per_call:  # every call of a burst has its own id
        return sum(times for (v, times), key in zip(inputs, values, strict=True) if None not in key)
    return len({key for key in values if None not in key})


# --- after aggregation: HAVING, outputs, DISTINCT, ORDER BY ... LIMIT -----------------------------


def _finish(statement: AnalyticStatement, scoped: list[tuple[Scope, int]]) -> Rows:
    rows: list[tuple[Row, int, Scope]] = []
    for scope, times in scoped:
        if statement.having is not None:
            verdict = evaluate(statement.having, scope)
            _refuse_opaque(verdict, "decides in HAVING which groups are kept")
            if verdict is not True:
                continue
        row: Row = dict(scope.event) if statement.star else {}
        for column in statement.columns:
            row[column.name] = evaluate(column.expr, scope)
        rows.append((row, times, scope))
    if statement.distinct:
        rows = _distinct_rows(rows)
    if statement.limit is not None or statement.offset:
        rows = _limited(statement, rows)
    return tuple((row, times) for row, times, _ in rows)


def _distinct_rows(rows: list[tuple[Row, int, Scope]]) -> list[tuple[Row, int, Scope]]:
    seen: dict[tuple[Any, ...], tuple[Row, int, Scope]] = {}
    for row, _, scope in rows:
        seen.setdefault(tuple(sorted(row.items(), key=lambda item: item[0])), (row, 1, scope))
    return list(seen.values())


def _limited(
    statement: AnalyticStatement, rows: list[tuple[Row, int, Scope]]
) -> list[tuple[Row, int, Scope]]:
    for expr, descending in reversed(statement.order):
        keys = [_order_value(statement, expr, row, scope) for row, _, scope in rows]
        present = [k for k in keys if k is not None]
        if any(isinstance(k, Opaque) for k in present):
            raise SqlNotExecutable("ORDER BY a value not computed, before LIMIT")
        try:
            order = sorted(
                range(len(rows)), key=lambda i: (keys[i] is None, keys[i] if keys[i] is not None else 0)
            )
        except TypeError as exc:
            raise SqlNotExecutable("ORDER BY over mixed types") from exc
        if descending:
            order = [i for i in reversed(order) if keys[i] is not None] + [
                i for i in order if keys[i] is None
            ]
        rows = [rows[i] for i in order]
    skip, left = statement.offset, statement.limit
    out = []
    for row, times, scope in rows:
        dropped = min(skip, times)
        skip, times = skip - dropped, times - dropped
        if left is not None:
            times, left = min(times, left), left - min(times, left)
        if times > 0:
            out.append((row, times, scope))
    return out


def _order_value(statement: AnalyticStatement, expr: Any, row: Row, scope: Scope) -> Any:
    if type(expr).__name__ == "Column" and expr.name in row and expr.name in statement.output_names:
        return row[expr.name]
    return evaluate(expr, scope)


# --- rows of a burst as a function of n -----------------------------------------------------------

_LINEAR_PASS = frozenset({"Alias", "Paren", "Add", "Sub", "Neg"})
_LINEAR_AGGREGATES = frozenset({"Count", "CountIf", "Sum", "Avg", "Max", "Min", "AnyValue", "ApproxDistinct"})


def _is_linear(statement: AnalyticStatement) -> bool:
    """Are the numbers of a burst's rows affine in n? (no HAVING; aggregates only added up)"""
    if statement.having is not None:
        return False
    if not statement.aggregated:
        return statement.limit is None and not statement.offset
    return all(_linear_expr(c.expr) for c in statement.columns)


def _linear_expr(node: Any) -> bool:
    kind = type(node).__name__
    if not _has_aggregate(node):
        return True
    if kind in _LINEAR_AGGREGATES:
        return True
    if kind in _LINEAR_PASS:
        return all(_linear_expr(child) for child in node.iter_expressions())
    if kind == "Mul":
        children = list(node.iter_expressions())
        return sum(_has_aggregate(c) for c in children) == 1 and all(_linear_expr(c) for c in children)
    return False


def _has_aggregate(node: Any) -> bool:
    return any(_is_aggregate(n) for n in node.walk())


def _is_aggregate(node: Any) -> bool:
    return any(cls.__name__ == "AggFunc" for cls in type(node).__mro__)


def _linear_model(one: Rows, two: Rows) -> LinearRows | None:
    if len(one) != len(two):
        return None
    rows = []
    for (row1, times1), (row2, times2) in zip(one, two, strict=True):
        if row1.keys() != row2.keys():
            return None
        values: list[tuple[str, Any]] = []
        for name in row1:
            a, b = row1[name], row2[name]
            if _is_number(a) and _is_number(b):
                values.append((name, Linear(b - a, 2 * a - b) if a != b else a))
            elif a == b:
                values.append((name, a))
            else:
                return None
        rows.append((tuple(values), Linear(times2 - times1, 2 * times1 - times2)))
    return LinearRows(tuple(rows))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class LinearRows:
    """Rows of a burst whose numbers are ``Linear`` in n (hashable: scans are cached on it)."""

    rows: tuple[tuple[tuple[tuple[str, Any], ...], Linear], ...]

    def rows_at(self, n: int) -> Rows:
        out = []
        for values, times in self.rows:
            row = {name: value.at(n) if isinstance(value, Linear) else value for name, value in values}
            count = int(times.at(n))
            if count > 0:
                out.append((row, count))
        return tuple(out)


class Computed:
    """Rows of a burst computed for each n asked."""

    def __init__(self, executor: Executor, event: Mapping[str, str]) -> None:
        self.executor = executor
        self.event = event

    def rows_at(self, n: int) -> Rows:
        return self.executor.run([Call(self.event, n)])


Burst = LinearRows | Computed
