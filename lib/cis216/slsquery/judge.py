"""Judge an alert query by meaning: would it return a row for every required error code?"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .ast import Comparison, FieldExists, Node, Phrase, Statement, Term, walk
from .errors import QuerySyntaxError
from .events import (
    CONTEXT_VARIANT,
    DEFAULT_REQUIRED_CODES,
    TOPIC_TRAIL,
    RepresentativeEvent,
    context_variants,
    representative_events,
)
from .execution import QueryExecution, execute
from .index import IndexConfig
from .lexer import split_pipe
from .matcher import matches
from .parser import parse_statement
from .pipe import PipeAnalysis, analyze_pipe, not_executable
from .sql import SqlNotExecutable


@dataclass(frozen=True)
class QueryJudgement:
    verdict: str  # complete | incomplete | unverifiable
    missed_codes: list[str]  # required families with at least one event the query does not match
    matched_codes: list[str]
    matches_everything: bool  # also matches every negative control (no real filtering)
    pipe: PipeAnalysis
    index_source: str  # 'logstore index' | 'SLS defaults'
    detail: str
    missed_events: list[str] = field(default_factory=list)  # concrete codes, e.g. Forbidden.RAM
    negatives_matched: list[str] = field(default_factory=list)
    literal_wildcards: list[str] = field(default_factory=list)  # quoted values with a literal *
    unindexed_fields: list[str] = field(default_factory=list)
    ambiguities: list[str] = field(default_factory=list)
    syntax_error: str | None = None
    suggested_query: str = ""
    # codes matched in the base event but missed in another context (the query narrows on the
    # region, event kind, service, caller, address or time of the call)
    missed_in_context: list[str] = field(default_factory=list)
    # families the search part keeps but the analytic statement drops or does not count
    missed_by_sql: list[str] = field(default_factory=list)
    # the statement run over the events the search kept; None when it cannot be run
    execution: QueryExecution | None = field(default=None, compare=False, repr=False)


def suggested_query(required_codes: tuple[str, ...] | list[str] | None = None) -> str:
    """A query that catches every required code (values unquoted so ``X.*`` is a wildcard)."""
    codes = list(required_codes) if required_codes is not None else list(DEFAULT_REQUIRED_CODES)
    ors = " or ".join(f"event.errorCode: {c}" for c in codes)
    return f"event.eventType: ApiCall and ({ors}) | select count(1) as cnt"


def _key(ev: RepresentativeEvent) -> str:
    return f"{ev.family}\x00{ev.error_code}\x00{ev.context}"


def _evaluate(node: Node, events: list[RepresentativeEvent], index: IndexConfig) -> dict[str, bool]:
    """Per event key (family or negative name + code + context): does the search match it?"""
    return {_key(ev): matches(node, ev.event, index) for ev in events}


def _families(
    results: dict[str, bool], events: list[RepresentativeEvent]
) -> tuple[list[str], list[str], list[str]]:
    matched: list[str] = []
    missed: list[str] = []
    missed_events: list[str] = []
    order: list[str] = []
    for ev in events:
        if not ev.negative and ev.family not in order:
            order.append(ev.family)
    for family in order:
        fam_events = [ev for ev in events if ev.family == family and not ev.negative]
        misses: list[str] = []
        for ev in fam_events:
            if not results[_key(ev)] and (ev.error_code or "") not in misses:
                misses.append(ev.error_code or "")
        (missed if misses else matched).append(family)
        missed_events.extend(misses)
    return matched, missed, missed_events


def _missed_only_in_context(results: dict[str, bool], events: list[RepresentativeEvent]) -> list[str]:
    """Codes whose base event matches but whose context variant does not."""
    base = {(ev.family, ev.error_code): results[_key(ev)] for ev in events if not ev.context}
    out: list[str] = []
    for ev in events:
        if ev.context and base.get((ev.family, ev.error_code)) and not results[_key(ev)]:
            out.append(ev.error_code or "")
    return out


@dataclass(frozen=True)
class _Outcome:
    """What running the representative events through the search showed."""

    matched: list[str]
    missed: list[str]
    missed_events: list[str]
    in_context: list[str]
    negatives: list[str]
    everything: bool  # every negative control matched too


def _outcome(results: dict[str, bool], events: list[RepresentativeEvent]) -> _Outcome:
    matched, missed, missed_events = _families(results, events)
    negatives = [ev.family for ev in events if ev.negative and results[_key(ev)]]
    n_neg = sum(1 for ev in events if ev.negative)
    return _Outcome(
        matched=matched,
        missed=missed,
        missed_events=missed_events,
        in_context=_missed_only_in_context(results, events),
        negatives=negatives,
        everything=n_neg > 0 and len(negatives) == n_neg,
    )


@dataclass(frozen=True)
class _Shape:
    """What the search says on its face, given the index."""

    literal_wildcards: list[str]  # quoted values holding a `*` or `?`
    unindexed_fields: list[str]
    text_comparisons: list[str]  # fields compared numerically but not indexed as numbers


def _shape(node: Node, index: IndexConfig) -> _Shape:
    nodes = list(walk(node))
    literal = {
        f'{n.field + ": " if n.field else ""}"{n.value}"'
        for n in nodes
        if isinstance(n, Term) and n.quoted and ("*" in n.value or "?" in n.value)
    }
    fields = {n.field for n in nodes if isinstance(n, (Term, FieldExists, Phrase, Comparison)) and n.field}
    text_comparisons = {
        n.field for n in nodes if isinstance(n, Comparison) and not _numeric_field(index, n.field)
    }
    return _Shape(
        literal_wildcards=sorted(literal),
        unindexed_fields=sorted(f for f in fields if not index.is_indexed(f)),
        text_comparisons=sorted(text_comparisons),
    )


def _numeric_field(index: IndexConfig, name: str) -> bool:
    field_index = index.field_index(name)
    return field_index is not None and field_index.type in ("long", "double")


def _reading_of_not(
    text: str, stmt: Statement, events: list[RepresentativeEvent], index: IndexConfig, missed: list[str]
) -> tuple[str | None, str]:
    """(problem, note) about a leading `not` whose scope the precedence table decided."""
    if not stmt.ambiguities:
        return None, ""
    # Read `not` the other way (negating one term). If that flips complete/incomplete, the
    # verdict hangs on a precedence question we cannot settle from documentation alone.
    other = parse_statement(text, not_scope="primary")
    _, other_missed, _ = _families(_evaluate(other.search, events, index), events)
    if bool(other_missed) != bool(missed):
        return "the reading of a leading 'not' decides the verdict: " + "; ".join(stmt.ambiguities), ""
    if other_missed != missed:
        return None, (
            "a leading 'not' was read by SLS precedence (and > not); read as "
            f"negating one term it would miss {', '.join(other_missed)} instead"
        )
    return None, (
        "a leading 'not' was read by SLS precedence (and > not); the other reading gives the same result"
    )


def _search_problems(ambiguity: str | None, shape: _Shape) -> list[str]:
    """What makes the search part's own result uncertain."""
    problems = [ambiguity] if ambiguity else []
    if shape.text_comparisons:
        problems.append(
            "numeric comparison on a field not indexed as long/double "
            f"({', '.join(shape.text_comparisons)}): SLS degrades it to a full-text search"
        )
    return problems


