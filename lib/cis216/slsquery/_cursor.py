"""The one token type and the one cursor the three slsquery parsers share.

The search syntax (``lexer.py``), the SQL after ``|`` (``pipe.py``) and alert trigger conditions
(``condition.py``) are different languages, so each has its own tokenizer; all three emit
``Token``s ending with one ``EOF`` token, and each parser walks them with a ``Cursor``:
``peek``, ``take``, ``match(kind, *texts)`` and ``expect(kind, *texts)``, the one idiom (as
sqlglot's ``Parser._match``). Errors are raised through the factory each parser passes in, so
every language keeps its own exception and its own wording.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, NamedTuple

TokenKind = Literal[
    # search syntax
    "WORD",  # a term or key; ``quoted``/``wildcard``/``reserved`` say how it was written
    "PHRASE",  # #"..."
    "LBRACK",
    "RBRACK",
    "COLON",
    "CMP",  # = < <= > >=
    "AND",
    "OR",
    "NOT",
    "IN",
    # SQL and trigger conditions
    "NUMBER",
    "IDENT",
    "KEYWORD",  # an SQL keyword, spelled in any case
    "QUOTED_IDENT",  # "column" in SQL
    "STRING",
    "OP",  # an operator; ``text`` says which
    "COMMA",
    # every language
    "LPAREN",
    "RPAREN",
    "EOF",
]

# Characters that are a token on their own in every language that uses them.
PUNCTUATION: dict[str, TokenKind] = {
    "(": "LPAREN",
    ")": "RPAREN",
    "[": "LBRACK",
    "]": "RBRACK",
    ":": "COLON",
    ",": "COMMA",
}

# Deeper nesting is refused as a syntax error (Python's own recursion limit would otherwise end
# the parse with a RecursionError); real alert queries nest two or three levels.
MAX_DEPTH = 100


class Token(NamedTuple):
    """One token: what it is, its text (unescaped, unquoted) and where it starts."""

    kind: TokenKind
    text: str
    pos: int
    # Search syntax only: the word was double-quoted; it holds an unquoted, unescaped `*`/`?`;
    # it is a word SLS reserves (``sort``, ``limit``...).
    quoted: bool = False
    wildcard: bool = False
    reserved: bool = False


ErrorFactory = Callable[[str, int], Exception]  # (message, position) -> the language's error


class Cursor:
    """A position in a token list that ends with ``EOF``; never moves past it."""

    __slots__ = ("_error", "_last", "depth", "ends_early", "i", "ignore_case", "max_depth", "tokens")

    def __init__(
        self,
        tokens: Sequence[Token],
        error: ErrorFactory,
        *,
        ends_early: str,
        ignore_case: bool = False,
        max_depth: int = MAX_DEPTH,
    ) -> None:
        if not tokens or tokens[-1].kind != "EOF":
            raise ValueError("a token list ends with EOF")
        self.tokens = tokens
        self.i = 0
        self._last = len(tokens) - 1
        self._error = error
        self.ends_early = ends_early  # what `take` says at the end of the text
        self.ignore_case = ignore_case  # compare texts lower-cased (SQL keywords)
        self.depth = 0
        self.max_depth = max_depth

    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.i + offset, self._last)] if offset else self.tokens[self.i]

    def at(self, kind: TokenKind, *texts: str) -> bool:
        """Is the current token of ``kind`` (and, given ``texts``, one of them)?"""
        tok = self.tokens[self.i]
        return tok.kind == kind and (
            not texts or (tok.text.lower() if self.ignore_case else tok.text) in texts
        )

    def take(self) -> Token:
        """The current token, moving past it; at the end, the language's "ends early" error."""
        tok = self.tokens[self.i]
        if tok.kind == "EOF":
            raise self._error(self.ends_early, tok.pos)
        self.i += 1
        return tok

    def match(self, kind: TokenKind, *texts: str) -> Token | None:
        """Take the current token if it is of ``kind`` (and one of ``texts``), else None.

        ``EOF`` matches without being taken: the cursor never moves past the end.
        """
        tok = self.tokens[self.i]  # `at`, inlined: this is the parsers' hot path
        if tok.kind != kind or (texts and (tok.text.lower() if self.ignore_case else tok.text) not in texts):
            return None
        if kind != "EOF":
            self.i += 1
        return tok

    def expect(self, kind: TokenKind, *texts: str, message: str | None = None) -> Token:
        """Take the current token, which must be of ``kind`` (and one of ``texts``)."""
        tok = self.match(kind, *texts)
        if tok is not None:
            return tok
        tok = self.tokens[self.i]
        if message is None and texts:
            message = "expected " + " or ".join(repr(t) for t in texts)
        elif message is None:
            message = f"expected {kind}, found {tok.kind} {tok.text!r}"
        raise self._error(message, tok.pos)

    def error(self, message: str, tok: Token | None = None) -> Exception:
        """The language's syntax error at ``tok`` (default: the current token)."""
        return self._error(message, (tok or self.tokens[self.i]).pos)

    def nested(self, at: Token | None = None) -> Cursor:
        """``with cursor.nested():`` around a recursive descent; refuses ``max_depth`` levels.

        The error points at ``at`` (default: the current token), the opening of the level.
        """
        if self.depth >= self.max_depth:
            raise self.error("nested too deeply", at)
        self.depth += 1
        return self

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.depth -= 1
