"""`cis216 evaluate`: formats, exit codes, stdin, errors on stderr; once for real as `python -m cis216`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections import Counter
from importlib import resources

import pytest

from cis216.cli import EXIT_BAD_INPUT, EXIT_FAIL_ON, EXIT_OK, main
from tests.builders import ACCOUNT, ONE_CODE_QUERY, UNSET, alert, document, region, trail

HZ = "cn-hangzhou"


def _snapshot(trails, alerts=()):
    """Region cn-hangzhou with these trails, and these alerts in project p01."""
    return document(regions={HZ: region(trails=trails, alerts=alerts, project="p01")})


# The shapes the reference SQL reads: trail `t` delivering to p01, an alert the SQL accepts.
TRAIL = trail(name="t", project="p01", minimal=True)
ALERT = alert(query=ONE_CODE_QUERY, minimal=True)
OK_DOC = _snapshot([TRAIL], [ALERT])
ALARM_DOC = _snapshot([TRAIL, trail(name="off", status="Disable", sls_arn=UNSET, minimal=True)], [ALERT])


@pytest.fixture
def write(tmp_path):
    def write(doc, name="snapshot.json"):
        path = tmp_path / name
        path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
        return str(path)

    return write


def run(argv, stdin=None, monkeypatch=None):
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv, out=out)
    return code, out.getvalue()


def test_json_is_one_array_of_finding_objects(write):
    code, out = run(["evaluate", write(ALARM_DOC), "--profile", "powerpipe", "--format", "json"])
    assert code == EXIT_FAIL_ON  # the worst finding is an alarm: the default --fail-on
    findings = json.loads(out)
    assert isinstance(findings, list) and len(findings) == 2
    assert [(f["status"], f["reason"]) for f in findings] == [
        (
            "ok",
            f"t is configured with ActionTrail enabled, delivering to SLS project in region {HZ}, "
            "and has an unauthorized API call monitoring alert configured",
        ),
        ("alarm", "off is not enabled"),
    ]
    for finding in findings:
        assert {"resource", "status", "reason", "account_id", "region", "control", "profile"} <= set(finding)
        assert finding["control"] == "cis_v200_2_16"
        assert (finding["profile"], finding["account_id"]) == ("powerpipe", ACCOUNT)


def test_jsonl_is_one_finding_per_line(write):
    code, out = run(["evaluate", write(ALARM_DOC), "--profile", "powerpipe", "--format", "jsonl"])
    assert code == EXIT_FAIL_ON
    lines = out.splitlines()
    assert len(lines) == 2
    assert [json.loads(line)["status"] for line in lines] == ["ok", "alarm"]


def test_table_is_the_default_format(write):
    code, out = run(["evaluate", write(ALARM_DOC), "--profile", "powerpipe"])
    assert code == EXIT_FAIL_ON
    assert out.splitlines()[0].split() == ["STATUS", "REGION", "RESOURCE"]
    assert f"acs:actiontrail:{HZ}:{ACCOUNT}:actiontrail/off" in out
    assert "off is not enabled" in out
    assert out.rstrip().endswith("1 alarm, 1 ok")


def test_table_shows_null_resource_and_reason(write):
    doc = _snapshot([trail(name="t", home=UNSET, sls_arn="garbage", minimal=True)])
    code, out = run(["evaluate", write(doc), "--profile", "powerpipe"])
    assert code == EXIT_FAIL_ON
    assert out.count("(null)") == 2


def test_no_trail_no_findings(write):
    code, out = run(["evaluate", write(_snapshot([], [ALERT])), "--profile", "powerpipe"])
    assert (code, out) == (EXIT_OK, "no findings\n")
    code, out = run(["evaluate", write(_snapshot([], [ALERT])), "--profile", "powerpipe", "--format", "json"])
    assert json.loads(out) == []


def test_fail_on_alarm(write):
    path = write(ALARM_DOC)
    assert run(["evaluate", path, "--profile", "powerpipe", "--fail-on", "alarm"])[0] == EXIT_FAIL_ON
    assert run(["evaluate", path, "--profile", "powerpipe", "--fail-on", "error,alarm"])[0] == EXIT_FAIL_ON
    assert run(["evaluate", path, "--profile", "powerpipe", "--fail-on", "error"])[0] == EXIT_OK
    # By default the verdict decides (issue 14.5): here the worst row, an alarm; `none` opts out.
    assert run(["evaluate", path, "--profile", "powerpipe"])[0] == EXIT_FAIL_ON
    assert run(["evaluate", path, "--profile", "powerpipe", "--fail-on", "none"])[0] == EXIT_OK
    ok_path = write(OK_DOC, "ok.json")
    assert run(["evaluate", ok_path, "--profile", "powerpipe", "--fail-on", "alarm"])[0] == EXIT_OK


def test_stdin(monkeypatch):
    argv = ["evaluate", "-", "--profile", "powerpipe", "--format", "json"]
    code, out = run(argv, json.dumps(OK_DOC), monkeypatch)
    assert code == EXIT_OK
    assert [f["status"] for f in json.loads(out)] == ["ok"]


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "{not json",
            "cis216: error: stdin: not JSON: Expecting property name enclosed in double quotes "
            "at line 1 column 2\n",
        ),
        (
            json.dumps({**OK_DOC, "version": 9}),
            "cis216: error: stdin: version: unsupported snapshot version 9; this cis216 reads version 1\n",
        ),
    ],
)
def test_bad_stdin_exits_2(monkeypatch, capsys, text, message):
    code, out = run(["evaluate", "-", "--profile", "powerpipe"], text, monkeypatch)
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert capsys.readouterr().err == message


def test_stdin_that_is_not_utf8_exits_2(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'\xff{"version": 1}'), encoding="utf-8"))
    assert main(["evaluate", "-", "--profile", "powerpipe"], out=io.StringIO()) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == "cis216: error: stdin: not UTF-8 text\n"


def test_bad_file_exits_2_with_the_path_of_the_bad_field(write, capsys):
    doc = _snapshot([{"Status": "Enable"}])
    path = write(doc)
    code, out = run(["evaluate", path, "--profile", "powerpipe"])
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert capsys.readouterr().err == (
        f"cis216: error: {path}: regions.cn-hangzhou.trails[0].Name: Field required\n"
    )


@pytest.mark.parametrize("content", ["", "[1,", "\u00ff not json"])
def test_not_json_file_exits_2(write, capsys, content):
    path = write(content)
    assert run(["evaluate", path, "--profile", "powerpipe"])[0] == EXIT_BAD_INPUT
    assert capsys.readouterr().err.startswith(f"cis216: error: {path}: not JSON: ")


def test_missing_file_exits_2(tmp_path, capsys):
    path = tmp_path / "absent.json"
    assert run(["evaluate", str(path)])[0] == EXIT_BAD_INPUT
    assert capsys.readouterr().err == f"cis216: error: {path}: cannot read: No such file or directory\n"


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        pytest.param(
            ["evaluate"],
            "cis216 evaluate: error: the following arguments are required: SNAPSHOT",
            id="no-snapshot",
        ),
        pytest.param(
            ["evaluate", "x.json", "--format", "xml"],
            "cis216 evaluate: error: argument --format: invalid choice: 'xml'",
            id="unknown-format",
        ),
        pytest.param(
            ["evaluate", "x.json", "--profile", "lenient"],
            "cis216 evaluate: error: argument --profile: invalid choice: 'lenient'",
            id="unknown-profile",
        ),
        pytest.param(
            ["evaluate", "x.json", "--fail-on", "bad"],
            "cis216 evaluate: error: argument --fail-on: expected a comma-separated list of error, alarm, "
            "info, skip, ok; got 'bad'",
            id="unknown-fail-on-status",
        ),
        pytest.param([], "cis216: error: the following arguments are required: COMMAND", id="no-command"),
    ],
)
def test_usage_errors_exit_2(argv, error, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv, out=io.StringIO())
    assert caught.value.code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("usage: cis216")
    assert err.splitlines()[-1].startswith(error)


def test_help(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["evaluate", "--help"], out=io.StringIO())
    assert caught.value.code == 0
    text = capsys.readouterr().out
    for option in ("SNAPSHOT", "--profile", "--format", "--fail-on", "'-' for stdin"):
        assert option in text
    assert "Exit codes: 0 ran" in " ".join(text.split()) and "2 bad input or usage" in " ".join(text.split())


def test_python_m_cis216_end_to_end(tmp_path):
    sample = resources.files("cis216").joinpath("samples/sample-account.json")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cis216",
            "evaluate",
            str(sample),
            "--profile",
            "powerpipe",
            "--format",
            "json",
            "--fail-on",
            "alarm",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == EXIT_FAIL_ON, done.stderr
    findings = json.loads(done.stdout)
    assert Counter(f["status"] for f in findings) == {"ok": 5, "alarm": 3, "error": 1}

    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1}', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "cis216", "evaluate", "-", "--profile", "powerpipe"],
        input=bad.read_text(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (EXIT_BAD_INPUT, "")
    assert done.stderr.startswith("cis216: error: stdin: account_id: Field required\n")

    done = subprocess.run(
        [sys.executable, "-m", "cis216", "--help"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0 and "evaluate" in done.stdout


def test_settings_file_that_is_not_utf8_or_not_json_exits_2(write, capsys):
    snapshot = write(OK_DOC)
    bad = write("{}", "settings.json")
    with open(bad, "wb") as handle:
        handle.write(b'{"max_threshold": "\xff"}')
    assert run(["evaluate", snapshot, "--settings", bad])[0] == EXIT_BAD_INPUT
    assert capsys.readouterr().err == f"cis216: error: {bad}: not UTF-8 text\n"
    nan = write('{"max_threshold": NaN}', "nan.json")
    assert run(["evaluate", snapshot, "--settings", nan])[0] == EXIT_BAD_INPUT
    assert capsys.readouterr().err.startswith(f"cis216: error: {nan}: ")


@pytest.mark.parametrize(
    "text, message",
    [
        (
            '{"version": 1, "x": ' + "9" * 5000 + "}",
            "not JSON this program can read: a number has too many digits",
        ),
        ("[" * 100000 + "]" * 100000, "not JSON this program can read: nested too deeply"),
        (
            json.dumps(OK_DOC).replace('"version": 1', '"version": NaN'),
            "version: not a finite number (JSON has no NaN or Infinity)",
        ),
    ],
)
def test_json_python_cannot_hold_exits_2(write, monkeypatch, capsys, text, message):
    path = write(text)
    assert run(["evaluate", path, "--profile", "powerpipe"]) == (EXIT_BAD_INPUT, "")
    assert capsys.readouterr().err == f"cis216: error: {path}: {message}\n"
    assert run(["evaluate", "-", "--profile", "powerpipe"], text, monkeypatch) == (EXIT_BAD_INPUT, "")
    assert capsys.readouterr().err == f"cis216: error: stdin: {message}\n"


def test_a_closed_pipe_is_not_a_traceback_and_keeps_the_exit_code(write):
    # `cis216 evaluate ... | head -1`: the reader closes the pipe before everything is written.
    path = write(
        _snapshot(
            [dict(TRAIL, Name=f"t{i}") for i in range(2000)]
            + [trail(name="off", status="Disable", sls_arn=UNSET, minimal=True)],
            [ALERT],
        )
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cis216",
            "evaluate",
            path,
            "--profile",
            "powerpipe",
            "--format",
            "jsonl",
            "--fail-on",
            "alarm",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.read(10)
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8", "replace")
    assert process.wait(timeout=120) == EXIT_FAIL_ON, stderr
    assert stderr == ""


def test_settings_file_errors_name_the_setting_not_the_snapshot(write, capsys):
    settings = write(json.dumps({"bogus": 1, "max_threshold": "x"}), "settings.json")
    assert run(["evaluate", write(OK_DOC), "--settings", settings])[0] == EXIT_BAD_INPUT
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith(f"cis216: error: {settings}: max_threshold: ")
    assert f"{settings}: bogus: unknown setting (see README, Settings)" in lines
    assert "snapshot" not in " ".join(lines)
