"""Evaluate SLS alert trigger conditions (``cnt > 0``) over one result row, without eval().

Supported: numbers (float64), 'single' or "double" quoted strings, column names, parentheses,
``+ - * / %``, ``== != < <= > >=``, ``=~ !~`` (regex), ``&& || !``, unary minus, and
``contains(a, b)``. Anything else (unknown function, unknown column) makes the evaluation
return None: the caller must treat the condition as unverifiable, not as false.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)
    | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
    | '(?P<sq>(?:\\.|[^'\\])*)'
    | "(?P<dq>(?:\\.|[^"\\])*)"
    | (?P<op>&&|\|\||==|!=|<=|>=|=~|!~|[<>!+\-*/%(),])
    )""",
    re.VERBOSE,
)


class ConditionError(ValueError):
    """The condition cannot be parsed."""


class _CannotEvaluate(Exception):
    pass


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Str:
    value: str


@dataclass(frozen=True)
class Col:
    name: str


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Expr


@dataclass(frozen=True)
class Binary:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Expr, ...]


Expr = Num | Str | Col | Unary | Binary | Call

_LEVELS: list[tuple[str, ...]] = [
    ("||",),
    ("&&",),
    ("==", "!=", "<", "<=", ">", ">=", "=~", "!~"),
    ("+", "-"),
    ("*", "/", "%"),
]


