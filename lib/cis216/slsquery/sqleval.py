"""Evaluate one SQL expression (a sqlglot node) over one log, as SLS's Presto-like engine would.

Values are Python values: ``None`` (NULL), ``str``, ``int``, ``float``, ``bool``, ``datetime``.
A function or construct this module does not model evaluates to ``Opaque(construct)``, which
poisons whatever reads it: harmless in a column the trigger never reads, and named as the reason
when a WHERE, GROUP BY, HAVING or the trigger depends on it. What SLS itself would reject (text
compared with a number, a division by zero, an unknown column) raises ``SqlNotExecutable``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .sql import SqlNotExecutable


@dataclass(frozen=True)
class Opaque:
    """A value this evaluator does not compute; ``construct`` names what produced it."""

    construct: str


@dataclass
class Scope:
    """What an expression can read: the log's fields, and after aggregation the aggregates."""

    event: Mapping[str, str]
    known_fields: frozenset[str]  # fields some log of the feed carries (else: unknown column)
    aggregates: Mapping[int, Any] | None = None  # id(aggregate node) -> its value for the group


Handler = Callable[[Any, Scope], Any]


def evaluate(node: Any, scope: Scope) -> Any:
    if scope.aggregates is not None and id(node) in scope.aggregates:
        return scope.aggregates[id(node)]
    handler = _HANDLERS.get(type(node).__name__)
    if handler is None:
        for column in _columns_in(node):
            _column(column, scope)  # an unknown column is an error even where nothing is computed
        return Opaque(_construct(node))
    args = [evaluate(child, scope) for child in _operands(node)]
    if any(isinstance(a, Opaque) for a in args) and type(node).__name__ not in _SHORT_CIRCUIT:
        return next(a for a in args if isinstance(a, Opaque))
    return handler(node, scope) if type(node).__name__ in _RAW else handler(args, node)


def _columns_in(node: Any) -> list[Any]:
    return [n for n in node.walk() if type(n).__name__ == "Column"]


def _construct(node: Any) -> str:
    if type(node).__name__ == "Anonymous":
        return f"{node.name.lower()}()"
    return f"{node.sql_name().lower()}()" if hasattr(node, "sql_name") else type(node).__name__


def _operands(node: Any) -> list[Any]:
    name = type(node).__name__
    if name in _RAW:
        return []
    if name == "Concat":
        return list(node.expressions)
    keys = _ARG_KEYS.get(name, ("this", "expression"))
    return [node.args.get(k) for k in keys]


# --- leaves and structure (handled on the raw node: they choose what to evaluate) -----------------


def _column(node: Any, scope: Scope) -> Any:
    name = node.name
    if name in scope.event:
        return scope.event[name]
    lowered = name.lower()
    for key, value in scope.event.items():
        if key.lower() == lowered:
            return value
    if lowered == "__time__":
        return _epoch(scope.event.get("event.eventTime"))
    if lowered in scope.known_fields or lowered.startswith("__tag__:"):
        return None  # a field this log does not carry: NULL
    raise SqlNotExecutable(f"column {name!r}, which ActionTrail logs do not carry")


def _epoch(text: str | None) -> int | None:
    if not text:
        return None
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


def _literal(node: Any, scope: Scope) -> Any:
    if node.is_string:
        return node.this
    text = str(node.this)
    return float(text) if any(c in text for c in ".eE") else int(text)


def _case(node: Any, scope: Scope) -> Any:
    operand = evaluate(node.this, scope) if node.this is not None else None
    for branch in node.args.get("ifs") or []:
        test = evaluate(branch.this, scope)
        if isinstance(test, Opaque):
            return test
        hit = _equal(operand, test) if node.this is not None else test is True
        if hit:
            return evaluate(branch.args.get("true"), scope)
    default = node.args.get("default")
    return evaluate(default, scope) if default is not None else None


def _if(node: Any, scope: Scope) -> Any:
    test = evaluate(node.this, scope)
    if isinstance(test, Opaque):
        return test
    branch = node.args.get("true") if test is True else node.args.get("false")
    return evaluate(branch, scope) if branch is not None else None


def _and(node: Any, scope: Scope) -> Any:
    left, right = evaluate(node.this, scope), evaluate(node.expression, scope)
    if left is False or right is False:
        return False
    return _first_opaque(left, right) or (None if left is None or right is None else True)


def _or(node: Any, scope: Scope) -> Any:
    left, right = evaluate(node.this, scope), evaluate(node.expression, scope)
    if left is True or right is True:
        return True
    return _first_opaque(left, right) or (None if left is None or right is None else False)


