"""bench/org.py runs the real coordinator and workers against the emulated cloud: a small run of its
steps (no latency, five members) queues every member, runs every worker and times AssumeRole.
Nothing here measures anything, nor writes bench/org-results.json."""

from __future__ import annotations

import importlib.util
import os
import sys
from types import ModuleType

import pytest

from cis216.shell import logs
from tests.paths import REPO_ROOT


@pytest.fixture
def bench_org(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_org", REPO_ROOT / "bench" / "org.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_org", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_organisation_grows_from_the_sample(bench_org):
    grown = bench_org.organization(5)
    accounts = [m["account_id"] for m in grown["members"]]
    assert len(accounts) == len(set(accounts)) == 5
    assert accounts[0] == grown["organization"]["log_archive_account_id"]
    assert all(m["inventory"]["account_id"] == m["account_id"] for m in grown["members"])


def test_a_small_run_of_the_real_flow(bench_org):
    bench = bench_org.setup(5, 0.0)
    try:
        with open(os.devnull, "w") as devnull, logs.LOGGER.writing_to(devnull), bench.cloud:
            coordinated = bench_org.coordinator(bench)
            fanned = bench_org.fan_out(bench, 2)
    finally:
        logs.LOGGER.clear_state()
    assert (coordinated["enqueued"], coordinated["refused"], coordinated["pages"]) == (5, 0, 1)
    assert 0 < coordinated["largest_payload_bytes"] < bench_org.MAX_ASYNC_PAYLOAD
    assert fanned["workers"] == 5 and len(bench.assumed) == 4  # the four after the one timed alone
    stored = bench.cloud.sls_logs(
        bench.environ["FC_ACCOUNT_ID"], bench_org.REGION, bench_org.PROJECT, bench_org.LOGSTORE
    )
    members = {log.contents["account_id"] for log in stored if log.contents.get("scope") == "account"}
    assert len(members) == 5
    verdicts = {log.contents["status"] for log in stored if log.contents.get("scope") == "account"}
    assert verdicts == {"ok"}  # every member covered by the organisation trail
