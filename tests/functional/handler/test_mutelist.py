"""The function reads its accepted-risk list from MUTELIST (issue 14.6): matching findings are
written muted, with the entry, and keep their status; an expired entry mutes nothing and says so."""

from __future__ import annotations

import json
import os

import pytest

from cis216.shell import scan
from cis216.shell.config import ConfigError
from tests.functional.handler.support import ACCOUNT, TIMER, fc_context, stored

# The sample's denied ListAlerts in ap-southeast-1: an `error` finding on this project.
DENIED = f"acs:log:ap-southeast-1:{ACCOUNT}:project/sg-data-platform"


def entry(expires):
    return {
        "account": "*",
        "resource": "acs:log:*:*:project/sg-data-*",
        "reason_codes": ["SCAN_ERROR"],
        "justification": "data platform team owns that project; reviewed",
        "expires": expires,
    }


def written(cloud):
    return {log.contents["resource"]: log.contents for log in stored(cloud, "finding")}


def test_a_matching_entry_is_written_muted(cloud, env):
    env.setenv("MUTELIST", json.dumps({"entries": [entry("2099-12-31")]}))
    report = scan.run(TIMER, fc_context(), os.environ)
    (muted,) = [f for f in report.findings if f.muted]
    assert (muted.resource, muted.status) == (DENIED, "error")  # marked, not changed
    logs = written(cloud)
    assert (logs[DENIED]["muted"], logs[DENIED]["status"]) == ("true", "error")
    assert json.loads(logs[DENIED]["mute"]) == {
        "entry": "entries[0]",
        "expires": "2099-12-31",
        "justification": "data platform team owns that project; reviewed",
    }
    assert all(log["muted"] == "false" and log["mute"] == "" for r, log in logs.items() if r != DENIED)


def test_an_expired_entry_is_written_as_an_advisory(cloud, env):
    env.setenv("MUTELIST", json.dumps({"entries": [entry("2000-01-31")]}))
    scan.run(TIMER, fc_context(), os.environ)
    log = written(cloud)[DENIED]
    assert log["muted"] == "false"
    assert json.loads(log["advisories"]) == ["MUTE_EXPIRED: entries[0] expired on 2000-01-31"]


def test_without_mutelist_nothing_is_muted(cloud):
    scan.run(TIMER, fc_context(), os.environ)
    assert {log["muted"] for log in written(cloud).values()} == {"false"}


def test_a_bad_mutelist_fails_the_invocation_naming_the_variable(cloud, env):
    env.setenv("MUTELIST", json.dumps({"entries": [{**entry("2099-12-31"), "justification": " "}]}))
    with pytest.raises(ConfigError, match=r"^MUTELIST: entries\.0\.justification: must not be blank"):
        scan.run(TIMER, fc_context(), os.environ)
    assert stored(cloud) == []
