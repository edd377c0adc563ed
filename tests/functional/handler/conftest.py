"""Handler tests: handler/index.py (loaded from its file, as FC does), an FC-like context, the
emulated cloud, the real SDKs."""

from __future__ import annotations

import copy

import pytest

from cis216.shell import logs
from cis216.shell.config import VARIABLES
from tests.functional.handler.support import ACCOUNT, LOGSTORE, PROJECT, REGION, SAMPLE, load_handler_index


@pytest.fixture(scope="session")
def handler_module():
    return load_handler_index()


@pytest.fixture
def env(monkeypatch):
    names = [v.name for v in VARIABLES] + [
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "FC_ACCOUNT_ID",
        "FC_FUNCTION_NAME",
    ]
    for key in names:  # a developer's own settings must not leak into the tests
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
    yield monkeypatch
    logs.LOGGER.clear_state()


@pytest.fixture
def cloud(emulated_cloud, env):  # emulated_cloud: the plugin tests/conftest.py registers
    emulated_cloud.seed_snapshot(copy.deepcopy(SAMPLE))
    emulated_cloud.create_logstore(ACCOUNT, REGION, PROJECT, LOGSTORE)
    return emulated_cloud
