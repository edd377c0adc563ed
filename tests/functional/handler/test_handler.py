"""handler(event, context) end to end: success, partial failure, throttling, write failure, retries."""

from __future__ import annotations

import json
import os

import pytest

from cis216.adapters.writer import WriteError
from cis216.shell import fc, scan
from cis216.shell.bootstrap import Clock, bootstrap
from cis216.shell.config import ConfigError
from cis216.shell.events import EventError
from tests.functional.handler.support import (
    ACCOUNT,
    LOGSTORE,
    PROJECT,
    TIMER,
    fc_context,
    stored,
    timer_event,
)


def run(handler_module, event=TIMER, context=None):
    return json.loads(handler_module.handler(event, context or fc_context()))


# The bundled sample account: covered by its organisation trail's alert, one project denied to ListAlerts.
SAMPLE_COUNTS = {"error": 1, "alarm": 0, "info": 0, "skip": 4, "ok": 2}


def test_success_end_to_end(cloud, handler_module):
    summary = run(handler_module)
    assert summary["account_id"] == ACCOUNT and summary["profile"] == "strict"
    assert summary["scan_id"].startswith("20261129T020000Z-")
    assert summary["account_verdict"] == "ok"
    assert summary["verdict_reason"].startswith(f"Unauthorized API calls in account {ACCOUNT} are alerted on")
    assert summary["counts"] == SAMPLE_COUNTS and summary["findings"] == 7
    assert summary["collection_errors"] == 1
    assert summary["trigger"] == {
        "kind": "timer",
        "name": "daily-cis216-scan",
        "time": "2026-11-29T02:00:00+00:00",
    }
    assert summary["api_calls"]["total"] == len(cloud.calls)
    assert summary["duration_ms"] >= 0
    assert summary["written"] == {
        "project": PROJECT,
        "logstore": LOGSTORE,
        "count": summary["findings"],
        "logs": summary["findings"] + 1,
        "batches": 1,
    }
    findings = stored(cloud, "finding")
    assert len(findings) == summary["findings"]
    [summary_log] = stored(cloud, "summary")
    assert json.loads(summary_log.contents["counts"]) == summary["counts"]
    assert (
        summary_log.contents["status"] == "ok" and summary_log.contents["reason"] == summary["verdict_reason"]
    )
    evidence = json.loads(summary_log.contents["evidence"])
    assert "written" not in evidence and "duration_ms" not in evidence
    assert {k: v for k, v in evidence.items() if k != "api_calls"} == {
        k: v for k, v in summary.items() if k not in ("api_calls", "written", "duration_ms")
    }
    statuses = [log.contents["status"] for log in findings]
    assert {status: statuses.count(status) for status in SAMPLE_COUNTS} == SAMPLE_COUNTS
    for log in findings:
        assert log.topic == "cis_v200_2_16" and log.source == f"cis216-scan/{ACCOUNT}"
        assert log.contents["scan_id"] == summary["scan_id"]
        json.loads(log.contents["evidence"])
    assert len({log.contents["finding_id"] for log in findings}) == len(findings)


def test_handler_index_delegates_to_the_shell(handler_module, monkeypatch):
    # handler/index.py stays a delegation: what it answers and raises is cis216.shell.fc's.
    seen = []
    monkeypatch.setattr(fc, "handler", lambda event, context: seen.append((event, context)) or "answer")
    monkeypatch.setattr(fc, "initialize", lambda context: seen.append(("initialize", context)))
    context = fc_context()
    assert handler_module.handler(TIMER, context) == "answer"
    handler_module.initialize(context)
    assert seen == [(TIMER, context), ("initialize", context)]


def test_run_takes_its_cloud_and_clock_from_the_caller(cloud, env):
    # The seams local runs and tests use are run()'s parameters, not attributes on FC's context.
    env.setenv("RETRY_BASE_SECONDS", "1")
    slept, plans = [], []

    def make_cloud(plan, credentials, clock):
        plans.append(plan)
        return bootstrap(plan, credentials, clock)

    cloud.faults.add("throttle", api="DescribeTrails", calls=[1, 2])
    report = scan.run(
        TIMER,
        fc_context(),
        os.environ,
        make_cloud=make_cloud,
        clock=Clock(sleep=slept.append, rand=lambda: 0.5),
    )
    [plan] = plans
    assert plan.account_id == ACCOUNT and plan.findings is not None and plan.findings.project == PROJECT
    assert report.summary.api_calls.retries == len(slept) == 2 and set(slept) <= {0.5, 1.0}
    assert report.summary.account_verdict == "ok"


