"""Read the analytic statement (the SQL after ``|``) into something ``sqlexec`` can run.

SLS analyses logs with a Presto-like SQL dialect; sqlglot's ``presto`` dialect parses it. It is
imported here only, and only when a statement is read: importing it costs about 75 ms, which a
Function Compute cold start should not pay for alerts without an analytic statement.

What cannot be executed faithfully raises ``SqlNotExecutable`` naming the construct: joins,
subqueries, set operations, window functions, reading another table, an alias that SLS may not
resolve (``HAVING cnt > 0``), a column that is neither grouped nor aggregated. Function calls
are checked when the statement runs (``sqleval``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the import itself happens in _sqlglot(), on first use
    from sqlglot import exp

# Presto names an unaliased select item _col<i>; a bare column keeps its own name.
UNNAMED = "_col{}"
# Fields that differ between two calls of one burst: counting their distinct values counts calls.
PER_CALL_FIELDS = frozenset({"event.eventId", "event.requestId"})


# SLS functions sqlglot does not know that are certainly scalar (one value per log): they are not
# computed, but cannot change how many rows there are (``sqleval.Opaque``).
SCALAR_ONLY_FUNCTIONS = frozenset(
    {
        "ip_to_country", "ip_to_province", "ip_to_city", "ip_to_provider", "ip_to_geo",
        "ip_to_domain", "ip_to_city_geo", "ip_to_country_code", "url_extract_host",
        "url_extract_path", "url_extract_parameter", "url_extract_port", "url_extract_protocol",
        "url_extract_query", "url_decode", "url_encode", "md5", "sha1", "sha256",
    }
)  # fmt: skip


class SqlNotExecutable(Exception):
    """The statement (or a construct in it) cannot be executed faithfully; the message names it."""


@dataclass(frozen=True, eq=False)
class OutputColumn:
    name: str
    expr: exp.Expression


@dataclass(frozen=True, eq=False)
class AnalyticStatement:
    """One SELECT over the logs the search selected, its parts resolved (aliases, ordinals)."""

    text: str
    columns: tuple[OutputColumn, ...]
    star: bool  # `select *`: every field of the log
    where: exp.Expression | None
    group: tuple[exp.Expression, ...]
    having: exp.Expression | None
    order: tuple[tuple[exp.Expression, bool], ...]  # (expression or output alias column, descending)
    limit: int | None
    offset: int
    distinct: bool
    aggregates: tuple[exp.Expression, ...]  # every aggregate call, in select/having/order
    fields: frozenset[str] = field(default_factory=frozenset)  # log fields the statement reads

    @property
    def aggregated(self) -> bool:
        """One row per group (or exactly one row without GROUP BY), not one row per log."""
        return bool(self.aggregates or self.group)

    @property
    def output_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _sqlglot() -> Any:
    import sqlglot  # lazy: see the module docstring

    return sqlglot


def parse_analytic(text: str) -> AnalyticStatement:
    """Parse and resolve ``text``; raises SqlNotExecutable."""
    sqlglot = _sqlglot()
    try:
        statements = [s for s in sqlglot.parse(text, read="presto") if s is not None]
    except Exception as exc:  # sqlglot raises ParseError, TokenError and, on odd input, others
        raise SqlNotExecutable(f"SQL not understood: {_first_line(exc)}") from exc
    if len(statements) != 1:
        raise SqlNotExecutable("several SQL statements")
    select = statements[0]
    exp = sqlglot.exp
    if not isinstance(select, exp.Select):
        raise SqlNotExecutable(f"a {type(select).__name__.upper()} statement, not one SELECT")
    _refuse_constructs(select, exp)
    return _resolve(text, select, exp)


def _first_line(exc: Exception) -> str:
    message = str(exc).strip().splitlines()
    return message[0] if message else type(exc).__name__


_REFUSED = {
    "Join": "a JOIN",
    "Subquery": "a subquery",
    "Union": "a UNION",
    "Intersect": "an INTERSECT",
    "Except": "an EXCEPT",
    "With": "a WITH clause",
    "Window": "a window function (OVER)",
    "Lambda": "a lambda expression",
    "Unnest": "UNNEST",
    "Lateral": "a LATERAL view",
    "Filter": "an aggregate FILTER clause",
    "Placeholder": "a parameter placeholder",
}


def _refuse_constructs(select: exp.Select, exp: Any) -> None:
    for node in select.walk():
        name = _REFUSED.get(type(node).__name__)
        if name:
            raise SqlNotExecutable(name)
        if isinstance(node, exp.Select) and node is not select:
            raise SqlNotExecutable("a subquery")
    source = select.args.get("from_") or select.args.get("from")
    if source is not None:
        table = source.this
        if not isinstance(table, exp.Table) or table.name.lower() != "log" or table.args.get("db"):
            raise SqlNotExecutable(f"reads from {source.this.sql('presto')}, not from the log")
    for call in select.find_all(exp.Anonymous):
        if call.name.lower() not in SCALAR_ONLY_FUNCTIONS:  # it could be an aggregate
            raise SqlNotExecutable(f"function {call.name}(), whose meaning is not known")
    for column in select.find_all(exp.Column):
        if column.table:
            raise SqlNotExecutable(
                f"column {column.sql('presto')} is not quoted: SLS needs dotted names in double quotes"
            )


def _resolve(text: str, select: exp.Select, exp: Any) -> AnalyticStatement:
    columns, star = _output_columns(select, exp)
    by_alias = {i.alias: i.this for i in select.expressions if isinstance(i, exp.Alias)}
    group = tuple(_group_key(g, columns, by_alias, exp) for g in _clause(select, "group"))
    having = select.args.get("having")
    having_expr = having.this if having is not None else None
    if having_expr is not None:
        _refuse_alias_in_having(having_expr, by_alias, exp)
    order = tuple(_order_key(o, columns, exp) for o in _clause(select, "order"))
    aggregates = _aggregates([c.expr for c in columns], having_expr, [o for o, _ in order], exp)
    statement = AnalyticStatement(
        text=text,
        columns=columns,
        star=star,
        where=select.args["where"].this if select.args.get("where") is not None else None,
        group=group,
        having=having_expr,
        order=order,
        limit=_integer(select.args.get("limit"), "LIMIT"),
        offset=_integer(select.args.get("offset"), "OFFSET") or 0,
        distinct=select.args.get("distinct") is not None,
        aggregates=aggregates,
        fields=frozenset(c.name for c in select.find_all(exp.Column) if c.name not in by_alias),
    )
    if star and statement.aggregated:
        raise SqlNotExecutable("select * with aggregates or GROUP BY")
    if not columns and not star:
        raise SqlNotExecutable("a SELECT without columns")
    if statement.aggregated:
        _check_grouped(statement, exp)
    if any(
        isinstance(a, exp.AggFunc) for agg in aggregates for a in agg.find_all(exp.AggFunc) if a is not agg
    ):
        raise SqlNotExecutable("an aggregate inside an aggregate")
    return statement


def _clause(select: exp.Select, name: str) -> list[exp.Expression]:
    node = select.args.get(name)
    return list(node.expressions) if node is not None else []


def _output_columns(select: exp.Select, exp: Any) -> tuple[tuple[OutputColumn, ...], bool]:
    columns: list[OutputColumn] = []
    star = False
    for i, item in enumerate(select.expressions):
        if isinstance(item, exp.Star):
            star = True
            continue
        if isinstance(item, exp.Alias):
            columns.append(OutputColumn(item.alias, item.this))
        elif isinstance(item, exp.Column):
            columns.append(OutputColumn(item.name, item))
        else:
            columns.append(OutputColumn(UNNAMED.format(i), item))
    return tuple(columns), star


def _group_key(
    key: exp.Expression, columns: tuple[OutputColumn, ...], by_alias: dict[str, exp.Expression], exp: Any
) -> exp.Expression:
    """SLS groups by an output alias or ordinal as well as by an expression over the log."""
    if isinstance(key, exp.Literal) and not key.is_string:
        return _ordinal(key, columns)
    if isinstance(key, exp.Column) and key.name in by_alias:
        return by_alias[key.name]
    return key


def _ordinal(key: exp.Expression, columns: tuple[OutputColumn, ...]) -> exp.Expression:
    position = int(key.this)
    if not 1 <= position <= len(columns):
        raise SqlNotExecutable(f"ordinal {position} outside the select list")
    return columns[position - 1].expr


def _order_key(ordered: exp.Expression, columns: tuple[OutputColumn, ...], exp: Any) -> tuple[Any, bool]:
    key = ordered.this if isinstance(ordered, exp.Ordered) else ordered
    descending = bool(ordered.args.get("desc")) if isinstance(ordered, exp.Ordered) else False
    if isinstance(key, exp.Literal) and not key.is_string:
        key = _ordinal(key, columns)
    return key, descending


def _refuse_alias_in_having(having: exp.Expression, by_alias: dict[str, Any], exp: Any) -> None:
    # Presto resolves HAVING against the log's columns, never against select aliases; whether
    # SLS does is not documented, so a HAVING that names an alias is not guessed at.
    for column in having.find_all(exp.Column):
        if column.name in by_alias:
            raise SqlNotExecutable(f"HAVING refers to the select alias {column.name}")


def _aggregates(
    outputs: list[exp.Expression], having: exp.Expression | None, order: list[Any], exp: Any
) -> tuple[exp.Expression, ...]:
    found: list[exp.Expression] = []
    for root in [*outputs, *([having] if having is not None else []), *order]:
        for node in root.find_all(exp.AggFunc):
            if not any(node is other for other in found):
                found.append(node)
    return tuple(found)


def _check_grouped(statement: AnalyticStatement, exp: Any) -> None:
    """Every column read outside an aggregate must be a GROUP BY key (or inside one)."""
    keys = {g.sql("presto") for g in statement.group}
    aliases = set(statement.output_names)
    roots = [c.expr for c in statement.columns]
    roots += [statement.having] if statement.having is not None else []
    roots += [o for o, _ in statement.order]
    for root in roots:
        for column in root.find_all(exp.Column):
            if _inside_aggregate(column, root, exp) or _covered(column, root, keys):
                continue
            if column.name in aliases and root in [o for o, _ in statement.order]:
                continue
            raise SqlNotExecutable(f"column {column.name} is neither grouped nor aggregated")


def _inside_aggregate(node: exp.Expression, root: exp.Expression, exp: Any) -> bool:
    parent: Any = node.parent
    while parent is not None and node is not root:
        if isinstance(parent, exp.AggFunc):
            return True
        node, parent = parent, parent.parent
    return False


def _covered(node: Any, root: exp.Expression, keys: set[str]) -> bool:
    while True:
        if node.sql("presto") in keys:
            return True
        if node is root or node.parent is None:
            return False
        node = node.parent


def _integer(clause: exp.Expression | None, name: str) -> int | None:
    if clause is None:
        return None
    value = clause.args.get("expression")
    try:
        number = int(value.this) if value is not None and not value.is_string else None
    except (AttributeError, ValueError):
        number = None
    if number is None or number < 0:
        raise SqlNotExecutable(f"{name} without a non-negative integer")
    return number
