"""AST of an SLS search statement (the part before the first top-level ``|``).

Frozen dataclasses, so nodes compare by value and can be used in sets and as dict keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    """A search term.

    ``field`` None means a full-text (bare) term. ``quoted`` records double quotes: inside them
    ``*`` and ``?`` are literal characters. ``wildcard`` is True when the value holds an
    unquoted, unescaped ``*`` or ``?`` that SLS treats as a pattern.
    """

    field: str | None
    value: str
    quoted: bool = False
    wildcard: bool = False


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class MatchAll:
    """``*`` alone or an empty search part: every log."""


@dataclass(frozen=True)
class FieldExists:
    """``key:*``: the field is present (and indexed)."""

    field: str


@dataclass(frozen=True)
class Phrase:
    """``#"..."`` ordered phrase search, optionally on a field (``key:#"..."``)."""

    field: str | None
    text: str


@dataclass(frozen=True)
class Comparison:
    """``key > 5``, ``key = 5``, ``key in [1 10]``: numeric comparisons.

    ``op`` is one of ``= > >= < <= in``. For ``in``, ``values`` holds the two bounds and
    ``bounds`` the brackets as written (``[]``, ``(]``, ``[)``, ``()``). These only work on
    long/double fields; on a text field SLS degrades them to a full-text search of the pieces.
    """

    field: str
    op: str
    values: tuple[str, ...]
    bounds: str = ""


Node = Term | And | Or | Not | MatchAll | FieldExists | Phrase | Comparison


@dataclass(frozen=True)
class Statement:
    """A parsed query: the search AST and the raw analytic part after ``|`` (None if absent).

    ``ambiguities`` lists places where the documented precedence decided a reading that a
    human might not have meant (currently: a leading ``not`` over an ``and`` chain).
    """

    search: Node
    pipe: str | None
    ambiguities: tuple[str, ...] = field(default=())


def walk(node: Node) -> Iterator[Node]:
    """Yield ``node`` and every node below it, depth first (without recursion: a statement
    of many ``and not`` is a deep tree)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, (And, Or)):
            stack.extend(reversed(current.items))
        elif isinstance(current, Not):
            stack.append(current.item)
