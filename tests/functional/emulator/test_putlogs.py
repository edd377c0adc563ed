"""PutLogs round trip through the real SDK, and the service's limits."""

from __future__ import annotations

import pytest
from aliyun.log import LogException, LogItem, PutLogsRequest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cis216.emulator import EmulatedCloud, PutLogsLimits, StoredLog
from tests.functional.emulator.clients import ACCOUNT, sls

REGION, PROJECT, STORE = "cn-hangzhou", "cis216-findings", "findings"


@pytest.fixture
def findings(emulated_cloud: EmulatedCloud) -> EmulatedCloud:
    emulated_cloud.create_logstore(ACCOUNT, REGION, PROJECT, STORE)
    return emulated_cloud


def items() -> list:
    return [
        LogItem(
            timestamp=1764381600,
            contents=[("resource", "acs:actiontrail::1:trail/main"), ("status", "alarm")],
        ),
        LogItem(
            timestamp=1764381601,
            contents=[("reason", "无告警 – no alert"), ("evidence", '{"a": [1, 2]}'), ("empty", "")],
        ),
    ]


@pytest.mark.parametrize("compress", [None, True, False])
def test_round_trip_exactly(findings: EmulatedCloud, compress: object) -> None:
    request = PutLogsRequest(
        PROJECT,
        STORE,
        topic="cis216",
        source="fc-scan",
        logitems=items(),
        logtags=[("__tag__:run", "r1"), ("profile", "strict")],
        compress=compress,
    )
    sls().put_logs(request)
    logs = findings.sls_logs(ACCOUNT, REGION, PROJECT, STORE)
    assert [(log.time, log.contents) for log in logs] == [
        (1764381600, {"resource": "acs:actiontrail::1:trail/main", "status": "alarm"}),
        (1764381601, {"reason": "无告警 – no alert", "evidence": '{"a": [1, 2]}', "empty": ""}),
    ]
    assert all(log.topic == "cis216" and log.source == "fc-scan" for log in logs)
    assert logs[0].tags == {"__tag__:run": "r1", "profile": "strict"}
    assert isinstance(logs[0], StoredLog)
    call = findings.calls[-1]
    assert (call.api, call.project, call.region, call.status) == ("PutLogs", PROJECT, REGION, 200)


def test_compression_header_is_what_the_sdk_sent(findings: EmulatedCloud) -> None:
    # lz4 by default; the emulator decodes from the header, so both land identically.
    sls().put_logs(PutLogsRequest(PROJECT, STORE, "t", "s", items()))
    sls().put_logs(PutLogsRequest(PROJECT, STORE, "t", "s", items(), compress=False))
    logs = findings.sls_logs(ACCOUNT, REGION, PROJECT, STORE)
    assert [log.contents for log in logs[:2]] == [log.contents for log in logs[2:]]


def test_hash_key_route(findings: EmulatedCloud) -> None:
    sls().put_logs(
        PutLogsRequest(PROJECT, STORE, "t", "s", items(), hashKey="00000000000000000000000000000000")
    )
    assert len(findings.sls_logs(ACCOUNT, REGION, PROJECT, STORE)) == 2


def test_logstore_must_exist(findings: EmulatedCloud) -> None:
    with pytest.raises(LogException) as caught:
        sls().put_logs(PutLogsRequest(PROJECT, "nope", "t", "s", items()))
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("LogStoreNotExist", 404)


def test_too_many_lines(findings: EmulatedCloud) -> None:
    many = [LogItem(timestamp=1, contents=[("i", str(i))]) for i in range(4097)]
    with pytest.raises(LogException) as caught:
        sls().put_logs(PutLogsRequest(PROJECT, STORE, "t", "s", many))
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("InvalidLogSize", 400)
    assert "4096" in caught.value.get_error_message()
    assert findings.sls_logs(ACCOUNT, REGION, PROJECT, STORE) == []
    sls().put_logs(PutLogsRequest(PROJECT, STORE, "t", "s", many[:4096]))
    assert len(findings.sls_logs(ACCOUNT, REGION, PROJECT, STORE)) == 4096


