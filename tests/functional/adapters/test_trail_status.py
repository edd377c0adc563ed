"""ActionTrailAdapter.get_trail_status through the real SDK and the emulated cloud: the answer as
given (checked at the boundary), a wrong shape a MalformedResponse naming the JSON path."""

from __future__ import annotations

import pytest

from cis216.adapters.actiontrail import ActionTrailAdapter
from cis216.adapters.calls import CallError
from tests.functional.adapters.support import ACCOUNT

REGION = "cn-hangzhou"
ARN = f"acs:log:{REGION}:{ACCOUNT}:project/audit-hz"


@pytest.fixture
def cloud(emulated_cloud):
    emulated_cloud.actiontrail.add_trail(
        ACCOUNT, {"Name": "main", "Status": "Enable", "HomeRegion": REGION, "SlsProjectArn": ARN}
    )
    return emulated_cloud


def test_the_answer_comes_back_verbatim_without_its_request_id(cloud, creds):
    cloud.actiontrail.status_overrides[(ACCOUNT, "main")] = {"LatestDeliveryLogServiceError": "denied"}
    answer = ActionTrailAdapter(creds).get_trail_status(REGION, "main", 5)
    assert answer["IsLogging"] is True and answer["LatestDeliveryLogServiceError"] == "denied"
    assert "RequestId" not in answer
    assert cloud.count(api="GetTrailStatus") == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"LatestDeliveryError": ""}, "answer: IsLogging: Field required"),
        ({"IsLogging": "yes"}, "answer: IsLogging: Input should be a valid boolean"),
        (
            {"IsLogging": True, "LatestDeliveryLogServiceError": ["x"]},
            "answer: LatestDeliveryLogServiceError:",
        ),
        ({"IsLogging": True, "SlsLogStoreStatus": "enable"}, "answer: SlsLogStoreStatus:"),
    ],
)
def test_a_wrong_shape_is_malformed_naming_the_path(cloud, creds, body, message):
    cloud.faults.add("json_body", api="GetTrailStatus", body=body)
    with pytest.raises(CallError) as caught:
        ActionTrailAdapter(creds).get_trail_status(REGION, "main", 5)
    assert (caught.value.api, caught.value.code) == ("GetTrailStatus", "MalformedResponse")
    assert caught.value.message.startswith(message)


def test_an_error_the_service_answers_is_its_call_error(cloud, creds):
    with pytest.raises(CallError) as caught:
        ActionTrailAdapter(creds).get_trail_status(REGION, "nope", 5)
    assert (caught.value.api, caught.value.code) == ("GetTrailStatus", "TrailNotFoundException")
