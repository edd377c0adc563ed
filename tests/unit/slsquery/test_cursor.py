"""The cursor the three slsquery parsers share: peek, take, match, expect, nesting."""

from __future__ import annotations

import pytest

from cis216.slsquery._cursor import MAX_DEPTH, Cursor, Token


class Oops(ValueError):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


def cursor(*tokens: Token, ignore_case: bool = False) -> Cursor:
    end = tokens[-1].pos + len(tokens[-1].text) if tokens else 0
    return Cursor([*tokens, Token("EOF", "", end)], Oops, ends_early="ends early", ignore_case=ignore_case)


def test_match_takes_only_the_kind_and_text_asked_for() -> None:
    c = cursor(Token("IDENT", "a", 0), Token("OP", "+", 2))
    assert c.match("OP") is None
    assert c.match("IDENT", "b") is None
    assert c.match("IDENT", "b", "a") == Token("IDENT", "a", 0)
    assert c.peek() == Token("OP", "+", 2)
    assert c.peek(5).kind == "EOF"  # looking past the end sees the end


def test_take_at_the_end_raises_the_languages_error() -> None:
    c = cursor(Token("NUMBER", "1", 0))
    assert c.take().text == "1"
    with pytest.raises(Oops, match="ends early") as info:
        c.take()
    assert info.value.position == 1


def test_eof_matches_without_moving_past_it() -> None:
    c = cursor()
    assert c.match("EOF") is not None
    assert c.at("EOF")


def test_expect_says_what_it_wanted_where() -> None:
    c = cursor(Token("WORD", "a", 0), Token("WORD", "b", 2))
    assert c.expect("WORD").text == "a"
    with pytest.raises(Oops) as info:
        c.expect("RPAREN")
    assert (str(info.value), info.value.position) == ("expected RPAREN, found WORD 'b'", 2)
    with pytest.raises(Oops) as info:
        c.expect("WORD", "by")
    assert str(info.value) == "expected 'by'"
    with pytest.raises(Oops) as info:
        c.expect("COLON", message="missing value")
    assert str(info.value) == "missing value"


def test_ignore_case_compares_texts_lower_cased() -> None:
    c = cursor(Token("KEYWORD", "SeLeCt", 0), ignore_case=True)
    assert c.at("KEYWORD", "select")
    assert c.expect("KEYWORD", "select").text == "SeLeCt"  # the text stays as written


def test_nesting_deeper_than_the_limit_is_an_error_at_the_opening() -> None:
    c = cursor(Token("LPAREN", "(", 0))
    for _ in range(MAX_DEPTH):
        c.nested().__enter__()
    with pytest.raises(Oops, match="nested too deeply") as info:
        c.nested()
    assert info.value.position == 0
    c.__exit__(None, None, None)
    with c.nested():
        assert c.depth == MAX_DEPTH
    assert c.depth == MAX_DEPTH - 1


def test_a_token_list_ends_with_eof() -> None:
    with pytest.raises(ValueError, match="EOF"):
        Cursor([Token("WORD", "a", 0)], Oops, ends_early="ends early")