def test_partial_api_failure_becomes_an_error_finding(cloud, handler_module):
    # The sample already denies ListAlerts on sg-data-platform; deny one more project.
    cloud.faults.add("error", api="ListAlerts", project="sh-audit", code="Unauthorized", message="denied")
    summary = run(handler_module)
    assert summary["collection_errors"] == 2
    assert summary["counts"] == {**SAMPLE_COUNTS, "error": 2}
    assert summary["account_verdict"] == "ok"  # the denied project holds nothing the verdict needs
    findings = [log.contents for log in stored(cloud, "finding")]
    assert [(f["scope"], f["resource"]) for f in findings if f["status"] == "error"] == [
        ("scan", f"acs:log:cn-shanghai:{ACCOUNT}:project/sh-audit"),
        ("scan", f"acs:log:ap-southeast-1:{ACCOUNT}:project/sg-data-platform"),
    ]
    # The rest of the scan's findings are written as without the failure.
    assert [f["status"] for f in findings if f["scope"] != "scan"] == [
        "ok",
        "skip",
        "skip",
        "skip",
        "ok",
        "skip",
    ]


def test_throttling_then_success(cloud, handler_module):
    added = [
        cloud.faults.add("throttle", api="DescribeTrails", calls=[1, 2, 3]),
        cloud.faults.add("throttle", api="ListProject", calls=[1]),
        cloud.faults.add("error503", api="ListAlerts", calls=[1, 2]),
        cloud.faults.add("throttle", api="PutLogs", calls=[1]),
    ]
    summary = run(handler_module)
    # Every injected failure was retried (ListAlerts call 1 may be the sample's own denied project,
    # whose seeded fault takes precedence, hence counting what fired).
    fired = sum(fault.fired for fault in added)
    assert fired >= 6 and summary["api_calls"]["retries"] == fired
    assert summary["collection_errors"] == 1  # only the sample's own denied project
    assert len(stored(cloud, "finding")) == summary["findings"]


def test_write_failure_after_retries_fails_the_invocation(cloud, handler_module, capsys):
    cloud.faults.add("error503", api="PutLogs")
    with pytest.raises(WriteError) as caught:
        handler_module.handler(TIMER, fc_context())
    assert caught.value.written == 0
    assert cloud.count(api="PutLogs") == 4  # RETRY_MAX_ATTEMPTS
    assert stored(cloud) == []
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    errors = [line["message"] for line in lines if line["level"] == "ERROR"]
    assert errors == ["writing findings failed", "scan failed"]
    assert "scan complete" not in [line["message"] for line in lines]


def test_same_event_twice_gives_the_same_ids(cloud, handler_module):
    first = run(handler_module, context=fc_context("req-1"))
    second = run(handler_module, context=fc_context("req-2"))  # FC's retry of the same timer event
    assert first["scan_id"] == second["scan_id"]
    logs = stored(cloud, "finding")
    ids_first = [log.contents["finding_id"] for log in logs[: first["findings"]]]
    ids_second = [log.contents["finding_id"] for log in logs[first["findings"] :]]
    assert ids_first == ids_second and len(set(ids_first)) == len(ids_first)
    other_day = run(handler_module, event=timer_event(time="2026-11-30T02:00:00Z"))
    assert other_day["scan_id"] != first["scan_id"]


def test_direct_invocation_ids_follow_the_request_id(cloud, handler_module):
    a = run(handler_module, event=b"", context=fc_context("req-a"))
    again = run(handler_module, event=b"", context=fc_context("req-a"))
    b = run(handler_module, event=b"{}", context=fc_context("req-b"))
    assert a["scan_id"] == again["scan_id"] != b["scan_id"]
    assert run(handler_module, event=b'{"scan_time": "2026-11-29T02:00:00Z"}')["scan_id"].startswith(
        "20261129T0200"
    )


def test_payload_overrides_apply(cloud, handler_module):
    summary = run(
        handler_module,
        event=timer_event({"regions": ["cn-shanghai"], "profile": "powerpipe", "dry_run": True}),
    )
    assert summary["profile"] == "powerpipe" and summary["dry_run"] is True
    assert summary["regions"][0] == "cn-shanghai"
    assert cloud.count(api="DescribeRegions") == 0 and cloud.count(api="PutLogs") == 0
    assert summary["written"] == {"project": PROJECT, "logstore": LOGSTORE, "count": 0}  # no logs, no batches
    assert stored(cloud) == []


def test_payload_with_unknown_key_is_rejected_before_any_call(cloud, handler_module):
    with pytest.raises(EventError, match="regoins: unknown key"):
        handler_module.handler(timer_event({"regoins": ["cn-hangzhou"]}), fc_context())
    assert cloud.calls == []


def test_config_errors_name_the_variable(cloud, handler_module, env):
    env.setenv("FINDINGS_LOGSTORE", "bad/logstore")
    with pytest.raises(ConfigError, match=r"^FINDINGS_LOGSTORE: "):
        handler_module.handler(TIMER, fc_context())
    env.setenv("FINDINGS_LOGSTORE", LOGSTORE)
    env.setenv("SCAN_BUDGET_SECONDS", "soon")
    with pytest.raises(ConfigError, match=r"^SCAN_BUDGET_SECONDS: "):
        handler_module.handler(TIMER, fc_context())
    assert cloud.calls == []


