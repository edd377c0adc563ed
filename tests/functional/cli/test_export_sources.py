"""`cis216 export` from its two other sources: an inventory snapshot (evaluated on the spot, with
`--profile`, `--settings`, `--mutelist`) and the findings logs read back from SLS (`--from-sls`,
the emulated cloud answering GetLogs); and each way they fail, with its exit code."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from aliyun.log import LogItem, PutLogsRequest

from cis216.adapters.calls import RetryPolicy
from cis216.adapters.credentials import CredentialsError
from cis216.adapters.writer import TOPIC, finding_contents
from cis216.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, main, sls_source
from cis216.core import evaluate
from cis216.emulator import DEFAULT_CREDENTIALS, EmulatedCloud
from cis216.inventory import load_inventory
from tests.builders import ACCOUNT, alert, snapshot
from tests.functional.emulator.clients import sls
from tests.paths import SAMPLES
from tests.unit.export.test_ocsf import assert_valid

REGION, PROJECT, STORE = "cn-hangzhou", "cis216-findings", "cis216_findings"
COLLECTED_MS = 1795917600000  # 2026-11-29T02:00:00Z, the builders' and the samples' collected_at
T0 = 1_795_917_600
SLS_ARGS = ["--from-sls", "--project", PROJECT, "--logstore", STORE, "--region", REGION]


def export(*argv: object, stdin: str | None = None) -> tuple[int, str]:
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    out = io.StringIO()
    return main(["export", *map(str, argv)], out=out), out.getvalue()


@pytest.fixture(autouse=True)
def _restore_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", sys.stdin)


def events(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def disabled(tmp_path: Path) -> Path:
    """A snapshot whose only alert is disabled: the account and its trail in alarm."""
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(snapshot(alerts=[alert(status="DISABLED")])), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------- snapshot


def test_a_snapshot_is_recognised_and_evaluated_with_the_strict_profile(disabled: Path) -> None:
    code, out = export(disabled)
    assert code == EXIT_OK
    found = events(out)
    assert [(e["compliance"]["status"], e["unmapped"]["profile"]) for e in found] == [("Fail", "strict")] * 2
    assert {e["time"] for e in found} == {COLLECTED_MS}  # the snapshot's collected_at: the same bytes
    assert all("correlation_uid" not in e["metadata"] for e in found)  # no scan: none invented
    assert export(disabled) == (code, out)
    for event in found:
        assert_valid(event)


def test_the_bundled_sample_gives_what_evaluate_gives(tmp_path: Path) -> None:
    sample = SAMPLES / "sample-account.json"
    code, out = export(sample, "--format", "csv", "--scan-id", "s-1")
    rows = list(csv.DictReader(io.StringIO(out)))
    expected = evaluate(load_inventory(sample), "strict")
    assert code == EXIT_OK and [(r["resource"], r["status"]) for r in rows] == [
        (f.resource, f.status) for f in expected
    ]
    assert {(r["scan_id"], r["evaluated_at"]) for r in rows} == {("s-1", "2026-11-29T02:00:00Z")}


def test_snapshot_from_stdin_said_with_the_flag_and_the_powerpipe_profile(disabled: Path) -> None:
    pretty = json.dumps(json.loads(disabled.read_text()), indent=2)
    code, out = export("-", "--snapshot", "--profile", "powerpipe", stdin=pretty)
    assert code == EXIT_OK
    assert {e["unmapped"]["profile"] for e in events(out)} == {"powerpipe"}


def test_the_mutelist_is_applied_on_the_snapshots_date(disabled: Path, tmp_path: Path) -> None:
    mutelist = tmp_path / "mutelist.json"
    entry = {"account": ACCOUNT, "resource": "acs:actiontrail:*", "justification": "sandbox"}
    mutelist.write_text(json.dumps({"entries": [{**entry, "expires": "2026-11-29"}]}), encoding="utf-8")
    code, out = export(disabled, "--mutelist", mutelist)
    assert code == EXIT_OK
    assert {(e["status"], e["status_id"]) for e in events(out)} == {("Suppressed", 3)}
    mutelist.write_text(json.dumps({"entries": [{**entry, "expires": "2026-11-28"}]}), encoding="utf-8")
    code, out = export(disabled, "--mutelist", mutelist)
    assert {e["status"] for e in events(out)} == {"New"}
    assert all(
        "MUTE_EXPIRED: entries[0] expired on 2026-11-28" in e["unmapped"]["advisories"] for e in events(out)
    )


@pytest.mark.parametrize(
    ("document", "flags", "error"),
    [
        (
            {
                "version": 1,
                "account_id": ACCOUNT,
                "collected_at": "2026-11-29T02:00:00Z",
                "regions": {"cn-hangzhou": {"trails": [{"Name": 5}]}},
            },
            [],
            "snapshot.json: regions.cn-hangzhou.trails[0].Name: Input should be a valid string",
        ),
        (
            {"version": 1, "account_id": ACCOUNT, "collected_at": "2026-11-29T02:00:00Z", "regions": {}},
            [],
            "snapshot.json: regions: ",
        ),
        ({"version": "1", "regions": {}}, [], "snapshot.json: version: "),
        (
            '{"version": 1,\n  "regions": ',
            ["--snapshot"],
            "snapshot.json: not JSON: Expecting value at line 2",
        ),
        ([], ["--snapshot"], "snapshot.json: (document): expected a JSON object (a snapshot), got an array"),
    ],
)
def test_a_bad_snapshot_is_exit_2_naming_the_json_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: Any, flags: list[str], error: str
) -> None:
    path = tmp_path / "snapshot.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    assert export(path, *flags) == (EXIT_BAD_INPUT, "")
    assert f"cis216: error: {tmp_path}/{error}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flags", "error"),
    [
        (
            ["--settings", "{settings}", "--profile", "powerpipe"],
            "--settings applies to the strict profile only",
        ),
        (["--settings", "{settings}"], "settings.json: colour: unknown setting"),
        (["--mutelist", "{settings}"], "settings.json: "),
    ],
)
def test_bad_snapshot_options_are_exit_2(
    disabled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], error: str
) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text('{"colour": "red"}', encoding="utf-8")
    assert export(disabled, *(f.format(settings=settings) for f in flags))[0] == EXIT_BAD_INPUT
    assert error in capsys.readouterr().err


@pytest.mark.parametrize("flag", [["--profile", "strict"], ["--mutelist", "m.json"], ["--snapshot"]])
def test_snapshot_options_on_findings_are_exit_2(
    disabled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: list[str]
) -> None:
    findings = tmp_path / "findings.jsonl"
    _, jsonl = export_jsonl(disabled)
    findings.write_text(jsonl, encoding="utf-8")
    if flag == ["--snapshot"]:  # said to be a snapshot, but it is JSON Lines: not one JSON document
        assert export(findings, *flag)[0] == EXIT_BAD_INPUT
        assert "not JSON: Extra data at line 2" in capsys.readouterr().err
        return
    assert export(findings, *flag)[0] == EXIT_BAD_INPUT
    assert f"{flag[0]} applies to a snapshot, not to a findings file" in capsys.readouterr().err


def export_jsonl(snapshot_path: Path) -> tuple[int, str]:
    out = io.StringIO()
    return main(
        ["evaluate", str(snapshot_path), "--format", "jsonl", "--fail-on", "none"], out=out
    ), out.getvalue()


# ---------------------------------------------------------------------------------------- from SLS


@pytest.fixture
def sls_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FINDINGS_PROJECT", "FINDINGS_LOGSTORE", "FINDINGS_REGION", "ALIBABA_CLOUD_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_CREDENTIALS.access_key_id)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_CREDENTIALS.access_key_secret)
    if DEFAULT_CREDENTIALS.security_token:
        monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", DEFAULT_CREDENTIALS.security_token)
    monkeypatch.setattr(sls_source, "retry_policy", lambda: RetryPolicy(sleep=lambda _: None))


def put_scan(cloud: EmulatedCloud, scan: str, when: int) -> int:
    """The cis-text sample's findings as one scan's logs, as the function writes them, and a
    summary log; how many findings."""
    cloud.create_logstore(ACCOUNT, REGION, PROJECT, STORE)
    stamp = f"{scan[:10]}T02:00:00Z"
    findings = evaluate(load_inventory(SAMPLES / "cis-text-account.json"), "strict")
    logs = [finding_contents(f, f"{scan}-f{n}", scan, stamp) for n, f in enumerate(findings)]
    logs.append([("record", "summary"), ("scan_id", scan), ("status", "alarm"), ("counts", "{}")])
    items = [LogItem(timestamp=when, contents=contents) for contents in logs]
    sls().put_logs(PutLogsRequest(PROJECT, STORE, TOPIC, "cis216/test", items))
    return len(findings)


@pytest.mark.usefixtures("sls_env")
def test_from_sls_every_finding_with_its_scan_time_and_id(emulated_cloud: EmulatedCloud) -> None:
    first = put_scan(emulated_cloud, "2026-11-28-scan", T0 - 86400)
    second = put_scan(emulated_cloud, "2026-11-29-scan", T0)
    code, out = export(*SLS_ARGS, "--until", T0)
    assert code == EXIT_OK
    found = events(out)
    assert len(found) == first + second  # the summary logs are not findings
    by_scan = {e["metadata"]["correlation_uid"]: e["time"] for e in found}
    assert by_scan == {"2026-11-28-scan": COLLECTED_MS - 86_400_000, "2026-11-29-scan": COLLECTED_MS}
    assert found[0]["metadata"]["uid"] == "2026-11-28-scan-f0"
    for event in found:
        assert_valid(event)  # OCSF's published 1.8.0 schema
    assert {e["finding_info"]["uid"] for e in found[:first]} == {
        e["finding_info"]["uid"] for e in found[first:]
    }
    code, text = export(*SLS_ARGS, "--until", T0, "--since", "12h", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {(r["scan_id"], r["evaluated_at"]) for r in rows} == {("2026-11-29-scan", "2026-11-29T02:00:00Z")}


@pytest.mark.usefixtures("sls_env")
def test_one_scan_or_each_accounts_latest(
    emulated_cloud: EmulatedCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    count = put_scan(emulated_cloud, "2026-11-28-scan", T0 - 86400)
    put_scan(emulated_cloud, "2026-11-29-scan", T0)
    for flags, scan in (
        (["--scan-id", "2026-11-28-scan"], "2026-11-28-scan"),
        (["--latest"], "2026-11-29-scan"),
    ):
        code, out = export(*SLS_ARGS, "--until", T0, *flags)
        assert code == EXIT_OK and len(events(out)) == count
        assert {e["metadata"]["correlation_uid"] for e in events(out)} == {scan}
    assert export(*SLS_ARGS, "--until", T0, "--scan-id", "nope")[0] == EXIT_BAD_INPUT
    assert "holds no findings of scan 'nope' in the last 30d" in capsys.readouterr().err


def test_latest_without_from_sls_is_exit_2(disabled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert export(disabled, "--latest")[0] == EXIT_BAD_INPUT
    assert "--latest applies to --from-sls" in capsys.readouterr().err


@pytest.mark.usefixtures("sls_env")
def test_a_finding_written_twice_is_exported_once(emulated_cloud: EmulatedCloud) -> None:
    count = put_scan(emulated_cloud, "2026-11-29-scan", T0)
    put_scan(emulated_cloud, "2026-11-29-scan", T0 + 5)  # a retried write: the same finding ids
    assert len(events(export(*SLS_ARGS, "--until", T0 + 5)[1])) == count


@pytest.mark.usefixtures("sls_env")
def test_an_older_writers_list_field_and_a_missing_time_are_read(emulated_cloud: EmulatedCloud) -> None:
    finding = evaluate(load_inventory(SAMPLES / "cis-text-account.json"), "strict")[0]
    old = dict(finding_contents(finding, "old-1", "old-scan", ""))
    old.update(reason_codes="ALERT_DISABLED,NOT_NOTIFIED", novel_field="from a newer cis216")
    emulated_cloud.create_logstore(ACCOUNT, REGION, PROJECT, STORE)
    sls().put_logs(
        PutLogsRequest(PROJECT, STORE, TOPIC, "t", [LogItem(timestamp=T0, contents=list(old.items()))])
    )
    code, out = export(*SLS_ARGS, "--until", T0)
    (event,) = events(out)
    assert code == EXIT_OK and event["time"] == COLLECTED_MS  # the log's own time
    assert event["unmapped"]["reason_codes"] == ["ALERT_DISABLED", "NOT_NOTIFIED"]


@pytest.mark.usefixtures("sls_env")
@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("status", "failed", "status: Input should be"),
        ("evidence", "{oops", "evidence: not JSON"),
        ("evaluated_at", "yesterday", "evaluated_at: 'yesterday' is not an ISO 8601 time"),
    ],
)
def test_a_stored_log_that_is_no_finding_is_exit_2_naming_it(
    emulated_cloud: EmulatedCloud, capsys: pytest.CaptureFixture[str], field: str, value: str, error: str
) -> None:
    put_scan(emulated_cloud, "2026-11-29-scan", T0)
    finding = evaluate(load_inventory(SAMPLES / "cis-text-account.json"), "strict")[0]
    bad = dict(finding_contents(finding, "bad-1", "2026-11-29-scan", "2026-11-29T02:00:00Z"))
    bad[field] = value
    sls().put_logs(
        PutLogsRequest(PROJECT, STORE, TOPIC, "t", [LogItem(timestamp=T0, contents=list(bad.items()))])
    )
    assert export(*SLS_ARGS, "--until", T0) == (EXIT_BAD_INPUT, "")
    err = capsys.readouterr().err
    assert f"SLS {PROJECT}/{STORE} ({REGION}): log " in err and "(finding_id bad-1): " + error in err


@pytest.mark.usefixtures("sls_env")
@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"kind": "error500"}, "GetLogs: InternalServerError"),
        ({"kind": "access_denied"}, "GetLogs: Unauthorized"),
        ({"kind": "malformed"}, "GetLogs: MalformedResponse"),
        ({"kind": "timeout"}, "GetLogs:"),
        ({"kind": "error", "code": "LogStoreNotExist", "status": 404}, "LogStoreNotExist"),
    ],
)
def test_a_failed_read_is_exit_3(
    emulated_cloud: EmulatedCloud, capsys: pytest.CaptureFixture[str], fault: dict[str, Any], message: str
) -> None:
    put_scan(emulated_cloud, "2026-11-29-scan", T0)
    emulated_cloud.faults.add(api="GetLogs", **fault)
    assert export(*SLS_ARGS, "--until", T0) == (EXIT_RUN_FAILED, "")
    err = capsys.readouterr().err
    assert err.startswith("cis216: reading findings failed: ") and message in err


@pytest.mark.usefixtures("sls_env")
def test_no_credentials_is_exit_3(
    emulated_cloud: EmulatedCloud, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def nothing_found(*_: object) -> None:
        raise CredentialsError("no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ...")

    monkeypatch.setattr(sls_source, "resolve", nothing_found)
    assert export(*SLS_ARGS, "--until", T0)[0] == EXIT_RUN_FAILED
    assert "cis216: reading findings failed: no credentials" in capsys.readouterr().err


@pytest.mark.usefixtures("sls_env")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "holds no findings in the last 30d"),
        (["{file}"], "either a findings file or --from-sls"),
        (["--time", "2026-11-29T02:00:00Z"], "--time does not apply to --from-sls"),
        (["--latest", "--scan-id", "s"], "give either --latest or --scan-id, not both"),
        (["--profile", "strict"], "--profile applies to a snapshot, not to findings read from SLS"),
    ],
)
def test_bad_sls_usage_is_exit_2(
    emulated_cloud: EmulatedCloud,
    capsys: pytest.CaptureFixture[str],
    disabled: Path,
    args: list[str],
    message: str,
) -> None:
    emulated_cloud.create_logstore(ACCOUNT, REGION, PROJECT, STORE)
    assert export(*SLS_ARGS, "--until", T0, *(a.format(file=disabled) for a in args))[0] == EXIT_BAD_INPUT
    assert message in capsys.readouterr().err


@pytest.mark.usefixtures("sls_env")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from-sls"], "--project is required with --from-sls (or set FINDINGS_PROJECT)"),
        (["--from-sls", "--project", "Bad_Name", "--logstore", "l", "--region", REGION], "not a valid name"),
    ],
)
def test_missing_or_bad_names_are_exit_2_before_any_call(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(*args)[0] == EXIT_BAD_INPUT  # no emulated cloud: a call would reach for the network
    assert message in capsys.readouterr().err


def test_help_names_every_source_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["export", "--help"], out=io.StringIO())
    assert raised.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for words in (
        "--snapshot",
        "--profile",
        "--mutelist",
        "--from-sls",
        "--since AGE",
        "3 reading SLS failed",
    ):
        assert words in text


def test_a_json_array_of_findings_is_read_too(
    disabled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    main(["evaluate", str(disabled), "--format", "json", "--fail-on", "none"], out=out)
    array = tmp_path / "findings.json"
    array.write_text(out.getvalue(), encoding="utf-8")
    code, text = export(array, "--time", "2026-11-29T02:00:00Z")
    assert code == EXIT_OK and [e["compliance"]["status"] for e in events(text)] == ["Fail", "Fail"]
    broken = json.loads(out.getvalue())
    broken[1]["status"] = "failed"
    array.write_text(json.dumps(broken), encoding="utf-8")
    assert export(array) == (EXIT_BAD_INPUT, "")
    assert f"{array}: [1]: status: Input should be" in capsys.readouterr().err
