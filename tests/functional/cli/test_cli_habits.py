"""What a new user, used to Prowler and Powerpipe, expects of every command: `--help` that ends with
the exit codes, a dry run or plan where the command writes, `-o` where its output is a file, and
the same exit code for the same kind of failure."""

from __future__ import annotations

import io
import json

import pytest

from cis216 import cli
from tests.paths import EVENTS, SAMPLES

COMMANDS = ("evaluate", "invoke", "setup", "report", "export")


def help_text(*argv: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as raised:
        cli.main([*argv, "--help"], out=io.StringIO())
    assert raised.value.code == 0
    return " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_ends_with_the_exit_codes(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = help_text(command, capsys=capsys)
    epilog = text.split("Exit codes: ", 1)
    assert len(epilog) == 2, f"`cis216 {command} --help` names no exit codes"
    assert "0 " in epilog[1] and "2 bad input" in epilog[1]


@pytest.mark.parametrize(
    ("command", "option"),
    [("evaluate", "-o FILE"), ("invoke", "-o FILE"), ("report", "-o PATH"), ("export", "-o FILE")],
)
def test_every_command_that_prints_output_writes_it_to_a_file_with_o(
    command: str, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert option in help_text(command, capsys=capsys)


@pytest.mark.parametrize(
    ("command", "words"),
    [("invoke", "--dry-run"), ("report", "--dry-run"), ("setup", "--apply")],
)
def test_every_command_that_writes_has_a_dry_run_or_a_plan(
    command: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert words in help_text(command, capsys=capsys)


def test_invoke_dry_run_writes_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETRY_BASE_SECONDS", "0")
    monkeypatch.delenv("DRY_RUN", raising=False)
    out = io.StringIO()
    assert cli.main(["invoke", str(EVENTS / "timer.json"), "--dry-run"], out=out) == 0
    last = out.getvalue().strip().splitlines()[-1]
    assert last == "dry run: wrote nothing (would write 7 findings to cis216-findings/cis216_findings)"


def test_invoke_dry_run_of_an_organisation_event_is_exit_2_naming_the_variable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = cli.main(["invoke", str(EVENTS / "org-timer.json"), "--dry-run"], out=io.StringIO())
    assert code == 2
    assert "set DRY_RUN=true in the environment" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["evaluate", "report", "export"])
def test_an_output_into_a_missing_directory_is_exit_2_before_anything_runs(
    command: str, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings = tmp_path / "findings.jsonl"
    findings.write_text(json.dumps({"status": "ok"}) + "\n", encoding="utf-8")  # never read
    source = str(SAMPLES / "sample-account.json")
    argv = [command, source if command == "evaluate" else str(findings), "-o", str(tmp_path / "no" / "x")]
    assert cli.main(argv, out=io.StringIO()) == 2
    assert f"-o {tmp_path}/no/x: no such directory" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "patched"),
    [
        (["invoke", str(EVENTS / "timer.json")], "cis216.cli.invoke._emulated"),
        (["setup"], "cis216.cli.setup._emulated_cloud"),
        (["setup", "--preview", "x.html"], "cis216.cli.setup_preview.write_preview"),
    ],
)
def test_the_emulated_cloud_without_the_local_extra_is_exit_2_naming_it(
    argv: list[str], patched: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing(*_: object) -> None:
        raise ModuleNotFoundError("No module named 'duckdb'", name="duckdb")

    monkeypatch.setattr(patched, missing)
    assert cli.main(argv, out=io.StringIO()) == 2
    assert "pip install 'cis216[local]'" in capsys.readouterr().err


def test_another_missing_module_is_not_blamed_on_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*_: object) -> None:
        raise ModuleNotFoundError("No module named 'something_else'", name="something_else")

    monkeypatch.setattr("cis216.cli.setup._emulated_cloud", missing)
    with pytest.raises(ModuleNotFoundError):
        cli.main(["setup"], out=io.StringIO())


def test_evaluate_writes_the_report_as_invoke_does(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.html"
    argv = ["evaluate", str(SAMPLES / "cis-text-account.json"), "--report", str(target)]
    assert (
        cli.main(argv, out=io.StringIO()) == 1
    )  # the sample's verdict is alarm: the report is written all the same
    assert capsys.readouterr().err == f"report: {target}\n"
    html = target.read_text(encoding="utf-8")
    assert "<dt>Evaluated at</dt><dd>2026-11-29T02:00:00Z</dd>" in html  # the snapshot's collected_at
    assert "cis216 evaluate (snapshot " in html and html.count("<article ") == 2


def test_evaluate_refuses_an_unwritable_report_path_before_evaluating(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["evaluate", str(tmp_path / "missing.json"), "--report", str(tmp_path / "no" / "r.html")]
    assert cli.main(argv, out=io.StringIO()) == 2
    assert f"--report {tmp_path}/no/r.html: no such directory" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["report", "export"])
@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--project", "cis216-findings"], "--project applies with --from-sls only"),
        (["--since", "7d", "--region", "cn-hangzhou"], "--region, --since apply with --from-sls only"),
    ],
)
def test_sls_options_without_from_sls_are_exit_2_not_ignored(
    command: str, options: list[str], said: str, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings = tmp_path / "findings.jsonl"
    out = io.StringIO()
    cli.main(["evaluate", str(SAMPLES / "sample-account.json"), "--format", "jsonl"], out=out)
    findings.write_text(out.getvalue(), encoding="utf-8")
    assert cli.main([command, str(findings), *options], out=io.StringIO()) == 2
    assert said in capsys.readouterr().err
