"""Adapter tests run the real SDKs against the emulated cloud (fixture `emulated_cloud`)."""

from __future__ import annotations

import pytest

from cis216.adapters.credentials import Credentials
from cis216.emulator import DEFAULT_CREDENTIALS
from cis216.emulator.pytest_plugin import emulated_cloud  # noqa: F401  (fixture)
from tests.functional.adapters.support import ACCOUNT  # noqa: F401  (re-exported)


@pytest.fixture
def creds() -> Credentials:
    return Credentials(DEFAULT_CREDENTIALS.access_key_id, DEFAULT_CREDENTIALS.access_key_secret, None, "test")
