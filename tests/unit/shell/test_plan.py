"""plan_scan: event overrides + configuration + FC's context -> one frozen plan, decided purely."""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace

import pytest

from cis216.settings import Settings
from cis216.shell.config import ConfigError, load_config
from cis216.shell.events import parse_event
from cis216.shell.plan import (
    MIN_BUDGET_SECONDS,
    WRITE_MARGIN_SECONDS,
    WRITE_RESERVE_SECONDS,
    FindingsTarget,
    FunctionContext,
    plan_scan,
)

NOW = 1000.0
BASE = {"FINDINGS_PROJECT": "cis216-findings", "FC_REGION": "cn-hangzhou"}


def timer(payload: dict | None = None) -> bytes:
    return json.dumps(
        {
            "triggerTime": "2026-11-29T02:00:00Z",
            "triggerName": "daily",
            "payload": "" if payload is None else json.dumps(payload),
        }
    ).encode()


def plan(payload: dict | None = None, *, event: bytes | None = None, function=None, **environ: str):
    invocation = parse_event(timer(payload) if event is None else event)
    config = load_config({**BASE, **environ}, dry_run=invocation.overrides.dry_run)
    return plan_scan(invocation, config, function or FunctionContext(), NOW)


# -- regions: the payload's list or "all", else SCAN_REGIONS, else all ---------------------------


@pytest.mark.parametrize(
    "payload, scan_regions, expected",
    [
        pytest.param(None, None, None, id="nothing-said-means-all"),
        pytest.param(None, "cn-hangzhou,cn-shanghai", ("cn-hangzhou", "cn-shanghai"), id="configured"),
        pytest.param(None, "all", None, id="configured-all"),
        pytest.param({"regions": ["cn-beijing"]}, "cn-hangzhou", ("cn-beijing",), id="payload-list-wins"),
        pytest.param(
            {"regions": "cn-beijing, cn-qingdao"}, None, ("cn-beijing", "cn-qingdao"), id="payload-string"
        ),
        pytest.param({"regions": "all"}, "cn-hangzhou,cn-shanghai", None, id="payload-all-wins"),
    ],
)
def test_region_precedence(payload, scan_regions, expected):
    environ = {"SCAN_REGIONS": scan_regions} if scan_regions else {}
    assert plan(payload, **environ).regions == expected


# -- dry run: the payload's, else DRY_RUN; a dry run has no findings target ----------------------


@pytest.mark.parametrize(
    "payload, dry_run_variable, expected",
    [
        pytest.param(None, None, False, id="default"),
        pytest.param(None, "true", True, id="configured"),
        pytest.param({"dry_run": False}, "true", False, id="payload-false-wins"),
        pytest.param({"dry_run": True}, "false", True, id="payload-true-wins"),
    ],
)
def test_dry_run_precedence(payload, dry_run_variable, expected):
    environ = {"DRY_RUN": dry_run_variable} if dry_run_variable else {}
    scan = plan(payload, **environ)
    assert scan.dry_run is expected
    target = FindingsTarget("cis216-findings", "cis216_findings", "cn-hangzhou")
    assert scan.target == target  # named in the summary either way
    assert scan.findings == (None if expected else target)


def test_a_dry_run_needs_no_findings_project():
    invocation = parse_event(timer({"dry_run": True}))
    config = load_config({"FC_REGION": "cn-hangzhou"}, dry_run=True)
    scan = plan_scan(invocation, config, FunctionContext(), NOW)
    assert scan.findings is None and scan.target.project is None


def test_a_real_run_without_findings_project_is_refused():
    # load_config refuses it first; the plan refuses it too, since writing relies on it.
    config = load_config({"FC_REGION": "cn-hangzhou", "DRY_RUN": "true"})
    with pytest.raises(ConfigError, match=r"^FINDINGS_PROJECT: required"):
        plan_scan(parse_event(timer({"dry_run": False})), config, FunctionContext(), NOW)


def test_findings_target_region_is_findings_region_else_fc_region():
    assert plan().target.region == "cn-hangzhou" == plan().home_region
    assert plan(FINDINGS_REGION="cn-shanghai").target.region == "cn-shanghai"
    assert plan(FINDINGS_LOGSTORE="other_store").target.logstore == "other_store"


# -- settings: the payload's object whole, else PROFILE_SETTINGS, else the defaults --------------


