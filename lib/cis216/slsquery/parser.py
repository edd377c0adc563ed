"""Recursive-descent parser of the SLS search syntax.

Precedence, highest first, as SLS documents it: ``:`` > double quotes > parentheses > ``and`` >
``not`` > ``or``. Hence ``a or b and c`` = ``a or (b and c)``; ``a not b`` = ``a and not b``;
``a not b and c`` = ``a and not (b and c)``; adjacent terms are joined by ``and``.

Grammar (``not_scope="and"``, the documented reading)::

    or_expr   := not_expr ("or" not_expr)*
    not_expr  := ["not" and_expr | and_expr] ("not" and_expr)*
    and_expr  := primary (["and"] primary | "and" "not" and_expr)*
    primary   := "(" or_expr ")" | key ":" value | key ":" #"..." | key cmp word
               | key "in" ("["|"(") word word ("]"|")") | #"..." | word | "*"

A leading ``not`` therefore negates the whole ``and`` chain after it (``not a and b`` =
``not (a and b)``), which follows the precedence table but may surprise a reader. The parser
records such places in ``Statement.ambiguities``; ``not_scope="primary"`` parses the other
reading (``not`` negates one primary) so a judge can check whether the reading matters.
"""

from __future__ import annotations

from .ast import And, Comparison, FieldExists, MatchAll, Node, Not, Or, Phrase, Statement, Term, walk
from .errors import QuerySyntaxError
from .lexer import Token, split_pipe, tokenize

MAX_CONDITIONS = 30  # SLS rejects statements with more search conditions
MAX_WILDCARD_TERM = 64  # fuzzy terms are 1 to 64 characters
# Default delimiters: a wildcard right after one starts a new (leading-wildcard) piece.
_DEFAULT_DELIMS = set(", '\";=()[]{}?@&<>/:\n\t\r")


class _Parser:
    def __init__(self, tokens: list[Token], not_scope: str) -> None:
        self.tokens = tokens
        self.i = 0
        self.not_scope = not_scope
        self.ambiguities: list[str] = []

    # -- token helpers -------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.i + offset, len(self.tokens) - 1)]

    def take(self, kind: str | None = None) -> Token:
        tok = self.peek()
        if kind is not None and tok.kind != kind:
            raise QuerySyntaxError(f"expected {kind}, found {tok.kind} {tok.text!r}", tok.pos)
        self.i += 1
        return tok

    def _starts_primary(self) -> bool:
        return self.peek().kind in ("WORD", "PHRASE", "LPAREN")

    # -- grammar -------------------------------------------------------------------------
    def parse(self) -> Node:
        if self.peek().kind == "EOF":
            return MatchAll()  # empty search part: every log
        node = self.or_expr()
        tok = self.peek()
        if tok.kind != "EOF":
            raise QuerySyntaxError(f"unexpected {tok.kind} {tok.text!r}", tok.pos)
        return node

    def or_expr(self) -> Node:
        items = [self.not_expr()]
        while self.peek().kind == "OR":
            self.take()
            items.append(self.not_expr())
        return _flat(Or, items)

    def _negated_operand(self, not_tok: Token) -> Node:
        operand = self.and_expr()
        if isinstance(operand, And):
            self.ambiguities.append(
                f"'not' at character {not_tok.pos} negates the whole 'and' chain after it "
                "(SLS precedence: and > not)"
            )
        return operand

    def not_expr(self) -> Node:
        if self.not_scope == "primary":
            return self.and_expr()  # every `not` is handled as a prefix inside the and-chain
        if self.peek().kind == "NOT":
            tok = self.take()
            left: Node = Not(self._negated_operand(tok))
        else:
            left = self.and_expr()
        while self.peek().kind == "NOT":
            tok = self.take()
            if not self._starts_primary():
                raise QuerySyntaxError("'not' without an operand", tok.pos)
            left = _flat(And, [left, Not(self._negated_operand(tok))])
        return left

    def _unary(self) -> Node:
        """Alternative reading only: `not` negates the single primary after it."""
        if self.peek().kind == "NOT":
            self.take()
            return Not(self._unary())
        return self.primary()

    def and_expr(self) -> Node:
        if self.not_scope == "primary":
            items = [self._unary()]
            while True:
                kind = self.peek().kind
                if kind == "AND":
                    self.take()
                    items.append(self._unary())
                elif kind in ("WORD", "PHRASE", "LPAREN", "NOT"):
                    items.append(self._unary())  # implicit and; `a not b` = a and not b
                else:
                    break
            return _flat(And, items)
        items = [self.primary()]
        while True:
            kind = self.peek().kind
            if kind == "AND":
                and_tok = self.take()
                if self.peek().kind == "NOT":
                    not_tok = self.take()
                    items.append(Not(self._negated_operand(not_tok)))
                    break  # the negated and-chain consumed the rest of this chain
                if not self._starts_primary():
                    raise QuerySyntaxError("'and' without a right operand", and_tok.pos)
                items.append(self.primary())
            elif kind in ("WORD", "PHRASE", "LPAREN"):
                items.append(self.primary())  # implicit and
            else:
                break
        return _flat(And, items)

    def primary(self) -> Node:
        tok = self.peek()
        if tok.kind == "LPAREN":
            self.take()
            if self.peek().kind == "RPAREN":
                raise QuerySyntaxError("empty parentheses", tok.pos)
            node = self.or_expr()
            self.take("RPAREN")
            return node
        if tok.kind == "PHRASE":
            self.take()
            return Phrase(None, tok.text)
        if tok.kind != "WORD":
            if tok.kind == "EOF":
                raise QuerySyntaxError("statement ends where a term was expected", tok.pos)
            raise QuerySyntaxError(f"unexpected {tok.kind} {tok.text!r}", tok.pos)
        nxt = self.peek(1).kind
        if nxt == "COLON":
            return self.field_expr()
        if nxt == "CMP":
            return self.comparison()
        if nxt == "IN":
            return self.range_expr()
        self.take()
        if not tok.quoted and tok.text == "*":
            return MatchAll()
        return _term(None, tok)

    def _key(self) -> str:
        tok = self.take("WORD")
        if not tok.text:
            raise QuerySyntaxError("empty key", tok.pos)
        if tok.wildcard:
            raise QuerySyntaxError("wildcard in a key is not supported", tok.pos)
        if tok.reserved and not tok.quoted:
            raise QuerySyntaxError(f"reserved word {tok.text!r} must be quoted", tok.pos)
        return tok.text

    def field_expr(self) -> Node:
        key = self._key()
        self.take("COLON")
        tok = self.peek()
        if tok.kind == "PHRASE":
            self.take()
            return Phrase(key, tok.text)
        if tok.kind != "WORD":
            raise QuerySyntaxError(f"missing value after '{key}:'", tok.pos)
        self.take()
        if self.peek().kind == "COLON":
            # `a:b:c`: SLS wants a value with a colon quoted; do not guess the split.
            raise QuerySyntaxError("value contains ':' (quote it)", self.peek().pos)
        if not tok.quoted and tok.text == "*":
            return FieldExists(key)
        return _term(key, tok)

    def comparison(self) -> Node:
        key = self._key()
        op = self.take("CMP").text
        val = self.take("WORD")
        if val.quoted or val.wildcard:
            raise QuerySyntaxError("a numeric comparison needs a plain number", val.pos)
        return Comparison(key, op, (val.text,))

    def range_expr(self) -> Node:
        key = self._key()
        self.take("IN")
        open_tok = self.take()
        if open_tok.kind not in ("LBRACK", "LPAREN"):
            raise QuerySyntaxError("expected '[' or '(' after 'in'", open_tok.pos)
        lo = self.take("WORD")
        hi = self.take("WORD")
        close_tok = self.take()
        if close_tok.kind not in ("RBRACK", "RPAREN"):
            raise QuerySyntaxError("expected ']' or ')' to close the range", close_tok.pos)
        return Comparison(key, "in", (lo.text, hi.text), open_tok.text + close_tok.text)


