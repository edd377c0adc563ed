"""deploy/ram-policy.json: a valid policy, every action the code calls, nothing more, writes only to the
findings logstore."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from cis216.deploy.policy import (
    FINDINGS_RESOURCE,
    PLACEHOLDERS,
    SDK_ACTIONS,
    WRITE_ACTIONS,
    PolicyDocument,
    load_policy,
    placeholders,
    render,
    required_actions,
    sdk_calls,
)
from tests.paths import REPO_ROOT

ROOT = REPO_ROOT
POLICY = ROOT / "deploy" / "ram-policy.json"
TRUST = ROOT / "deploy" / "ram-trust-policy.json"
# Where the function's cloud calls are made: the adapters (and, to be safe, the shell).
# shell/local.py is left out: it drives the emulated cloud for local runs (cloud.create_logstore...).
SOURCES = sorted((ROOT / "lib" / "cis216" / "adapters").glob("*.py")) + sorted(
    p for p in (ROOT / "lib" / "cis216" / "shell").glob("*.py") if p.name != "local.py"
)


def _log_client_methods() -> set[str]:
    from aliyun.log import LogClient

    return {
        name for name in dir(LogClient) if not name.startswith("_") and callable(getattr(LogClient, name))
    }


@pytest.fixture(scope="module")
def policy() -> PolicyDocument:
    return load_policy(POLICY)


@pytest.fixture(scope="module")
def calls() -> set[tuple[str, str]]:
    found = sdk_calls(SOURCES, _log_client_methods())
    assert found, "no SDK calls found in the adapters: has the code moved?"
    return found


def test_policy_document_shape(policy):
    assert policy.Version == "1"
    assert all(s.Effect == "Allow" for s in policy.Statement)


def test_placeholders_are_documented_and_render():
    text = POLICY.read_text(encoding="utf-8")
    assert placeholders(text) == set(PLACEHOLDERS)
    docs = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for name in PLACEHOLDERS:
        assert f"${{{name}}}" in docs, f"${{{name}}} is not explained in docs/deployment.md"
    values = {
        "ACCOUNT_ID": "1234567890123456",
        "FINDINGS_REGION": "cn-hangzhou",
        "FINDINGS_PROJECT": "cis216-findings",
        "FINDINGS_LOGSTORE": "cis216_findings",
    }
    rendered = json.loads(render(text, values))
    assert "${" not in json.dumps(rendered)
    with pytest.raises(ValueError, match="missing"):
        render(text, {"ACCOUNT_ID": "1234567890123456"})


@pytest.mark.parametrize(
    "name, value",
    [
        ("FINDINGS_PROJECT", "*"),
        ("FINDINGS_PROJECT", "cis216-findings/logstore/*"),
        ("FINDINGS_LOGSTORE", "*"),
        ("FINDINGS_REGION", "*"),
        ("ACCOUNT_ID", "*"),
        ("ACCOUNT_ID", "1234567890123456:project/*"),
        ("FINDINGS_PROJECT", "Cis216-Findings"),
    ],
)
def test_render_refuses_values_that_widen_the_grant(name, value):
    # The values land in the findings write's resource ARN: a wildcard there is a write to anything.
    values = {
        "ACCOUNT_ID": "1234567890123456",
        "FINDINGS_REGION": "cn-hangzhou",
        "FINDINGS_PROJECT": "cis216-findings",
        "FINDINGS_LOGSTORE": "cis216_findings",
        name: value,
    }
    with pytest.raises(ValueError, match=name):
        render(POLICY.read_text(encoding="utf-8"), values)


def test_render_policy_command_refuses_a_wildcard(capsys):
    from cis216.deploy.__main__ import main

    code = main(
        [
            "render-policy",
            "--policy",
            str(POLICY),
            "--account-id",
            "1234567890123456",
            "--findings-region",
            "cn-hangzhou",
            "--findings-project",
            "*",
        ]
    )
    assert code == 1 and capsys.readouterr().out == ""


def test_every_sdk_call_is_known(calls):
    _, unknown = required_actions(calls)
    assert not unknown, f"SDK calls without a RAM mapping in deploy.policy.SDK_ACTIONS: {sorted(unknown)}"


def test_every_called_action_is_granted(policy, calls):
    needed, _ = required_actions(calls)
    missing = needed - set(policy.granted())
    assert not missing, f"the code calls APIs the policy does not allow: {sorted(missing)}"


def test_nothing_granted_that_the_code_does_not_call(policy, calls):
    needed, _ = required_actions(calls)
    extra = set(policy.granted()) - needed
    assert not extra, f"granted but never called (least privilege): {sorted(extra)}"


def test_the_scan_is_what_we_think_it_is(calls):
    """The calls the design makes (docs/deployment.md explains each statement by these)."""
    assert {
        ("actiontrail", "DescribeTrails"),
        ("actiontrail", "DescribeRegions"),
        ("sls", "list_project"),
        ("sls", "list_alert"),
        ("sls", "put_logs"),
    } <= calls
    assert calls & {("sls", "get_index_config"), ("sls", "get_index_raw")}


def test_no_wildcard_actions(policy):
    for statement in policy.Statement:
        for action in statement.actions:
            assert "*" not in action, action
    with pytest.raises(ValidationError):
        PolicyDocument.model_validate(
            {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["log:*"], "Resource": "*"}]}
        )


def test_writes_only_to_the_findings_logstore(policy):
    granted = policy.granted()
    for action in WRITE_ACTIONS & set(granted):
        assert granted[action] == [FINDINGS_RESOURCE], (action, granted[action])
    for statement in policy.Statement:
        if FINDINGS_RESOURCE in statement.resources:
            assert set(statement.actions) <= WRITE_ACTIONS
    assert "log:PostLogStoreLogs" in granted


def test_every_granted_action_is_read_only_or_the_findings_write(policy):
    read_prefixes = ("Describe", "List", "Get")
    for action in policy.granted():
        name = action.split(":", 1)[1]
        assert name.startswith(read_prefixes) or action in WRITE_ACTIONS, action


def test_resources_are_narrow(policy):
    for statement in policy.Statement:
        for resource in statement.resources:
            if resource == "*":
                # ActionTrail's Describe* calls have no resource-level authorisation.
                assert all(a.startswith("actiontrail:") for a in statement.actions), statement
            else:
                assert resource.startswith("acs:log:") and ":${ACCOUNT_ID}:" in resource, resource
    granted = policy.granted()
    assert granted["log:GetIndex"] == ["acs:log:*:${ACCOUNT_ID}:project/*/logstore/actiontrail_*"]


def test_mapping_covers_only_real_log_client_methods():
    methods = _log_client_methods() | {"get_index_raw"}
    for service, call in SDK_ACTIONS:
        if service == "sls":
            assert call in methods, call


def test_trust_policy_lets_only_fc_assume_the_role():
    trust = json.loads(TRUST.read_text(encoding="utf-8"))
    assert trust["Version"] == "1"
    (statement,) = trust["Statement"]
    assert statement == {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"Service": ["fc.aliyuncs.com"]},
    }
