"""PutLogs limits set lower than the documented ones: refused whole, worded as SLS states a limit."""

from __future__ import annotations

import pytest
from aliyun.log import LogException, LogItem, PutLogsRequest

from cis216.emulator import EmulatedCloud, PutLogsLimits
from tests.functional.emulator.clients import ACCOUNT, sls

REGION, PROJECT, STORE = "cn-hangzhou", "cis216-findings", "findings"


@pytest.fixture
def findings(emulated_cloud: EmulatedCloud) -> EmulatedCloud:
    emulated_cloud.create_logstore(ACCOUNT, REGION, PROJECT, STORE)
    return emulated_cloud


def items(count: int, value: str = "v") -> list[LogItem]:
    return [LogItem(timestamp=1, contents=[("i", str(i)), ("v", value)]) for i in range(count)]


def refusal(request: PutLogsRequest) -> tuple[str, int, str]:
    with pytest.raises(LogException) as caught:
        sls().put_logs(request)
    return caught.value.get_error_code(), caught.value.resp_status, caught.value.get_error_message()


def test_a_lower_line_limit_states_itself(findings: EmulatedCloud) -> None:
    findings.putlogs_limits = PutLogsLimits(max_lines=100)
    assert refusal(PutLogsRequest(PROJECT, STORE, "t", "s", items(101))) == (
        "InvalidLogSize",
        400,
        "logItems' length exceeds maximum limitation: 100 lines. now: 101",
    )
    assert findings.sls_logs(ACCOUNT, REGION, PROJECT, STORE) == []  # refused whole
    sls().put_logs(PutLogsRequest(PROJECT, STORE, "t", "s", items(100)))
    assert len(findings.sls_logs(ACCOUNT, REGION, PROJECT, STORE)) == 100


def test_a_lower_raw_byte_limit_states_itself(findings: EmulatedCloud) -> None:
    findings.putlogs_limits = PutLogsLimits(max_raw_bytes=1000)
    code, status, message = refusal(PutLogsRequest(PROJECT, STORE, "t", "s", items(1, "x" * 2000)))
    assert (code, status) == ("PostBodyTooLarge", 400)
    assert message.startswith("raw body size exceeds maximum limitation: 1000 bytes. now: ")
    assert findings.sls_logs(ACCOUNT, REGION, PROJECT, STORE) == []


def test_a_lower_body_byte_limit_states_itself(findings: EmulatedCloud) -> None:
    findings.putlogs_limits = PutLogsLimits(max_body_bytes=100)
    request = PutLogsRequest(PROJECT, STORE, "t", "s", items(1, "x" * 2000), compress=False)
    code, status, message = refusal(request)
    assert (code, status) == ("PostBodyTooLarge", 400)
    assert message.startswith("body size exceeds maximum limitation: 100 bytes. now: ")
