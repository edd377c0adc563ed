"""The findings index: every field the writer sends, searchable as the dashboard needs; merging
into a user's index keeps their keys."""

from __future__ import annotations

from pathlib import Path

from cis216.adapters.writer import finding_contents
from cis216.core import evaluate
from cis216.inventory import load_inventory
from cis216.store.index import (
    DEFAULT_TOKENS,
    EXACT_FIELDS,
    findings_index,
    merged,
    unanalysed,
)

SAMPLE = Path(__file__).resolve().parents[3] / "lib" / "cis216" / "samples" / "sample-account.json"
# The findings contract's flat fields (BRIEF, wave 3), and the summary log's own.
CONTRACT = {"title", "severity", "remediation", "muted", "mute", "counts"}


def test_every_field_the_writer_sends_is_indexed_with_analytics() -> None:
    finding = evaluate(load_inventory(SAMPLE))[0]
    written = {key for key, _ in finding_contents(finding, "id", "scan", "2026-01-01T00:00:00Z")}
    keys = findings_index()["keys"]
    assert written | CONTRACT <= set(keys)
    for name, spec in keys.items():
        if name == "evidence":
            continue
        assert spec["type"] == "text" and spec["doc_value"] is True, name


def test_exact_fields_have_no_delimiters_and_words_the_default_ones() -> None:
    keys = findings_index()["keys"]
    for name in EXACT_FIELDS:
        assert keys[name]["token"] == [], name
    for name in ("reason", "remediation", "reason_codes", "advisories", "title"):
        assert keys[name]["token"] == DEFAULT_TOKENS, name


def test_evidence_is_json_and_full_text_is_on() -> None:
    index = findings_index()
    evidence = index["keys"]["evidence"]
    assert (evidence["type"], evidence["index_all"], evidence["max_depth"]) == ("json", True, 3)
    assert set(evidence["json_keys"]) == {"api", "code"}
    assert index["line"]["token"] == DEFAULT_TOKENS


def test_merging_keeps_the_users_keys_and_adds_ours() -> None:
    mine = {
        "line": {"token": [" "]},
        "keys": {"Status": {"type": "long"}, "team": {"type": "text", "token": []}},
        "lastModifyTime": 1,
        "storage": "pg",
    }
    result = merged(mine, findings_index())
    assert result["keys"]["Status"] == {"type": "long"}  # the same key, named in another case
    assert "status" not in result["keys"]
    assert result["keys"]["team"] == {"type": "text", "token": []}
    assert result["line"] == {"token": [" "]}
    assert "lastModifyTime" not in result and "storage" not in result  # the server's, never sent back
    assert set(findings_index()["keys"]) - {"status"} <= set(result["keys"])
    assert unanalysed(mine, findings_index()) == ["status"]


def test_merging_adds_the_evidence_leaves_and_a_full_text_index() -> None:
    mine = {"keys": {"evidence": {"type": "json", "json_keys": {"trail": {"type": "text"}}}}}
    result = merged(mine, findings_index())
    assert set(result["keys"]["evidence"]["json_keys"]) == {"trail", "api", "code"}
    assert result["line"] == findings_index()["line"]


def test_merging_ours_into_ours_changes_nothing() -> None:
    assert merged(findings_index(), findings_index()) == findings_index()
