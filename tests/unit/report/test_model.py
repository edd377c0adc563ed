"""Reading findings for the report: JSON Lines, flat SLS logs (both list encodings), scans."""

from __future__ import annotations

import json

import pytest

from cis216.report import ReportInputError, finding_from_log, read_jsonl, report_of, scans_of
from cis216.report.model import normalized, parse_list_field


def test_list_fields_read_as_json_lists_and_as_comma_joined_text() -> None:
    assert parse_list_field('["ALERT_DISABLED", "X"]') == ["ALERT_DISABLED", "X"]
    assert parse_list_field("[]") == []
    assert parse_list_field("ALERT_DISABLED,X") == ["ALERT_DISABLED", "X"]
    assert parse_list_field("") == []
    assert parse_list_field(["A"]) == ["A"]
    assert parse_list_field(None) == []


def test_a_finding_from_an_older_writer_reads_with_defaults() -> None:
    finding = normalized({"status": "ALARM", "resource": "r", "evidence": '{"a": 1}'})
    assert finding["status"] == "alarm"
    assert finding["evidence"] == {"a": 1}
    assert (finding["muted"], finding["mute"], finding["remediation"], finding["title"]) == (
        False,
        None,
        "",
        "",
    )
    assert finding["reason_codes"] == [] and finding["advisories"] == []


def test_sls_logs_of_both_encodings() -> None:
    common = {"record": "finding", "scan_id": "s1", "status": "alarm", "scope": "trail", "muted": "true"}
    _, new = finding_from_log({**common, "reason_codes": '["A","B"]', "mute": '{"justification": "j"}'}, 5)
    _, old = finding_from_log({**common, "reason_codes": "A,B", "mute": ""}, 6)
    assert new["reason_codes"] == old["reason_codes"] == ["A", "B"]
    assert new["muted"] is True and new["mute"] == {"justification": "j"} and old["mute"] is None
    assert (new["time"], old["time"]) == (5, 6)
    record, summary = finding_from_log({"record": "summary", "counts": '{"ok": 1}'}, 7)
    assert record == "summary" and summary["counts"] == {"ok": 1}


def test_unreadable_evidence_is_shown_not_dropped() -> None:
    finding = normalized({"status": "ok", "evidence": "{not json"})
    assert finding["evidence"] == {"unreadable": "evidence", "text": "{not json"}


def test_json_lines_and_a_json_array() -> None:
    rows = [{"status": "ok", "resource": "a"}, {"status": "alarm", "resource": "b"}]
    lines = "\n".join(json.dumps(row) for row in rows) + "\n\n"
    assert [f["resource"] for f in read_jsonl(lines, "f")] == ["a", "b"]
    assert [f["resource"] for f in read_jsonl(json.dumps(rows), "f")] == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"status": "ok"}\n{nope', "f: line 2: not JSON"),
        ('{"status": "ok"}\n[1]', "f: line 2: expected a finding (a JSON object)"),
        ('{"status": "bad"}', "f: line 1: status 'bad' is not one of error, alarm, info, skip, ok"),
        ('{"resource": "x"}', "f: line 1: status None"),
        ("[1", "f: not JSON"),
    ],
)
def test_bad_input_names_the_line(text: str, message: str) -> None:
    with pytest.raises(
        ReportInputError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")
    ):
        read_jsonl(text, "f")


def _log(scan: str, when: str, resource: str, status: str, time: int = 0, finding_id: str = "") -> dict:
    return normalized(
        {
            "scan_id": scan,
            "evaluated_at": when,
            "resource": resource,
            "status": status,
            "scope": "trail",
            "time": time,
            "finding_id": finding_id,
        }
    )


def test_scans_are_grouped_by_id_and_ordered_by_evaluation_time() -> None:
    findings = [
        _log("b", "2026-12-02T00:00:00Z", "r", "ok"),
        _log("a", "2026-12-01T00:00:00Z", "r", "alarm"),
        _log("b", "2026-12-02T00:00:00Z", "q", "alarm"),
    ]
    scans = scans_of(findings)
    assert [s.scan_id for s in scans] == ["a", "b"]
    # Within a scan: most severe first, then by resource.
    assert [f["resource"] for f in scans[1].findings] == ["q", "r"]
    assert report_of(scans, "src", with_history=False).scan.scan_id == "b"
    assert report_of(scans, "src", with_history=True).has_history


def test_a_scan_written_twice_counts_each_finding_once() -> None:
    first = _log("a", "2026-12-01T00:00:00Z", "r", "alarm", time=10, finding_id="f1")
    again = _log("a", "2026-12-01T00:00:00Z", "r", "ok", time=11, finding_id="f1")
    [scan] = scans_of([again, first])
    assert [f["status"] for f in scan.findings] == ["ok"]


def test_no_findings_is_an_input_error() -> None:
    with pytest.raises(ReportInputError, match="no findings"):
        report_of([], "empty.jsonl", with_history=False)


def test_order_does_not_depend_on_input_order() -> None:
    findings = [_log("a", "t", f"r{n}", status) for n, status in enumerate(["ok", "alarm", "skip", "error"])]
    assert scans_of(findings) == scans_of(list(reversed(findings)))


def test_the_report_shows_every_accounts_latest_scan() -> None:
    findings = [
        {**_log("a1", "2026-12-01T00:00:00Z", "r", "alarm"), "account_id": "A"},
        {**_log("b1", "2026-12-02T00:00:00Z", "r", "ok"), "account_id": "B"},
        {**_log("a2", "2026-12-03T00:00:00Z", "r", "ok"), "account_id": "A"},
    ]
    latest = report_of(scans_of(findings), "src", with_history=True).scan
    assert latest.scan_id == "a2, b1" and latest.evaluated_at == "2026-12-03T00:00:00Z"
    assert sorted((f["account_id"], f["status"]) for f in latest.findings) == [("A", "ok"), ("B", "ok")]


def test_a_summary_log_with_a_bad_collection_error_count_names_the_field() -> None:
    contents = {"record": "summary", "scan_id": "s1", "evidence": json.dumps({"collection_errors": "many"})}
    with pytest.raises(
        ReportInputError, match=r"scan s1 at __time__ 7: field evidence.collection_errors: 'many'"
    ):
        finding_from_log(contents, 7)
    _, summary = finding_from_log({**contents, "evidence": json.dumps({"collection_errors": "2"})}, 7)
    assert summary["evidence"]["collection_errors"] == 2


def test_a_time_given_as_digits_is_read_as_a_number() -> None:
    [finding] = read_jsonl('{"status": "ok", "time": "12"}', "f")
    assert finding["time"] == 12
