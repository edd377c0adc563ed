"""The quick walk over a snapshot's values (`_values_fine`) never passes a document the full walk
(`_check_values`) has a problem with: it may only say "look closer" (False) where the full walk then
finds nothing (a type `json.loads` does not build), never "fine" where a problem is."""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cis216.inventory import MAX_DEPTH, _check_values, _values_fine

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.just(OrderedDict(a=1.0)),
    st.just(OrderedDict(a=math.nan)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=30,
)


def nested(levels: int, alternate: bool) -> Any:
    value: Any = 1
    for level in range(levels):
        value = [value] if alternate and level % 2 else {"k": value}
    return value


@given(VALUES)
def test_fine_only_where_the_full_walk_finds_nothing(document: Any) -> None:
    if _values_fine(document):
        assert _check_values(document) == []


def test_depth_limit_is_the_full_walks() -> None:
    for levels in range(MAX_DEPTH - 2, MAX_DEPTH + 3):
        for alternate in (False, True):
            document = nested(levels, alternate)
            assert _values_fine(document) == (_check_values(document) == []), (levels, alternate)


def test_non_finite_numbers_anywhere() -> None:
    for bad in (math.nan, math.inf, -math.inf):
        for document in (bad, [bad], {"a": [1, {"b": bad}]}):
            assert not _values_fine(document)
            assert _check_values(document)
    assert _values_fine({"a": [1.5, -0.0, 10**30, True, None, "x"]})


def test_other_types_are_left_to_the_full_walk() -> None:
    document = {"a": OrderedDict(b=1)}
    assert not _values_fine(document)
    assert _check_values(document) == []
