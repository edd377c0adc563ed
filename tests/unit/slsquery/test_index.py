from __future__ import annotations

from cis216.slsquery import (
    DEFAULT_DELIMITERS,
    SOURCE_DEFAULTS,
    SOURCE_LOGSTORE,
    IndexConfig,
    matches,
    parse_statement,
)

# Shape of a GetIndex answer for an ActionTrail logstore (JSON `event` key with sub-keys).
ACTIONTRAIL_INDEX = {
    "line": {"token": list(", '\";=()[]{}?@&<>/:\n\t\r"), "caseSensitive": False, "chn": False},
    "keys": {
        "__topic__": {"type": "text", "token": [], "caseSensitive": False},
        "event": {
            "type": "json",
            "token": list(", '\";=()[]{}?@&<>/:\n\t\r"),
            "caseSensitive": False,
            "index_all": True,
            "max_depth": -1,
            "json_keys": {
                "eventType": {"type": "text"},
                "errorCode": {"type": "text"},
                "userIdentity.type": {"type": "text"},
                "eventRW": {"type": "text"},
            },
        },
    },
}


def q(text: str, event: dict[str, str], index: IndexConfig) -> bool:
    return matches(parse_statement(text).search, event, index)


def test_default_source_and_settings() -> None:
    idx = IndexConfig.default()
    assert idx.source == SOURCE_DEFAULTS == "SLS defaults"
    fi = idx.field_index("anything.at.all")
    assert fi is not None and fi.delimiters == DEFAULT_DELIMITERS and not fi.case_sensitive
    assert IndexConfig.from_get_index(None).source == SOURCE_DEFAULTS


def test_from_get_index_source_and_json_inheritance() -> None:
    idx = IndexConfig.from_get_index(ACTIONTRAIL_INDEX)
    assert idx.source == SOURCE_LOGSTORE == "logstore index"
    fi = idx.field_index("event.errorCode")
    assert fi is not None and fi.type == "text" and fi.delimiters == DEFAULT_DELIMITERS
    # index_all: leaves not listed in json_keys are indexed too
    assert idx.is_indexed("event.serviceName")
    assert not idx.is_indexed("other.field")
    assert not idx.is_indexed("errorCode")


def test_json_subkeys_inherit_case_sensitivity() -> None:
    d = {
        "keys": {
            "event": {
                "type": "json",
                "token": [" "],
                "caseSensitive": True,
                "json_keys": {"errorCode": {"type": "text"}},
            }
        }
    }
    idx = IndexConfig.from_get_index(d)
    ev = {"event.errorCode": "Forbidden.RAM"}
    assert q("event.errorCode: Forbidden.RAM", ev, idx)
    assert not q("event.errorCode: forbidden.ram", ev, idx)
    assert not q("event.errorCode: forbidden.*", ev, idx)


def test_custom_delimiters_with_dot() -> None:
    # A logstore whose index splits on `.`: then plain `Forbidden` matches Forbidden.RAM.
    d = {"keys": {"event": {"type": "json", "token": list(". "), "caseSensitive": False}}}
    idx = IndexConfig.from_get_index(d)
    ev = {"event.errorCode": "Forbidden.RAM"}
    assert q("event.errorCode: Forbidden", ev, idx)
    assert q('event.errorCode: "Forbidden.RAM"', ev, idx)  # pieces forbidden and ram, and-ed
    assert not q("event.errorCode: Forbidden", ev, IndexConfig.default())


def test_non_indexed_field_matches_nothing() -> None:
    d = {
        "keys": {"event": {"type": "json", "index_all": False, "json_keys": {"eventType": {"type": "text"}}}}
    }
    idx = IndexConfig.from_get_index(d)
    ev = {"event.eventType": "ApiCall", "event.errorCode": "Forbidden"}
    assert q("event.eventType: ApiCall", ev, idx)
    assert not idx.is_indexed("event.errorCode")
    assert not q("event.errorCode: Forbidden", ev, idx)
    assert q("not event.errorCode: Forbidden", ev, idx)
    assert not q("event.errorCode: *", ev, idx)


def test_max_depth_limits_index_all() -> None:
    d = {"keys": {"event": {"type": "json", "index_all": True, "max_depth": 1}}}
    idx = IndexConfig.from_get_index(d)
    assert idx.is_indexed("event.errorCode")
    assert not idx.is_indexed("event.userIdentity.type")


def test_flat_dotted_key_in_keys() -> None:
    d = {"keys": {"event.errorCode": {"type": "text", "caseSensitive": False, "token": [","]}}}
    idx = IndexConfig.from_get_index(d)
    assert q("event.errorCode: forbidden", {"event.errorCode": "Forbidden"}, idx)
    assert not idx.is_indexed("event.eventType")


def test_empty_token_list_means_whole_value() -> None:
    d = {"keys": {"__topic__": {"type": "text", "token": []}}}
    idx = IndexConfig.from_get_index(d)
    ev = {"__topic__": "actiontrail_audit_event"}
    assert q("__topic__: actiontrail_audit_event", ev, idx)
    assert not q("__topic__: actiontrail", ev, idx)


def test_escaped_control_characters_in_token_list() -> None:
    d = {"line": {"token": ["\\n", "\\t", " "]}}
    idx = IndexConfig.from_get_index(d)
    assert idx.line is not None and "\n" in idx.line.delimiters and "\\" not in idx.line.delimiters


def test_full_text_without_line_index_uses_text_fields_only() -> None:
    d = {"keys": {"a": {"type": "text"}, "n": {"type": "long"}}}
    idx = IndexConfig.from_get_index(d)
    assert q("hello", {"a": "hello world", "b": "x"}, idx)
    assert not q("x", {"a": "hello world", "b": "x"}, idx)  # b is not indexed at all


def test_line_exclude_keys() -> None:
    d = {"line": {"token": [" "], "exclude_keys": ["secret"]}}
    idx = IndexConfig.from_get_index(d)
    assert not q("hunter2", {"secret": "hunter2"}, idx)
    assert q("visible", {"other": "visible"}, idx)


def test_numeric_field_comparisons() -> None:
    d = {"keys": {"latency": {"type": "long"}, "msg": {"type": "text"}}}
    idx = IndexConfig.from_get_index(d)
    ev = {"latency": "150", "msg": "ok"}
    assert q("latency > 100", ev, idx)
    assert not q("latency < 100", ev, idx)
    assert q("latency in [100 150]", ev, idx)
    assert not q("latency in [100 150)", ev, idx)
    assert q("latency: 150", ev, idx)


def test_empty_answer_is_treated_as_unknown() -> None:
    assert IndexConfig.from_get_index({}).source == SOURCE_DEFAULTS


def test_judge_accepts_a_raw_get_index_answer() -> None:
    from cis216.slsquery import judge_query

    j = judge_query("event.eventType: ApiCall and event.errorCode: *", ACTIONTRAIL_INDEX)
    assert j.index_source == SOURCE_LOGSTORE and j.verdict == "complete"
