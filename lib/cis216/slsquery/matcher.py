"""Decide whether one log (a flat ``field -> value`` dict) matches a search AST, like SLS does.

Model (docs/slsquery.md, /work/shared/reference/sls-query-semantics.md):
- a text value is split into tokens on the field's delimiters; a term matches when it equals a
  token (case-insensitively unless the index is case-sensitive);
- a query value containing delimiters is split the same way and its pieces are and-ed;
- unquoted ``*`` / ``?`` are wildcards within ONE token; inside double quotes they are literal;
- a field search on a field the index does not cover matches nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .ast import And, Comparison, FieldExists, MatchAll, Node, Not, Or, Phrase, Term
from .index import DEFAULT_DELIMITERS, FieldIndex, IndexConfig

_WILD = frozenset("*?")


def split_tokens(value: str, delimiters: frozenset[str]) -> list[str]:
    """Split ``value`` on any delimiter character, dropping empty pieces."""
    out: list[str] = []
    cur: list[str] = []
    for ch in value:
        if ch in delimiters:
            if cur:
                out.append("".join(cur))
                cur = []
        else:
            cur.append(ch)
    if cur:
        out.append("".join(cur))
    return out


@lru_cache(maxsize=4096)
def _pattern(piece: str, case_sensitive: bool) -> re.Pattern[str]:
    # `*` = any run of characters, `?` = exactly one, within a single token (anchored).
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in piece)
    return re.compile(body, re.DOTALL if case_sensitive else re.IGNORECASE | re.DOTALL)


def _fold(s: str, case_sensitive: bool) -> str:
    return s if case_sensitive else s.lower()


def query_pieces(term: Term, delimiters: frozenset[str]) -> list[tuple[str, bool]]:
    """Split a term's value the way SLS does; each piece with "is a wildcard pattern"."""
    if term.wildcard and not term.quoted:
        pieces = split_tokens(term.value, delimiters - _WILD)
        return [(p, any(c in _WILD for c in p)) for p in pieces]
    return [(p, False) for p in split_tokens(term.value, delimiters)]


def _piece_matches(piece: str, is_pattern: bool, tokens: list[str], cs: bool) -> bool:
    if is_pattern:
        pat = _pattern(piece, cs)
        return any(pat.fullmatch(t) for t in tokens)
    p = _fold(piece, cs)
    return any(_fold(t, cs) == p for t in tokens)


def _field_values(event: dict[str, str], name: str) -> list[str]:
    """The value(s) of ``name``: the field itself, or all leaves under it (a JSON parent)."""
    if name in event:
        return [str(event[name])]
    prefix = name + "."
    return [str(v) for k, v in event.items() if k.startswith(prefix)]