def _term(field: str | None, tok: Token) -> Term:
    if tok.reserved and not tok.quoted:
        raise QuerySyntaxError(f"reserved word {tok.text!r} must be quoted", tok.pos)
    if tok.text == "" and not tok.quoted:
        raise QuerySyntaxError("empty term", tok.pos)
    if tok.wildcard:
        value = tok.text
        starts = [0] + [k + 1 for k, ch in enumerate(value) if ch in _DEFAULT_DELIMS and ch != "?"]
        if any(s < len(value) and value[s] in "*?" for s in starts):
            raise QuerySyntaxError("a term cannot start with a wildcard", tok.pos)
        if len(value) > MAX_WILDCARD_TERM:
            raise QuerySyntaxError("a fuzzy term is limited to 64 characters", tok.pos)
    return Term(field, tok.text, quoted=tok.quoted, wildcard=tok.wildcard)


def _flat(cls: type, items: list[Node]) -> Node:
    """Build And/Or, merging nested nodes of the same kind (associativity)."""
    if len(items) == 1:
        return items[0]
    out: list[Node] = []
    for item in items:
        if isinstance(item, cls):
            out.extend(item.items)  # type: ignore[attr-defined]
        else:
            out.append(item)
    return cls(tuple(out))


def parse_search(text: str, not_scope: str = "and") -> tuple[Node, tuple[str, ...]]:
    """Parse a search part (no ``|``). Returns (AST, ambiguities)."""
    if not_scope not in ("and", "primary"):
        raise ValueError("not_scope must be 'and' or 'primary'")
    parser = _Parser(tokenize(text), not_scope)
    node = parser.parse()
    conditions = sum(1 for n in walk(node) if isinstance(n, (Term, FieldExists, Phrase, Comparison)))
    if conditions > MAX_CONDITIONS:
        raise QuerySyntaxError(f"{conditions} search conditions; SLS allows at most {MAX_CONDITIONS}", 0)
    return node, tuple(parser.ambiguities)


def parse_statement(text: str, not_scope: str = "and") -> Statement:
    """Parse ``search | analytics``. Raises QuerySyntaxError on anything not understood."""
    if text is None:
        raise QuerySyntaxError("no query", 0)
    search, pipe = split_pipe(text)
    node, ambiguities = parse_search(search, not_scope)
    return Statement(search=node, pipe=pipe, ambiguities=ambiguities)
