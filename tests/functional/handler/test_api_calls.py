"""A real scan calls exactly the APIs deploy/policy.py declares (and so the RAM policy grants)."""

from __future__ import annotations

import pytest

from cis216.deploy.policy import API_ACTIONS, ORGANIZATION_APIS
from tests.functional.handler.support import fc_context, timer_event


@pytest.mark.parametrize("profile", ["strict", "powerpipe"])
def test_every_api_a_scan_calls_is_declared(cloud, handler_module, profile):
    handler_module.handler(timer_event({"profile": profile}), fc_context(account_id=None))
    called = {call.api for call in cloud.calls}
    assert called <= set(API_ACTIONS), (
        f"called but not in deploy.policy.API_ACTIONS: {sorted(called - set(API_ACTIONS))}"
    )


def test_every_declared_api_is_called_by_some_scan(cloud, handler_module):
    # A strict scan of every region, without the account in the context, exercises every call but
    # the organisation scan's (tests/functional/faults/org_scenario.py makes those).
    handler_module.handler(timer_event({"profile": "strict"}), fc_context(account_id=None))
    assert {call.api for call in cloud.calls} == set(API_ACTIONS) - ORGANIZATION_APIS