def _numeric(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _match_field_term(term: Term, event: dict[str, str], index: IndexConfig) -> bool:
    assert term.field is not None
    fi = index.field_index(term.field)
    if fi is None:
        return False  # SLS cannot field-search a field that has no field index
    values = _field_values(event, term.field)
    if not values:
        return False
    if fi.type in ("long", "double"):
        want = _numeric(term.value)
        return want is not None and not term.wildcard and any(_numeric(v) == want for v in values)
    pieces = query_pieces(term, fi.delimiters)
    if not pieces:
        return False
    tokens = [t for v in values for t in split_tokens(v, fi.delimiters)]
    return all(_piece_matches(p, w, tokens, fi.case_sensitive) for p, w in pieces)


def _full_text_tokens(event: dict[str, str], index: IndexConfig) -> list[tuple[list[str], FieldIndex]]:
    """Token lists searched by bare terms, one per field, with the settings that made them."""
    out: list[tuple[list[str], FieldIndex]] = []
    for key, value in event.items():
        fi = index.full_text_index(key)
        if fi is None:
            continue
        out.append((split_tokens(str(value), fi.delimiters), fi))
        if index.line is not None:
            # The full-text index stores field names as text too. A flat `event.errorCode`
            # stands for a JSON path, so each path segment is a name SLS would have seen.
            out.append((split_tokens(key.replace(".", " "), index.line.delimiters), index.line))
    return out


def _match_bare_term(term: Term, event: dict[str, str], index: IndexConfig) -> bool:
    delims = index.line.delimiters if index.line is not None else DEFAULT_DELIMITERS
    pieces = query_pieces(term, delims)
    if not pieces:
        return False
    fields = _full_text_tokens(event, index)
    return all(any(_piece_matches(p, w, toks, fi.case_sensitive) for toks, fi in fields) for p, w in pieces)


def _contains_run(tokens: list[str], run: list[str], cs: bool) -> bool:
    toks = [_fold(t, cs) for t in tokens]
    want = [_fold(t, cs) for t in run]
    n = len(want)
    return any(toks[i : i + n] == want for i in range(len(toks) - n + 1))


def _match_phrase(node: Phrase, event: dict[str, str], index: IndexConfig) -> bool:
    if node.field is not None:
        fi = index.field_index(node.field)
        if fi is None or fi.type in ("long", "double"):
            return False
        run = split_tokens(node.text, fi.delimiters)
        return bool(run) and any(
            _contains_run(split_tokens(v, fi.delimiters), run, fi.case_sensitive)
            for v in _field_values(event, node.field)
        )
    for key, value in event.items():
        fi = index.full_text_index(key)
        if fi is None:
            continue
        run = split_tokens(node.text, fi.delimiters)
        if run and _contains_run(split_tokens(str(value), fi.delimiters), run, fi.case_sensitive):
            return True
    return False


def _match_comparison(node: Comparison, event: dict[str, str], index: IndexConfig) -> bool:
    fi = index.field_index(node.field)
    if fi is not None and fi.type in ("long", "double"):
        nums = [_numeric(v) for v in _field_values(event, node.field)]
        bounds = [b for b in map(_numeric, node.values) if b is not None]
        if len(bounds) != len(node.values):
            return False
        for x in nums:
            if x is None:
                continue
            if node.op == "in":
                lo, hi = bounds
                lo_ok = x >= lo if node.bounds[:1] == "[" else x > lo
                hi_ok = x <= hi if node.bounds[-1:] == "]" else x < hi
                if lo_ok and hi_ok:
                    return True
            elif _compare(x, node.op, bounds[0]):
                return True
        return False
    # On a text field SLS degrades the statement to a full-text search of its pieces.
    pieces = [node.field, *node.values]
    return all(_match_bare_term(Term(None, p), event, index) for p in pieces)


def _compare(x: float, op: str, y: float) -> bool:
    return {"=": x == y, ">": x > y, ">=": x >= y, "<": x < y, "<=": x <= y}[op]


def matches(node: Node, event: dict[str, str], index: IndexConfig | None = None) -> bool:
    """True when SLS would return ``event`` for the search ``node`` under ``index``."""
    idx = index if index is not None else IndexConfig.default()
    return _matches(node, event, idx)


def _matches(node: Node, event: dict[str, str], index: IndexConfig) -> bool:
    if isinstance(node, MatchAll):
        return True
    if isinstance(node, And):
        return all(_matches(n, event, index) for n in node.items)
    if isinstance(node, Or):
        return any(_matches(n, event, index) for n in node.items)
    if isinstance(node, Not):
        return not _matches(node.item, event, index)
    if isinstance(node, Term):
        if node.field is None:
            return _match_bare_term(node, event, index)
        return _match_field_term(node, event, index)
    if isinstance(node, FieldExists):
        return index.is_indexed(node.field) and bool(_field_values(event, node.field))
    if isinstance(node, Phrase):
        return _match_phrase(node, event, index)
    if isinstance(node, Comparison):
        return _match_comparison(node, event, index)
    raise TypeError(f"not a search node: {node!r}")