def test_body_too_large(findings: EmulatedCloud) -> None:
    findings.putlogs_limits = PutLogsLimits(max_raw_bytes=1000)
    big = [LogItem(timestamp=1, contents=[("blob", "x" * 2000)])]
    with pytest.raises(LogException) as caught:
        sls().put_logs(PutLogsRequest(PROJECT, STORE, "t", "s", big, compress=False))
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("PostBodyTooLarge", 400)
    findings.putlogs_limits = PutLogsLimits(max_body_bytes=100)
    with pytest.raises(LogException) as caught:
        sls().put_logs(PutLogsRequest(PROJECT, STORE, "t", "s", big, compress=False))
    assert caught.value.get_error_code() == "PostBodyTooLarge"


def test_undecodable_body(findings: EmulatedCloud) -> None:
    garbage = b"\xff\xfe garbage"
    headers = {"x-log-bodyrawsize": str(len(garbage)), "Content-Type": "application/x-protobuf"}
    with pytest.raises(LogException) as caught:
        sls()._send("POST", PROJECT, garbage, f"/logstores/{STORE}/shards/lb", {}, headers)
    assert caught.value.get_error_code() == "PostBodyInvalid"
    headers = {
        "x-log-bodyrawsize": "50",
        "x-log-compresstype": "lz4",
        "Content-Type": "application/x-protobuf",
    }
    with pytest.raises(LogException) as caught:
        sls()._send("POST", PROJECT, b"\x00\x01\x02", f"/logstores/{STORE}/shards/lb", {}, headers)
    assert caught.value.get_error_code() == "PostBodyInvalid"


def test_sls_logs_of_unknown_logstore(findings: EmulatedCloud) -> None:
    with pytest.raises(KeyError):
        findings.sls_logs(ACCOUNT, REGION, PROJECT, "nope")


TEXT = st.text(max_size=40)
KEY = st.text(min_size=1, max_size=20)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    logs=st.lists(st.dictionaries(KEY, TEXT, max_size=5), min_size=1, max_size=5),
    topic=TEXT,
    source=TEXT.filter(bool),
    tags=st.dictionaries(KEY, TEXT, max_size=3),
    compress=st.booleans(),
)
def test_round_trip_property(
    findings: EmulatedCloud, logs: list, topic: str, source: str, tags: dict, compress: bool
) -> None:
    before = len(findings.sls_logs(ACCOUNT, REGION, PROJECT, STORE))
    request = PutLogsRequest(
        PROJECT,
        STORE,
        topic=topic,
        source=source,
        logitems=[LogItem(timestamp=1700000000 + i, contents=list(c.items())) for i, c in enumerate(logs)],
        logtags=list(tags.items()),
        compress=compress,
    )
    sls().put_logs(request)
    stored = findings.sls_logs(ACCOUNT, REGION, PROJECT, STORE)[before:]
    assert [log.contents for log in stored] == logs
    assert {(log.topic, log.source) for log in stored} == {(topic, source)}
    assert all(log.tags == tags for log in stored)


@pytest.mark.parametrize("raw_size", ["-1", "-100"])
def test_negative_raw_size_is_the_services_error(findings: EmulatedCloud, raw_size: str) -> None:
    headers = {
        "x-log-bodyrawsize": raw_size,
        "x-log-compresstype": "lz4",
        "Content-Type": "application/x-protobuf",
    }
    with pytest.raises(LogException) as caught:
        sls()._send("POST", PROJECT, b"\x00\x01\x02", f"/logstores/{STORE}/shards/lb", {}, headers)
    assert (caught.value.get_error_code(), caught.value.resp_status) == ("ParameterInvalid", 400)
    assert caught.value.get_request_id()
