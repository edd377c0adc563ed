"""deploy/ram-policy.json: a valid policy, every action the declared API calls need, nothing more, writes
only to the findings logstore. (tests/functional/handler/test_api_calls.py holds a real scan to the
declared calls.)"""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from cis216.deploy.policy import (
    API_ACTIONS,
    FINDINGS_RESOURCE,
    ORGANIZATION_APIS,
    PLACEHOLDERS,
    WRITE_ACTIONS,
    PolicyDocument,
    load_policy,
    placeholders,
    render,
    required_actions,
)
from tests.paths import REPO_ROOT

ROOT = REPO_ROOT
POLICY = ROOT / "deploy" / "ram-policy.json"
TRUST = ROOT / "deploy" / "ram-trust-policy.json"


@pytest.fixture(scope="module")
def policy() -> PolicyDocument:
    return load_policy(POLICY)


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


def test_every_called_action_is_granted(policy):
    missing = required_actions() - set(policy.granted())
    assert not missing, f"the code calls APIs the policy does not allow: {sorted(missing)}"


def test_nothing_granted_that_the_code_does_not_call(policy):
    extra = set(policy.granted()) - required_actions()
    assert not extra, f"granted but never called (least privilege): {sorted(extra)}"


def test_a_newly_declared_call_fails_until_the_policy_grants_it(policy, monkeypatch):
    monkeypatch.setitem(API_ACTIONS, "GetLogStore", ("log:GetLogStore",))
    assert required_actions() - set(policy.granted()) == {"log:GetLogStore"}


def test_the_scan_is_what_we_think_it_is():
    """The calls the design makes (docs/deployment.md explains each statement by these)."""
    assert set(API_ACTIONS) - ORGANIZATION_APIS == {
        "DescribeRegions",
        "DescribeTrails",
        "GetTrailStatus",
        "GetCallerIdentity",
        "ListProject",
        "ListAlerts",
        "GetIndex",
        "PutLogs",
    }
    assert API_ACTIONS["GetCallerIdentity"] == ()  # any principal may ask who it is
    assert {
        "ListAccounts",
        "ListAccountsForParent",
        "GetResourceDirectory",
        "GetAccount",
        "AssumeRole",
        "InvokeFunction",
        "DescribeApp",
    } == ORGANIZATION_APIS
    assert set(API_ACTIONS) >= ORGANIZATION_APIS


def test_the_organisation_scan_actions_are_named_after_their_apis():
    assert required_actions(ORGANIZATION_APIS) == {
        "resourcemanager:ListAccounts",
        "resourcemanager:ListAccountsForParent",
        "resourcemanager:GetResourceDirectory",
        "resourcemanager:GetAccount",
        "sts:AssumeRole",
        "fc:InvokeFunction",
        "log:DescribeApp",
    }
    # The single-account policy grants none of them.
    assert not required_actions() & required_actions(ORGANIZATION_APIS)


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


def test_trust_policy_lets_only_fc_assume_the_role():
    trust = json.loads(TRUST.read_text(encoding="utf-8"))
    assert trust["Version"] == "1"
    (statement,) = trust["Statement"]
    assert statement == {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"Service": ["fc.aliyuncs.com"]},
    }
