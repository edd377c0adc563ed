"""The fault matrix of `cis216 setup --apply`: every API it calls x every fault kind of the emulator,
persistent (every call) and transient (the first call only). Whatever happens, setup ends with
exit 0 and a store that matches the plan, or exit 3 and one line saying which call failed; never a
traceback, never exit 0 with the store incomplete."""

from __future__ import annotations

from typing import Any

import pytest

from cis216.deploy.policy import SETUP_API_ACTIONS
from cis216.emulator.faults import KINDS, shape_applies
from cis216.store.dashboard import DASHBOARD_NAME, dashboard_body
from cis216.store.index import findings_index
from tests.functional.store.support import LOGSTORE, PROJECT, Setup

# Kinds a retry is meant to get past (as tests/functional/faults/matrix.py counts them).
RETRYABLE = frozenset(
    {"throttle", "error500", "error503", "timeout", "connect_timeout", "html502", "latency"}
)
CASES = [
    (api, kind, persistence)
    for api in sorted(SETUP_API_ACTIONS)
    for kind in KINDS
    for persistence in ("persistent", "transient")
    if shape_applies(kind, api)
]
EXTRA = {
    "error": {"code": "InvalidOperation.Unexpected", "status": 400},
    "json_body": {"body": {"unexpected": True}},
}


@pytest.mark.parametrize(("api", "kind", "persistence"), CASES, ids=["-".join(case) for case in CASES])
def test_setup_under_a_fault(
    capsys: pytest.CaptureFixture[str], api: str, kind: str, persistence: str
) -> None:
    setup = Setup(capsys)
    if api == "UpdateIndex":  # only called on an index that needs our keys
        setup.cloud.create_logstore(
            "1234567890123456", "cn-hangzhou", PROJECT, LOGSTORE, index={"line": {"token": [" "]}}
        )
    calls = [1] if persistence == "transient" else None
    extra: dict[str, Any] = EXTRA.get(kind, {})
    setup.cloud.faults.add(kind, api=api, calls=calls, **extra)
    result = setup("--apply")
    assert result.code in (0, 3), result
    assert "Traceback" not in result.err
    if result.code == 3:
        (line,) = [line for line in result.err.splitlines() if line.startswith("cis216: setup failed:")]
        assert any(name in line for name in SETUP_API_ACTIONS) or "differs" in line, line
        assert not (persistence == "transient" and kind in RETRYABLE), result.err
        return
    store = setup.logstore()
    assert set(findings_index()["keys"]) <= set(store.index["keys"])
    assert setup.dashboards()[DASHBOARD_NAME] == dashboard_body(PROJECT, LOGSTORE)
    assert "verified: the store matches the plan" in result.out


def test_the_matrix_covers_every_setup_api_and_kind() -> None:
    assert {api for api, _, _ in CASES} == set(SETUP_API_ACTIONS)
    # Every kind; the shape_* kinds that bend listings only have nothing to bend here but GetIndex.
    assert {kind for _, kind, _ in CASES} == {
        k for k in KINDS if k not in ("shape_renamed", "shape_no_total")
    }
