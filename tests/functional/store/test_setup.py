"""`cis216 setup` against the emulated cloud: plan, apply, verify, idempotence, and each way it fails."""

from __future__ import annotations

import json

import pytest

from cis216.cli import main
from cis216.emulator.credentials import Credentials
from cis216.store.dashboard import DASHBOARD_NAME, dashboard_body
from cis216.store.index import findings_index
from tests.functional.store.support import ACCOUNT, LOGSTORE, PROJECT, REGION, Setup

OTHER = Credentials("LTAIother", "other-secret", account_id="9876543210987654")


@pytest.fixture
def setup(capsys: pytest.CaptureFixture[str]) -> Setup:
    return Setup(capsys)


def test_the_plan_lists_every_creation_and_writes_nothing(setup: Setup) -> None:
    result = setup()
    assert result.code == 0
    assert f"findings store: project {PROJECT}, logstore {LOGSTORE}" in result.out
    for api in ("CreateProject", "CreateLogStore", "CreateIndex", "CreateDashboard"):
        assert f"+ {api}" in result.out
    assert "4 changes planned; run again with --apply" in result.out
    assert setup.writes() == []
    assert setup.cloud.sls.project(ACCOUNT, REGION, PROJECT) is None


def test_the_plan_as_json(setup: Setup) -> None:
    plan = json.loads(setup("--format", "json").out)
    assert plan["project"] == PROJECT and plan["logstore"] == LOGSTORE and plan["region"] == REGION
    assert [c["api"] for c in plan["changes"]] == [
        "CreateProject",
        "CreateLogStore",
        "CreateIndex",
        "CreateDashboard",
    ]
    assert plan["notes"] == []


def test_apply_creates_the_store_and_a_second_apply_changes_nothing(setup: Setup) -> None:
    first = setup("--apply")
    assert first.code == 0, first.err
    assert "verified: the store matches the plan" in first.out
    store = setup.logstore()
    assert (store.ttl, store.shard_count, store.auto_split) == (365, 1, True)
    assert store.index == findings_index()
    assert setup.dashboards()[DASHBOARD_NAME] == dashboard_body(PROJECT, LOGSTORE)
    assert setup.writes() == ["CreateProject", "CreateLogStore", "CreateIndex", "CreateDashboard"]
    setup.cloud.reset_calls()
    second = setup("--apply")
    assert second.code == 0
    assert "no change" in second.out
    assert setup.writes() == []


def test_options_shape_the_store(setup: Setup) -> None:
    result = setup(
        "--apply",
        "--project",
        "my-findings",
        "--logstore",
        "found",
        "--retention-days",
        "30",
        "--shards",
        "4",
    )
    assert result.code == 0, result.err
    project = setup.cloud.sls.project(ACCOUNT, REGION, "my-findings")
    assert project is not None
    assert (project.logstores["found"].ttl, project.logstores["found"].shard_count) == (30, 4)
    assert setup.cloud.count(api="GetCallerIdentity") == 0  # --project given: no need to know the account


def test_an_existing_index_is_merged_into_and_the_users_keys_kept(setup: Setup) -> None:
    mine = {
        "line": {"token": [" "], "caseSensitive": True},
        "keys": {
            "status": {"type": "text", "token": [",", " "], "caseSensitive": True, "doc_value": False},
            "team": {"type": "text", "token": [], "doc_value": True},
        },
        "max_text_len": 4096,
    }
    setup.cloud.create_logstore(ACCOUNT, REGION, PROJECT, LOGSTORE, index=mine)
    planned = setup()
    assert "~ UpdateIndex index of logstore cis216_findings: add keys" in planned.out
    assert "your keys are kept" in planned.out
    assert "note: index key status is kept as you set it" in planned.out
    assert setup("--apply").code == 0
    index = setup.logstore().index
    assert index["keys"]["team"] == mine["keys"]["team"]
    assert index["keys"]["status"] == mine["keys"]["status"]  # kept, not "fixed"
    assert index["line"] == mine["line"] and index["max_text_len"] == 4096
    assert set(findings_index()["keys"]) <= set(index["keys"])
    assert "no change" in setup("--apply").out


def test_an_existing_logstore_keeps_its_retention_and_says_so(setup: Setup) -> None:
    setup.cloud.create_logstore(ACCOUNT, REGION, PROJECT, LOGSTORE)  # 180 days
    planned = setup()
    assert "note: logstore cis216_findings keeps logs 180 days, not 365" in planned.out
    assert "CreateLogStore" not in planned.out
    assert setup("--apply").code == 0
    assert setup.logstore().ttl == 180


def test_a_dashboard_changed_by_hand_is_restored(setup: Setup) -> None:
    assert setup("--apply").code == 0
    setup.dashboards()[DASHBOARD_NAME]["charts"] = []
    assert "~ UpdateDashboard dashboard cis216-findings" in setup().out
    assert setup("--apply").code == 0
    assert setup.dashboards()[DASHBOARD_NAME] == dashboard_body(PROJECT, LOGSTORE)


def test_a_project_name_held_by_another_account(setup: Setup) -> None:
    setup.cloud.credentials.add(OTHER)
    setup.cloud.sls.create_project(OTHER.account_id or "", REGION, PROJECT)
    result = setup("--apply")
    assert result.code == 3
    assert (
        f"the SLS project name {PROJECT} is taken in {REGION} by another Alibaba Cloud account" in result.err
    )
    assert "--project" in result.err
    assert setup.writes() == ["CreateProject"]


