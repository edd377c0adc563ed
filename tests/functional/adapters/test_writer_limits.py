"""The writer against a service that states a lower PutLogs limit than the documented one: the batch
is cut to the stated limit and the write goes on; nothing lost, nothing written twice."""

from __future__ import annotations

import hashlib

import pytest

from cis216.adapters.calls import Caller, CallError, RetryPolicy
from cis216.adapters.sls import SlsAdapter
from cis216.adapters.writer import FindingsWriter, StatedLimit, WriteError, stated_limit
from cis216.emulator import PutLogsLimits
from tests.functional.adapters.support import ACCOUNT

REGION, PROJECT, LOGSTORE = "cn-hangzhou", "cis216-findings", "findings"


def logs(count: int, value_bytes: int = 10) -> list[list[tuple[str, str]]]:
    # Hex digests: text LZ4 cannot shrink much, so a compressed body is near its raw size.
    def value(n: int) -> str:
        text = "".join(hashlib.sha256(f"{n}-{i}".encode()).hexdigest() for i in range(value_bytes // 64 + 1))
        return text[:value_bytes]

    return [[("finding_id", f"id{n}"), ("evidence", value(n))] for n in range(count)]


@pytest.fixture
def cloud(emulated_cloud):
    emulated_cloud.create_logstore(ACCOUNT, REGION, PROJECT, LOGSTORE)
    return emulated_cloud


def writer(creds, max_lines: int = 10) -> FindingsWriter:
    caller = Caller(RetryPolicy(max_attempts=3, sleep=lambda s: None), call_timeout=5)
    return FindingsWriter(
        SlsAdapter(creds, "fn/acct"), caller, REGION, PROJECT, LOGSTORE, "fn/acct", max_lines
    )


def stored_ids(cloud) -> list[str]:
    return [log.contents["finding_id"] for log in cloud.sls_logs(ACCOUNT, REGION, PROJECT, LOGSTORE)]


def test_a_stated_line_limit_cuts_every_batch_to_it(cloud, creds):
    cloud.putlogs_limits = PutLogsLimits(max_lines=7)
    sink = writer(creds)
    result = sink.write(logs(25))
    assert stored_ids(cloud) == [f"id{n}" for n in range(25)]  # each once, in order
    assert (result.count, result.batches) == (25, 4)  # 7 + 7 + 7 + 4
    assert cloud.count(api="PutLogs", status=400) == 1  # refused once, then within the limit
    assert cloud.count(api="PutLogs", status=200) == 4
    assert sink.max_lines == 7  # kept for the next write
    assert sink.write(logs(8)).batches == 2 and cloud.count(api="PutLogs", status=400) == 1


def test_the_documented_default_against_a_lower_service_limit(cloud, creds):
    cloud.putlogs_limits = PutLogsLimits(max_lines=1000)
    caller = Caller(RetryPolicy(max_attempts=1), call_timeout=5)
    sink = FindingsWriter(SlsAdapter(creds, "s"), caller, REGION, PROJECT, LOGSTORE, "s")
    result = sink.write(logs(2500))
    assert (result.count, result.batches) == (2500, 3)
    assert stored_ids(cloud) == [f"id{n}" for n in range(2500)]


def test_a_limit_stated_midway_keeps_what_went_in(cloud, creds):
    message = "logItems' length exceeds maximum limitation: 4 lines. now: 10"
    cloud.faults.add("error", api="PutLogs", calls=[2], code="InvalidLogSize", message=message, status=400)
    result = writer(creds).write(logs(25))
    assert stored_ids(cloud) == [f"id{n}" for n in range(25)]  # batch 1 (10) once, the rest in 4s
    assert (result.count, result.batches) == (25, 5)  # 10 + 4 + 4 + 4 + 3


def test_a_stated_raw_byte_limit_cuts_batches_by_size(cloud, creds):
    cloud.putlogs_limits = PutLogsLimits(max_raw_bytes=4000)
    result = writer(creds).write(logs(20, value_bytes=900))
    assert stored_ids(cloud) == [f"id{n}" for n in range(20)]
    assert result.count == 20 and result.batches >= 5
    assert cloud.count(api="PutLogs", status=400) == 1


def test_a_stated_body_byte_limit_cuts_batches_by_size(cloud, creds):
    cloud.putlogs_limits = PutLogsLimits(max_body_bytes=6000)
    result = writer(creds).write(logs(20, value_bytes=1500))
    assert stored_ids(cloud) == [f"id{n}" for n in range(20)]
    assert result.count == 20 and cloud.count(api="PutLogs", status=400) == 1


def test_one_log_larger_than_the_stated_limit_fails_and_says_so(cloud, creds):
    cloud.putlogs_limits = PutLogsLimits(max_raw_bytes=4000)
    small = logs(5)
    batch = [*small[:3], [("finding_id", "huge"), ("evidence", "x" * 5000)], *small[3:]]
    with pytest.raises(WriteError) as caught:
        writer(creds).write(batch)
    assert caught.value.written == 3 and caught.value.total == 6
    assert str(caught.value) == (
        f"writing findings to {PROJECT}/{LOGSTORE} failed at batch 2 of 3 after 1 attempt(s): PutLogs: "
        "PostBodyTooLarge (HTTP 400): raw body size exceeds maximum limitation: 4000 bytes. now: 5074 "
        "(the service allows 4000 bytes per call, and the batch cannot be cut to fit); "
        "3 of 6 logs were written before the failure"
    )
    assert stored_ids(cloud) == ["id0", "id1", "id2"]


def test_a_refusal_stating_no_lower_limit_still_fails(cloud, creds):
    message = "logItems' length exceeds maximum limitation: 4096 lines. now: 10"
    cloud.faults.add("error", api="PutLogs", code="InvalidLogSize", message=message, status=400)
    with pytest.raises(WriteError) as caught:
        writer(creds).write(logs(10))
    assert "(the service allows 4096 lines per call, and the batch cannot be cut to fit)" in str(caught.value)
    assert caught.value.written == 0 and cloud.count(api="PutLogs") == 1


@pytest.mark.parametrize(
    ("code", "message", "limit"),
    [
        (
            "InvalidLogSize",
            "logItems' length exceeds maximum limitation: 4096 lines. now: 5000",
            StatedLimit(lines=4096),
        ),
        ("InvalidLogSize", "logItems' length exceeds maximum limitation : 1 line", StatedLimit(lines=1)),
        (
            "InvalidLogSize",
            "logItems' size exceeds maximum limitation: 30 MB. now: 31.5 MB.",
            StatedLimit(bytes=30 << 20),
        ),
        ("InvalidLogSize", "size exceeds maximum limitation: 512 KB", StatedLimit(bytes=512 << 10)),
        (
            "PostBodyTooLarge",
            "raw body size exceeds maximum limitation: 4000 bytes. now: 5071",
            StatedLimit(bytes=4000),
        ),
        ("PostBodyTooLarge", "body size 12000000 must little than 10485760", StatedLimit(bytes=10485760)),
        ("PostBodyTooLarge", "raw body size 9000 is larger than 5000 bytes", StatedLimit(bytes=5000)),
        ("PostBodyTooLarge", "too large", None),
        ("InvalidLogSize", "exceeds maximum limitation: 0 lines", None),
        ("ParameterInvalid", "logItems' length exceeds maximum limitation: 10 lines", None),
        ("Throttling", "exceeds maximum limitation: 10 lines", None),
    ],
)
def test_stated_limit_reads_the_refusal(code, message, limit):
    assert stated_limit(CallError("PutLogs", code, message, 400)) == limit
