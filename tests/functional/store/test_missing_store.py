"""The function never creates the findings store: writing into a missing one fails, naming `cis216 setup`."""

from __future__ import annotations

from pathlib import Path

import pytest

from cis216.adapters.writer import WriteError
from cis216.cli.invoke import _emulated
from cis216.shell import scan
from cis216.shell.bootstrap import bootstrap

EVENT = Path(__file__).resolve().parents[3] / "events" / "timer.json"


@pytest.mark.parametrize("missing", ["project", "logstore"])
def test_a_missing_store_fails_the_write_and_names_setup(missing: str) -> None:
    local = _emulated(None)
    assert local.emulated is not None
    project, region = local.environ["FINDINGS_PROJECT"], local.environ["FINDINGS_REGION"]
    if missing == "logstore":
        local.emulated.create_project(local.context.account_id or "", region, project)
    with local.emulated, pytest.raises(WriteError) as failed:
        scan.run(EVENT.read_bytes(), local.context, local.environ, make_cloud=bootstrap)
    message = str(failed.value)
    code = "ProjectNotExist" if missing == "project" else "LogStoreNotExist"
    assert f"PutLogs: {code}" in message
    assert f"the findings store {project}/cis216_findings does not exist in {region}" in message
    assert f"`cis216 setup --cloud real --apply --project {project} --logstore cis216_findings" in message
    assert "the function never creates resources" in message
    assert local.emulated.count(api="CreateProject") == 0 and local.emulated.count(api="CreateLogStore") == 0
