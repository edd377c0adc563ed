"""GetLogs over the logs PutLogs stored, through the real SDK (`LogClient.get_log`, classic API)."""

from __future__ import annotations

import pytest
from aliyun.log import LogException, LogItem, PutLogsRequest

from cis216.emulator import EmulatedCloud
from cis216.emulator.errors import ServiceError
from cis216.emulator.sls import getlogs
from tests.functional.emulator.clients import ACCOUNT, sls

REGION, PROJECT, STORE = "cn-hangzhou", "cis216-findings", "findings"
T0 = 1_764_381_600


@pytest.fixture
def stored(emulated_cloud: EmulatedCloud) -> EmulatedCloud:
    emulated_cloud.create_logstore(ACCOUNT, REGION, PROJECT, STORE)
    items = [
        LogItem(
            timestamp=T0 + n, contents=[("resource", f"trail/{n}"), ("status", "alarm" if n % 2 else "ok")]
        )
        for n in range(5)
    ]
    client = sls()
    client.put_logs(PutLogsRequest(PROJECT, STORE, "cis_v200_2_16", "src", items))
    other = [LogItem(timestamp=T0 + 1, contents=[("resource", "other"), ("status", "alarm")])]
    client.put_logs(PutLogsRequest(PROJECT, STORE, "another-topic", "src", other))
    return emulated_cloud


def get(**kwargs):
    client = sls()
    client._get_logs_v2_enabled = False  # the classic GET /logstores/<ls>?type=log
    asked = {"from_time": T0, "to_time": T0 + 100, **kwargs}
    return client.get_log(PROJECT, STORE, **asked)


def resources(response) -> list[str]:
    return [log.get_contents()["resource"] for log in response.get_logs()]


def test_every_log_in_the_range_oldest_first(stored: EmulatedCloud) -> None:
    response = get(topic="cis_v200_2_16")
    assert resources(response) == [f"trail/{n}" for n in range(5)]
    assert response.is_completed() and response.get_count() == 5
    first = response.get_logs()[0]
    assert (first.get_time(), first.get_source()) == (T0, "src")
    assert first.get_contents()["__topic__"] == "cis_v200_2_16"
    call = stored.calls[-1]
    assert (call.api, call.project, call.status) == ("GetLogs", PROJECT, 200)


def test_from_is_inclusive_and_to_exclusive(stored: EmulatedCloud) -> None:
    assert resources(get(from_time=T0 + 1, to_time=T0 + 3, topic="cis_v200_2_16")) == ["trail/1", "trail/2"]


def test_the_search_part_goes_through_the_query_matcher(stored: EmulatedCloud) -> None:
    assert resources(get(query="status: alarm")) == ["trail/1", "other", "trail/3"]
    assert resources(get(query="status: alarm and not resource: other")) == ["trail/1", "trail/3"]
    assert resources(get(query="trail*", topic="cis_v200_2_16", reverse=True)) == [
        f"trail/{n}" for n in (4, 3, 2, 1, 0)
    ]


def test_paging_with_line_and_offset(stored: EmulatedCloud) -> None:
    pages = [resources(get(topic="cis_v200_2_16", offset=offset, size=2)) for offset in (0, 2, 4, 6)]
    assert pages == [["trail/0", "trail/1"], ["trail/2", "trail/3"], ["trail/4"], []]


def test_an_index_that_does_not_index_a_field_does_not_find_by_it(stored: EmulatedCloud) -> None:
    index = {"line": {"token": [",", " "], "caseSensitive": False}, "keys": {"resource": {"type": "text"}}}
    stored.create_logstore(ACCOUNT, REGION, PROJECT, STORE, index=index)
    assert resources(get(query="status: alarm")) == []
    assert resources(get(query="resource: other")) == ["other"]


def test_the_sql_part_runs_over_the_matched_logs(
    stored: EmulatedCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []

    def analytics(sql: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
        seen.append((sql, [row["resource"] for row in rows]))
        return [{"n": str(len(rows))}]

    monkeypatch.setattr(getlogs, "run_analytics", analytics)
    response = get(query="status: alarm | select count(1) as n", topic="cis_v200_2_16")
    assert seen == [("select count(1) as n", ["trail/1", "trail/3"])]
    assert [log.get_contents() for log in response.get_logs()] == [{"n": "2"}]


def test_a_bad_query_is_refused_as_sls_refuses_it(stored: EmulatedCloud) -> None:
    with pytest.raises(LogException) as raised:
        get(query="status: (alarm")
    assert raised.value.get_error_code() == "ParameterInvalid"
    assert "query syntax error" in raised.value.get_error_message()


def test_more_than_a_page_is_asked_for_page_by_page(stored: EmulatedCloud) -> None:
    # The SDK splits a search asking for more than 100 lines into pages of 100 itself.
    assert len(resources(get(size=150))) == 6


@pytest.mark.parametrize(
    "query",
    [
        {"from": "1"},
        {"from": "x", "to": "2"},
        {"from": "1", "to": "2", "line": "101"},
        {"from": "1", "to": "2", "offset": "-1"},
    ],
)
def test_paging_parameters_are_checked(query: dict[str, str]) -> None:
    with pytest.raises(ServiceError) as raised:
        getlogs.get_logs([], None, query)
    assert (raised.value.status, raised.value.code) == (400, "ParameterInvalid")


def test_faults_apply_to_getlogs(stored: EmulatedCloud) -> None:
    stored.faults.add("throttle", api="GetLogs", calls=[1])
    with pytest.raises(LogException) as raised:
        get()
    assert raised.value.get_error_code() == "ReadQuotaExceed"
    assert resources(get(topic="cis_v200_2_16"))[:1] == ["trail/0"]


def test_a_missing_logstore(stored: EmulatedCloud) -> None:
    client = sls()
    client._get_logs_v2_enabled = False
    with pytest.raises(LogException) as raised:
        client.get_log(PROJECT, "nope", T0, T0 + 1)
    assert raised.value.get_error_code() == "LogStoreNotExist"


def test_getlogstore_is_still_getlogstore(stored: EmulatedCloud) -> None:
    assert sls().get_logstore(PROJECT, STORE).get_ttl() == 180
    assert stored.calls[-1].api == "GetLogStore"


def test_getlogs_v2_as_the_sdk_sends_it_by_default(stored: EmulatedCloud) -> None:
    response = sls().get_log(PROJECT, STORE, T0, T0 + 100, topic="cis_v200_2_16", query="status: alarm")
    assert resources(response) == ["trail/1", "trail/3"]
    assert response.is_completed() and response.get_count() == 2
    assert int(response.get_logs()[0].get_time()) == T0 + 1
    assert stored.calls[-1].api == "GetLogsV2"
    paged = sls().get_log(PROJECT, STORE, T0, T0 + 100, topic="cis_v200_2_16", offset=3, size=5, reverse=True)
    assert resources(paged) == ["trail/1", "trail/0"]