@dataclass(frozen=True)
class _Sql:
    """The analytic statement run over what the search kept."""

    pipe: PipeAnalysis
    execution: QueryExecution | None
    missed: list[str]  # families the search keeps but the statement drops or does not count
    counted_absent: list[str]  # count(col) columns absent from a dropped call (why it is dropped)


def _run_sql(pipe: PipeAnalysis, events: list[RepresentativeEvent], results: dict[str, bool]) -> _Sql:
    if pipe.kind == "unknown":
        return _Sql(pipe, None, [], [])
    try:
        execution = execute(pipe.statement, events, {id(e): results[_key(e)] for e in events})
    except SqlNotExecutable as exc:
        return _Sql(not_executable(str(exc)), None, [], [])
    except (ArithmeticError, TypeError, ValueError, RecursionError) as exc:
        # An evaluation this module did not foresee: never a crash of the scan, never a guess.
        return _Sql(not_executable(f"evaluation failed ({type(exc).__name__}: {exc})"), None, [], [])
    seen = {id(e) for e in execution.seen}
    dropped = [e for e in events if not e.negative and results[_key(e)] and id(e) not in seen]
    missed = list(dict.fromkeys(e.family for e in dropped))
    counted = [pipe.count_argument] if pipe.count_argument else []
    absent = [c for c in counted if any(not _carries(e.event, c) for e in dropped)]
    return _Sql(pipe, execution, missed, absent)


def _carries(event: dict[str, str], column: str) -> bool:
    prefix = column + "."
    return any(k == column or k.startswith(prefix) for k in event)


def _notes(outcome: _Outcome, shape: _Shape, sql: _Sql, ambiguity_note: str, source: str) -> list[str]:
    notes: list[str] = []
    if outcome.missed:
        notes.append(
            f"would not alert on {', '.join(outcome.missed)} (e.g. {', '.join(outcome.missed_events)})"
        )
    if sql.missed:
        notes.append(f"the analytic statement drops or does not count the calls of {', '.join(sql.missed)}")
    for column in sql.counted_absent:
        notes.append(f"the analytic statement counts only logs where {column} is not null")
    if outcome.in_context:
        notes.append(
            f"{', '.join(outcome.in_context)} would alert only in some contexts: the query narrows on "
            "the call's region, event kind, service, caller, address or time and misses " + CONTEXT_VARIANT
        )
    if shape.literal_wildcards:
        notes.append(
            "inside double quotes * is literal, not a wildcard: " + ", ".join(shape.literal_wildcards)
        )
    if shape.unindexed_fields:
        notes.append(
            "fields not in the logstore index (a field search on them matches nothing): "
            + ", ".join(shape.unindexed_fields)
        )
    if ambiguity_note:
        notes.append(ambiguity_note)
    if outcome.everything:
        notes.append(
            "the search also matches successful calls and console sign-ins (it does not filter on the error)"
        )
    notes.append(f"judged with {source}")
    return notes


