"""Tokenizer for the SLS search statement, and the split at the first top-level ``|``."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import QuerySyntaxError

# Characters that end an unquoted word. `:` separates key and value, `()` group, `"` starts a
# quoted string, `[]` only appear in `in [a b]`, `=<>` are numeric comparisons. Everything else
# (including `.`, `-`, `,`, `/`) stays inside the word: whether it splits a token is the index's
# business (delimiters), not the query grammar's.
_WORD_END = set(' \t\r\n():"[]=<>')

OPERATORS = {"and": "AND", "or": "OR", "not": "NOT"}  # any case
# SLS reserves these; they must be double-quoted to be searched. We refuse them unquoted rather
# than guess what SLS does with them.
RESERVED = frozenset({"sort", "asc", "desc", "group", "by", "avg", "sum", "min", "max", "limit"})


@dataclass(frozen=True)
class Token:
    kind: str  # WORD PHRASE LPAREN RPAREN LBRACK RBRACK COLON CMP AND OR NOT IN EOF
    text: str
    pos: int
    quoted: bool = False
    wildcard: bool = False
    reserved: bool = False


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
    out: list[str] = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            # `\"` and `\\` are escapes; any other backslash is kept as written.
            out.append(nxt if nxt in '"\\' else c + nxt)
            i += 2
            continue
        if c == '"':
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise QuerySyntaxError("unterminated double-quoted string", start)


# Characters that are a token on their own.
_PUNCTUATION = {"(": "LPAREN", ")": "RPAREN", "[": "LBRACK", "]": "RBRACK", ":": "COLON"}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
            continue
        if c in _PUNCTUATION:
            tokens.append(Token(_PUNCTUATION[c], c, i))
            i += 1
        elif c in "=<>":
            op = c
            if c in "<>" and i + 1 < n and text[i + 1] == "=":
                op = c + "="
            tokens.append(Token("CMP", op, i))
            i += len(op)
        elif c == '"':
            value, j = _read_quoted(text, i)
            tokens.append(Token("WORD", value, i, quoted=True))
            i = j
        elif c == "#" and i + 1 < n and text[i + 1] == '"':
            value, j = _read_quoted(text, i + 1)
            tokens.append(Token("PHRASE", value, i, quoted=True))
            i = j
        else:
            start = i
            chars: list[str] = []
            escaped_wild = False
            plain_wild = False
            while i < n and text[i] not in _WORD_END:
                ch = text[i]
                if ch == "\\":
                    if i + 1 >= n:
                        raise QuerySyntaxError("backslash at end of statement", i)
                    nxt = text[i + 1]
                    escaped_wild = escaped_wild or nxt in "*?"
                    chars.append(nxt)
                    i += 2
                    continue
                if ch in "*?":
                    plain_wild = True
                chars.append(ch)
                i += 1
            word = "".join(chars)
            if escaped_wild and plain_wild:
                # One bool per term cannot say which `*` is literal; refuse rather than guess.
                raise QuerySyntaxError("term mixes escaped and unescaped wildcards", start)
            raw = text[start:i]
            low = raw.lower()
            if low in OPERATORS:
                tokens.append(Token(OPERATORS[low], raw, start))
            elif raw == "in":  # only `in` is case-sensitive
                tokens.append(Token("IN", raw, start))
            else:
                tokens.append(Token("WORD", word, start, wildcard=plain_wild, reserved=low in RESERVED))
    tokens.append(Token("EOF", "", n))
    return tokens