def _lex(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ConditionError(f"cannot read condition at {text[pos : pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup or ""
        raw = m.group(kind)
        if kind in ("sq", "dq"):
            out.append(("str", re.sub(r"\\(.)", r"\1", raw)))
        else:
            out.append((kind, raw))
    return out


class _Parser:
    def __init__(self, toks: list[tuple[str, str]]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i] if self.i < len(self.toks) else ("eof", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok[0] == "eof":
            raise ConditionError("condition ends early")
        self.i += 1
        return tok

    def binary(self, level: int) -> Expr:
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek()[0] == "op" and self.peek()[1] in _LEVELS[level]:
            op = self.take()[1]
            right = self.binary(level + 1)
            left = Binary(op, left, right)
        return left

    def unary(self) -> Expr:
        if self.peek() in (("op", "!"), ("op", "-")):
            op = self.take()[1]
            return Unary(op, self.unary())
        return self.primary()

    def primary(self) -> Expr:
        kind, text = self.take()
        if kind == "num":
            return Num(float(text))
        if kind == "str":
            return Str(text)
        if kind == "ident":
            if self.peek() == ("op", "("):
                self.take()
                args: list[Expr] = []
                if self.peek() != ("op", ")"):
                    args.append(self.binary(0))
                    while self.peek() == ("op", ","):
                        self.take()
                        args.append(self.binary(0))
                if self.take() != ("op", ")"):
                    raise ConditionError("expected ')' after function arguments")
                return Call(text, tuple(args))
            return Col(text)
        if (kind, text) == ("op", "("):
            inner = self.binary(0)
            if self.take() != ("op", ")"):
                raise ConditionError("expected ')'")
            return inner
        raise ConditionError(f"unexpected {text!r}")


@lru_cache(maxsize=512)
def parse_condition(text: str) -> Expr:
    """Parse a trigger condition; raises ConditionError."""
    parser = _Parser(_lex(text))
    expr = parser.binary(0)
    if parser.peek()[0] != "eof":
        raise ConditionError(f"unexpected {parser.peek()[1]!r}")
    return expr


def columns(expr: Expr) -> set[str]:
    """Column names an expression reads."""
    if isinstance(expr, Col):
        return {expr.name}
    if isinstance(expr, Unary):
        return columns(expr.operand)
    if isinstance(expr, Binary):
        return columns(expr.left) | columns(expr.right)
    if isinstance(expr, Call):
        return set().union(*(columns(a) for a in expr.args)) if expr.args else set()
    return set()


def _num(v: Any) -> float | None:
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            return None
    return None


def _truthy(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    n = _num(v)
    if n is not None:
        return n != 0 and not math.isnan(n)
    return bool(v)


def _eval(expr: Expr, row: dict[str, Any]) -> Any:
    if isinstance(expr, Num):
        return expr.value
    if isinstance(expr, Str):
        return expr.value
    if isinstance(expr, Col):
        if expr.name not in row:
            raise _CannotEvaluate(f"unknown column {expr.name!r}")
        v = row[expr.name]
        n = _num(v)
        return n if n is not None and not isinstance(v, bool) else v
    if isinstance(expr, Unary):
        v = _eval(expr.operand, row)
        if expr.op == "!":
            return not _truthy(v)
        n = _num(v)
        if n is None:
            raise _CannotEvaluate("unary minus on a non-number")
        return -n
    if isinstance(expr, Call):
        if expr.name != "contains" or len(expr.args) != 2:
            raise _CannotEvaluate(f"unsupported function {expr.name!r}")
        a, b = (_eval(x, row) for x in expr.args)
        return _text(b) in _text(a)
    assert isinstance(expr, Binary)
    if expr.op == "&&":
        return _truthy(_eval(expr.left, row)) and _truthy(_eval(expr.right, row))
    if expr.op == "||":
        return _truthy(_eval(expr.left, row)) or _truthy(_eval(expr.right, row))
    left, right = _eval(expr.left, row), _eval(expr.right, row)
    if expr.op in ("=~", "!~"):
        try:
            found = re.search(_text(right), _text(left)) is not None
        except re.error as exc:
            raise _CannotEvaluate(f"bad regex: {exc}") from exc
        return found if expr.op == "=~" else not found
    ln, rn = _num(left), _num(right)
    if expr.op in ("+", "-", "*", "/", "%"):
        if ln is None or rn is None:
            if expr.op == "+" and isinstance(left, str) and isinstance(right, str):
                return left + right
            raise _CannotEvaluate(f"arithmetic on a non-number ({expr.op})")
        if expr.op in ("/", "%") and rn == 0:
            raise _CannotEvaluate("division by zero")
        return {
            "+": ln + rn,
            "-": ln - rn,
            "*": ln * rn,
            "/": ln / rn if rn else 0.0,
            "%": math.fmod(ln, rn) if rn else 0.0,
        }[expr.op]
    if ln is not None and rn is not None:
        a: Any = ln
        b: Any = rn
    elif isinstance(left, str) and isinstance(right, str):
        a, b = left, right
    elif expr.op in ("==", "!="):
        a, b = _text(left), _text(right)
    else:
        raise _CannotEvaluate("ordering a number against a string")
    return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[expr.op]


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def condition_fires(condition: str | None, row: dict[str, Any]) -> bool | None:
    """Does ``condition`` hold for ``row``? Empty condition: data was returned, so True.

    None when it cannot be evaluated (syntax not understood, unknown column or function).
    """
    if condition is None or not str(condition).strip():
        return True
    try:
        expr = parse_condition(str(condition).strip())
        return _truthy(_eval(expr, row))
    except (ConditionError, _CannotEvaluate):
        return None


_SCAN_LIMIT = 1000


def minimum_count_to_fire(condition: str | None, column: str) -> int | None:
    """Smallest integer count >= 1 for which the condition fires on ``{column: count}``.

    None when it never fires within the candidates checked, or cannot be evaluated (call
    ``condition_fires`` to tell them apart). Candidates: 1..1000, then values around every
    number written in the condition (and their products), which is where a comparison of a
    linear expression can change its answer.
    """
    if condition is None or not str(condition).strip():
        return 1
    try:
        expr = parse_condition(str(condition).strip())
    except ConditionError:
        return None
    if columns(expr) - {column}:
        return None  # reads other columns: not a function of the count alone
    for n in range(1, _SCAN_LIMIT + 1):
        fired = condition_fires(condition, {column: n})
        if fired:
            return n
    literals = sorted({n.value for n in _literals(expr)})
    extra: set[int] = set()
    for a in literals:
        for b in [1.0, *literals]:
            for base in (a * b, a / b if b else a, a + b):
                for d in (-1, 0, 1, 2):
                    k = math.floor(base) + d
                    if k > _SCAN_LIMIT and k < 10**15:
                        extra.add(k)
    for n in sorted(extra):
        if condition_fires(condition, {column: n}):
            return n
    return None


def _literals(expr: Expr) -> list[Num]:
    if isinstance(expr, Num):
        return [expr]
    if isinstance(expr, Unary):
        return _literals(expr.operand)
    if isinstance(expr, Binary):
        return _literals(expr.left) + _literals(expr.right)
    if isinstance(expr, Call):
        return [n for a in expr.args for n in _literals(a)]
    return []
