"""`--format json` is written by pydantic-core: the exact text `json.dumps(rows, indent=2,
ensure_ascii=False)` writes, for every string a finding can hold."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cis216.cli.output import json_text

KEYS = st.text(max_size=8)
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.text())
VALUES = st.recursive(
    LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3))
)


def reference(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, indent=2, ensure_ascii=False)


@given(st.lists(st.dictionaries(KEYS, VALUES, max_size=4), max_size=3))
def test_the_same_text_as_json_dumps(rows: list[dict[str, Any]]) -> None:
    assert json_text(rows) == reference(rows)


def test_control_characters_quotes_and_line_separators() -> None:
    rows = [{"reason": 'a"b\\c\n\t\x00\x1f\x7f\u2028\u2029\ufeff\U0001f600', "codes": [], "evidence": {}}]
    assert json_text(rows) == reference(rows)


def test_a_lone_surrogate_is_written_as_json_dumps_writes_it() -> None:
    rows = [{"resource": "trail-\ud800"}]
    assert json_text(rows) == reference(rows)
