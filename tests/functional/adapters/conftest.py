"""Adapter tests run the real SDKs against the emulated cloud (fixture `emulated_cloud`, from the
plugin tests/conftest.py registers)."""

from __future__ import annotations

import pytest

from cis216.adapters.credentials import Credentials
from cis216.emulator import DEFAULT_CREDENTIALS


@pytest.fixture
def creds() -> Credentials:
    return Credentials(DEFAULT_CREDENTIALS.access_key_id, DEFAULT_CREDENTIALS.access_key_secret, None, "test")
