"""Evaluate SLS alert trigger conditions (``cnt > 0``) over one result row, without eval().

Supported: numbers (float64), 'single' or "double" quoted strings, column names, parentheses,
``+ - * / %``, ``== != < <= > >=``, ``=~ !~`` (regex), ``&& || !``, unary minus, and
``contains(a, b)``. Anything else (unknown function, unknown column, nesting deeper than 50
levels) makes the evaluation return None: the caller must treat the condition as unverifiable,
not as false.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ._cursor import PUNCTUATION, Cursor, Token, TokenKind

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<NUMBER>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)
    | (?P<IDENT>[A-Za-z_][A-Za-z0-9_.]*)
    | (?P<SQ>'(?:\\.|[^'\\])*')
    | (?P<DQ>"(?:\\.|[^"\\])*")
    | (?P<OP>&&|\|\||==|!=|<=|>=|=~|!~|[<>!+\-*/%(),])
    )""",
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\(.)")
# Each level of parentheses costs the recursive descent a frame per precedence level (about 8
# in all), so conditions get a lower nesting limit than the search syntax; real ones nest 1 or 2.
_MAX_DEPTH = 50


class ConditionError(ValueError):
    """The condition cannot be parsed."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


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


def _lex(text: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ConditionError(f"cannot read condition at {text[pos : pos + 20]!r}", pos)
        pos = m.end()
        group = m.lastgroup or ""
        raw = m.group(group)
        kind: TokenKind
        if group in ("SQ", "DQ"):
            kind, raw = "STRING", _ESCAPE.sub(r"\1", raw[1:-1])
        elif group == "OP":
            kind = PUNCTUATION.get(raw, "OP")
        else:
            kind = "NUMBER" if group == "NUMBER" else "IDENT"
        out.append(Token(kind, raw, m.start(group)))
    out.append(Token("EOF", "", len(text)))
    return out


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.c = Cursor(tokens, ConditionError, ends_early="condition ends early", max_depth=_MAX_DEPTH)

    def binary(self, level: int) -> Expr:
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while op := self.c.match("OP", *_LEVELS[level]):
            left = Binary(op.text, left, self.binary(level + 1))
        return left

    def unary(self) -> Expr:
        op = self.c.match("OP", "!", "-")
        if op is None:
            return self.primary()
        with self.c.nested(op):
            return Unary(op.text, self.unary())

    def primary(self) -> Expr:
        tok = self.c.take()
        if tok.kind == "NUMBER":
            return Num(float(tok.text))
        if tok.kind == "STRING":
            return Str(tok.text)
        if tok.kind == "IDENT":
            return self._call(tok) if self.c.at("LPAREN") else Col(tok.text)
        if tok.kind == "LPAREN":
            with self.c.nested(tok):
                inner = self.binary(0)
            self._close("expected ')'")
            return inner
        raise self.c.error(f"unexpected {tok.text!r}", tok)

    def _call(self, name: Token) -> Call:
        args: list[Expr] = []
        with self.c.nested(name):
            self.c.take()  # (
            if not self.c.at("RPAREN"):
                args.append(self.binary(0))
                while self.c.match("COMMA"):
                    args.append(self.binary(0))
        self._close("expected ')' after function arguments")
        return Call(name.text, tuple(args))

    def _close(self, message: str) -> None:
        tok = self.c.take()  # at the end: "condition ends early"
        if tok.kind != "RPAREN":
            raise self.c.error(message, tok)


@lru_cache(maxsize=512)
def parse_condition(text: str) -> Expr:
    """Parse a trigger condition; raises ConditionError."""
    parser = _Parser(_lex(text))
    expr = parser.binary(0)
    if not parser.c.at("EOF"):
        raise parser.c.error(f"unexpected {parser.c.peek().text!r}")
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
    if isinstance(expr, (Num, Str)):
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
    return _eval_binary(expr, row)


def _eval_binary(expr: Binary, row: dict[str, Any]) -> Any:
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
    if expr.op in ("+", "-", "*", "/", "%"):
        return _arithmetic(expr.op, left, right)
    return _compare(expr.op, left, right)


def _arithmetic(op: str, left: Any, right: Any) -> Any:
    ln, rn = _num(left), _num(right)
    if ln is None or rn is None:
        if op == "+" and isinstance(left, str) and isinstance(right, str):
            return left + right
        raise _CannotEvaluate(f"arithmetic on a non-number ({op})")
    if op in ("/", "%") and rn == 0:
        raise _CannotEvaluate("division by zero")
    if op == "+":
        return ln + rn
    if op == "-":
        return ln - rn
    if op == "*":
        return ln * rn
    return ln / rn if op == "/" else math.fmod(ln, rn)


def _compare(op: str, left: Any, right: Any) -> bool:
    ln, rn = _num(left), _num(right)
    a: Any
    b: Any
    if ln is not None and rn is not None:
        a, b = ln, rn
    elif isinstance(left, str) and isinstance(right, str):
        a, b = left, right
    elif op in ("==", "!="):
        a, b = _text(left), _text(right)
    else:
        raise _CannotEvaluate("ordering a number against a string")
    return bool({"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])


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