def test_initializer_validates_config(cloud, handler_module, env):
    handler_module.initialize(fc_context())
    env.setenv("PROFILE", "nope")
    with pytest.raises(ConfigError, match=r"^PROFILE: "):
        handler_module.initialize(fc_context())


def test_account_from_sts_when_the_context_has_none(cloud, handler_module):
    summary = run(handler_module, context=fc_context(account_id=None))
    assert summary["account_id"] == ACCOUNT
    assert cloud.count(api="GetCallerIdentity") == 1


def test_environment_scan_regions_and_budget_cap(cloud, handler_module, env):
    env.setenv("SCAN_REGIONS", "cn-hangzhou,cn-shanghai")
    summary = run(handler_module, context=fc_context(timeout=45))
    assert summary["regions"][:2] == ["cn-hangzhou", "cn-shanghai"]
    assert cloud.count(api="DescribeRegions") == 0


def test_config_error_is_logged_as_a_json_line(cloud, handler_module, env, capsys):
    env.setenv("MAX_CONCURRENCY", "0")
    with pytest.raises(ConfigError):
        handler_module.handler(TIMER, fc_context("req-cfg"))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    failed = [line for line in lines if line["message"] == "scan failed"]
    assert failed and failed[0]["request_id"] == "req-cfg" and "MAX_CONCURRENCY" in failed[0]["error"]


def test_payload_dry_run_needs_no_findings_project(cloud, handler_module, env):
    env.delenv("FINDINGS_PROJECT")
    summary = run(handler_module, event=timer_event({"dry_run": True}))
    assert summary["dry_run"] is True and summary["written"]["count"] == 0
    with pytest.raises(ConfigError, match=r"^FINDINGS_PROJECT: required"):
        handler_module.handler(TIMER, fc_context())


def test_account_id_must_be_digits(cloud, handler_module):
    with pytest.raises(ConfigError, match="FC_ACCOUNT_ID"):
        handler_module.handler(TIMER, fc_context(account_id="evil.example.com"))


def test_importing_the_handler_is_light():
    import subprocess
    import sys

    from tests.functional.handler.support import ROOT

    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('index', {str(ROOT / 'handler' / 'index.py')!r})\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('aliyun', 'alibabacloud_actiontrail20200706', 'alibabacloud_tea_openapi', 'pydantic', 'cis216')]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_account_id_with_a_trailing_newline_is_rejected(cloud, handler_module):
    with pytest.raises(ConfigError, match="FC_ACCOUNT_ID"):
        handler_module.handler(TIMER, fc_context(account_id=ACCOUNT + "\n"))


def test_describe_trails_answering_without_a_trail_list_is_an_error_not_an_alarm(cloud, handler_module):
    cloud.faults.add("error", api="DescribeTrails", status=200, code="Weird", message="odd answer")
    summary = run(handler_module)
    regions = len(cloud.regions_for(ACCOUNT))
    assert summary["collection_errors"] == regions == 22  # every region's DescribeTrails
    assert summary["account_verdict"] == "error"
    # One error finding per failed call, and the account's: no trail seen, but no alarm either.
    assert summary["counts"] == {"error": regions + 1, "alarm": 0, "info": 0, "skip": 0, "ok": 0}


def test_an_unreadable_item_becomes_an_error_not_a_failed_scan(cloud):
    # One odd alert or trail in the account must not fail the whole scan (nothing written, FC
    # retrying in vain every day): it is left out and reported like a failed call.
    from cis216.inventory import parse_inventory

    cloud.sls.put_alert(
        ACCOUNT,
        "cn-hangzhou",
        "web-prod-logs",
        {"name": "odd", "status": "ENABLED", "configuration": {"queryList": [{"query": 5, "store": "x"}]}},
    )
    odd_trail = {"Name": "odd", "HomeRegion": "cn-hangzhou", "TrailRegion": "cn-hangzhou", "Status": [1]}
    cloud.actiontrail.add_trail(ACCOUNT, odd_trail)
    report = scan.run(TIMER, fc_context(), os.environ)
    summary = report.summary
    assert summary.collection_errors == 3  # the sample's denied project, the alert, the trail
    assert summary.counts == {**SAMPLE_COUNTS, "error": 3}
    assert summary.written is not None and summary.written.count == summary.findings
    snapshot = report.snapshot
    parse_inventory(snapshot)  # what --save-snapshot keeps is a valid snapshot
    errors = snapshot["regions"]["cn-hangzhou"]["errors"]
    assert {(e["api"], e["code"]) for e in errors} == {
        ("ListAlerts", "MalformedResponse"),
        ("DescribeTrails", "MalformedResponse"),
    }
    alerts = snapshot["regions"]["cn-hangzhou"]["sls_projects"]["web-prod-logs"]["alerts"]
    assert "odd" not in [a["name"] for a in alerts]
