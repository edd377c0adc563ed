"""`cis216 evaluate`'s outputs as a new user meets them (issue 14.5, 14.6): the exit code follows
the control's verdict by default, `-o FILE`, CSV and Markdown, the fix in the table, muted apart."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cis216.cli import EXIT_BAD_INPUT, EXIT_FAIL_ON, EXIT_OK, main
from cis216.export import CSV_COLUMNS
from tests.builders import ACCOUNT, alert, scan_error, snapshot
from tests.paths import REPO_ROOT

SAMPLE = REPO_ROOT / "lib/cis216/samples/sample-account.json"
DISABLED = snapshot(alerts=[alert(status="DISABLED")])  # account and trail in alarm
DENIED = snapshot(
    alerts=[], errors=[scan_error(api="ListAlerts", code="Unauthorized", message="no", project="audit")]
)
TRAIL = f"acs:actiontrail:cn-hangzhou:{ACCOUNT}:actiontrail/main"
ENABLE = "Enable alert 'unauth' in project audit (cn-hangzhou, queryList[0])."


def mute_entry(**changes):
    return {
        "account": ACCOUNT,
        "resource": "*",
        "justification": "lab account",
        "expires": "2026-12-31",
        **changes,
    }


@pytest.fixture
def write(tmp_path):
    def write(doc, name="snapshot.json"):
        path = tmp_path / name
        path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
        return str(path)

    return write


def run(*argv):
    out = io.StringIO()
    code = main([str(a) for a in argv], out=out)
    return code, out.getvalue()


# --- exit codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "options", "expected"),
    [
        pytest.param(snapshot(), [], EXIT_OK, id="ok-verdict"),
        pytest.param(DISABLED, [], EXIT_FAIL_ON, id="alarm-verdict-fails-by-default"),
        pytest.param(DENIED, [], EXIT_FAIL_ON, id="error-verdict-fails-by-default"),
        pytest.param(DISABLED, ["--fail-on", "none"], EXIT_OK, id="none-opts-out"),
        pytest.param(DENIED, ["--fail-on", "NONE"], EXIT_OK, id="none-any-case"),
        pytest.param(DISABLED, ["--fail-on", "error"], EXIT_OK, id="explicit-list-not-matched"),
        pytest.param(DENIED, ["--fail-on", "error"], EXIT_FAIL_ON, id="explicit-list-matched"),
        pytest.param(snapshot(), ["--fail-on", "ok"], EXIT_FAIL_ON, id="explicit-ok"),
    ],
)
def test_exit_codes(write, doc, options, expected):
    assert run("evaluate", write(doc), *options)[0] == expected


def test_a_scan_error_outside_the_verdict_does_not_fail_by_default():
    # The bundled sample: the account is ok; a denied project it does not need is an error finding.
    code, out = run("evaluate", SAMPLE, "--format", "json")
    findings = json.loads(out)
    assert code == EXIT_OK and "error" in {f["status"] for f in findings}
    assert run("evaluate", SAMPLE, "--fail-on", "error")[0] == EXIT_FAIL_ON  # any finding, when asked


def test_muted_findings_never_fail_the_run(write):
    everything = write({"entries": [mute_entry()]}, "mutelist.json")
    assert run("evaluate", write(DISABLED), "--mutelist", everything)[0] == EXIT_OK
    assert run("evaluate", write(DISABLED), "--mutelist", everything, "--fail-on", "alarm")[0] == EXIT_OK
    # Only the trail muted: the account's verdict still fails the run.
    trail_only = write({"entries": [mute_entry(resource=TRAIL)]}, "trail.json")
    assert run("evaluate", write(DISABLED), "--mutelist", trail_only)[0] == EXIT_FAIL_ON


def test_the_powerpipe_verdict_is_the_worst_row(write):
    # No account finding: the worst unmuted row decides (an alarm here).
    assert run("evaluate", write(snapshot()), "--profile", "powerpipe")[0] == EXIT_OK
    assert run("evaluate", write(DISABLED), "--profile", "powerpipe")[0] == EXIT_FAIL_ON
    disabled_trail = snapshot(trails=[{"Name": "off", "Status": "Disable", "HomeRegion": "cn-hangzhou"}])
    assert run("evaluate", write(disabled_trail), "--profile", "powerpipe")[0] == EXIT_FAIL_ON


def test_a_bad_fail_on_is_a_usage_error(write, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["evaluate", write(snapshot()), "--fail-on", "nothing"], out=io.StringIO())
    assert caught.value.code == EXIT_BAD_INPUT
    assert "(or 'none': never exit 1)" in capsys.readouterr().err


# --- what is printed --------------------------------------------------------------------------


def test_the_table_shows_the_fix_and_the_account_region(write):
    code, out = run("evaluate", write(DISABLED))
    assert code == EXIT_FAIL_ON
    assert f"fix: {ENABLE}" in out
    assert f"ALARM   (all)        acs:actiontrail::{ACCOUNT}:*" in out  # every region at once


def test_the_table_shows_muted_findings_apart(write):
    mutelist = write({"entries": [mute_entry(resource=TRAIL, reason_codes=["ALERT_DISABLED"])]}, "m.json")
    code, out = run("evaluate", write(DISABLED), "--mutelist", mutelist)
    assert code == EXIT_FAIL_ON  # the account is not muted
    live, muted = out.split("Muted (accepted risk; status unchanged): 1\n")
    assert TRAIL not in live and TRAIL in muted
    assert "muted by entries[0] until 2026-12-31: lab account" in muted
    assert out.rstrip().endswith("2 alarm; 1 muted")


def test_an_expired_entry_mutes_nothing_and_says_so(write):
    mutelist = write({"entries": [mute_entry(expires="2026-01-31")]}, "m.json")
    code, out = run("evaluate", write(DISABLED), "--mutelist", mutelist, "--format", "json")
    assert code == EXIT_FAIL_ON
    findings = json.loads(out)
    assert not any(f["muted"] for f in findings)
    assert all("MUTE_EXPIRED: entries[0] expired on 2026-01-31" in f["advisories"] for f in findings)


def test_a_bad_mutelist_is_exit_2_naming_the_file_and_path(write, capsys):
    mutelist = write({"entries": [mute_entry(expires="someday")]}, "m.json")
    assert run("evaluate", write(DISABLED), "--mutelist", mutelist) == (EXIT_BAD_INPUT, "")
    assert (
        capsys.readouterr().err
        == f"cis216: error: {mutelist}: entries[0].expires: 'someday' is not an ISO date (YYYY-MM-DD)\n"
    )
    assert run("evaluate", write(DISABLED), "--mutelist", mutelist + ".missing")[0] == EXIT_BAD_INPUT


def test_csv_has_the_flat_columns(write):
    code, out = run("evaluate", write(DISABLED), "--format", "csv")
    assert code == EXIT_FAIL_ON
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == ",".join(CSV_COLUMNS)
    trail = next(r for r in rows if r["resource"] == TRAIL)
    assert (trail["status"], trail["reason_codes"], trail["muted"], trail["mute"]) == (
        "alarm",
        '["ALERT_DISABLED"]',
        "false",
        "",
    )
    assert trail["remediation"] == ENABLE and json.loads(trail["evidence"])["trail"] == "main"
    assert (trail["scan_id"], trail["severity"]) == ("", "high")


def test_markdown_is_a_table_then_each_fix(write):
    mutelist = write({"entries": [mute_entry(resource=TRAIL)]}, "m.json")
    code, out = run("evaluate", write(DISABLED), "--format", "md", "--mutelist", mutelist)
    assert code == EXIT_FAIL_ON
    lines = out.splitlines()
    assert lines[0] == "# Ensure a log monitoring and alerts are set up for unauthorized API calls"
    assert "| status | region | resource | reason codes | reason |" in lines
    assert "## Muted (accepted risk)" in lines
    assert "Fix: Enable alert 'unauth' in project audit (cn-hangzhou, queryList\\[0\\])." in lines
    assert "Muted by entries\\[0\\] until 2026-12-31: lab account" in lines
    # A query's `|` and `*` stay literal in a cell: the row still has its five cells.
    rows = [line for line in lines if line.startswith("| ALARM")]
    assert rows and all(line.count(" | ") == 4 for line in rows)


def test_markdown_without_findings(write):
    code, out = run(
        "evaluate", write(snapshot(trails=[], alerts=[])), "--format", "md", "--profile", "powerpipe"
    )
    assert (code, out) == (EXIT_OK, "# CIS 2.16\n\nNo findings.\n")


def test_output_to_a_file(write, tmp_path):
    target = tmp_path / "findings.jsonl"
    code, out = run("evaluate", write(DISABLED), "--format", "jsonl", "-o", target)
    assert (code, out) == (EXIT_FAIL_ON, "")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["scope"] for line in lines] == ["account", "trail"]


@pytest.mark.parametrize("where", ["dir", "missing-dir"])
def test_an_unwritable_output_is_exit_2_before_anything_runs(write, tmp_path, capsys, where):
    target = tmp_path if where == "dir" else tmp_path / "nowhere" / "out.csv"
    assert run("evaluate", write(DISABLED), "-o", target) == (EXIT_BAD_INPUT, "")
    assert capsys.readouterr().err.startswith(f"cis216: error: -o {target}: ")
