"""`cis216 invoke events/org-timer.json`: the coordinator and every worker in-process against the
bundled sample organisation (emulated Resource Directory, member-scoped STS, FC's async queue).

Skipped while the organisation snapshot reader (cis216.organization.snapshot, with the emulator's
organisation seeding and FC queue) is not in this tree; it runs once it is."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cis216 import cli
from cis216.cli import EXIT_BAD_INPUT, EXIT_FAIL_ON, EXIT_OK
from cis216.profiles.strict import codes
from cis216.shell.config import VARIABLES
from tests.paths import EVENTS, SAMPLES

pytest.importorskip("cis216.organization.snapshot")

SAMPLE = json.loads((SAMPLES / "sample-organization.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for variable in VARIABLES:
        monkeypatch.delenv(variable.name, raising=False)
    for key in (
        "FC_REGION",
        "FC_ACCOUNT_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("RETRY_BASE_SECONDS", "0")


def invoke(*args):
    out = io.StringIO()
    code = cli.main(["invoke", *map(str, args)], out=out)
    return code, out.getvalue()


def members(**wanted):
    return [m["account_id"] for m in SAMPLE["members"] if all(m.get(k) == v for k, v in wanted.items())]


def account_findings():
    code, out = invoke(EVENTS / "org-timer.json", "--format", "jsonl")
    assert code == EXIT_FAIL_ON  # members in alarm and in error
    found = [json.loads(line) for line in out.splitlines()]
    return {f["account_id"]: f for f in found if f["scope"] == "account"}


def test_the_organisation_table(capsys):
    code, out = invoke(EVENTS / "org-timer.json")
    assert code == EXIT_FAIL_ON, capsys.readouterr().err  # by default: a member in alarm or error
    assert out.startswith(f"organization {SAMPLE['organization']['id']}")
    assert "MEMBER" in out and "VERDICT" in out
    for member in SAMPLE["members"]:
        assert member["account_id"] in out
    assert codes.COVERED_BY_ORGANIZATION_TRAIL in out and codes.MEMBER_ROLE_NOT_ASSUMABLE in out


def test_every_member_has_a_verdict_naming_its_cause():
    found = account_findings()
    assert set(found) >= {m["account_id"] for m in SAMPLE["members"]}
    statuses = {found[m]["status"] for m in found}
    assert {"ok", "alarm", "error"} <= statuses
    covered = [f for f in found.values() if codes.COVERED_BY_ORGANIZATION_TRAIL in f["advisories"]]
    assert covered and all(f["status"] == "ok" for f in covered)
    assert all(f["evidence"]["organization"]["alert"] for f in covered)
    for member in members(role="missing") + members(role="untrusted"):
        assert found[member]["status"] == "error"
        assert found[member]["reason_codes"] == [codes.MEMBER_ROLE_NOT_ASSUMABLE]
    (left,) = members(left=True)
    assert found[left]["status"] == "error"
    assert found[left]["reason_codes"] == [codes.MEMBER_LEFT_ORGANIZATION]
    assert "EntityNotExist.Role" in found[left]["reason"] and "GetAccount" in found[left]["reason"]
    excluded = [f for f in found.values() if codes.ORGANIZATION_ALERT_EXCLUDES_MEMBER in f["reason_codes"]]
    assert excluded and all(f["status"] == "alarm" for f in excluded)


def test_seed_with_an_organisation_snapshot(tmp_path):
    path = tmp_path / "org.json"
    path.write_text(json.dumps(SAMPLE), encoding="utf-8")
    code, out = invoke(EVENTS / "org-timer.json", "--seed", path, "--fail-on", "none")
    assert code == EXIT_OK and out.startswith("organization ")
    broken = {**SAMPLE, "members": [{**SAMPLE["members"][0], "account_id": "nope"}]}
    path.write_text(json.dumps(broken), encoding="utf-8")
    code, _ = invoke(EVENTS / "org-timer.json", "--seed", path)
    assert code == EXIT_BAD_INPUT


def not_ok_members():
    return {m for m, f in account_findings().items() if f["status"] in ("alarm", "error")}


def test_fail_on_statuses_and_none():
    assert invoke(EVENTS / "org-timer.json", "--fail-on", "none")[0] == EXIT_OK
    assert invoke(EVENTS / "org-timer.json", "--fail-on", "alarm")[0] == EXIT_FAIL_ON
    assert invoke(EVENTS / "org-timer.json", "--fail-on", "info")[0] == EXIT_OK  # none is info


def test_a_mutelist_reaches_every_worker(tmp_path):
    failing = not_ok_members()
    entries = [
        {"account": member, "resource": "*", "justification": "accepted in the test", "expires": "2099-12-31"}
        for member in sorted(failing)
    ]
    mutelist = tmp_path / "mutelist.json"
    mutelist.write_text(json.dumps({"entries": entries}), encoding="utf-8")
    code, out = invoke(EVENTS / "org-timer.json", "--format", "jsonl", "--mutelist", mutelist)
    found = [json.loads(line) for line in out.splitlines()]
    assert code == EXIT_OK  # every failing member's verdict is accepted risk
    muted = {f["account_id"] for f in found if f["scope"] == "account" and f["muted"]}
    # The workers mark them; the coordinator queued every member, so only workers wrote these.
    assert muted == failing
    assert all(f["mute"]["justification"] == "accepted in the test" for f in found if f["muted"])
    code, out = invoke(EVENTS / "org-timer.json", "--mutelist", mutelist)
    assert code == EXIT_OK and f"; {len(failing)} muted (accepted risk)" in out
    assert out.count("muted by entries[") == len(failing)
    bad = tmp_path / "bad.json"
    bad.write_text('{"entries": [{"account": "*"}]}', encoding="utf-8")
    assert invoke(EVENTS / "org-timer.json", "--mutelist", bad)[0] == EXIT_BAD_INPUT


@pytest.mark.parametrize("fmt", ["csv", "md", "json"])
def test_every_format_prints_every_stored_finding(fmt, tmp_path):
    expected = [
        json.loads(line) for line in invoke(EVENTS / "org-timer.json", "--format", "jsonl")[1].splitlines()
    ]
    target = tmp_path / f"findings.{fmt}"
    code, out = invoke(EVENTS / "org-timer.json", "--format", fmt, "-o", target)
    assert code == EXIT_FAIL_ON and out == ""
    text = target.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text) == expected
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [(r["account_id"], r["resource"], r["status"]) for r in rows] == [
            (f["account_id"], f["resource"], f["status"]) for f in expected
        ]
    else:
        assert text.startswith("# ")
        assert sum(1 for line in text.splitlines() if line.startswith("| ")) == len(expected) + 1
    for member in SAMPLE["members"]:
        assert member["account_id"] in text


def test_output_file_holds_the_table_and_a_bad_path_is_refused_first(tmp_path):
    target = tmp_path / "org.txt"
    code, out = invoke(EVENTS / "org-timer.json", "-o", target)
    assert code == EXIT_FAIL_ON and out == ""
    assert target.read_text(encoding="utf-8").startswith("organization ")
    assert invoke(EVENTS / "org-timer.json", "-o", tmp_path / "no" / "such.txt")[0] == EXIT_BAD_INPUT
    assert invoke(EVENTS / "org-timer.json", "--report", tmp_path)[0] == EXIT_BAD_INPUT


def test_the_html_report_has_one_card_per_member(tmp_path):
    page = tmp_path / "org.html"
    code, out = invoke(EVENTS / "org-timer.json", "--report", page, "--fail-on", "none")
    assert code == EXIT_OK and f"report: {page}" in out
    html = page.read_text(encoding="utf-8")
    accounts = html.split("<h2>Accounts (", 1)[1].split("</section>", 1)[0]
    assert accounts.startswith(f"{len(SAMPLE['members'])})")
    for member in SAMPLE["members"]:
        assert f"account {member['account_id']}" in accounts
    assert codes.MEMBER_LEFT_ORGANIZATION in html and codes.ORGANIZATION_ALERT_EXCLUDES_MEMBER in html
