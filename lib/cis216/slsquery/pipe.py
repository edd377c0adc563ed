"""What the analytic (SQL) part after ``|`` is, read by a real SQL parser (``sql.py``).

The statement is not classified by pattern any more: ``judge`` executes it over representative
events (``sqlexec.py``). ``analyze_pipe`` says what kind of result it gives, for evidence and for
the reader:

- ``none``: no analytic part; every matching log is a result row.
- ``count``: aggregates without ``group by``: always exactly one row (even when no log matched).
- ``grouped``: ``group by``: one row per group, none when no log matched.
- ``rows``: no aggregate: one row per log it keeps.
- ``unknown``: cannot be executed faithfully; ``detail`` names the construct.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .sql import AnalyticStatement, SqlNotExecutable, parse_analytic

KINDS = ("none", "count", "grouped", "rows", "unknown")


@dataclass(frozen=True)
class PipeAnalysis:
    kind: str  # one of KINDS
    detail: str
    count_column: str | None = None  # the first output that is a plain count(...)
    groups: bool = False
    output_columns: tuple[str, ...] = field(default=())
    always_row: bool = False  # one row even when no log matched (aggregate without group by)
    # `count(col)` / `count(distinct col)` count only logs where `col` is not null: the column
    # counted by `count_column`, or None for `count(1)` / `count(*)` (every matching log).
    count_argument: str | None = None
    statement: AnalyticStatement | None = field(default=None, compare=False, repr=False)


def analyze_pipe(pipe_text: str | None) -> PipeAnalysis:
    """Read the analytic part (the text after the first top-level ``|``)."""
    if pipe_text is None or not pipe_text.strip():
        return PipeAnalysis("none", "no analytic statement: every matching log is a row")
    try:
        statement = parse_analytic(pipe_text)
    except SqlNotExecutable as exc:
        return not_executable(str(exc))
    return describe(statement)


def not_executable(why: str) -> PipeAnalysis:
    return PipeAnalysis("unknown", f"cannot be executed: {why}")


def describe(statement: AnalyticStatement) -> PipeAnalysis:
    count_column, count_argument = _count_column(statement)
    columns = statement.output_names
    if statement.group:
        kind, detail = "grouped", "GROUP BY: one row per group, no row when no log matched"
    elif statement.aggregated:
        kind, detail = "count", "aggregates without GROUP BY: always one row"
    else:
        kind, detail = "rows", "no aggregate: one row per log kept"
    return PipeAnalysis(
        kind,
        detail,
        count_column=count_column,
        groups=bool(statement.group),
        output_columns=columns,
        always_row=kind == "count",
        count_argument=count_argument,
        statement=statement,
    )


def _count_column(statement: AnalyticStatement) -> tuple[str | None, str | None]:
    for column in statement.columns:
        node = column.expr
        if type(node).__name__ != "Count":
            continue
        argument = node.this
        if type(argument).__name__ == "Distinct" and len(argument.expressions) == 1:
            argument = argument.expressions[0]
        name = argument.name if type(argument).__name__ == "Column" else None
        return column.name, name
    return None, None
