"""Running `cis216 setup` against an emulated cloud that keeps its state between runs, with a clock
that never waits."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pytest

from cis216.adapters.calls import RetryPolicy
from cis216.cli import build_parser
from cis216.cli import setup as setup_command
from cis216.emulator import EmulatedCloud
from cis216.emulator.pytest_plugin import NoSleep
from cis216.store.apply import Patience

ACCOUNT = "1234567890123456"
REGION = "cn-hangzhou"
PROJECT = f"cis216-findings-{ACCOUNT}"
LOGSTORE = "cis216_findings"


@dataclass
class FakeTime:
    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@dataclass
class Result:
    code: int
    out: str
    err: str


class Setup:
    """`cis216 setup ARGS` against one emulated cloud, run after run."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.cloud = EmulatedCloud(sleep=NoSleep())
        self.time = FakeTime()
        self.capsys = capsys

    def __call__(self, *argv: str) -> Result:
        args = build_parser().parse_args(["setup", "--region", REGION, *argv])
        out = io.StringIO()
        patience = Patience(seconds=60, step=2, clock=self.time.clock, sleep=self.time.sleep)
        retry = RetryPolicy(max_attempts=4, sleep=self.time.sleep, rand=lambda: 0.5)
        self.capsys.readouterr()
        code = setup_command.setup(args, out, self.cloud, patience, retry)
        return Result(code, out.getvalue(), self.capsys.readouterr().err)

    def logstore(self) -> Any:
        project = self.cloud.sls.project(ACCOUNT, REGION, PROJECT)
        assert project is not None
        return project.logstores[LOGSTORE]

    def dashboards(self) -> dict[str, Any]:
        project = self.cloud.sls.project(ACCOUNT, REGION, PROJECT)
        assert project is not None
        return project.dashboards

    def writes(self) -> list[str]:
        return [c.api for c in self.cloud.calls if c.api.startswith(("Create", "Update"))]
