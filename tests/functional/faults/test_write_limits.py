"""PutLogs when the service states a lower limit than the writer expects (issue 12): SLS answers
`InvalidLogSize` ("logItems' length exceeds maximum limitation: N lines"); the writer must split
the batch to the stated N and go on, every log written exactly once."""

from __future__ import annotations

import math

import pytest

from cis216.emulator import EmulatedCloud, PutLogsLimits
from tests.functional.faults import invariants
from tests.functional.faults.harness import run_scan
from tests.functional.faults.matrix import Case, accounts


@pytest.mark.parametrize("max_lines", [3, 1])
def test_a_stated_lower_line_limit_splits_the_batch(max_lines: int) -> None:
    def lower_limit(cloud: EmulatedCloud) -> None:
        cloud.putlogs_limits = PutLogsLimits(max_lines=max_lines)

    outcome = run_scan(accounts()["sample-account"], prepare=lower_limit)
    case = Case("sample-account", "-", f"limit of {max_lines} lines", "persistent", "every")
    assert invariants.no_crash(case, outcome) == []
    assert invariants.logs_exact(outcome) == []
    assert outcome.report is not None and outcome.report.summary.written is not None
    logs = outcome.report.summary.findings + 1
    assert outcome.report.summary.written.batches >= math.ceil(logs / max_lines)