def _first_opaque(*values: Any) -> Opaque | None:
    return next((v for v in values if isinstance(v, Opaque)), None)


def _coalesce(node: Any, scope: Scope) -> Any:
    for child in [node.this, *node.expressions]:
        value = evaluate(child, scope)
        if value is not None:
            return value
    return None


def _in(node: Any, scope: Scope) -> Any:
    value = evaluate(node.this, scope)
    options = [evaluate(e, scope) for e in node.expressions]
    found = _first_opaque(value, *options)
    if found or value is None:
        return found
    hit = any(_equal(value, o) for o in options if o is not None)
    return _negate(node, True if hit else (None if None in options else False))


def _negate(node: Any, value: Any) -> Any:
    return (not value if isinstance(value, bool) else value) if node.args.get("negate") else value


# --- operators and functions on evaluated arguments -----------------------------------------------


def _equal(left: Any, right: Any) -> bool | None:
    if left is None or right is None:
        return None
    _comparable(left, right)
    return bool(left == right)


def _comparable(left: Any, right: Any) -> None:
    kinds = {_kind(left), _kind(right)}
    if len(kinds) > 1:
        raise SqlNotExecutable(f"compares {' with '.join(sorted(kinds))} ({left!r}, {right!r})")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, datetime):
        return "a timestamp"
    return "text"


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def _compare(op: str) -> Callable[[list[Any], Any], Any]:
    def compare(args: list[Any], node: Any) -> Any:
        left, right = args[0], args[1]
        if left is None or right is None:
            return None
        _comparable(left, right)
        return _ORDER[op](left, right)

    return compare


def _arithmetic(op: str) -> Callable[[list[Any], Any], Any]:
    def arithmetic(args: list[Any], node: Any) -> Any:
        left, right = args
        if left is None or right is None:
            return None
        if _kind(left) != "a number" or _kind(right) != "a number":
            raise SqlNotExecutable(f"arithmetic ({op}) on {_kind(left)} and {_kind(right)}")
        if op in "/%" and right == 0:
            raise SqlNotExecutable("a division by zero")
        if op == "/":  # Presto: integer division truncates toward zero
            return int(left / right) if isinstance(left, int) and isinstance(right, int) else left / right
        if op == "%":
            return left - right * int(left / right) if isinstance(left, int) else left % right
        return {"+": left + right, "-": left - right, "*": left * right}[op]

    return arithmetic


def _like(case_insensitive: bool) -> Callable[[list[Any], Any], Any]:
    def like(args: list[Any], node: Any) -> Any:
        value, pattern = args
        if value is None or pattern is None:
            return None
        regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in str(pattern))
        flags = re.IGNORECASE | re.DOTALL if case_insensitive else re.DOTALL
        return _negate(node, re.fullmatch(regex, _text(value), flags) is not None)

    return like


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.000")
    return str(value)


def _substring(value: Any, start: Any, length: Any = None) -> str:
    text = _text(value)
    begin = start - 1 if start > 0 else len(text) + start
    return text[begin:] if length is None else text[begin : begin + length]


def _json_scalar(value: Any, path: Any) -> Any:
    try:
        current = json.loads(_text(value))
    except ValueError:
        return None
    for part in re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", str(path).lstrip("$")):
        key = part[0] or int(part[1])
        try:
            current = current[key]
        except (KeyError, IndexError, TypeError):
            return None
    return (
        None
        if isinstance(current, (dict, list))
        else current
        if isinstance(current, str)
        else json.dumps(current)
    )


def _cast(args: list[Any], node: Any) -> Any:
    (value,) = args[:1]
    target = node.to.sql("presto").lower()
    if value is None:
        return None
    try:
        return _convert(value, target)
    except (ValueError, TypeError) as exc:
        if type(node).__name__ == "TryCast":
            return None
        raise SqlNotExecutable(f"cast of {value!r} to {target} fails") from exc


def _convert(value: Any, target: str) -> Any:
    if target in ("varchar", "char", "string") or target.startswith("varchar("):
        return _text(value)
    if target in ("bigint", "integer", "int", "smallint", "tinyint"):
        return int(value) if not isinstance(value, float) else round(value)
    if target in ("double", "real") or target.startswith("decimal"):
        return float(value)
    if target == "boolean":
        return value if isinstance(value, bool) else {"true": True, "false": False}[_text(value).lower()]
    raise ValueError(target)


def _from_unixtime(args: list[Any], node: Any) -> Any:
    value = args[0]
    return None if value is None else datetime.fromtimestamp(float(value), tz=timezone.utc)


