"""Classify the analytic (SQL) part after ``|``: does it keep the rows the search selected?

Conservative by design: only shapes we can prove harmless are called harmless. Anything with a
``where``/``having``/``limit 0`` is 'filters'; anything we cannot parse is 'unknown'.

Kinds:
- ``none``: no analytic part; every matching log is a result row.
- ``count``: aggregate (with a ``count(...)``) and no ``group by``: always exactly one row,
  ``count_column`` holds the number of matching logs (0 when nothing matched).
- ``harmless``: rows exist exactly when some log matched (``group by``, or plain columns).
- ``filters``: may drop rows of matching logs.
- ``unknown``: not understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_AGGREGATES = frozenset({"count", "sum", "min", "max", "avg", "approx_distinct", "arbitrary"})
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>\d+(?:\.\d+)?)
    | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
    | "(?P<qident>(?:[^"]|"")*)"
    | '(?P<str>(?:[^']|'')*)'
    | (?P<op><=|>=|!=|<>|[(),*=<>;+\-/%])
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class PipeAnalysis:
    kind: str  # none | count | harmless | filters | unknown
    detail: str
    count_column: str | None = None
    groups: bool = False
    output_columns: tuple[str, ...] = field(default=())
    always_row: bool = False  # one row even when no log matched (aggregate without group by)
    # `count(col)` / `count(distinct col)` count only logs where `col` is not null: the column
    # counted by `count_column`, or None for `count(1)` / `count(*)` (every matching log).
    count_argument: str | None = None


class _Unknown(Exception):
    pass


def _lex(sql: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    sql = sql.rstrip()
    while pos < len(sql):
        m = _TOKEN.match(sql, pos)
        if not m or m.end() == pos:
            raise _Unknown(f"cannot read SQL at {sql[pos : pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup or ""
        text = m.group(kind)
        if kind == "qident":
            out.append(("qident", text.replace('""', '"')))
        else:
            out.append((kind, text))
    return out


class _Sql:
    def __init__(self, toks: list[tuple[str, str]]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i] if self.i < len(self.toks) else ("eof", "")

    def kw(self, *words: str) -> bool:
        kind, text = self.peek()
        return kind == "ident" and text.lower() in words

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok[0] == "eof":
            raise _Unknown("SQL ends early")
        self.i += 1
        return tok

    def expect_kw(self, word: str) -> None:
        if not self.kw(word):
            raise _Unknown(f"expected {word!r}")
        self.i += 1

    def expect_op(self, op: str) -> None:
        if self.peek() != ("op", op):
            raise _Unknown(f"expected {op!r}")
        self.i += 1

    def column(self) -> str:
        kind, text = self.take()
        if kind == "qident" or (kind == "ident" and text.lower() not in _KEYWORDS):
            return text
        raise _Unknown(f"expected a column, found {text!r}")


_KEYWORDS = frozenset(
    {
        "select",
        "from",
        "where",
        "group",
        "by",
        "having",
        "order",
        "limit",
        "as",
        "asc",
        "desc",
        "distinct",
        "and",
        "or",
        "not",
        "union",
        "join",
        "on",
    }
)


def _select_item(p: _Sql, index: int) -> tuple[str, str | None, bool, str | None]:
    """Parse one select item; returns (output name, aggregate function or None, is_star,
    the column an aggregate reads or None)."""
    kind, text = p.peek()
    if (kind, text) == ("op", "*"):
        p.take()
        return "*", None, True, None
    name = p.column()
    func = None
    argument = None
    if p.peek() == ("op", "("):
        func = name.lower()
        if kind != "ident" or func not in _AGGREGATES:
            raise _Unknown(f"function {name!r} not proven harmless")
        p.take()
        if p.kw("distinct"):
            p.take()
        arg = p.take()
        if arg[0] not in ("num", "ident", "qident") and arg != ("op", "*"):
            raise _Unknown("unsupported aggregate argument")
        if func != "count" and arg == ("op", "*"):
            raise _Unknown(f"{func}(*) is not valid")
        if arg[0] in ("ident", "qident"):
            argument = arg[1]
        p.expect_op(")")
        name = f"_col{index}"  # SLS (Presto) names an unaliased expression _col<i>
    if p.kw("as"):
        p.take()
        name = p.column()
    elif p.peek()[0] in ("qident",) or (p.peek()[0] == "ident" and not p.kw(*_KEYWORDS)):
        name = p.column()
    return name, func, False, argument


def analyze_pipe(pipe_text: str | None) -> PipeAnalysis:
    """Classify the analytic part (the text after the first top-level ``|``)."""
    if pipe_text is None or not pipe_text.strip():
        return PipeAnalysis("none", "no analytic statement: every matching log is a row")
    try:
        return _analyze(pipe_text)
    except _Unknown as exc:
        return PipeAnalysis("unknown", f"analytic statement not understood: {exc}")


def _analyze(sql: str) -> PipeAnalysis:
    if "|" in sql:
        raise _Unknown("several '|' stages")
    p = _Sql(_lex(sql))
    p.expect_kw("select")
    if p.kw("distinct"):
        raise _Unknown("select distinct")
    items = [_select_item(p, 0)]
    while p.peek() == ("op", ","):
        p.take()
        items.append(_select_item(p, len(items)))
    columns = tuple(name for name, _, _, _ in items)
    if p.kw("from"):
        p.take()
        if p.column().lower() != "log":
            raise _Unknown("reads from a table other than log")
    if p.kw("where"):
        return PipeAnalysis(
            "filters", "a WHERE clause can drop rows of matching logs", output_columns=columns
        )
    groups = False
    if p.kw("group"):
        p.take()
        p.expect_kw("by")
        p.column()
        while p.peek() == ("op", ","):
            p.take()
            p.column()
        groups = True
    if p.kw("having"):
        return PipeAnalysis(
            "filters",
            "a HAVING clause can drop groups of matching logs",
            output_columns=columns,
            groups=groups,
        )
    if p.kw("order"):
        p.take()
        p.expect_kw("by")
        while True:
            p.column()
            if p.kw("asc", "desc"):
                p.take()
            if p.peek() != ("op", ","):
                break
            p.take()
    if p.kw("limit"):
        p.take()
        kind, text = p.take()
        if kind != "num" or "." in text:
            raise _Unknown("limit needs an integer")
        if p.peek() == ("op", ","):
            raise _Unknown("limit with an offset")
        if int(text) == 0:
            return PipeAnalysis("filters", "LIMIT 0 returns no rows", output_columns=columns, groups=groups)
    if p.peek() == ("op", ";"):
        p.take()
    if p.peek()[0] != "eof":
        raise _Unknown(f"unexpected {p.peek()[1]!r}")

    aggregates = [(name, func, arg) for name, func, _, arg in items if func]
    plain = [name for name, func, star, _ in items if not func]
    count_cols = [(name, arg) for name, func, arg in aggregates if func == "count"]
    count_column, count_argument = count_cols[0] if count_cols else (None, None)
    if groups:
        if any(star for _, _, star, _ in items):
            raise _Unknown("select * with group by")
        return PipeAnalysis(
            "harmless",
            "GROUP BY: one row per group, rows only when logs match",
            count_column=count_column,
            groups=True,
            output_columns=columns,
            count_argument=count_argument,
        )
    if aggregates and plain:
        raise _Unknown("aggregates mixed with plain columns without GROUP BY")
    if aggregates:
        if count_column is None:
            raise _Unknown("aggregate without count(): its row does not tell whether logs matched")
        what = (
            f"number of matching logs where {count_argument} is not null"
            if count_argument
            else "number of matching logs"
        )
        return PipeAnalysis(
            "count",
            f"always one row; {count_column} = {what}",
            count_column=count_column,
            output_columns=columns,
            always_row=True,
            count_argument=count_argument,
        )
    return PipeAnalysis("harmless", "plain columns: one row per matching log", output_columns=columns)