def test_a_project_that_cannot_be_read_is_explained(setup: Setup) -> None:
    setup.cloud.faults.add("access_denied", api="GetProject", status=403, code="Unauthorized")
    result = setup()
    assert result.code == 3
    assert "lack log:GetProject" in result.err and "another Alibaba Cloud account" in result.err


def test_already_exists_answers_of_a_store_made_meanwhile(setup: Setup) -> None:
    """What the first reads missed (made meanwhile, or by a create that timed out and was retried)
    comes back as *AlreadyExist: the project is ours, the logstore there, the index merged into."""
    user_index = {
        "line": {"token": [" "]},
        "keys": {"team": {"type": "text", "token": [], "doc_value": True}},
    }
    setup.cloud.create_logstore(ACCOUNT, REGION, PROJECT, LOGSTORE, index=user_index)
    setup.cloud.faults.add("error", api="GetProject", calls=[1], code="ProjectNotExist", status=404)
    setup.cloud.faults.add("error", api="CreateLogStore", calls=[1], code="LogstoreAlreadyExist", status=400)
    result = setup("--apply")
    assert result.code == 0, result.err
    assert f"project {PROJECT} already existed (yours)" in result.out
    assert "logstore cis216_findings already existed" in result.out
    assert "already existed: merged ours into it" in result.out
    assert setup.logstore().index["keys"]["team"] == user_index["keys"]["team"]


def test_a_new_logstore_not_visible_yet_is_waited_for(setup: Setup) -> None:
    setup.cloud.sls.logstore_lag_calls = 3
    result = setup("--apply")
    assert result.code == 0, result.err
    assert setup.cloud.count(api="CreateIndex", error_code="LogStoreNotExist") == 3
    assert setup.time.slept == [2, 2, 2]


def test_a_logstore_that_never_shows_is_given_up_on(setup: Setup) -> None:
    setup.cloud.sls.logstore_lag_calls = 1000
    result = setup("--apply")
    assert result.code == 3
    assert "CreateIndex: LogStoreNotExist" in result.err
    assert sum(setup.time.slept) <= 60


@pytest.mark.parametrize(
    "api", ["GetProject", "CreateProject", "CreateLogStore", "CreateIndex", "CreateDashboard"]
)
def test_a_transient_throttle_is_retried(setup: Setup, api: str) -> None:
    setup.cloud.faults.add("throttle", api=api, calls=[1])
    result = setup("--apply")
    assert result.code == 0, result.err
    assert setup.cloud.count(api=api) >= 2


@pytest.mark.parametrize(
    ("kind", "api", "said"),
    [
        ("access_denied", "CreateProject", "CreateProject: Unauthorized"),
        ("error500", "CreateLogStore", "CreateLogStore: InternalServerError"),
        ("html502", "CreateIndex", "CreateIndex: BadGateway"),
        ("malformed", "GetDashboard", "GetDashboard: MalformedResponse"),
        ("timeout", "UpdateIndex", "UpdateIndex"),
    ],
)
def test_a_failed_call_fails_the_run(setup: Setup, kind: str, api: str, said: str) -> None:
    if api == "UpdateIndex":
        setup.cloud.create_logstore(ACCOUNT, REGION, PROJECT, LOGSTORE, index={"line": {"token": [" "]}})
    setup.cloud.faults.add(kind, api=api)
    result = setup("--apply")
    assert result.code == 3
    assert "cis216: setup failed:" in result.err and said in result.err


def test_a_store_that_differs_after_apply_fails_verification(setup: Setup) -> None:
    # The re-read (the first GetDashboard: the plan found no project to read) answers no charts.
    setup.cloud.faults.add(
        "json_body", api="GetDashboard", calls=[1], body={"dashboardName": DASHBOARD_NAME, "charts": []}
    )
    result = setup("--apply")
    assert result.code == 3
    assert "after applying, the store still differs" in result.err
    assert "UpdateDashboard" in result.err


@pytest.mark.parametrize(
    "argv",
    [
        ["--project", "Bad_Name"],
        ["--project", "ab"],
        ["--logstore", "x"],
        ["--region", "hangzhou"],
        ["--region", "cn-hangzhou.evil.com"],
        ["--retention-days", "0"],
        ["--retention-days", "3651"],
        ["--retention-days", "many"],
        ["--shards", "0"],
        ["--format", "yaml"],
        ["--cloud", "other"],
    ],
)
def test_bad_input_is_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["setup", *argv])
    assert exited.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_a_bad_region_from_the_environment_is_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINDINGS_REGION", "not a region")
    assert main(["setup"]) == 2


def test_the_command_runs_from_main_against_a_fresh_emulated_cloud(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["setup", "--region", "cn-shanghai", "--apply"]) == 0
    captured = capsys.readouterr()
    assert "verified: the store matches the plan" in captured.out
    assert "emulated cloud" in captured.err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["setup", "--help"])
    assert exited.value.code == 0
    assert "--apply" in capsys.readouterr().out


def test_the_default_emulated_cloud_says_so_where_the_plan_is_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `cis216 setup --apply` without --cloud is a trial: stdout must not read like a real store was made.
    assert main(["setup", "--apply"]) == 0
    first, *rest = capsys.readouterr().out.splitlines()
    assert first.startswith("EMULATED CLOUD (--cloud emulated, the default)") and "nothing real" in first
    assert any(line.startswith("verified:") for line in rest)