def _date_format(args: list[Any], node: Any) -> Any:
    value, fmt = args
    if value is None or fmt is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromtimestamp(float(value), tz=timezone.utc)
    try:
        return moment.strftime(str(fmt))
    except ValueError as exc:
        raise SqlNotExecutable(f"date format {fmt!r}") from exc


def _regexp_like(value: Any, pattern: Any) -> bool:
    try:
        return re.search(str(pattern), _text(value)) is not None
    except re.error as exc:
        raise SqlNotExecutable(f"regular expression {pattern!r}") from exc


def _split_part(value: Any, delimiter: Any, index: Any) -> Any:
    parts = _text(value).split(str(delimiter))
    return parts[index - 1] if 1 <= index <= len(parts) else None


def _is(args: list[Any], node: Any) -> Any:
    value = args[0]
    if type(node.expression).__name__ != "Null":
        return Opaque("IS " + node.expression.sql("presto"))
    return value is None


def _not(args: list[Any], node: Any) -> Any:
    return None if args[0] is None else not args[0]


_RAW: dict[str, Handler] = {
    "Column": _column,
    "Literal": _literal,
    "Null": lambda node, scope: None,
    "Boolean": lambda node, scope: bool(node.this),
    "Star": lambda node, scope: 1,
    "Case": _case,
    "If": _if,
    "And": _and,
    "Or": _or,
    "Coalesce": _coalesce,
    "In": _in,
    "JSONPath": lambda node, scope: node.sql("presto").strip("'"),
}
_SHORT_CIRCUIT = frozenset(_RAW)
_ARG_KEYS: dict[str, tuple[str, ...]] = {
    "Paren": ("this",),
    "Neg": ("this",),
    "Not": ("this",),
    "Lower": ("this",),
    "Upper": ("this",),
    "Length": ("this",),
    "Trim": ("this",),
    "Cast": ("this",),
    "TryCast": ("this",),
    "UnixToTime": ("this",),
    "TimeToStr": ("this", "format"),
    "Substring": ("this", "start", "length"),
    "Replace": ("this", "expression", "replacement"),
    "StrPosition": ("this", "substr"),
    "SplitPart": ("this", "delimiter", "part_index"),
    "Between": ("this", "low", "high"),
}


_HANDLERS: dict[str, Any] = {
    **_RAW,
    "Paren": lambda args, node: args[0],
    "Neg": lambda args, node: None if args[0] is None else -args[0],
    "Not": _not,
    "Is": _is,
    "EQ": _compare("=="),
    "NEQ": _compare("!="),
    "LT": _compare("<"),
    "GT": _compare(">"),
    "LTE": _compare("<="),
    "GTE": _compare(">="),
    "Add": _arithmetic("+"),
    "Sub": _arithmetic("-"),
    "Mul": _arithmetic("*"),
    "Div": _arithmetic("/"),
    "Mod": _arithmetic("%"),
    "Like": _like(False),
    "ILike": _like(True),
    "Between": lambda args, node: _negate(
        node,
        None
        if None in args
        else (_compare(">=")(args[:2], node) and _compare("<=")([args[0], args[2]], node)),
    ),
    "Lower": lambda args, node: None if args[0] is None else _text(args[0]).lower(),
    "Upper": lambda args, node: None if args[0] is None else _text(args[0]).upper(),
    "Length": lambda args, node: None if args[0] is None else len(_text(args[0])),
    "Trim": lambda args, node: None if args[0] is None else _text(args[0]).strip(),
    "Concat": lambda args, node: None if None in args else "".join(_text(a) for a in args),
    "DPipe": lambda args, node: None if None in args else _text(args[0]) + _text(args[1]),
    "Substring": lambda args, node: (
        None if None in args[:2] else _substring(args[0], args[1], args[2] if len(args) > 2 else None)
    ),
    "Replace": lambda args, node: (
        None
        if None in args[:2]
        else _text(args[0]).replace(str(args[1]), "" if args[2] is None else str(args[2]))
    ),
    "StrPosition": lambda args, node: None if None in args else _text(args[0]).find(str(args[1])) + 1,
    "SplitPart": lambda args, node: None if None in args else _split_part(*args),
    "StartsWith": lambda args, node: None if None in args else _text(args[0]).startswith(_text(args[1])),
    "RegexpLike": lambda args, node: None if None in args else _regexp_like(args[0], args[1]),
    "JSONExtractScalar": lambda args, node: None if None in args else _json_scalar(args[0], args[1]),
    "Cast": _cast,
    "TryCast": _cast,
    "UnixToTime": _from_unixtime,
    "TimeToStr": _date_format,
}
