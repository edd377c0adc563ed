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
from typing import NamedTuple

from ._cursor import PUNCTUATION, Cursor, Token, TokenKind

_AGGREGATES = frozenset({"count", "sum", "min", "max", "avg", "approx_distinct", "arbitrary"})
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
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<NUMBER>\d+(?:\.\d+)?)
    | (?P<IDENT>[A-Za-z_][A-Za-z0-9_.]*)
    | (?P<QUOTED_IDENT>"(?:[^"]|"")*")
    | (?P<STRING>'(?:[^']|'')*')
    | (?P<OP><=|>=|!=|<>|[(),*=<>;+\-/%])
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
    """Not understood; the message ends up in ``PipeAnalysis.detail``."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


def _lex(sql: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    sql = sql.rstrip()
    while pos < len(sql):
        m = _TOKEN.match(sql, pos)
        if not m or m.end() == pos:
            raise _Unknown(f"cannot read SQL at {sql[pos : pos + 20]!r}", pos)
        pos = m.end()
        group = m.lastgroup or ""
        text = m.group(group)
        kind: TokenKind
        if group == "QUOTED_IDENT":
            kind, text = "QUOTED_IDENT", text[1:-1].replace('""', '"')
        elif group == "STRING":
            kind, text = "STRING", text[1:-1]
        elif group == "IDENT":
            kind = "KEYWORD" if text.lower() in _KEYWORDS else "IDENT"
        elif group == "OP":
            kind = PUNCTUATION.get(text, "OP")
        else:
            kind = "NUMBER"
        out.append(Token(kind, text, m.start(group)))
    out.append(Token("EOF", "", len(sql)))
    return out


def _column(c: Cursor) -> str:
    tok = c.take()
    if tok.kind in ("IDENT", "QUOTED_IDENT"):
        return tok.text
    raise c.error(f"expected a column, found {tok.text!r}", tok)


class _SelectItem(NamedTuple):
    name: str  # the output column
    function: str | None = None  # aggregate function, lower-cased
    star: bool = False
    argument: str | None = None  # the column an aggregate reads (None: a literal or `*`)


def _aggregate(c: Cursor, first: Token, index: int) -> _SelectItem:
    """``count(...)`` and friends; the function name (``first``) and ``(`` are taken."""
    function = first.text.lower()
    if first.kind != "IDENT" or function not in _AGGREGATES:
        raise c.error(f"function {first.text!r} not proven harmless", first)
    c.match("KEYWORD", "distinct")
    arg = c.take()
    star = arg.kind == "OP" and arg.text == "*"
    if arg.kind not in ("NUMBER", "IDENT", "KEYWORD", "QUOTED_IDENT") and not star:
        raise c.error("unsupported aggregate argument", arg)
    if function != "count" and star:
        raise c.error(f"{function}(*) is not valid", arg)
    argument = arg.text if arg.kind in ("IDENT", "KEYWORD", "QUOTED_IDENT") else None
    c.expect("RPAREN", message="expected ')'")
    # SLS (Presto) names an unaliased expression _col<i>
    return _SelectItem(f"_col{index}", function, argument=argument)


def _select_item(c: Cursor, index: int) -> _SelectItem:
    if c.match("OP", "*"):
        return _SelectItem("*", star=True)
    first = c.peek()
    item = _SelectItem(_column(c))
    if c.match("LPAREN"):
        item = _aggregate(c, first, index)
    if c.match("KEYWORD", "as") or c.at("IDENT") or c.at("QUOTED_IDENT"):
        item = item._replace(name=_column(c))
    return item


def _select_list(c: Cursor) -> list[_SelectItem]:
    c.expect("KEYWORD", "select")
    if c.at("KEYWORD", "distinct"):
        raise c.error("select distinct")
    items = [_select_item(c, 0)]
    while c.match("COMMA"):
        items.append(_select_item(c, len(items)))
    return items


def _columns_after(c: Cursor, *keywords: str) -> bool:
    """``group by a, b``: True when the clause is there (its columns are taken)."""
    if not c.match("KEYWORD", keywords[0]):
        return False
    c.expect("KEYWORD", *keywords[1:])
    _column(c)
    while c.match("COMMA"):
        _column(c)
    return True


def _order_by(c: Cursor) -> None:
    if not c.match("KEYWORD", "order"):
        return
    c.expect("KEYWORD", "by")
    _column(c)
    c.match("KEYWORD", "asc", "desc")
    while c.match("COMMA"):
        _column(c)
        c.match("KEYWORD", "asc", "desc")


def _limit(c: Cursor) -> int | None:
    if not c.match("KEYWORD", "limit"):
        return None
    tok = c.take()
    if tok.kind != "NUMBER" or "." in tok.text:
        raise c.error("limit needs an integer", tok)
    if c.at("COMMA"):
        raise c.error("limit with an offset")
    return int(tok.text)


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
    c = Cursor(_lex(sql), _Unknown, ends_early="SQL ends early", ignore_case=True)
    items = _select_list(c)
    columns = tuple(item.name for item in items)
    if c.match("KEYWORD", "from") and _column(c).lower() != "log":
        raise _Unknown("reads from a table other than log")
    if c.at("KEYWORD", "where"):
        return PipeAnalysis(
            "filters", "a WHERE clause can drop rows of matching logs", output_columns=columns
        )
    groups = _columns_after(c, "group", "by")
    if c.at("KEYWORD", "having"):
        return PipeAnalysis(
            "filters",
            "a HAVING clause can drop groups of matching logs",
            output_columns=columns,
            groups=groups,
        )
    _order_by(c)
    if _limit(c) == 0:
        return PipeAnalysis("filters", "LIMIT 0 returns no rows", output_columns=columns, groups=groups)
    c.match("OP", ";")
    if not c.at("EOF"):
        raise c.error(f"unexpected {c.peek().text!r}")
    return _classify(items, columns, groups)


def _classify(items: list[_SelectItem], columns: tuple[str, ...], groups: bool) -> PipeAnalysis:
    """What the rows of a statement that keeps every matching log say about the matches."""
    aggregates = [item for item in items if item.function]
    plain = [item for item in items if not item.function]
    counts = [item for item in aggregates if item.function == "count"]
    count_column, count_argument = (counts[0].name, counts[0].argument) if counts else (None, None)
    if groups:
        if any(item.star for item in items):
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
    if not aggregates:
        return PipeAnalysis("harmless", "plain columns: one row per matching log", output_columns=columns)
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
