"""adapters/logaudit.py: DescribeApp(AppName="audit") signed by the OpenAPI core, against the emulated
POP SLS endpoint, with the real wire shape (Config as JSON text, its lists as JSON texts inside)."""

from __future__ import annotations

import json

import pytest

from cis216.adapters import logaudit
from cis216.adapters.calls import CallError
from cis216.emulator import EmulatedCloud
from cis216.emulator.slsapp.backend import LOG_AUDIT_APP

TIMEOUT = 5.0
REGION = "cn-hangzhou"
ACCOUNT = "1234567890123456"  # the emulator's default account (DEFAULT_CREDENTIALS)


def _config(**param: object) -> str:
    return json.dumps({"initParam": {"region": REGION, **param}})


def test_all_members_with_actiontrail_collected(emulated_cloud: EmulatedCloud, creds):
    emulated_cloud.slsapp.put_log_audit(ACCOUNT, REGION, "all", [], actiontrail_enabled=True)
    found = logaudit.describe_app(creds, REGION, ACCOUNT, TIMEOUT)
    assert found is not None
    assert (found.region, found.project) == (REGION, f"slsaudit-center-{ACCOUNT}-{REGION}")
    assert found.directory_scope == "all" and found.actiontrail_enabled and found.multi_account
    assert found.collects("2000000000000009")
    calls = [c for c in emulated_cloud.calls if c.api == "DescribeApp"]
    assert [(c.service, c.status, c.account) for c in calls] == [("slsapp", 200, ACCOUNT)]


def test_custom_members_and_actiontrail_off(emulated_cloud: EmulatedCloud, creds):
    emulated_cloud.slsapp.put_log_audit(
        ACCOUNT, REGION, "custom", ["2000000000000001"], actiontrail_enabled=False
    )
    found = logaudit.describe_app(creds, REGION, ACCOUNT, TIMEOUT)
    assert found is not None and found.directory_scope == "custom" and not found.actiontrail_enabled
    assert found.collects("2000000000000001") and not found.collects("2000000000000002")


def test_custom_authentication_uids_are_in_scope(emulated_cloud: EmulatedCloud, creds):
    listed = json.dumps([{"uid": 2000000000000003}, {"uid": "2000000000000004"}])
    emulated_cloud.slsapp.put_app(
        ACCOUNT, LOG_AUDIT_APP, _config(multi_account=listed, actiontrail_enabled=True)
    )
    found = logaudit.describe_app(creds, REGION, ACCOUNT, TIMEOUT)
    assert found is not None and found.directory_scope is None
    assert found.members == {"2000000000000003", "2000000000000004"} and found.multi_account


def test_single_account_mode_is_not_multi_account(emulated_cloud: EmulatedCloud, creds):
    emulated_cloud.slsapp.put_app(
        ACCOUNT, LOG_AUDIT_APP, _config(actiontrail_enabled="true", resource_directory="{}")
    )
    found = logaudit.describe_app(creds, REGION, ACCOUNT, TIMEOUT)
    assert found is not None and not found.multi_account and not found.collects("2000000000000001")


def test_no_log_audit_is_none(emulated_cloud: EmulatedCloud, creds):
    assert logaudit.describe_app(creds, REGION, ACCOUNT, TIMEOUT) is None
    assert emulated_cloud.count(api="DescribeApp", error_code="AppNotExist") == 1


def test_the_endpoint_outside_the_sdk_map_is_the_central_one(emulated_cloud: EmulatedCloud, creds):
    assert logaudit.endpoint("cn-beijing") == "sls.aliyuncs.com"
    emulated_cloud.slsapp.put_log_audit(ACCOUNT, REGION, "all", [], actiontrail_enabled=True)
    assert logaudit.describe_app(creds, "cn-beijing", ACCOUNT, TIMEOUT) is not None


@pytest.mark.parametrize(
    ("config", "path"),
    [
        ("not json", "AppModel.Config: not JSON text"),
        (json.dumps({"init": {}}), "AppModel.Config.initParam"),
        (
            _config(resource_directory=json.dumps({"type": "some"})),
            "AppModel.Config.initParam.resource_directory.type",
        ),
        (_config(resource_directory="{broken"), "AppModel.Config.initParam.resource_directory"),
        (
            _config(multi_account=json.dumps([{"uid": "12ab"}])),
            "AppModel.Config.initParam.multi_account[0].uid",
        ),
        (_config(actiontrail_enabled="maybe"), "AppModel.Config.initParam.actiontrail_enabled"),
        (json.dumps({"initParam": {"region": "Hangzhou"}}), "AppModel.Config.initParam.region"),
        (_config(project="my-own-project"), "AppModel.Config.initParam.project"),
        (_config(aliuid="1999999999999999"), "AppModel.Config.initParam.aliuid"),
    ],
)
def test_a_malformed_config_names_its_json_path(emulated_cloud: EmulatedCloud, creds, config, path):
    emulated_cloud.slsapp.put_app(ACCOUNT, LOG_AUDIT_APP, config)
    with pytest.raises(CallError) as raised:
        logaudit.describe_app(creds, REGION, ACCOUNT, TIMEOUT)
    assert raised.value.code == "MalformedResponse" and raised.value.api == "DescribeApp"
    assert path in raised.value.message


def test_a_refused_read_is_the_stated_error(emulated_cloud: EmulatedCloud, creds):
    emulated_cloud.faults.add("error", api="DescribeApp", status=403, code="Unauthorized")
    with pytest.raises(CallError) as raised:
        logaudit.describe_app(creds, REGION, ACCOUNT, TIMEOUT)
    assert raised.value.code == "Unauthorized"


@pytest.mark.parametrize("kind", ["shape_renamed", "shape_string"])
def test_a_bent_answer_is_malformed_never_not_configured(emulated_cloud: EmulatedCloud, creds, kind):
    emulated_cloud.slsapp.put_log_audit(ACCOUNT, REGION, "all", [], actiontrail_enabled=True)
    emulated_cloud.faults.add(kind, api="DescribeApp")
    with pytest.raises(CallError) as raised:
        logaudit.describe_app(creds, REGION, ACCOUNT, TIMEOUT)
    assert raised.value.code == "MalformedResponse" and "AppModel" in raised.value.message
