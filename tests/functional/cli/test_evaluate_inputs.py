"""`cis216 evaluate` refuses input that would otherwise hide a mistake, with a message naming the
field and exit 2: a snapshot where nothing was scanned, settings another profile would ignore,
blank required codes, input without end."""

from __future__ import annotations

import copy
import io
import json
import os
import sys

import pytest

from cis216.adapters.actiontrail import ActionTrailAdapter
from cis216.adapters.calls import Caller, RetryPolicy
from cis216.adapters.credentials import Credentials
from cis216.adapters.sls import SlsAdapter
from cis216.cli import EXIT_BAD_INPUT, EXIT_FAIL_ON, main
from cis216.emulator import DEFAULT_CREDENTIALS
from cis216.shell.collect import collect_account
from tests.paths import EVENTS, SAMPLES

ACCOUNT = "1234567890123456"
HEAD = {"version": 1, "account_id": ACCOUNT, "collected_at": "2026-11-29T02:00:00Z"}
NOTHING_SCANNED = (
    "regions: no region was scanned, so there is nothing to evaluate (a collection records at least one)"
)
TOO_LARGE = "larger than 64 MiB, the most cis216 reads"


@pytest.fixture
def write(tmp_path):
    def write(document, name="snapshot.json"):
        path = tmp_path / name
        path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
        return str(path)

    return write


def run(*argv):
    out = io.StringIO()
    return main([str(arg) for arg in argv], out=out), out.getvalue()


class Endless(io.RawIOBase):
    """A stream that never ends, like /dev/zero, counting what was read from it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        buffer[:] = b"\0" * len(buffer)
        self.read_bytes += len(buffer)
        return len(buffer)


def test_a_snapshot_where_no_region_was_scanned_is_an_error(write, capsys):
    path = write({**HEAD, "regions": {}})
    assert run("evaluate", path) == (EXIT_BAD_INPUT, "")
    assert capsys.readouterr().err == f"cis216: error: {path}: {NOTHING_SCANNED}\n"


def test_so_is_one_read_from_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({**HEAD, "regions": {}})))
    assert run("evaluate", "-", "--profile", "powerpipe") == (EXIT_BAD_INPUT, "")
    assert capsys.readouterr().err == f"cis216: error: stdin: {NOTHING_SCANNED}\n"


def _collected_with_every_region_call_failing() -> dict:
    creds = Credentials(DEFAULT_CREDENTIALS.access_key_id, DEFAULT_CREDENTIALS.access_key_secret)
    caller = Caller(RetryPolicy(max_attempts=1, sleep=lambda s: None), call_timeout=5)
    return collect_account(
        ActionTrailAdapter(creds),
        SlsAdapter(creds, "test"),
        caller,
        ACCOUNT,
        profile="strict",
        regions=None,  # all: DescribeRegions first
        home_region="cn-hangzhou",
        max_concurrency=4,
    ).document


def test_a_collection_whose_region_listing_failed_is_still_an_error_finding(emulated_cloud, write):
    # What a scan writes when DescribeRegions (and then DescribeTrails) fails: the home region with
    # the failed calls as its errors. That was scanned, and judged `error`, never refused.
    emulated_cloud.seed_snapshot(copy.deepcopy(json.loads((SAMPLES / "sample-account.json").read_text())))
    for api in ("DescribeRegions", "DescribeTrails"):
        emulated_cloud.faults.add("error", api=api, code="NoPermission", message="denied")
    document = _collected_with_every_region_call_failing()
    assert list(document["regions"]) == ["cn-hangzhou"]
    assert [e["api"] for e in document["regions"]["cn-hangzhou"]["errors"]] == [
        "DescribeRegions",
        "DescribeTrails",
    ]
    code, out = run("evaluate", write(document), "--format", "json")
    findings = json.loads(out)
    assert code == EXIT_FAIL_ON and {f["status"] for f in findings} == {"error"}  # an error verdict
    account = [f for f in findings if f["scope"] == "account"]
    assert len(account) == 1 and "SCAN_ERROR" in account[0]["reason_codes"]


def test_settings_with_the_powerpipe_profile_is_an_error(write, capsys):
    snapshot = write({**HEAD, "regions": {"cn-hangzhou": {}}})
    settings = write({"max_threshold": 3}, "settings.json")
    assert run("evaluate", snapshot, "--profile", "powerpipe", "--settings", settings) == (EXIT_BAD_INPUT, "")
    assert capsys.readouterr().err == "cis216: error: --settings applies to the strict profile only\n"
    # Accepted and evaluated: no trail at all, an alarm verdict (the default --fail-on).
    assert run("evaluate", snapshot, "--profile", "strict", "--settings", settings)[0] == EXIT_FAIL_ON


@pytest.mark.parametrize(
    ("codes", "index"), [(["NoPermission", ""], 1), (["NoPermission", "  "], 1), (["\t", "Throttling.*"], 0)]
)
def test_blank_required_codes_are_refused_naming_the_entry(write, capsys, codes, index):
    snapshot = write({**HEAD, "regions": {"cn-hangzhou": {}}})
    settings = write({"required_codes": codes}, "settings.json")
    assert run("evaluate", snapshot, "--settings", settings) == (EXIT_BAD_INPUT, "")
    assert capsys.readouterr().err == (
        f"cis216: error: {settings}: required_codes[{index}]: {codes[index]!r} is blank: "
        "expected an error code, like 'NoPermission'\n"
    )


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
@pytest.mark.parametrize("option", [(), ("--settings", "/dev/zero")])
def test_input_without_end_is_refused_past_the_limit(write, capsys, option):
    snapshot = "/dev/zero" if not option else write({**HEAD, "regions": {"cn-hangzhou": {}}})
    assert run("evaluate", snapshot, *option) == (EXIT_BAD_INPUT, "")
    assert capsys.readouterr().err == f"cis216: error: /dev/zero: {TOO_LARGE}\n"


def test_stdin_without_end_is_read_in_chunks_up_to_the_limit(monkeypatch, capsys):
    endless = Endless()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(endless), encoding="utf-8"))
    assert run("evaluate", "-") == (EXIT_BAD_INPUT, "")
    assert capsys.readouterr().err == f"cis216: error: stdin: {TOO_LARGE}\n"
    assert 64 * 1024 * 1024 < endless.read_bytes < 66 * 1024 * 1024  # stopped just past the limit


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_an_event_without_end_is_refused_too(capsys):
    assert run("invoke", "/dev/zero") == (EXIT_BAD_INPUT, "")
    assert capsys.readouterr().err == f"cis216: error: /dev/zero: {TOO_LARGE}\n"
    assert run("invoke", EVENTS / "timer.json", "--seed", "/dev/zero")[0] == EXIT_BAD_INPUT
    assert capsys.readouterr().err == f"cis216: error: /dev/zero: {TOO_LARGE}\n"


def test_help_names_the_limits(capsys):
    with pytest.raises(SystemExit):
        main(["evaluate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "('-' for stdin), at most 64 MiB, naming at least one region" in text
    assert "strict-profile settings (README), at most 64 MiB; an error with any other profile" in text
