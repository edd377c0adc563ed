"""SLS search-statement semantics for judging alert queries (pure: no I/O, no SDK).

stmt = parse_statement(text)                 # Statement(search, pipe, ambiguities)
matches(stmt.search, {"event.errorCode": "Forbidden.RAM"}, IndexConfig.default())
judge_query(text, index, required_codes)     # QueryJudgement
"""

from __future__ import annotations

from .ast import And, Comparison, FieldExists, MatchAll, Node, Not, Or, Phrase, Statement, Term, walk
from .condition import ConditionError, condition_fires, minimum_count_to_fire, parse_condition
from .errors import QuerySyntaxError
from .events import (
    DEFAULT_REQUIRED_CODES,
    TOPIC_LOG_AUDIT,
    TOPIC_TRAIL,
    RepresentativeEvent,
    negative_controls,
    representative_events,
)
from .execution import QueryExecution
from .index import DEFAULT_DELIMITERS, SOURCE_DEFAULTS, SOURCE_LOGSTORE, FieldIndex, IndexConfig
from .judge import QueryJudgement, judge_query, suggested_query
from .lexer import split_pipe, tokenize
from .matcher import matches, split_tokens
from .parser import parse_search, parse_statement
from .pipe import PipeAnalysis, analyze_pipe

__all__ = [
    "DEFAULT_DELIMITERS",
    "DEFAULT_REQUIRED_CODES",
    "SOURCE_DEFAULTS",
    "SOURCE_LOGSTORE",
    "TOPIC_LOG_AUDIT",
    "TOPIC_TRAIL",
    "And",
    "Comparison",
    "ConditionError",
    "FieldExists",
    "FieldIndex",
    "IndexConfig",
    "MatchAll",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "PipeAnalysis",
    "QueryExecution",
    "QueryJudgement",
    "QuerySyntaxError",
    "RepresentativeEvent",
    "Statement",
    "Term",
    "analyze_pipe",
    "condition_fires",
    "judge_query",
    "matches",
    "minimum_count_to_fire",
    "negative_controls",
    "parse_condition",
    "parse_search",
    "parse_statement",
    "representative_events",
    "split_pipe",
    "split_tokens",
    "suggested_query",
    "tokenize",
    "walk",
]