def test_settings_precedence():
    configured = json.dumps({"max_threshold": 5, "require_notification": False})
    assert plan().settings == Settings()
    assert plan(PROFILE_SETTINGS=configured).settings == Settings(max_threshold=5, require_notification=False)
    from_payload = plan({"settings": {"max_threshold": 3}}, PROFILE_SETTINGS=configured).settings
    assert from_payload == Settings(max_threshold=3)  # replaced whole, not merged
    assert plan({"settings": {}}, PROFILE_SETTINGS=configured).settings.max_threshold == 5  # {} is none


def test_settings_are_a_settings_object():
    assert isinstance(plan({"settings": {"accept_log_audit": False}}).settings, Settings)


def test_profile_precedence():
    assert plan().profile == "strict"
    assert plan(PROFILE="powerpipe").profile == "powerpipe"
    assert plan({"profile": "strict"}, PROFILE="powerpipe").profile == "strict"


# -- time: the budget, capped by FC's timeout minus the write reserve ----------------------------


@pytest.mark.parametrize(
    "budget, timeout, expected",
    [
        pytest.param("240", None, 240.0, id="no-timeout-no-cap"),
        pytest.param("240", 600.0, 240.0, id="timeout-leaves-room"),
        pytest.param("240", 45.0, 45.0 - WRITE_RESERVE_SECONDS, id="capped-by-timeout-minus-reserve"),
        pytest.param("240", 20.0, MIN_BUDGET_SECONDS, id="never-below-the-floor"),
        pytest.param("60", 600.0, 60.0, id="configured-budget"),
    ],
)
def test_deadline_is_the_budget_capped_by_the_fc_timeout_minus_the_reserve(budget, timeout, expected):
    scan = plan(SCAN_BUDGET_SECONDS=budget, function=FunctionContext(timeout=timeout))
    assert scan.started == NOW and scan.budget == expected and scan.deadline == NOW + expected
    if timeout is None:
        assert scan.write_deadline is None
    else:
        assert scan.write_deadline == NOW + timeout - WRITE_MARGIN_SECONDS


def test_call_settings_come_from_the_configuration():
    scan = plan(MAX_CONCURRENCY="4", CALL_TIMEOUT_SECONDS="7", RETRY_MAX_ATTEMPTS="2", RETRY_BASE_SECONDS="0")
    assert (scan.max_concurrency, scan.call_timeout, scan.retry_max_attempts, scan.retry_base_seconds) == (
        4,
        7.0,
        2,
        0.0,
    )


# -- trigger, scan id key, account ---------------------------------------------------------------


def test_trigger_and_scan_key():
    function = FunctionContext(request_id="req-9")
    timed = plan(function=function)
    assert (timed.trigger.kind, timed.trigger.name, timed.scan_key) == ("timer", "daily", "daily")
    assert timed.trigger.model_dump(mode="json") == {
        "kind": "timer",
        "name": "daily",
        "time": "2026-11-29T02:00:00+00:00",
    }
    direct = plan(event=b"{}", function=function)
    assert (direct.trigger.kind, direct.trigger.time, direct.scan_key) == ("direct", None, "req-9")
    scheduled = plan(event=b'{"scan_time": "2026-11-29T02:00:00Z"}', function=function)
    assert scheduled.scan_key == "" and scheduled.trigger.time is not None


def test_account_from_the_context_is_checked():
    assert plan().account_id is None  # bootstrap asks STS
    assert plan(function=FunctionContext(account_id="1234567890123456")).account_id == "1234567890123456"
    for bad in ("evil.example.com", "1234567890123456\n"):
        with pytest.raises(ConfigError, match=r"^FC_ACCOUNT_ID: "):
            plan(function=FunctionContext(account_id=bad))


def test_source_names_the_function_and_account():
    assert (
        plan(function=FunctionContext(function_name="cis216-scan")).source("123456") == "cis216-scan/123456"
    )


def test_the_plan_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan().dry_run = True  # type: ignore[misc]


# -- FunctionContext.of: the few values read from FC's context ----------------------------------


def test_function_context_from_an_fc_context():
    context = SimpleNamespace(
        request_id="req-1", account_id="1234567890123456", function=SimpleNamespace(name="fn", timeout=600)
    )
    assert FunctionContext.of(context, {}) == FunctionContext("req-1", "fn", 600.0, "1234567890123456")


def test_function_context_falls_back_on_the_environment_then_defaults():
    environ = {"FC_ACCOUNT_ID": "123456789", "FC_FUNCTION_NAME": "from-env"}
    assert FunctionContext.of(None, environ) == FunctionContext("local", "from-env", None, "123456789")
    assert FunctionContext.of(None, {}) == FunctionContext()
    for timeout in (0, -5, True, "600"):
        context = SimpleNamespace(function=SimpleNamespace(timeout=timeout))
        assert FunctionContext.of(context, {}).timeout is None
