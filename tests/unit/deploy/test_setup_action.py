"""s.yaml's `cis216 setup` pre-deploy action: it sets up, for real, the store the function writes to."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cis216.cli import build_parser
from cis216.deploy import validate_s_file
from cis216.deploy.setup_action import is_setup_command, setup_problem
from cis216.validation import describe
from tests.paths import REPO_ROOT


def _setup_action(resolved: dict[str, Any]) -> dict[str, Any]:
    resource = resolved["resources"]["cis216"]
    (action,) = [a for a in resource["actions"]["pre-deploy"] if is_setup_command(a.get("run", ""))]
    return action


def test_the_setup_action_sets_up_the_functions_store(resolved: dict[str, Any]) -> None:
    action = _setup_action(resolved)
    resource = resolved["resources"]["cis216"]
    environment = resource["props"]["environmentVariables"]
    assert setup_problem(action["run"], environment) is None
    words = action["run"].split()
    assert words[:3] == [".venv/bin/python", "-m", "cis216"]
    args = build_parser().parse_args(words[3:])  # what the command line means to cis216 itself
    assert (args.command, args.cloud, args.apply) == ("setup", "real", True)
    assert (args.project, args.logstore, args.region) == (
        environment["FINDINGS_PROJECT"],
        environment["FINDINGS_LOGSTORE"],
        environment["FINDINGS_REGION"],
    )


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("--apply ", "", "--apply is missing"),
        ("--cloud real", "--cloud emulated", "--cloud emulated instead of real"),
        ("--logstore cis216_findings", "--logstore other", "--logstore other instead of cis216_findings"),
        ("--region cn-hangzhou", "", "--region (not given) instead of cn-hangzhou"),
    ],
)
def test_a_setup_action_for_another_store_is_rejected(
    resolved: dict[str, Any], old: str, new: str, fragment: str
) -> None:
    action = _setup_action(resolved)
    assert old in action["run"]
    action["run"] = action["run"].replace(old, new)
    with pytest.raises(ValidationError) as info:
        validate_s_file(resolved)
    assert fragment in describe(info.value, whole="(file)")


def test_recognising_the_setup_command() -> None:
    assert is_setup_command("cis216 setup --apply")
    assert is_setup_command(".venv/bin/python -m cis216 setup --apply")
    assert not is_setup_command("make package")
    assert not is_setup_command("echo cis216; setup")


def test_the_setup_step_is_documented() -> None:
    docs = (REPO_ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert "cis216 setup" in docs and "ram-policy-setup.json" in docs
