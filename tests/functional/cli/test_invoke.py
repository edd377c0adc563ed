"""`cis216 invoke EVENT_FILE`: the README's main command, against the built-in emulated cloud."""

from __future__ import annotations

import io
import json

import pytest

from cis216 import cli
from cis216.export.jsonl import ENVELOPE
from cis216.findings import Finding
from cis216.shell.ids import finding_ids
from tests.paths import EVENTS, REPO_ROOT

ROOT = REPO_ROOT


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    from cis216.shell.config import VARIABLES

    for variable in VARIABLES:
        monkeypatch.delenv(variable.name, raising=False)
    for key in (
        "FINDINGS_PROJECT",
        "FINDINGS_LOGSTORE",
        "FINDINGS_REGION",
        "FC_REGION",
        "SCAN_REGIONS",
        "PROFILE",
        "DRY_RUN",
        "PROFILE_SETTINGS",
        "FC_ACCOUNT_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "LOG_LEVEL",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("RETRY_BASE_SECONDS", "0")


def invoke(*args):
    out = io.StringIO()
    code = cli.main(["invoke", *map(str, args)], out=out)
    return code, out.getvalue()


def test_timer_event_end_to_end(capsys):
    code, out = invoke(EVENTS / "timer.json")
    assert code == 0
    assert out.startswith("scan 20261129T020000Z-")
    assert "STATUS" in out and "acs:actiontrail:" in out
    last = out.strip().splitlines()[-1]
    assert last.startswith("wrote ") and " findings to cis216-findings/cis216_findings" in last
    n = int(last.split()[1])
    assert f"the emulated logstore holds {n} finding logs of this scan" in last
    err = capsys.readouterr().err
    assert all(json.loads(line)["logger"].startswith("cis216") for line in err.splitlines() if line.strip())


WROTE_SEVEN = (
    "wrote 7 findings to cis216-findings/cis216_findings (+ 1 scan summary log; the emulated logstore holds "
    "7 finding logs of this scan)"
)


@pytest.mark.parametrize(
    ("event", "profile", "findings", "regions", "exit_code"),
    [
        # powerpipe has no account finding: its worst row (an error) is the verdict, and fails the run
        pytest.param(
            "timer-with-payload.json",
            "powerpipe",
            "7 (2 alarm, 1 error, 4 ok)",
            3,
            1,
            id="timer-with-payload.json",
        ),
        # strict: the account is ok; the scan error of a region it did not need fails nothing
        pytest.param("direct.json", "strict", "7 (1 error, 2 ok, 4 skip)", 22, 0, id="direct.json"),
    ],
)
def test_other_bundled_events(event, profile, findings, regions, exit_code):
    code, out = invoke(EVENTS / event)
    lines = out.strip().splitlines()
    assert code == exit_code
    assert lines[0].endswith(f"  account 1234567890123456  profile {profile}")
    assert lines[2] == f"findings: {findings}; collection errors: 1"
    assert lines[3].startswith(f"regions: {regions}; ")
    assert lines[-1] == WROTE_SEVEN


def test_json_format_keeps_stdout_machine_readable(tmp_path, capsys):
    snapshot = tmp_path / "snap.json"
    code, out = invoke(EVENTS / "timer.json", "--format", "json", "--save-snapshot", snapshot)
    assert code == 0
    findings = json.loads(out)
    assert [(f["scope"], f["status"]) for f in findings] == [
        ("account", "ok"),
        *[("trail", status) for status in ("skip", "skip", "skip", "ok", "skip")],
        ("scan", "error"),
    ]
    saved = json.loads(snapshot.read_text())
    assert saved["account_id"] == "1234567890123456" and "cn-hangzhou" in saved["regions"]
    assert len(saved["regions"]) == 22  # every region the emulated account answers with
    assert capsys.readouterr().err.strip().splitlines()[-1] == WROTE_SEVEN


def test_seed_and_fail_on(tmp_path):
    sample = json.loads((ROOT / "lib/cis216/samples/sample-account.json").read_text())
    for region in sample["regions"].values():
        region["errors"] = []
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(sample))
    code, out = invoke(EVENTS / "timer.json", "--seed", seed, "--fail-on", "error")
    assert code == 0 and "ERROR " not in out
    code, _ = invoke(EVENTS / "timer.json", "--fail-on", "error")  # the bundled sample has a denied project
    assert code == 1


