"""The findings logstore's index, and how it is merged into an index the user already has.

Every flat field the writer sends (adapters/writer.py, the findings contract) is a text key with
analytics (`doc_value`), so the dashboard's SQL can group by it:
- exact-match fields (ids, status, ARNs, timestamps) have no delimiters: the whole value is one
  token, so `resource: "acs:actiontrail:cn-hangzhou:1:actiontrail/t"` matches that trail only;
- prose and list fields (reason, remediation, title, reason_codes and advisories as JSON lists,
  mute, counts) keep SLS's default delimiters: `reason_codes: ALERT_DISABLED` finds a code;
- `evidence` is a JSON key (every text leaf indexed, 3 levels deep), with the two leaves the
  coverage chart groups by (`evidence.api`, `evidence.code`) analysed;
- the full-text index is on.

SLS's UpdateIndex replaces the whole configuration, so `merged` keeps every key the user has
(as they set it), adds the missing ones and never drops anything.
"""

from __future__ import annotations

import copy
from typing import Any

# SLS's default delimiters, as the console writes them.
DEFAULT_TOKENS = [
    ",",
    " ",
    "'",
    '"',
    ";",
    "=",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "?",
    "@",
    "&",
    "<",
    ">",
    "/",
    ":",
    "\n",
    "\t",
    "\r",
]
EXACT_FIELDS = (
    "record",
    "finding_id",
    "scan_id",
    "control",
    "profile",
    "scope",
    "resource",
    "status",
    "account_id",
    "region",
    "evaluated_at",
    "severity",
    "muted",
)
WORD_FIELDS = ("reason", "reason_codes", "advisories", "title", "remediation", "mute", "counts")
JSON_FIELD = "evidence"
# Evidence leaves the dashboard's SQL reads (an error finding's failed API and its error code).
EVIDENCE_COLUMNS = ("api", "code")
# Analysed text is cut at this many bytes; a remediation (a corrected query) fits whole.
MAX_TEXT_LEN = 16384
# What SLS answers in GetIndex beside the configuration; never sent back.
_SERVER_FIELDS = ("lastModifyTime", "storage", "index_mode", "ttl")


def _text(tokens: list[str]) -> dict[str, Any]:
    return {"type": "text", "token": list(tokens), "caseSensitive": False, "doc_value": True}


def findings_index() -> dict[str, Any]:
    """The index cis216 wants on its findings logstore (the body of CreateIndex)."""
    keys: dict[str, Any] = {name: _text([]) for name in EXACT_FIELDS}
    keys.update({name: _text(DEFAULT_TOKENS) for name in WORD_FIELDS})
    keys[JSON_FIELD] = {
        "type": "json",
        "token": list(DEFAULT_TOKENS),
        "caseSensitive": False,
        "doc_value": False,  # the whole document is not analysed; the leaves below are
        "index_all": True,
        "max_depth": 3,
        "json_keys": {name: {"type": "text", "doc_value": True} for name in EVIDENCE_COLUMNS},
    }
    return {
        "line": {"token": list(DEFAULT_TOKENS), "caseSensitive": False, "chn": False},
        "keys": keys,
        "max_text_len": MAX_TEXT_LEN,
    }


def configuration(index: dict[str, Any]) -> dict[str, Any]:
    """An index as GetIndex answered it, without what the server adds: what UpdateIndex takes."""
    return {k: copy.deepcopy(v) for k, v in index.items() if k not in _SERVER_FIELDS}


def merged(current: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """`current` with what `wanted` has that it lacks: missing keys (compared without case, as
    SLS names them), the full-text index when there is none, and `evidence`'s analysed leaves.
    A key the user has is kept exactly as it is, even where it differs from `wanted`."""
    result = configuration(current)
    keys = result.setdefault("keys", {})
    if not isinstance(keys, dict):
        keys = result["keys"] = {}
    have = {name.lower(): name for name in keys}
    for name, spec in wanted.get("keys", {}).items():
        if name.lower() not in have:
            keys[name] = copy.deepcopy(spec)
            continue
        mine = keys[have[name.lower()]]
        if isinstance(mine, dict) and mine.get("type") == "json" and spec.get("type") == "json":
            leaves = mine.setdefault("json_keys", {})
            for leaf, leaf_spec in spec.get("json_keys", {}).items():
                leaves.setdefault(leaf, copy.deepcopy(leaf_spec))
    if not result.get("line") and "line" in wanted:
        result["line"] = copy.deepcopy(wanted["line"])
    if "max_text_len" not in result and "max_text_len" in wanted:
        result["max_text_len"] = wanted["max_text_len"]
    return result


def unanalysed(index: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """Keys the user's index has without analytics (or with another type) that the dashboard's
    SQL needs: kept as they are, so the charts that group by them show nothing. Said in the plan."""
    keys = index.get("keys") or {}
    by_lower = {name.lower(): spec for name, spec in keys.items()} if isinstance(keys, dict) else {}
    out = []
    for name, spec in wanted.get("keys", {}).items():
        mine = by_lower.get(name.lower())
        if not isinstance(mine, dict) or not spec.get("doc_value"):
            continue
        if mine.get("type") != spec.get("type") or not mine.get("doc_value"):
            out.append(name)
    return out
