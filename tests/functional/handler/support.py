"""Helpers of the handler tests (constants, an FC-like context, reading the findings logstore)."""

from __future__ import annotations

import importlib.util
import json
from types import ModuleType, SimpleNamespace

from cis216.emulator import DEFAULT_CREDENTIALS
from cis216.shell.config import VARIABLES
from tests.paths import REPO_ROOT

ROOT = REPO_ROOT
SAMPLE = json.loads((ROOT / "lib/cis216/samples/sample-account.json").read_text())
ACCOUNT = SAMPLE["account_id"]
REGION, PROJECT, LOGSTORE = "cn-hangzhou", "cis216-findings", "cis216_findings"
TIMER = (ROOT / "events/timer.json").read_bytes()
HANDLER_INDEX = ROOT / "handler" / "index.py"


def load_handler_index() -> ModuleType:
    """handler/index.py, loaded from its file under the name s.yaml gives it."""
    spec = importlib.util.spec_from_file_location("handler.index", HANDLER_INDEX)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fc_context(request_id="req-1", credentials="default", account_id=ACCOUNT, timeout=600):
    if credentials == "default":
        credentials = SimpleNamespace(
            access_key_id=DEFAULT_CREDENTIALS.access_key_id,
            access_key_secret=DEFAULT_CREDENTIALS.access_key_secret,
            security_token=None,
        )
    return SimpleNamespace(
        request_id=request_id,
        credentials=credentials,
        account_id=account_id,
        region=REGION,
        function=SimpleNamespace(name="cis216-scan", handler="index.handler", memory=512, timeout=timeout),
        service=SimpleNamespace(log_project="", log_store=""),
    )


def stored(cloud, record=None):
    logs = cloud.sls_logs(ACCOUNT, REGION, PROJECT, LOGSTORE)
    return [log for log in logs if record is None or log.contents.get("record") == record]


def timer_event(payload: dict | None = None, time="2026-11-29T02:00:00Z") -> bytes:
    return json.dumps(
        {
            "triggerTime": time,
            "triggerName": "daily-cis216-scan",
            "payload": json.dumps(payload) if payload is not None else "",
        }
    ).encode()


def function_environment(monkeypatch) -> None:
    """The environment a deployed function has (findings target, no retry waits), and none of the
    developer's own settings: they must not leak into the tests."""
    names = [v.name for v in VARIABLES] + [
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "FC_ACCOUNT_ID",
        "FC_FUNCTION_NAME",
    ]
    for key in names:
        monkeypatch.delenv(key, raising=False)
    values = {
        "FINDINGS_PROJECT": PROJECT,
        "FINDINGS_LOGSTORE": LOGSTORE,
        "FINDINGS_REGION": REGION,
        "FC_REGION": REGION,
        "RETRY_BASE_SECONDS": "0",
        "RETRY_MAX_ATTEMPTS": "4",
        "LOG_LEVEL": "INFO",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