def test_bad_inputs_exit_2(tmp_path, capsys, monkeypatch):
    assert invoke(tmp_path / "missing.json")[0] == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"triggerTime": "2026-11-29T02:00:00Z", "triggerName": "t", "payload": "{\\"x\\": 1}"}')
    assert invoke(bad)[0] == 2
    assert "x: unknown key" in capsys.readouterr().err
    seed = tmp_path / "seed.json"
    seed.write_text('{"version": 1}')
    assert invoke(EVENTS / "timer.json", "--seed", seed)[0] == 2
    monkeypatch.setenv("FINDINGS_PROJECT", "Not_Valid")
    assert invoke(EVENTS / "timer.json")[0] == 2
    assert "FINDINGS_PROJECT: " in capsys.readouterr().err


def test_unwritable_save_snapshot_path_is_refused_before_the_scan(tmp_path, capsys):
    # Exit 2 means "bad input": it must not come after the findings were already written.
    code, out = invoke(EVENTS / "timer.json", "--save-snapshot", tmp_path / "no-such-dir" / "snap.json")
    err = capsys.readouterr().err
    assert code == 2 and "--save-snapshot" in err
    assert "wrote" not in out + err and "scan complete" not in err
    code, _ = invoke(EVENTS / "timer.json", "--save-snapshot", tmp_path)
    assert code == 2


def test_write_failure_exits_3(monkeypatch, capsys):
    import cis216.emulator as emulator

    class FailingWrites(emulator.EmulatedCloud):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.faults.add("error503", api="PutLogs")

    monkeypatch.setattr(emulator, "EmulatedCloud", FailingWrites)
    code, out = invoke(EVENTS / "timer.json")
    assert code == 3
    assert "wrote" not in out
    assert "scan failed" in capsys.readouterr().err


def test_dry_run(monkeypatch):
    monkeypatch.setenv("DRY_RUN", "true")
    code, out = invoke(EVENTS / "timer.json")
    assert code == 0 and "dry run: wrote nothing" in out


def test_real_cloud_needs_configuration(capsys):
    code, _ = invoke(EVENTS / "timer.json", "--cloud", "real")
    assert code == 2
    assert "FINDINGS_PROJECT: required" in capsys.readouterr().err


def test_real_cloud_without_credentials_fails_cleanly(monkeypatch, capsys):
    from cis216.adapters import credentials

    def no_chain():
        raise credentials.CredentialsError("no credentials: the default credential chain failed")

    monkeypatch.setattr(credentials, "from_default_chain", no_chain)
    monkeypatch.setenv("FINDINGS_PROJECT", "my-findings")
    monkeypatch.setenv("FINDINGS_REGION", "cn-hangzhou")
    code, out = invoke(EVENTS / "timer.json", "--cloud", "real")
    assert code == 3 and out == ""
    assert "no credentials" in capsys.readouterr().err


def test_real_cloud_region_defaults_like_fc(monkeypatch, capsys):
    # The documented `FINDINGS_PROJECT=my-findings cis216 invoke events/timer.json --cloud real`:
    # FC always sets FC_REGION, so the local context does too (FINDINGS_REGION defaults to it).
    from cis216.adapters import credentials

    def no_chain():
        raise credentials.CredentialsError("no credentials: the default credential chain failed")

    monkeypatch.setattr(credentials, "from_default_chain", no_chain)
    monkeypatch.setenv("FINDINGS_PROJECT", "my-findings")
    code, _ = invoke(EVENTS / "timer.json", "--cloud", "real")
    err = capsys.readouterr().err
    assert "FINDINGS_REGION" not in err
    assert code == 3 and "no credentials" in err
    import os

    assert "FC_REGION" not in os.environ  # put back afterwards


def test_seed_is_only_for_the_emulated_cloud(capsys):
    assert invoke(EVENTS / "timer.json", "--cloud", "real", "--seed", "x.json")[0] == 2