def _verdict(
    search_problems: list[str], search_missed: list[str], sql: _Sql, notes: list[str], missed: list[str]
) -> tuple[str, str]:
    """(verdict, detail). Codes the search part drops are missed whatever SQL follows: SQL cannot
    bring back logs the search removed, so an analytic statement we cannot run does not matter."""
    sql_problem = [f"analytic statement {sql.pipe.detail}"] if sql.pipe.kind == "unknown" else []
    if search_problems:
        return "unverifiable", "; ".join(search_problems + sql_problem + notes)
    if search_missed:
        return "incomplete", "; ".join(notes + sql_problem)
    if sql_problem:
        return "unverifiable", "; ".join(sql_problem + notes)
    if missed:
        return "incomplete", "; ".join(notes)
    return "complete", "; ".join(["matches an ApiCall event for every required code", *notes])


def _not_understood(
    text: str, error: QuerySyntaxError, index: IndexConfig, suggestion: str, events: list[RepresentativeEvent]
) -> QueryJudgement:
    # The SQL is still run, as if the search kept every call: a template whose search statement
    # cannot be read is accepted on identity, and its trigger is judged on these rows.
    sql = _run_sql(analyze_pipe(split_pipe(text)[1]), events, {_key(e): not e.negative for e in events})
    return QueryJudgement(
        verdict="unverifiable",
        missed_codes=[],
        matched_codes=[],
        matches_everything=False,
        pipe=sql.pipe,
        index_source=index.source,
        detail=f"search statement not understood: {error}",
        syntax_error=str(error),
        suggested_query=suggestion,
        execution=sql.execution,
    )


def judge_query(
    text: str | None,
    index: IndexConfig | dict[str, Any] | None = None,
    required_codes: tuple[str, ...] | list[str] | None = None,
    topic: str = TOPIC_TRAIL,
    member_account: str | None = None,
) -> QueryJudgement:
    """Parse ``text``, run the representative events through its search part and its analytic
    statement, and say whether every required code family is seen.

    'incomplete' lists (``missed_codes``) the families that would not alert: dropped by the search
    part (whatever SQL follows) or by the statement. 'unverifiable' on a syntax error, a statement
    that cannot be executed, a numeric comparison on a non-numeric field, or a precedence ambiguity
    whose readings disagree. ``topic`` is the feed's ``__topic__`` (``actiontrail_event`` for the
    Log Audit central logstore). ``member_account``: judge the events of that member of an
    organisation trail (``representative_events``): a query narrowed away from it misses them.
    """
    # `index` may be a raw GetIndex answer from the snapshot, or None (SLS defaults).
    idx = index if isinstance(index, IndexConfig) else IndexConfig.from_get_index(index)
    codes = tuple(required_codes) if required_codes is not None else DEFAULT_REQUIRED_CODES
    suggestion = suggested_query(codes)
    text = text or ""
    events = representative_events(codes, topic, member_account)
    events += context_variants(events)
    try:
        stmt = parse_statement(text)
    except QuerySyntaxError as exc:
        return _not_understood(text, exc, idx, suggestion, events)
    results = _evaluate(stmt.search, events, idx)
    searched = _outcome(results, events)
    sql = _run_sql(analyze_pipe(stmt.pipe), events, results)
    seen = {id(e) for e in sql.execution.seen} if sql.execution else None
    outcome = _outcome(
        {_key(e): results[_key(e)] and (seen is None or id(e) in seen) for e in events}, events
    )
    outcome = replace(outcome, negatives=searched.negatives, everything=searched.everything)
    shape = _shape(stmt.search, idx)
    ambiguity, ambiguity_note = _reading_of_not(text, stmt, events, idx, searched.missed)
    notes = _notes(outcome, shape, sql, ambiguity_note, idx.source)
    verdict, detail = _verdict(
        _search_problems(ambiguity, shape), searched.missed, sql, notes, outcome.missed
    )
    return QueryJudgement(
        verdict=verdict,
        missed_codes=outcome.missed,
        matched_codes=outcome.matched,
        matches_everything=outcome.everything,
        pipe=sql.pipe,
        index_source=idx.source,
        detail=detail,
        missed_events=outcome.missed_events,
        negatives_matched=outcome.negatives,
        literal_wildcards=shape.literal_wildcards,
        unindexed_fields=shape.unindexed_fields,
        ambiguities=list(stmt.ambiguities),
        suggested_query=suggestion,
        missed_in_context=outcome.in_context,
        missed_by_sql=sql.missed,
        execution=sql.execution,
    )
