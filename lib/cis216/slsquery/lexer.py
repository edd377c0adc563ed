"""Tokenizer for the SLS search statement, and the split at the first top-level ``|``."""

from __future__ import annotations

import re

from ._cursor import PUNCTUATION, Token, TokenKind
from .errors import QuerySyntaxError

__all__ = ["OPERATORS", "RESERVED", "Token", "split_pipe", "tokenize"]

OPERATORS: dict[str, TokenKind] = {"and": "AND", "or": "OR", "not": "NOT"}  # any case
# SLS reserves these; they must be double-quoted to be searched. We refuse them unquoted rather
# than guess what SLS does with them.
RESERVED = frozenset({"sort", "asc", "desc", "group", "by", "avg", "sum", "min", "max", "limit"})

_SPACE = frozenset(" \t\r\n")
# `:` separates key and value, `()` group, `"` starts a quoted string, `[]` only appear in
# `in [a b]`, `=<>` are numeric comparisons: each is a token of its own (or starts one).
_PUNCTUATION = {c: PUNCTUATION[c] for c in "()[]:"}
# An unquoted word runs up to whitespace or one of those characters; a backslash escapes the next
# character. Everything else (including `.`, `-`, `,`, `/`) stays inside the word: whether it
# splits a token is the index's business (delimiters), not the query grammar's.
_WORD = re.compile(r'(?:[^ \t\r\n():"\[\]=<>\\]|\\[\s\S])*')
_ESCAPE = re.compile(r"\\([\s\S])")
_QUOTED = re.compile(r'"((?:[^"\\]|\\[\s\S])*)"')
_QUOTED_ESCAPE = re.compile(r'\\(["\\])')  # `\"` and `\\`; any other backslash is kept as written


def split_pipe(text: str) -> tuple[str, str | None]:
    """Split ``search | analytics`` at the first ``|`` outside double quotes.

    Returns (search part, analytic part or None when there is no ``|``). A backslash escapes
    the next character both inside and outside quotes, so ``\\"`` does not open a string.
    """
    in_quotes = False
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            in_quotes = not in_quotes
        elif c == "|" and not in_quotes:
            return text[:i], text[i + 1 :]
        i += 1
    return text, None


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """Read a double-quoted string whose opening quote is at ``start``; return (value, next)."""
    m = _QUOTED.match(text, start)
    if m is None:
        raise QuerySyntaxError("unterminated double-quoted string", start)
    body = m.group(1)
    return (_QUOTED_ESCAPE.sub(r"\1", body) if "\\" in body else body), m.end()


def _read_word(text: str, start: int) -> tuple[Token, int]:
    """Read an unquoted word (or operator) at ``start``; return (token, next)."""
    m = _WORD.match(text, start)
    end = m.end() if m else start
    if end < len(text) and text[end] == "\\":
        raise QuerySyntaxError("backslash at end of statement", end)
    raw = text[start:end]
    low = raw.lower()
    kind = OPERATORS.get(low)
    if kind is not None:
        return Token(kind, raw, start), end
    if raw == "in":  # only `in` is case-sensitive
        return Token("IN", raw, start), end
    word = raw
    plain = raw  # the characters not escaped by a backslash
    if "\\" in raw:
        word = _ESCAPE.sub(r"\1", raw)
        plain = _ESCAPE.sub("", raw)
        escaped_wildcard = any(ch in "*?" for ch in _ESCAPE.findall(raw))
        if escaped_wildcard and ("*" in plain or "?" in plain):
            # One bool per term cannot say which `*` is literal; refuse rather than guess.
            raise QuerySyntaxError("term mixes escaped and unescaped wildcards", start)
    wildcard = "*" in plain or "?" in plain
    return Token("WORD", word, start, wildcard=wildcard, reserved=low in RESERVED), end


def tokenize(text: str) -> list[Token]:
    """The tokens of a search part (no ``|``), ending with ``EOF``."""
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in _SPACE:
            i += 1
            continue
        punctuation = _PUNCTUATION.get(c)
        if punctuation is not None:
            tokens.append(Token(punctuation, c, i))
            i += 1
        elif c in "=<>":
            op = c + "=" if c != "=" and text.startswith("=", i + 1) else c
            tokens.append(Token("CMP", op, i))
            i += len(op)
        elif c == '"':
            value, i_next = _read_quoted(text, i)
            tokens.append(Token("WORD", value, i, quoted=True))
            i = i_next
        elif c == "#" and text.startswith('"', i + 1):
            value, i_next = _read_quoted(text, i + 1)
            tokens.append(Token("PHRASE", value, i, quoted=True))
            i = i_next
        else:
            token, i = _read_word(text, i)
            tokens.append(token)
    tokens.append(Token("EOF", "", n))
    return tokens
