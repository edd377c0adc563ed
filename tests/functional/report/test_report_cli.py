"""`cis216 report`: from a findings file, and read back from SLS (the emulated cloud), with the
history of several scans; and every way it can fail, with its exit code."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from aliyun.log import LogItem, PutLogsRequest

from cis216 import cli
from cis216.adapters.calls import RetryPolicy
from cis216.adapters.credentials import CredentialsError
from cis216.adapters.writer import TOPIC, finding_contents
from cis216.cli import sls_source
from cis216.core import evaluate
from cis216.emulator import DEFAULT_CREDENTIALS, EmulatedCloud
from cis216.inventory import load_inventory
from tests.functional.emulator.clients import ACCOUNT, sls
from tests.paths import EVENTS, SAMPLES
from tests.report_samples import jsonl, sample_findings

REGION, PROJECT, STORE = "cn-hangzhou", "cis216-findings", "cis216_findings"
DAY = 86400
T0 = 1_764_381_600  # 2025-11-29T02:00:00Z
SLS_ARGS = ["--from-sls", "--project", PROJECT, "--logstore", STORE, "--region", REGION]


def report(*args: object) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(["report", *map(str, args)], out=out)
    return code, out.getvalue()


@pytest.fixture
def findings_file(tmp_path: Path) -> Path:
    path = tmp_path / "findings.jsonl"
    path.write_text(jsonl(sample_findings()), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FINDINGS_PROJECT", "FINDINGS_LOGSTORE", "FINDINGS_REGION", "ALIBABA_CLOUD_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_CREDENTIALS.access_key_id)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_CREDENTIALS.access_key_secret)
    if DEFAULT_CREDENTIALS.security_token:
        monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", DEFAULT_CREDENTIALS.security_token)
    monkeypatch.setattr(sls_source, "retry_policy", lambda: RetryPolicy(sleep=lambda _: None))


# ---------------------------------------------------------------------------------------- from a file


def test_from_a_file_to_a_file(
    findings_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.html"
    assert report(findings_file, "-o", target) == (0, "")
    assert capsys.readouterr().err == f"report: {target}\n"
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("<article ") == 6
    assert report(findings_file, "-o", tmp_path / "again.html")[0] == 0
    assert (tmp_path / "again.html").read_bytes() == target.read_bytes()


def test_to_standard_output_and_from_standard_input(
    findings_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = report(findings_file)
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    monkeypatch.setattr(
        "sys.stdin", io.TextIOWrapper(io.BytesIO(findings_file.read_bytes()), encoding="utf-8")
    )
    assert report("-") == (0, out)


def test_dry_run_writes_nothing(findings_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, out = report(findings_file, "-o", target, "--dry-run")
    assert code == 0 and out.startswith("dry run: would write ") and f"to {target} (7 findings" in out
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give a findings file"),
        (["{file}", *SLS_ARGS], "either a findings file or --from-sls"),
        (["{tmp}/missing.jsonl"], "missing.jsonl: cannot read"),
        (["{bad}"], "line 2: not JSON"),
        (["{empty}"], "no findings to report on"),
        (["{file}", "-o", "{tmp}/no/such/dir/r.html"], "no such directory"),
        (["{file}", "-o", "{tmp}"], "is a directory"),
        (["--from-sls"], "--project is required with --from-sls"),
        (["--from-sls", "--project", "Bad_Name", "--logstore", "l", "--region", REGION], "not a valid name"),
    ],
)
def test_bad_input_is_exit_2(
    args: list[str], message: str, findings_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad, empty = tmp_path / "bad.jsonl", tmp_path / "empty.jsonl"
    bad.write_text('{"status": "ok"}\n{oops\n', encoding="utf-8")
    empty.write_text("\n", encoding="utf-8")
    places = {"file": findings_file, "tmp": tmp_path, "bad": bad, "empty": empty}
    code, _ = report(*(arg.format(**places) for arg in args))
    assert code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"status":"ok","time":"x"}\n', "line 1: field time: 'x' is not a whole number"),
        ("[" * 100_000 + "\n", "line 1: not JSON: nested too deeply to read"),
        ('{"status":"ok"}\n' + "[" * 100_000 + "\n", "line 2: not JSON: nested too deeply to read"),
    ],
)
def test_unreadable_findings_are_exit_2_naming_the_line_and_field(
    text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(text, encoding="utf-8")
    code, _ = report(path, "--dry-run")
    assert code == 2
    assert message in capsys.readouterr().err


def test_a_snapshot_is_pointed_to_evaluate(capsys: pytest.CaptureFixture[str]) -> None:
    snapshot = SAMPLES / "sample-account.json"
    code, _ = report(snapshot, "--dry-run")
    assert code == 2
    err = capsys.readouterr().err
    assert (
        f"this is an inventory snapshot, not findings: run `cis216 evaluate {snapshot} --report PATH`" in err
    )


@pytest.mark.parametrize("args", [["--since", "30"], ["--since", "0d"], ["--until", "yesterday"]])
def test_bad_options_are_usage_errors(args: list[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        report(*SLS_ARGS, *args)
    assert raised.value.code == 2


def test_help() -> None:
    with pytest.raises(SystemExit) as raised:
        report("--help")
    assert raised.value.code == 0


# ---------------------------------------------------------------------------------------- from SLS


def put_scan(
    cloud: EmulatedCloud, scan: str, when: int, statuses: dict[str, str] | None = None, copies: int = 1
) -> None:
    """The cis-text sample's findings as one scan's logs, written as the function writes them."""
    cloud.create_logstore(ACCOUNT, REGION, PROJECT, STORE)
    stamp = f"{scan}T"  # any text: the report orders by it, then by log time
    findings = evaluate(load_inventory(SAMPLES / "cis-text-account.json"), "strict")
    items = []
    for copy in range(copies):
        for number, finding in enumerate(findings):
            status = (statuses or {}).get(finding.scope or "", finding.status)
            changed = finding.model_copy(
                update={"status": status, "resource": f"{finding.resource}{copy or ''}"}
            )
            contents = finding_contents(changed, f"{scan}-{copy}-{number}", scan, stamp)
            items.append(LogItem(timestamp=when, contents=contents))
    for start in range(0, len(items), 100):
        sls().put_logs(PutLogsRequest(PROJECT, STORE, TOPIC, "cis216/test", items[start : start + 100]))


def test_history_over_three_scans(emulated_cloud: EmulatedCloud, tmp_path: Path) -> None:
    put_scan(emulated_cloud, "2026-11-01", T0)
    put_scan(emulated_cloud, "2026-11-02", T0 + DAY)
    put_scan(emulated_cloud, "2026-11-03", T0 + 2 * DAY, {"account": "ok"})
    target = tmp_path / "r.html"
    code, _ = report(*SLS_ARGS, "--until", T0 + 2 * DAY, "-o", target)
    assert code == 0
    html = target.read_text(encoding="utf-8")
    assert "<dt>Scan</dt><dd>2026-11-03</dd>" in html
    assert "3 scan(s) from 2026-11-01T to 2026-11-03T" in html
    assert "0 new, 1 resolved, 0 no longer reported; 1 failing now." in html
    assert "failing since 2026-11-01T" in html
    assert "<h2>History</h2>" in html
    assert report(*SLS_ARGS, "--until", T0 + 2 * DAY, "-o", tmp_path / "again.html")[0] == 0
    assert (tmp_path / "again.html").read_bytes() == target.read_bytes()


def test_since_leaves_older_scans_out(emulated_cloud: EmulatedCloud, tmp_path: Path) -> None:
    put_scan(emulated_cloud, "2026-10-01", T0 - 40 * DAY)
    put_scan(emulated_cloud, "2026-11-01", T0)
    code, out = report(*SLS_ARGS, "--until", T0, "--since", "30d")
    assert code == 0 and "1 scan(s) from 2026-11-01T" in out


def test_logs_are_read_page_by_page(emulated_cloud: EmulatedCloud) -> None:
    put_scan(emulated_cloud, "2026-11-01", T0, copies=120)  # 240 logs: pages of 100, 100, 40
    code, out = report(*SLS_ARGS, "--until", T0)
    assert code == 0 and "<dt>Findings</dt><dd>240</dd>" in out
    assert [c.api for c in emulated_cloud.calls if c.api == "GetLogs"] == ["GetLogs"] * 3


def test_a_transient_fault_is_retried(emulated_cloud: EmulatedCloud) -> None:
    put_scan(emulated_cloud, "2026-11-01", T0)
    emulated_cloud.faults.add("throttle", api="GetLogs", calls=[1])
    emulated_cloud.faults.add("error500", api="GetLogs", calls=[2])
    assert report(*SLS_ARGS, "--until", T0)[0] == 0


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"kind": "error500"}, "GetLogs: InternalServerError"),
        ({"kind": "access_denied"}, "GetLogs: Unauthorized"),
        ({"kind": "malformed"}, "GetLogs: MalformedResponse"),
        ({"kind": "html502"}, "GetLogs: BadGateway"),
        ({"kind": "timeout"}, "GetLogs:"),
        ({"kind": "json_body", "body": {"logs": []}}, "expected a JSON array of logs, got dict"),
        ({"kind": "json_body", "body": [{"__time__": 1, "status": ["x"]}]}, "GetLogs: MalformedResponse"),
        ({"kind": "error", "code": "LogStoreNotExist", "status": 404}, "LogStoreNotExist"),
    ],
)
def test_a_failed_read_is_exit_3(
    emulated_cloud: EmulatedCloud, fault: dict, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    put_scan(emulated_cloud, "2026-11-01", T0)
    emulated_cloud.faults.add(api="GetLogs", **fault)
    assert report(*SLS_ARGS, "--until", T0)[0] == 3
    err = capsys.readouterr().err
    assert err.startswith("cis216: reading findings failed: ") and message in err


def test_an_empty_logstore_is_exit_2(
    emulated_cloud: EmulatedCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    emulated_cloud.create_logstore(ACCOUNT, REGION, PROJECT, STORE)
    assert report(*SLS_ARGS, "--until", T0)[0] == 2
    assert "holds no findings in the last 30d" in capsys.readouterr().err


def test_no_credentials_is_exit_3(
    emulated_cloud: EmulatedCloud, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def nothing_found(*_: object) -> None:
        raise CredentialsError("no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ...")

    monkeypatch.setattr(sls_source, "resolve", nothing_found)
    assert report(*SLS_ARGS, "--until", T0)[0] == 3
    assert "cis216: reading findings failed: no credentials" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------- invoke --report


def test_invoke_writes_the_report_of_what_it_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETRY_BASE_SECONDS", "0")
    target = tmp_path / "report.html"
    out = io.StringIO()
    code = cli.main(["invoke", str(EVENTS / "timer.json"), "--report", str(target)], out=out)
    assert code == 0
    assert out.getvalue().endswith(f"report: {target}\n")
    html = target.read_text(encoding="utf-8")
    assert "<dt>Scan</dt><dd>20261129T020000Z-" in html and "cis216 invoke (emulated cloud)" in html
    assert "The scan summary counts 1 collection error(s)." in html


def test_invoke_refuses_an_unwritable_report_path_before_scanning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(
        ["invoke", str(EVENTS / "timer.json"), "--report", str(tmp_path / "no" / "r.html")], out=io.StringIO()
    )
    assert code == 2
    assert "--report" in capsys.readouterr().err


def test_invoke_report_names_the_collection_time_and_the_account_regions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETRY_BASE_SECONDS", "0")
    target, snapshot = tmp_path / "report.html", tmp_path / "snapshot.json"
    argv = ["invoke", str(EVENTS / "timer.json"), "--report", str(target), "--save-snapshot", str(snapshot)]
    assert cli.main(argv, out=io.StringIO()) == 0
    collected = json.loads(snapshot.read_text(encoding="utf-8"))["collected_at"]
    html = target.read_text(encoding="utf-8")
    assert f"<dt>Evaluated at</dt><dd>{collected}</dd>" in html  # not "not recorded in the input"
    # what the scan id is named after, when the collection ran later (an old event replayed)
    assert "<dt>Triggered</dt><dd>timer daily-cis216-scan, 2026-11-29T02:00:00+00:00</dd>" in html
    assert "region all · scope account" in html  # the account finding covers every region
