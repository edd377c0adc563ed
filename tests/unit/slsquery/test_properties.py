"""Property tests: rewriting a query without changing its meaning never changes the verdict."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cis216.slsquery import (
    DEFAULT_REQUIRED_CODES,
    QuerySyntaxError,
    analyze_pipe,
    condition_fires,
    judge_query,
    parse_statement,
)

ALL = list(DEFAULT_REQUIRED_CODES)
FAST = settings(max_examples=60, deadline=None)

subsets = st.lists(st.sampled_from(ALL), min_size=1, max_size=len(ALL), unique=True)


def canonical(codes: list[str]) -> str:
    inner = " or ".join(f"event.errorCode: {c}" for c in codes)
    return f"event.eventType: ApiCall and ({inner}) | select count(1) as cnt"


def verdict_of(text: str) -> tuple[str, list[str]]:
    j = judge_query(text)
    return j.verdict, j.missed_codes


@st.composite
def rewrites(draw, codes: list[str]) -> str:
    """Render the same query with meaning-preserving variations."""
    order = draw(st.permutations(codes))
    space = st.sampled_from([" ", "  ", "\n", "\t", " \n   ", "\r\n"])

    def ws() -> str:
        return draw(space)

    def op(word: str) -> str:
        return "".join(c.upper() if draw(st.booleans()) else c.lower() for c in word)

    def key(name: str) -> str:
        return f'"{name}"' if draw(st.booleans()) else name

    def colon() -> str:
        return ":" + draw(st.sampled_from(["", " ", "  ", "\t"]))

    def value(v: str) -> str:
        # Quoting is meaning-preserving only without wildcards (inside quotes `*` is literal).
        if "*" not in v and "?" not in v and draw(st.booleans()):
            return f'"{v}"'
        return v

    def parens(text: str) -> str:
        n = draw(st.integers(0, 2))
        return "(" * n + text + ")" * n

    terms = [parens(f"{key('event.errorCode')}{colon()}{value(c)}") for c in order]
    group = f"{ws()}{op('or')}{ws()}".join(terms)
    group = "(" + ws() + group + ws() + ")"
    event_type = parens(f"{key('event.eventType')}{colon()}{value('ApiCall')}")
    parts = [event_type, group]
    if draw(st.booleans()):
        parts.reverse()
    for _ in range(draw(st.integers(0, 2))):  # redundant `and event.eventType: ApiCall`
        extra = f"{key('event.eventType')}{colon()}{value('ApiCall')}"
        parts.insert(draw(st.integers(0, len(parts))), extra)
    search = f"{ws()}{op('and')}{ws()}".join(parts)
    pipe = draw(
        st.sampled_from(
            [
                " | select count(1) as cnt",
                "|SELECT COUNT(*) AS cnt",
                "\n| select count(1) cnt",
                " | select count(1) as cnt limit 100",
            ]
        )
    )
    return ws() + search + pipe


@FAST
@given(st.data(), subsets)
def test_meaning_preserving_rewrites_keep_the_verdict(data, codes) -> None:
    text = data.draw(rewrites(codes))
    assert verdict_of(text) == verdict_of(canonical(codes)), text


@FAST
@given(subsets)
def test_missed_codes_are_exactly_the_ones_left_out(codes) -> None:
    j = judge_query(canonical(codes))
    assert j.missed_codes == [c for c in ALL if c not in codes]
    assert j.verdict == ("complete" if set(codes) == set(ALL) else "incomplete")
    assert not j.matches_everything


@FAST
@given(subsets)
def test_negating_the_list_misses_every_listed_code(codes) -> None:
    inner = " or ".join(f"event.errorCode: {c}" for c in codes)
    j = judge_query(f"event.eventType: ApiCall and not ({inner})")
    assert set(codes) <= set(j.missed_codes)


@FAST
@given(subsets)
def test_and_instead_of_or_misses_everything_when_two_codes(codes) -> None:
    if len(codes) < 2:
        return
    inner = " and ".join(f"event.errorCode: {c}" for c in codes)
    j = judge_query(f"event.eventType: ApiCall and ({inner})")
    assert j.missed_codes == ALL


_SYNTAX = st.text(alphabet='abcE. :*?"()\\#=<>[]|-_\n', max_size=40) | st.lists(
    st.sampled_from(
        [
            "a",
            "b:",
            "c",
            "and",
            "OR",
            "not",
            "(",
            ")",
            '"x y"',
            "*",
            "k:*",
            "in",
            "[1",
            "2]",
            '#"p q"',
            "x>1",
            "|",
            "select",
        ]
    ),
    max_size=12,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(_SYNTAX)
def test_parser_either_parses_or_raises_query_syntax_error(text) -> None:
    try:
        parse_statement(text)
    except QuerySyntaxError as exc:
        assert 0 <= exc.position <= len(text)
    judge_query(text)  # never raises


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="cnt0123456789 ><=!&|()+-*/%'\"~.,abcontais_", max_size=30))
def test_condition_never_raises(text) -> None:
    assert condition_fires(text, {"cnt": 1, "a": "x"}) in (True, False, None)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="selctounwhrgbyimLOGasd(1)*,;\"' =<>", max_size=40))
def test_pipe_analysis_never_raises(text) -> None:
    assert analyze_pipe(text).kind in ("none", "count", "grouped", "rows", "unknown")
