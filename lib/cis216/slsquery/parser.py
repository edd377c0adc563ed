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

Tokens come from ``lexer.tokenize`` and are walked with the ``_cursor.Cursor`` the other two
parsers use; more than ``_cursor.MAX_DEPTH`` (100) nested parentheses is a syntax error.
"""

from __future__ import annotations

from ._cursor import Cursor, Token, TokenKind
from .ast import And, Comparison, FieldExists, MatchAll, Node, Not, Or, Phrase, Statement, Term, walk
from .errors import QuerySyntaxError
from .index import DEFAULT_DELIMITERS
from .lexer import split_pipe, tokenize

MAX_CONDITIONS = 30  # SLS rejects statements with more search conditions
MAX_WILDCARD_TERM = 64  # fuzzy terms are 1 to 64 characters
# A wildcard right after a default delimiter starts a new (leading-wildcard) piece; `?` is a
# delimiter but, in a term, a wildcard.
_PIECE_BREAKS = DEFAULT_DELIMITERS - {"?"}
_STARTS_PRIMARY: frozenset[TokenKind] = frozenset({"WORD", "PHRASE", "LPAREN"})
_STARTS_UNARY: frozenset[TokenKind] = _STARTS_PRIMARY | {"NOT"}


class _Parser:
    def __init__(self, tokens: list[Token], not_scope: str) -> None:
        self.c = Cursor(tokens, QuerySyntaxError, ends_early="statement ends where a term was expected")
        self.not_scope = not_scope
        self.ambiguities: list[str] = []

    def _starts_primary(self) -> bool:
        return self.c.peek().kind in _STARTS_PRIMARY

    def _unexpected(self) -> QuerySyntaxError:
        tok = self.c.peek()
        return QuerySyntaxError(f"unexpected {tok.kind} {tok.text!r}", tok.pos)

    # -- grammar -------------------------------------------------------------------------
    def parse(self) -> Node:
        if self.c.at("EOF"):
            return MatchAll()  # empty search part: every log
        node = self.or_expr()
        if not self.c.at("EOF"):
            raise self._unexpected()
        return node

    def or_expr(self) -> Node:
        items = [self.not_expr()]
        while self.c.match("OR"):
            items.append(self.not_expr())
        return _flat(Or, items)

    def _negated_operand(self, not_tok: Token) -> Node:
        return self._noting_ambiguity(self.and_expr(), not_tok)

    def _noting_ambiguity(self, operand: Node, not_tok: Token) -> Node:
        if isinstance(operand, And):
            self.ambiguities.append(
                f"'not' at character {not_tok.pos} negates the whole 'and' chain after it "
                "(SLS precedence: and > not)"
            )
        return operand

    def not_expr(self) -> Node:
        if self.not_scope == "primary":
            return self.and_expr()  # every `not` is handled as a prefix inside the and-chain
        not_tok = self.c.match("NOT")
        left = Not(self._negated_operand(not_tok)) if not_tok else self.and_expr()
        while not_tok := self.c.match("NOT"):
            if not self._starts_primary():
                raise self.c.error("'not' without an operand", not_tok)
            left = _flat(And, [left, Not(self._negated_operand(not_tok))])
        return left

    def and_expr(self) -> Node:
        if self.not_scope == "primary":
            return self._and_of_unaries()
        # `a and not b and c` = a and not (b and c): each `and not` opens a chain that runs to the
        # end of the one around it. A stack of open chains, not recursion, so a long statement
        # cannot exhaust Python's stack.
        opened: list[tuple[list[Node], Token]] = []
        items = [self.primary()]
        while True:
            if and_tok := self.c.match("AND"):
                if not_tok := self.c.match("NOT"):
                    opened.append((items, not_tok))
                    items = [self.primary()]
                    continue
                if not self._starts_primary():
                    raise self.c.error("'and' without a right operand", and_tok)
                items.append(self.primary())
            elif self._starts_primary():
                items.append(self.primary())  # implicit and
            else:
                break
        node = _flat(And, items)
        for outer, not_tok in reversed(opened):  # innermost first, as the ambiguities are read
            node = _flat(And, [*outer, Not(self._noting_ambiguity(node, not_tok))])
        return node

    def _and_of_unaries(self) -> Node:
        """Alternative reading only: `not` negates the single primary after it."""
        items = [self._unary()]
        # explicit or implicit and; `a not b` = a and not b
        while self.c.match("AND") or self.c.peek().kind in _STARTS_UNARY:
            items.append(self._unary())
        return _flat(And, items)

    def _unary(self) -> Node:
        not_tok = self.c.match("NOT")
        if not_tok is None:
            return self.primary()
        with self.c.nested(not_tok):
            return Not(self._unary())

    def primary(self) -> Node:
        tok = self.c.peek()
        if tok.kind == "LPAREN":
            return self._parenthesised()
        if tok.kind == "PHRASE":
            self.c.take()
            return Phrase(None, tok.text)
        if tok.kind == "EOF":
            raise self.c.error("statement ends where a term was expected")
        if tok.kind != "WORD":
            raise self._unexpected()
        nxt = self.c.peek(1).kind
        if nxt == "COLON":
            return self.field_expr()
        if nxt == "CMP":
            return self.comparison()
        if nxt == "IN":
            return self.range_expr()
        self.c.take()
        if not tok.quoted and tok.text == "*":
            return MatchAll()
        return _term(None, tok)

    def _parenthesised(self) -> Node:
        with self.c.nested():
            open_tok = self.c.take()
            if self.c.at("RPAREN"):
                raise self.c.error("empty parentheses", open_tok)
            node = self.or_expr()
            self.c.expect("RPAREN")
        return node

    def _key(self) -> str:
        tok = self.c.expect("WORD")
        if not tok.text:
            raise self.c.error("empty key", tok)
        if tok.wildcard:
            raise self.c.error("wildcard in a key is not supported", tok)
        if tok.reserved and not tok.quoted:
            raise self.c.error(f"reserved word {tok.text!r} must be quoted", tok)
        return tok.text

    def field_expr(self) -> Node:
        key = self._key()
        self.c.expect("COLON")
        if phrase := self.c.match("PHRASE"):
            return Phrase(key, phrase.text)
        tok = self.c.expect("WORD", message=f"missing value after '{key}:'")
        if self.c.at("COLON"):
            # `a:b:c`: SLS wants a value with a colon quoted; do not guess the split.
            raise self.c.error("value contains ':' (quote it)")
        if not tok.quoted and tok.text == "*":
            return FieldExists(key)
        return _term(key, tok)

    def comparison(self) -> Node:
        key = self._key()
        op = self.c.expect("CMP").text
        val = self.c.expect("WORD")
        if val.quoted or val.wildcard:
            raise self.c.error("a numeric comparison needs a plain number", val)
        return Comparison(key, op, (val.text,))

    def range_expr(self) -> Node:
        key = self._key()
        self.c.expect("IN")
        open_tok = self.c.match("LBRACK") or self.c.match("LPAREN")
        if open_tok is None:
            raise self.c.error("expected '[' or '(' after 'in'")
        lo = self.c.expect("WORD")
        hi = self.c.expect("WORD")
        close_tok = self.c.match("RBRACK") or self.c.match("RPAREN")
        if close_tok is None:
            raise self.c.error("expected ']' or ')' to close the range")
        return Comparison(key, "in", (lo.text, hi.text), open_tok.text + close_tok.text)


def _term(field: str | None, tok: Token) -> Term:
    if tok.reserved and not tok.quoted:
        raise QuerySyntaxError(f"reserved word {tok.text!r} must be quoted", tok.pos)
    if tok.text == "" and not tok.quoted:
        raise QuerySyntaxError("empty term", tok.pos)
    if tok.wildcard:
        value = tok.text
        starts = [0] + [k + 1 for k, ch in enumerate(value) if ch in _PIECE_BREAKS]
        if any(s < len(value) and value[s] in "*?" for s in starts):
            raise QuerySyntaxError("a term cannot start with a wildcard", tok.pos)
        if len(value) > MAX_WILDCARD_TERM:
            raise QuerySyntaxError("a fuzzy term is limited to 64 characters", tok.pos)
    return Term(field, tok.text, quoted=tok.quoted, wildcard=tok.wildcard)


def _flat(cls: type[And] | type[Or], items: list[Node]) -> Node:
    """Build And/Or, merging nested nodes of the same kind (associativity)."""
    if len(items) == 1:
        return items[0]
    out: list[Node] = []
    for item in items:
        if isinstance(item, cls):
            out.extend(item.items)
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
