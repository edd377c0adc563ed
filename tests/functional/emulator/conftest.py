"""Fixtures of the emulator tests: the small snapshot, seeded into a fresh emulated cloud."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cis216.emulator import EmulatedCloud
from tests.functional.emulator.clients import SNAPSHOT


@pytest.fixture
def snapshot() -> dict[str, Any]:
    return copy.deepcopy(SNAPSHOT)


@pytest.fixture
def cloud(emulated_cloud: EmulatedCloud, snapshot: dict[str, Any]) -> EmulatedCloud:
    emulated_cloud.seed_snapshot(snapshot)
    return emulated_cloud
