"""The organisation's RAM documents: the coordinator's and the worker's policies hold exactly the
actions their calls need, and the member role (ROS template) exactly the single-account reads."""

from __future__ import annotations

import json

import pytest

from cis216.deploy.policy import (
    API_ACTIONS,
    FINDINGS_RESOURCE,
    ORGANIZATION_ACTIONS,
    PolicyDocument,
    load_policy,
    member_read_actions,
    organization_actions,
    render,
    required_actions,
)
from tests.paths import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
VALUES = {
    "ACCOUNT_ID": "1234567890123456",
    "FINDINGS_REGION": "cn-hangzhou",
    "FINDINGS_PROJECT": "cis216-findings",
    "FINDINGS_LOGSTORE": "cis216_findings",
    "MEMBER_ROLE_NAME": "cis216-reader",
    "LOG_ARCHIVE_ROLE_NAME": "cis216-reader",
    "WORKER_FUNCTION": "cis216-worker",
}


@pytest.mark.parametrize("function", ["coordinator", "worker"])
def test_each_function_is_granted_exactly_its_calls(function):
    policy = load_policy(DEPLOY / f"ram-policy-{function}.json")
    assert set(policy.granted()) == organization_actions(function)


def test_the_organisation_calls_are_not_the_single_account_scanners():
    assert not required_actions() & {a for actions in ORGANIZATION_ACTIONS.values() for a in actions}
    for api, actions in ORGANIZATION_ACTIONS.items():  # where the adapters declare them too, alike
        assert API_ACTIONS.get(api, actions) == actions


def test_assume_role_is_limited_to_the_named_roles_and_invoke_to_the_worker():
    coordinator = load_policy(DEPLOY / "ram-policy-coordinator.json").granted()
    worker = load_policy(DEPLOY / "ram-policy-worker.json").granted()
    assert coordinator["sts:AssumeRole"] == ["acs:ram::*:role/${LOG_ARCHIVE_ROLE_NAME}"]
    assert worker["sts:AssumeRole"] == ["acs:ram::*:role/${MEMBER_ROLE_NAME}"]
    assert coordinator["fc:InvokeFunction"] == [
        "acs:fc:${FINDINGS_REGION}:${ACCOUNT_ID}:functions/${WORKER_FUNCTION}"
    ]
    assert worker["log:PostLogStoreLogs"] == [FINDINGS_RESOURCE]


@pytest.mark.parametrize("function", ["coordinator", "worker"])
def test_the_policies_render(function):
    text = (DEPLOY / f"ram-policy-{function}.json").read_text(encoding="utf-8")
    rendered = json.loads(render(text, VALUES))
    assert "${" not in json.dumps(rendered)
    with pytest.raises(ValueError, match=r"WORKER_FUNCTION|MEMBER_ROLE_NAME"):
        render(text, {**VALUES, "WORKER_FUNCTION": "*", "MEMBER_ROLE_NAME": "*"})


def test_the_member_role_reads_only_and_trusts_the_scanner_account():
    template = json.loads((DEPLOY / "member-role.ros.json").read_text(encoding="utf-8"))
    role = template["Resources"]["ReaderRole"]
    assert role["Type"] == "ALIYUN::RAM::Role"
    properties = role["Properties"]
    (trust,) = properties["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"RAM": [{"Fn::Sub": "acs:ram::${ScannerAccountId}:root"}]}
    assert properties["MaxSessionDuration"] >= 1800  # the worker's session (shell/org/wiring.py)
    (policy,) = properties["Policies"]
    statements = [
        {**st, "Resource": st["Resource"]["Fn::Sub"] if isinstance(st["Resource"], dict) else st["Resource"]}
        for st in policy["PolicyDocument"]["Statement"]
    ]
    document = {"Version": "1", "Statement": statements}
    for statement in statements:  # the member's own account only
        assert statement["Resource"] == "*" or ":${ALIYUN::AccountId}:" in statement["Resource"]
    assert set(PolicyDocument.model_validate(document).granted()) == member_read_actions()
    assert template["Parameters"]["RoleName"]["Default"] == "cis216-reader"


def test_render_policy_fills_the_organisation_placeholders(capsys):
    from cis216.deploy.__main__ import main

    arguments = ["render-policy", "--account-id", "1234567890123456", "--findings-region", "cn-hangzhou"]
    arguments += ["--findings-project", "cis216-findings"]
    assert main([*arguments, "--policy", str(DEPLOY / "ram-policy-coordinator.json")]) == 0
    rendered = json.loads(capsys.readouterr().out)
    assert "acs:ram::*:role/cis216-reader" in json.dumps(rendered)
    assert "functions/cis216-worker" in json.dumps(rendered)
    assert (
        main([*arguments, "--policy", str(DEPLOY / "ram-policy-worker.json"), "--member-role-name", "*"]) == 1
    )