def test_runs_without_the_repository_around_it(tmp_path):
    # An installed cis216 runs the scan itself: no handler/index.py, no events/ next to it.
    import os
    import subprocess
    import sys

    event = tmp_path / "timer.json"
    event.write_bytes((EVENTS / "timer.json").read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINDINGS_", "FC_", "ALIBABA_CLOUD_"))}
    env["RETRY_BASE_SECONDS"] = "0"
    result = subprocess.run(
        [sys.executable, "-m", "cis216", "invoke", "timer.json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("scan 20261129T020000Z-") and "wrote " in result.stdout


def test_invoke_passes_its_environment_instead_of_patching_the_process(monkeypatch):
    import os

    from cis216.shell import scan

    real_run, seen = scan.run, []

    def spy(event, context, environ, **kwargs):
        seen.append((os.environ.get("FC_ACCOUNT_ID"), environ["FC_ACCOUNT_ID"], sorted(vars(context))))
        return real_run(event, context, environ, **kwargs)

    monkeypatch.setattr(scan, "run", spy)
    code, _ = invoke(EVENTS / "timer.json")
    assert code == 0
    [(process, passed, context_attributes)] = seen
    assert process is None and passed == "1234567890123456"
    assert context_attributes == ["account_id", "credentials", "function", "region", "request_id", "service"]


def test_default_exit_follows_the_account_verdict_and_mutelist_and_output_file(tmp_path, capsys):
    # The bundled sample's verdict is ok; its one error finding (a project it does not need) does
    # not fail the run by default, and --fail-on error (any finding) does, unless it is muted.
    assert invoke(EVENTS / "timer.json")[0] == 0
    mutelist = tmp_path / "mutelist.json"
    entry = {"account": "*", "resource": "acs:log:*", "justification": "j", "expires": "2099-01-01"}
    mutelist.write_text(
        json.dumps({"entries": [{**entry, "resource": "acs:log:*:*:project/sg-data-platform"}]})
    )
    target = tmp_path / "out.csv"
    code, out = invoke(
        EVENTS / "timer.json", "--mutelist", mutelist, "--fail-on", "error", "--format", "csv", "-o", target
    )
    assert (code, out) == (0, "")
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("scan_id,evaluated_at,resource,status,")
    muted = [row for row in rows if ",error," in row]
    assert len(muted) == 1 and ",true," in muted[0] and muted[0].startswith("20261129T020000Z-")
    capsys.readouterr()
    mutelist.write_text(json.dumps({"entries": [{**entry, "expires": "tomorrow"}]}))
    assert invoke(EVENTS / "timer.json", "--mutelist", mutelist) == (2, "")
    assert (
        capsys.readouterr().err
        == f"cis216: error: {mutelist}: entries[0].expires: 'tomorrow' is not an ISO date (YYYY-MM-DD)\n"
    )
    assert invoke(EVENTS / "timer.json", "-o", tmp_path / "no" / "out.txt")[0] == 2


def test_jsonl_lines_carry_the_scan_the_finding_ids_and_the_time(tmp_path):
    """What the findings logstore adds to each finding, so that export and report correlate them."""
    snapshot = tmp_path / "snap.json"
    code, out = invoke(EVENTS / "timer.json", "--format", "jsonl", "--save-snapshot", snapshot)
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    scan = lines[0]["scan_id"]
    assert scan.startswith("20261129T020000Z-") and {line["scan_id"] for line in lines} == {scan}
    collected = json.loads(snapshot.read_text())["collected_at"]
    assert {line["evaluated_at"] for line in lines} == {collected}
    findings = [
        Finding.model_validate({k: v for k, v in line.items() if k not in ENVELOPE}) for line in lines
    ]
    assert [line["finding_id"] for line in lines] == finding_ids(scan, findings)  # the ids written to SLS
    jsonl = tmp_path / "findings.jsonl"
    jsonl.write_text(out, encoding="utf-8")
    exported = io.StringIO()
    assert cli.main(["export", str(jsonl)], out=exported) == 0
    events = [json.loads(line) for line in exported.getvalue().splitlines()]
    assert [e["metadata"]["uid"] for e in events] == [line["finding_id"] for line in lines]
    assert {e["metadata"]["correlation_uid"] for e in events} == {scan}
    page = tmp_path / "report.html"
    assert cli.main(["report", str(jsonl), "-o", str(page)], out=io.StringIO()) == 0
    assert scan in page.read_text(encoding="utf-8")
