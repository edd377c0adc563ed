"""The plan: what setup would change, given the store as it is (pure)."""

from __future__ import annotations

from cis216.store.dashboard import dashboard_body
from cis216.store.index import findings_index
from cis216.store.plan import Current, LogstoreState, StoreSpec, plan

SPEC = StoreSpec("cn-hangzhou", "cis216-findings-1", "cis216_findings", retention_days=365, shards=1)
EVERYTHING = Current(
    True, LogstoreState(365, 1), findings_index(), dashboard_body(SPEC.project, SPEC.logstore)
)


def test_nothing_there_creates_everything_in_order() -> None:
    changes = plan(SPEC, Current(project=False)).changes
    assert [c.api for c in changes] == ["CreateProject", "CreateLogStore", "CreateIndex", "CreateDashboard"]
    assert changes[2].body == findings_index()


def test_everything_there_is_no_change() -> None:
    result = plan(SPEC, EVERYTHING)
    assert result.no_change and result.notes == ()
    assert result.to_json()["changes"] == []


def test_a_project_without_the_logstore() -> None:
    assert [c.api for c in plan(SPEC, Current(project=True)).changes] == [
        "CreateLogStore",
        "CreateIndex",
        "CreateDashboard",
    ]


def test_another_retention_is_a_note_not_a_change() -> None:
    current = Current(True, LogstoreState(30, 2), findings_index(), EVERYTHING.dashboard)
    result = plan(SPEC, current)
    assert result.no_change
    assert result.notes and "30 days, not 365" in result.notes[0]


def test_an_index_missing_keys_is_updated_with_them() -> None:
    current = Current(True, LogstoreState(365, 1), {"keys": {"team": {"type": "text"}}}, EVERYTHING.dashboard)
    (change,) = plan(SPEC, current).changes
    assert change.api == "UpdateIndex"
    assert change.body is not None and change.body["keys"]["team"] == {"type": "text"}
    assert "turn the full-text index on" in change.detail and "your keys are kept" in change.detail


def test_a_changed_dashboard_is_updated() -> None:
    current = Current(True, LogstoreState(365, 1), findings_index(), {"dashboardName": "x", "charts": []})
    assert [c.api for c in plan(SPEC, current).changes] == ["UpdateDashboard"]


def test_a_dashboard_sls_filled_in_is_not_rewritten() -> None:
    normalised = dashboard_body(SPEC.project, SPEC.logstore)
    normalised["createTime"] = "1700000000"
    for chart in normalised["charts"]:
        chart["display"]["fontSize"] = 12  # what the console adds on its own
    current = Current(True, LogstoreState(365, 1), findings_index(), normalised)
    assert plan(SPEC, current).no_change


def test_an_index_made_after_logs_says_they_stay_unsearchable() -> None:
    result = plan(SPEC, Current(True, LogstoreState(365, 1), None, EVERYTHING.dashboard))
    assert [c.api for c in result.changes] == ["CreateIndex"]
    assert "logs written before it is created stay unsearchable" in result.notes[0]
