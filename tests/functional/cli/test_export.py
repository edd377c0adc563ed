"""`cis216 export FINDINGS.jsonl --format ocsf|csv [-o FILE]`: what `--format jsonl` printed,
as OCSF JSON Lines or CSV; stdin; the same bytes for the same input; a bad line named."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest

from cis216.cli import EXIT_BAD_INPUT, EXIT_OK, main
from cis216.export import CSV_COLUMNS
from tests.builders import ACCOUNT, alert, snapshot

TIME = "2026-11-29T02:00:00Z"


def run(*argv, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out = io.StringIO()
    return main([str(a) for a in argv], out=out), out.getvalue()


@pytest.fixture
def jsonl(tmp_path):
    """The findings `cis216 evaluate --format jsonl` prints for an account with a disabled alert."""
    doc = tmp_path / "snapshot.json"
    doc.write_text(json.dumps(snapshot(alerts=[alert(status="DISABLED")])))
    out = io.StringIO()
    main(["evaluate", str(doc), "--format", "jsonl", "--fail-on", "none"], out=out)
    path = tmp_path / "findings.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_ocsf_is_one_event_per_line_and_reproducible(jsonl):
    code, out = run("export", jsonl, "--time", TIME, "--scan-id", "scan-1")
    assert code == EXIT_OK
    events = [json.loads(line) for line in out.splitlines()]
    assert [(e["class_uid"], e["compliance"]["status"]) for e in events] == [(2003, "Fail"), (2003, "Fail")]
    assert {e["metadata"]["correlation_uid"] for e in events} == {"scan-1"}
    assert {e["time"] for e in events} == {1795917600000}
    assert all(
        line == json.dumps(json.loads(line), ensure_ascii=False, sort_keys=True) for line in out.splitlines()
    )
    assert run("export", jsonl, "--time", TIME, "--scan-id", "scan-1") == (code, out)  # same bytes


def test_the_lines_own_scan_and_time_win(tmp_path, jsonl):
    lines = [
        {**json.loads(line), "scan_id": "s-own", "evaluated_at": "2026-11-30T00:00:00Z", "finding_id": "f1"}
        for line in jsonl.read_text().splitlines()
    ]
    path = tmp_path / "with-scan.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n")  # a blank line is skipped
    code, out = run("export", path, "--scan-id", "other", "--time", TIME)
    events = [json.loads(line) for line in out.splitlines()]
    assert code == EXIT_OK and len(events) == 2
    assert {(e["metadata"]["correlation_uid"], e["metadata"]["uid"]) for e in events} == {("s-own", "f1")}
    assert {e["time"] for e in events} == {1795996800000}


def test_csv_from_stdin_to_a_file(jsonl, tmp_path, monkeypatch):
    target = tmp_path / "findings.csv"
    code, out = run(
        "export", "-", "--format", "csv", "-o", target, stdin=jsonl.read_text(), monkeypatch=monkeypatch
    )
    assert (code, out) == (EXIT_OK, "")
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [(r["account_id"], r["status"], r["reason_codes"]) for r in rows] == [
        (ACCOUNT, "alarm", '["ALERT_DISABLED"]'),
        (ACCOUNT, "alarm", '["ALERT_DISABLED"]'),
    ]
    # evaluate's lines carry the snapshot's collected_at; no scan id is invented
    assert {(r["scan_id"], r["evaluated_at"]) for r in rows} == {("", TIME)}


def test_evaluate_lines_carry_the_snapshot_time_so_export_is_reproducible(jsonl):
    """No --time: `time` is the snapshot's collected_at (from the line), not the export's moment."""
    assert {json.loads(line)["evaluated_at"] for line in jsonl.read_text().splitlines()} == {TIME}
    code, out = run("export", jsonl)
    assert code == EXIT_OK
    assert {json.loads(line)["time"] for line in out.splitlines()} == {1795917600000}  # TIME in ms
    assert run("export", jsonl) == (code, out)  # the same bytes


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (
            "{not json",
            "findings.jsonl: line 2: not JSON: Expecting property name enclosed in double quotes at column 2",
        ),
        ("[1]", "findings.jsonl: line 2: expected a JSON object (one finding), got list"),
        ('{"status": "alarm"}', "findings.jsonl: line 2: resource: Field required"),
        (
            "STATUS",
            "findings.jsonl: line 2: status: Input should be 'ok', 'alarm', 'info', 'skip' or 'error'",
        ),
        ("EXTRA", "findings.jsonl: line 2: colour: unknown field"),
        ("TIME", "findings.jsonl: line 2: evaluated_at: 'yesterday' is not an ISO 8601 time"),
    ],
)
def test_a_malformed_line_is_exit_2_naming_line_and_field(tmp_path, jsonl, capsys, line, error):
    first = jsonl.read_text().splitlines()[0]
    good = json.loads(first)
    line = {
        "STATUS": json.dumps({**good, "status": "failed"}),
        "EXTRA": json.dumps({**good, "colour": "red"}),
        "TIME": json.dumps({**good, "evaluated_at": "yesterday"}),
    }.get(line, line)
    path = tmp_path / "findings.jsonl"
    path.write_text(first + "\n" + line + "\n")
    assert run("export", path) == (EXIT_BAD_INPUT, "")
    err = capsys.readouterr().err
    assert err.startswith(f"cis216: error: {tmp_path}/{error}"), err


def test_usage_errors(jsonl, capsys, tmp_path):
    for argv in (["export", str(jsonl), "--format", "asff"], ["export", str(jsonl), "--time", "noon"]):
        with pytest.raises(SystemExit) as caught:
            main(argv, out=io.StringIO())
        assert caught.value.code == EXIT_BAD_INPUT
    assert "'noon' is not an ISO 8601 time" in capsys.readouterr().err
    assert run("export", tmp_path / "missing.jsonl")[0] == EXIT_BAD_INPUT
    assert run("export", jsonl, "-o", tmp_path)[0] == EXIT_BAD_INPUT


def test_help_names_the_formats(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"], out=io.StringIO())
    text = " ".join(capsys.readouterr().out.split())
    for words in ("FINDINGS", "ocsf", "csv", "--scan-id", "--time", "-o FILE", "Exit codes: 0 exported"):
        assert words in text
