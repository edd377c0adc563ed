"""SLS management through the real SDK: projects, logstores, indexes and dashboards as `cis216 setup`
makes them, with SLS's own "already exists" and "does not exist" answers."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from aliyun.log import IndexConfig, IndexKeyConfig, IndexLineConfig, LogException

from cis216.emulator import EmulatedCloud
from cis216.emulator.credentials import Credentials
from cis216.emulator.faults import KINDS, TRANSPORT_KINDS
from tests.functional.emulator.clients import ACCOUNT, sls

OTHER = Credentials("LTAIother", "other-secret", account_id="9876543210987654")
PROJECT = "cis216-findings-test"
INDEX = {
    "line": {"token": [",", " "], "caseSensitive": False, "chn": False},
    "keys": {"status": {"type": "text", "token": [], "caseSensitive": False, "doc_value": True}},
}
DASHBOARD = {
    "dashboardName": "cis216-findings",
    "displayName": "findings",
    "charts": [{"title": "in-alarm-now", "type": "statpro", "search": {"query": "*"}, "display": {}}],
}


def _code(call: Any) -> tuple[str, int]:
    with pytest.raises(LogException) as raised:
        call()
    return raised.value.get_error_code(), raised.value.resp_status


def test_create_and_get_project(emulated_cloud: EmulatedCloud) -> None:
    client = sls()
    client.create_project(PROJECT, "cis216 findings")
    assert client.get_project(PROJECT).body["projectName"] == PROJECT
    assert emulated_cloud.sls.project(ACCOUNT, "cn-hangzhou", PROJECT) is not None
    assert _code(lambda: client.create_project(PROJECT, "again")) == ("ProjectAlreadyExist", 400)
    assert emulated_cloud.count(api="CreateProject") == 2


def test_a_project_name_another_account_holds(emulated_cloud: EmulatedCloud) -> None:
    emulated_cloud.credentials.add(OTHER)
    sls(creds=OTHER).create_project(PROJECT, "theirs")
    mine = sls()
    assert _code(lambda: mine.create_project(PROJECT, "mine")) == ("ProjectAlreadyExist", 400)
    assert _code(lambda: mine.get_project(PROJECT)) == ("ProjectNotExist", 404)
    # Names are unique per region only.
    sls("cn-shanghai").create_project(PROJECT, "mine")
    assert emulated_cloud.sls.owner("cn-hangzhou", PROJECT) == OTHER.account_id
    assert emulated_cloud.sls.owner("cn-shanghai", PROJECT) == ACCOUNT


@pytest.mark.parametrize(
    ("name", "description"), [("bad-", "ok"), ("ab", "ok"), ("fine-name", "x" * 65), ("fine-name", "a<b")]
)
def test_create_project_checks_its_input(emulated_cloud: EmulatedCloud, name: str, description: str) -> None:
    assert _code(lambda: sls().create_project(name, description)) == ("ParameterInvalid", 400)


def test_logstore_created_with_its_settings_and_only_once(emulated_cloud: EmulatedCloud) -> None:
    client = sls()
    client.create_project(PROJECT, "")
    client.create_logstore(PROJECT, "cis216_findings", ttl=365, shard_count=1, max_split_shard=8)
    got = client.get_logstore(PROJECT, "cis216_findings")
    assert (got.get_ttl(), got.get_shard_count()) == (365, 1)
    assert _code(lambda: client.create_logstore(PROJECT, "cis216_findings")) == ("LogStoreAlreadyExist", 400)
    assert _code(lambda: client.create_logstore(PROJECT, "x", ttl=4000)) == ("ParameterInvalid", 400)
    assert _code(lambda: client.create_logstore("missing-project", "ls")) == ("ProjectNotExist", 404)


def test_a_new_logstore_is_invisible_for_a_few_calls(emulated_cloud: EmulatedCloud) -> None:
    emulated_cloud.sls.logstore_lag_calls = 2
    client = sls()
    client.create_project(PROJECT, "")
    client.create_logstore(PROJECT, "ls")
    body = IndexConfig(line_config=IndexLineConfig([",", " "]))
    assert _code(lambda: client.create_index(PROJECT, "ls", body)) == ("LogStoreNotExist", 404)
    assert _code(lambda: client.get_logstore(PROJECT, "ls")) == ("LogStoreNotExist", 404)
    client.create_index(PROJECT, "ls", body)


def test_index_create_get_update(emulated_cloud: EmulatedCloud) -> None:
    client = sls()
    client.create_project(PROJECT, "")
    client.create_logstore(PROJECT, "ls")
    assert _code(lambda: client.get_index_config(PROJECT, "ls")) == ("IndexConfigNotExist", 404)
    assert _code(lambda: client.update_index(PROJECT, "ls", _sdk_index())) == ("IndexConfigNotExist", 404)
    client.create_index(PROJECT, "ls", _sdk_index())
    stored = emulated_cloud.sls.project(ACCOUNT, "cn-hangzhou", PROJECT).logstores["ls"].index  # type: ignore[union-attr]
    assert stored is not None and stored["keys"]["status"]["token"] == []
    assert _code(lambda: client.create_index(PROJECT, "ls", _sdk_index())) == ("IndexAlreadyExist", 400)
    # UpdateIndex replaces the whole configuration: the key not sent is gone.
    client.update_index(PROJECT, "ls", IndexConfig(line_config=IndexLineConfig([" "])))
    assert "status" not in (
        emulated_cloud.sls.project(ACCOUNT, "cn-hangzhou", PROJECT).logstores["ls"].index or {}
    ).get("keys", {})  # type: ignore[union-attr]


def _sdk_index() -> IndexConfig:
    return IndexConfig(
        line_config=IndexLineConfig([",", " "]),
        key_config_list={"status": IndexKeyConfig(token_list=[], doc_value=True)},
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"keys": {"a": {"type": "blob"}}},
        {"keys": {"a": {"type": "text", "token": "x"}}},
        {"keys": {"a": {"type": "text"}, "A": {"type": "text"}}},
        {"line": {"token": []}, "max_text_len": 10},
    ],
)
def test_a_bad_index_body_is_refused(emulated_cloud: EmulatedCloud, body: dict[str, Any]) -> None:
    client = sls()
    client.create_project(PROJECT, "")
    client.create_logstore(PROJECT, "ls")
    assert _code(lambda: client._send("POST", PROJECT, _json(body), "/logstores/ls/index", {}, {})) == (
        "IndexInfoInvalid",
        400,
    )


def _json(body: dict[str, Any]) -> bytes:
    import json

    return json.dumps(body).encode()


def test_dashboards(emulated_cloud: EmulatedCloud) -> None:
    client = sls()
    client.create_project(PROJECT, "")
    assert _code(lambda: client.get_dashboard(PROJECT, "cis216-findings")) == ("DashboardNotExist", 404)
    assert _code(lambda: client.update_dashboard(PROJECT, DASHBOARD)) == ("DashboardNotExist", 404)
    client.create_dashboard(PROJECT, DASHBOARD)
    assert client.get_dashboard(PROJECT, "cis216-findings").get_body() == DASHBOARD
    assert _code(lambda: client.create_dashboard(PROJECT, DASHBOARD)) == ("DashboardAlreadyExist", 400)
    changed = {**DASHBOARD, "displayName": "changed"}
    client.update_dashboard(PROJECT, changed)
    assert client.get_dashboard(PROJECT, "cis216-findings").get_body()["displayName"] == "changed"
    twice = {**DASHBOARD, "dashboardName": "two", "charts": DASHBOARD["charts"] * 2}
    assert _code(lambda: client.create_dashboard(PROJECT, twice)) == ("ParameterInvalid", 400)
    assert _code(lambda: client.create_dashboard(PROJECT, {**DASHBOARD, "dashboardName": "Bad Name"})) == (
        "ParameterInvalid",
        400,
    )


MANAGEMENT_APIS = (
    "CreateProject",
    "CreateLogStore",
    "CreateIndex",
    "UpdateIndex",
    "CreateDashboard",
    "GetDashboard",
    "UpdateDashboard",
)


@pytest.mark.parametrize(
    "kind", [k for k in KINDS if k not in TRANSPORT_KINDS and not k.startswith("shape_")]
)
def test_faults_apply_to_the_management_apis(emulated_cloud: EmulatedCloud, kind: str) -> None:
    """Faults are per API and generic: every kind that answers in the service's place answers for
    these too (the shape_* kinds bend listings only)."""
    extra: dict[str, Any] = {"code": "InvalidOperation.Unexpected", "status": 400} if kind == "error" else {}
    faults = [emulated_cloud.faults.add(kind, api=api, calls=[1], **extra) for api in MANAGEMENT_APIS]
    client = sls()
    calls = [
        lambda: client.create_project(PROJECT, ""),
        lambda: client.create_logstore(PROJECT, "ls"),
        lambda: client.create_index(PROJECT, "ls", _sdk_index()),
        lambda: client.update_index(PROJECT, "ls", _sdk_index()),
        lambda: client.create_dashboard(PROJECT, DASHBOARD),
        lambda: client.get_dashboard(PROJECT, "cis216-findings"),
        lambda: client.update_dashboard(PROJECT, DASHBOARD),
    ]
    for call in calls:
        with contextlib.suppress(LogException):
            call()
    assert [fault.fired for fault in faults] == [1] * len(MANAGEMENT_APIS)
    firsts = [next(c for c in emulated_cloud.calls if c.api == api) for api in MANAGEMENT_APIS]
    if kind not in ("latency", "malformed", "json_body"):
        assert all(call.status != 200 for call in firsts), firsts
