"""Where credentials come from, and that no secret reaches a log line."""

from __future__ import annotations

import copy
import json
import os
import re
from types import SimpleNamespace

import pytest

from cis216.adapters.writer import WriteError
from cis216.emulator import Credentials, EmulatedCloud
from cis216.emulator.pytest_plugin import NoSleep
from cis216.shell import scan
from tests.functional.handler.support import ACCOUNT, LOGSTORE, PROJECT, REGION, SAMPLE, TIMER, fc_context

KEY, SECRET, TOKEN = "STS.NUfcRoleKey0001", "role-secret-value-0001", "CAISroleSecurityToken0001xyzxyzxyz"


@pytest.fixture
def sts_cloud(env):
    cloud = EmulatedCloud(credentials=[Credentials(KEY, SECRET, security_token=TOKEN)], sleep=NoSleep())
    cloud.seed_snapshot(copy.deepcopy(SAMPLE))
    cloud.create_logstore(ACCOUNT, REGION, PROJECT, LOGSTORE)
    with cloud:
        yield cloud


def role_creds(key=KEY, secret=SECRET, token=TOKEN):
    return SimpleNamespace(access_key_id=key, access_key_secret=secret, security_token=token)


def test_python310_context_credentials(sts_cloud, handler_module):
    summary = json.loads(handler_module.handler(TIMER, fc_context(credentials=role_creds())))
    assert summary["written"]["count"] == summary["findings"]


def test_python312_environment_credentials(sts_cloud, handler_module, env):
    env.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY)
    env.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    env.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    summary = json.loads(handler_module.handler(TIMER, fc_context(credentials=None)))
    assert summary["written"]["count"] == summary["findings"]
    assert summary["collection_errors"] == 1


def test_context_wins_over_environment(sts_cloud, handler_module, env):
    env.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIelsekey1")
    env.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "other-secret")
    summary = json.loads(handler_module.handler(TIMER, fc_context(credentials=role_creds())))
    assert summary["collection_errors"] == 1


def test_no_secret_in_any_log_line(sts_cloud, handler_module, env, capsys):
    env.setenv("LOG_LEVEL", "DEBUG")
    env.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY)
    env.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    env.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    # a wrong token on one path and failures everywhere: error messages get logged
    sts_cloud.faults.add(
        "error", api="ListAlerts", code="Unauthorized", message=f"denied for {KEY} with token {TOKEN}"
    )
    handler_module.handler(TIMER, fc_context(credentials=None))
    sts_cloud.faults.add("error503", api="PutLogs")
    with pytest.raises(WriteError, match=r"PutLogs: ServerBusy \(HTTP 503\)"):
        handler_module.handler(TIMER, fc_context(credentials=None))
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines and all(json.loads(line)["request_id"] == "req-1" for line in lines)
    for secret in (KEY, SECRET, TOKEN):
        assert secret not in out
    assert "[REDACTED]" in out


def test_snapshot_errors_do_not_carry_secrets(sts_cloud, env):
    sts_cloud.faults.add(
        "error",
        api="ListAlerts",
        project="sh-audit",
        code="Unauthorized",
        message=f"denied for {KEY} token {TOKEN}",
    )
    report = scan.run(TIMER, fc_context(credentials=role_creds()), os.environ)
    text = json.dumps(report.snapshot) + "".join(
        json.dumps(log.contents) for log in sts_cloud.sls_logs(ACCOUNT, REGION, PROJECT, LOGSTORE)
    )
    assert KEY not in text and TOKEN not in text


def test_raised_errors_carry_no_secret(sts_cloud, handler_module, env, capsys):
    # FC prints the error a handler raises (and so does `cis216 invoke`): it must be redacted too.
    signature = "q7u7BEjh0YT8xgjugWrEUThoIgk="
    sts_cloud.faults.add(
        "error",
        api="PutLogs",
        code="Unauthorized",
        status=401,
        message=f"denied for {KEY} secret={SECRET} token {TOKEN}; signature {signature} not match",
    )
    with pytest.raises(WriteError) as caught:
        handler_module.handler(TIMER, fc_context(credentials=role_creds()))
    texts = [str(caught.value), repr(caught.value.args), str(caught.value.cause), capsys.readouterr().out]
    for text in texts:
        for secret in (KEY, SECRET, TOKEN, signature):
            assert secret not in text, text
    assert "[REDACTED]" in texts[0]


def test_sls_signature_quoted_in_an_error_is_redacted(sts_cloud, env):
    # A wrong secret: SLS answers "signature <the request's signature> not match".
    env.setenv("DRY_RUN", "true")
    report = scan.run(TIMER, fc_context(credentials=role_creds(secret="wrong-secret-value")), os.environ)
    errors = [e for region in report.snapshot["regions"].values() for e in region["errors"]]
    # With no region list and no trail, the home region's three first calls are all there is to fail.
    assert sorted((e["api"], e["code"]) for e in errors) == [
        ("DescribeRegions", "SignatureDoesNotMatch"),
        ("DescribeTrails", "SignatureDoesNotMatch"),
        ("ListProject", "SignatureNotMatch"),
    ]
    sls = [e for e in errors if e["code"] == "SignatureNotMatch"]
    for error in sls:
        assert re.search(r"signature [A-Za-z0-9+/]{16,}", error["message"]) is None, error
        assert "signature [REDACTED]" in error["message"]
