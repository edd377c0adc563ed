"""`cis216 invoke events/org-timer.json`: the coordinator and every worker in-process against the
bundled sample organisation (emulated Resource Directory, member-scoped STS, FC's async queue).

Skipped while the organisation snapshot reader (cis216.organization.snapshot, with the emulator's
organisation seeding and FC queue) is not in this tree; it runs once it is."""

from __future__ import annotations

import io
import json

import pytest

from cis216 import cli
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
    assert code == 0
    found = [json.loads(line) for line in out.splitlines()]
    return {f["account_id"]: f for f in found if f["scope"] == "account"}


def test_the_organisation_table(capsys):
    code, out = invoke(EVENTS / "org-timer.json")
    assert code == 0, capsys.readouterr().err
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
    code, out = invoke(EVENTS / "org-timer.json", "--seed", path)
    assert code == 0 and out.startswith("organization ")
    broken = {**SAMPLE, "members": [{**SAMPLE["members"][0], "account_id": "nope"}]}
    path.write_text(json.dumps(broken), encoding="utf-8")
    code, _ = invoke(EVENTS / "org-timer.json", "--seed", path)
    assert code == 2
