"""Handler tests: handler/index.py (loaded from its file, as FC does), an FC-like context, the
emulated cloud, the real SDKs."""

from __future__ import annotations

import copy

import pytest

from cis216.shell import logs
from tests.functional.handler.support import (
    ACCOUNT,
    LOGSTORE,
    PROJECT,
    REGION,
    SAMPLE,
    function_environment,
    load_handler_index,
)


@pytest.fixture(scope="session")
def handler_module():
    return load_handler_index()


@pytest.fixture
def env(monkeypatch):
    function_environment(monkeypatch)
    yield monkeypatch
    logs.LOGGER.clear_state()


@pytest.fixture
def cloud(emulated_cloud, env):  # emulated_cloud: the plugin tests/conftest.py registers
    emulated_cloud.seed_snapshot(copy.deepcopy(SAMPLE))
    emulated_cloud.create_logstore(ACCOUNT, REGION, PROJECT, LOGSTORE)
    return emulated_cloud
