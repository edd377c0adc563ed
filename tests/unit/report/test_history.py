"""History over several scans: failing since, days in alarm, new / resolved / gone (pure)."""

from __future__ import annotations

import pytest

from cis216.report import Scan, history
from cis216.report.model import normalized

DAYS = ["2026-11-01T02:00:00Z", "2026-11-02T02:00:00Z", "2026-11-03T02:00:00Z", "2026-11-05T02:00:00Z"]


def scans(*rows: dict[str, str]) -> list[Scan]:
    """One scan per day of DAYS; rows map resource -> status ("" absent) per scan."""
    out = []
    for number, when in enumerate(DAYS[: len(rows)]):
        findings = tuple(
            normalized({"resource": resource, "status": status, "scope": "trail", "account_id": "1"})
            for resource, status in rows[number].items()
            if status
        )
        out.append(Scan(f"s{number}", when, 0, findings))
    return out


def one(result, resource: str):
    [item] = [i for i in result.resources if i.resource == resource]
    return item


def test_failing_since_the_start_of_the_current_streak() -> None:
    result = history(scans({"t": "alarm"}, {"t": "ok"}, {"t": "alarm"}, {"t": "alarm"}))
    item = one(result, "t")
    assert item.failing_since == DAYS[2]
    assert item.first_seen_failing == DAYS[0]
    assert item.days_in_alarm == 2
    assert item.scans_failing == 3
    assert item.change == ""


def test_new_resolved_and_gone_against_the_previous_scan() -> None:
    result = history(
        scans(
            {"new": "ok", "fixed": "alarm", "gone": "alarm", "still": "alarm"},
            {"new": "alarm", "fixed": "ok", "gone": "", "still": "alarm"},
        )
    )
    assert [i.resource for i in result.changed("new")] == ["new"]
    assert [i.resource for i in result.changed("resolved")] == ["fixed"]
    assert [i.resource for i in result.changed("gone")] == ["gone"]
    assert one(result, "still").change == "" and one(result, "still").days_in_alarm == 1
    assert one(result, "fixed").failing_since == "" and one(result, "fixed").first_seen_failing == DAYS[0]
    assert (result.previous_scan, result.latest_scan, result.scans) == (DAYS[0], DAYS[1], 2)


def test_a_scan_that_could_not_judge_neither_ends_nor_starts_a_streak() -> None:
    result = history(scans({"t": "alarm"}, {"t": "error"}, {"t": ""}, {"t": "alarm"}))
    assert one(result, "t").failing_since == DAYS[0]
    assert one(result, "t").days_in_alarm == 4
    first_seen_new = history(scans({"t": "error"}, {"t": "alarm"}))
    assert one(first_seen_new, "t").change == "new"


def test_a_single_scan_has_no_changes() -> None:
    result = history(scans({"t": "alarm", "u": "ok"}))
    assert [i.change for i in result.resources] == ["", ""]
    assert result.previous_scan == "" and one(result, "t").days_in_alarm == 0
    assert [i.resource for i in result.failing] == ["t"]


def test_scan_scope_findings_are_not_resources_with_a_history() -> None:
    scan = Scan("s", DAYS[0], 0, (normalized({"resource": "p", "status": "error", "scope": "scan"}),))
    assert history([scan]).resources == ()


def test_unparsable_times_fall_back_to_log_time() -> None:
    older = Scan(
        "a", "", 1_700_000_000, (normalized({"resource": "t", "status": "alarm", "scope": "trail"}),)
    )
    newer = Scan("b", "", 1_700_000_000 + 3 * 86400, older.findings)
    assert one(history([older, newer]), "t").days_in_alarm == 3


def test_history_needs_a_scan() -> None:
    with pytest.raises(ValueError):
        history([])


def test_accounts_scanned_separately_each_have_their_own_previous_scan() -> None:
    from cis216.report.history import history_per_account

    def scan(scan_id: str, when: str, account: str, status: str) -> Scan:
        finding = normalized({"resource": "trail", "status": status, "scope": "trail", "account_id": account})
        return Scan(scan_id, when, 0, (finding,))

    scans = [
        scan("a1", DAYS[0], "A", "alarm"),
        scan("b1", DAYS[1], "B", "ok"),
        scan("a2", DAYS[2], "A", "ok"),
        scan("b2", DAYS[3], "B", "alarm"),
    ]
    result = history_per_account(scans)
    by_account = {item.account_id: item for item in result.resources}
    assert by_account["A"].change == "resolved" and by_account["B"].change == "new"
    assert by_account["B"].failing_since == DAYS[3]
    assert result.previous_scan == f"{DAYS[0]}, {DAYS[1]}"
    assert (result.scans, result.first_scan, result.latest_scan) == (4, DAYS[0], DAYS[3])
