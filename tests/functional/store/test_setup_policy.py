"""deploy/ram-policy-setup.json: exactly the actions `cis216 setup` calls, on the findings store only.

The calls are those of real setup runs against the emulated cloud: creating everything, a second
run with nothing to do, and converging an existing index and an edited dashboard."""

from __future__ import annotations

import json

import pytest

from cis216.deploy.policy import (
    PLACEHOLDERS,
    SETUP_API_ACTIONS,
    SETUP_RESOURCES,
    load_policy,
    placeholders,
    render,
    setup_actions,
)
from cis216.store.dashboard import DASHBOARD_NAME
from tests.functional.store.support import ACCOUNT, LOGSTORE, PROJECT, REGION, Setup
from tests.paths import REPO_ROOT

POLICY = REPO_ROOT / "deploy" / "ram-policy-setup.json"


def _every_setup_call(capsys: pytest.CaptureFixture[str]) -> set[str]:
    setup = Setup(capsys)
    assert setup("--apply").code == 0
    assert setup("--apply").code == 0
    setup.logstore().index = {"line": {"token": [" "]}}
    setup.dashboards()[DASHBOARD_NAME]["charts"] = []
    assert setup("--apply").code == 0
    return {call.api for call in setup.cloud.calls}


def test_setup_calls_exactly_the_declared_apis(capsys: pytest.CaptureFixture[str]) -> None:
    assert _every_setup_call(capsys) == set(SETUP_API_ACTIONS)


def test_the_policy_grants_exactly_what_setup_calls_where_it_calls_it() -> None:
    granted = load_policy(POLICY).granted()
    assert set(granted) == setup_actions()
    for action, resources in granted.items():
        assert resources == [SETUP_RESOURCES[action]], action


def test_the_policy_renders_for_one_store() -> None:
    text = POLICY.read_text(encoding="utf-8")
    assert placeholders(text) == set(PLACEHOLDERS)
    values = {
        "ACCOUNT_ID": ACCOUNT,
        "FINDINGS_REGION": REGION,
        "FINDINGS_PROJECT": PROJECT,
        "FINDINGS_LOGSTORE": LOGSTORE,
    }
    rendered = json.loads(render(text, values))
    for statement in rendered["Statement"]:
        assert statement["Resource"].startswith(f"acs:log:{REGION}:{ACCOUNT}:project/{PROJECT}")
        assert "*" not in statement["Resource"]
