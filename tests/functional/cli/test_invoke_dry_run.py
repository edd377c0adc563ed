"""What a dry run says it would have written: the real target, or that none is configured."""

from __future__ import annotations

import copy
import io
import json

import pytest

from cis216 import cli
from cis216.emulator import DEFAULT_CREDENTIALS
from tests.paths import EVENTS, SAMPLES

SAMPLE = json.loads((SAMPLES / "sample-account.json").read_text())


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    from cis216.shell.config import VARIABLES

    for variable in VARIABLES:
        monkeypatch.delenv(variable.name, raising=False)
    for key in ("FC_REGION", "FC_ACCOUNT_ID", "ALIBABA_CLOUD_SECURITY_TOKEN", "LOG_LEVEL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("RETRY_BASE_SECONDS", "0")
    monkeypatch.setenv("DRY_RUN", "true")


def invoke(*args):
    out = io.StringIO()
    code = cli.main(["invoke", *map(str, args)], out=out)
    return code, out.getvalue().strip().splitlines()[-1]


def test_a_dry_run_names_the_configured_target():
    code, last = invoke(EVENTS / "timer.json")
    assert code == 0
    assert last.startswith("dry run: wrote nothing (would write ")
    assert last.endswith(" findings to cis216-findings/cis216_findings)")


def test_a_dry_run_without_a_findings_project_says_none_is_configured(emulated_cloud, monkeypatch):
    # `--cloud real` with DRY_RUN and no FINDINGS_PROJECT (allowed: nothing is written); the real
    # endpoints are answered by the emulated cloud active around it.
    emulated_cloud.seed_snapshot(copy.deepcopy(SAMPLE))
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_CREDENTIALS.access_key_id)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_CREDENTIALS.access_key_secret)
    code, last = invoke(EVENTS / "timer.json", "--cloud", "real")
    assert code == 0
    findings = int(last.split()[6])
    assert last == f"dry run: wrote nothing (would write {findings} findings; no findings project configured)"
    assert "None/" not in last and emulated_cloud.count(api="PutLogs") == 0
