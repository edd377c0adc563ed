"""Pytest fixture ``emulated_cloud``: an active EmulatedCloud with the default credentials.

Register with ``pytest_plugins = ["cis216.emulator.pytest_plugin"]`` in the root conftest.py.
The fixture's sleep does not sleep (latency faults are recorded in ``cloud.sleep.slept``),
and the SLS SDK's own retry pause (``time.sleep(1)`` per 5xx answer, up to 10 tries) is
skipped (recorded in ``cloud.sdk_sleeps.slept``), so fault tests stay fast. The rest of the
process keeps the real ``time.sleep``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import aliyun.log.logclient as logclient
import pytest

from .core import EmulatedCloud


class NoSleep:
    """A sleep that only remembers what it was asked to sleep."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)


class _TimeWithoutSleep:
    """The `time` module as aliyun.log.logclient sees it, minus sleeping. Patching the
    module attribute there (not time.sleep itself) keeps other code's sleeps real."""

    def __init__(self, sleep: NoSleep) -> None:
        self.sleep = sleep

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@pytest.fixture
def emulated_cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatedCloud]:
    cloud = EmulatedCloud(sleep=NoSleep())
    sdk_sleeps = NoSleep()
    cloud.sdk_sleeps = sdk_sleeps  # type: ignore[attr-defined]
    monkeypatch.setattr(logclient, "time", _TimeWithoutSleep(sdk_sleeps))
    with cloud:
        yield cloud
