"""The reason-code vocabulary: complete, partitioned, documented."""

from __future__ import annotations

from cis216.profiles.strict import codes
from tests.paths import README

DOCS = README
ISSUE_VOCABULARY = {
    "NO_TRAIL", "TRAIL_NOT_ENABLED", "TRAIL_NOT_DELIVERING_TO_SLS", "TRAIL_NOT_ALL_REGIONS",
    "TRAIL_NOT_ALL_EVENTS", "ALERT_MISSING", "ALERT_DISABLED", "ALERT_MUTED", "ALERT_WRONG_LOGSTORE",
    "ALERT_QUERY_INCOMPLETE", "ALERT_QUERY_UNVERIFIABLE", "ALERT_NO_NOTIFICATION", "ALERT_WINDOW_GAP",
    "ALERT_THRESHOLD_HIGH", "SCAN_ERROR",
}  # fmt: skip


def test_every_code_has_one_kind_and_a_meaning():
    kinds = [codes.FAILING, codes.UNVERIFIABLE, codes.ADVISORY, codes.ERROR]
    assert codes.SCAN_ERROR in codes.ERROR
    for code in codes.MEANINGS:
        assert sum(code in kind for kind in kinds) == 1, code
    assert set().union(*kinds) == set(codes.MEANINGS)
    assert set(codes.MEANINGS) >= ISSUE_VOCABULARY


def test_every_code_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    for code in codes.MEANINGS:
        assert f"| `{code}` |" in text, code


def test_status_precedence():
    assert codes.status_for([]) == "ok"
    assert codes.status_for([codes.ALERT_QUERY_UNVERIFIABLE]) == "info"
    assert codes.status_for([codes.ALERT_QUERY_UNVERIFIABLE, codes.ALERT_MUTED]) == "alarm"
    assert codes.status_for([codes.SCAN_ERROR, codes.ALERT_MUTED]) == "error"
    assert codes.ordered([codes.ALERT_MUTED, codes.SCAN_ERROR, codes.ALERT_MUTED]) == [
        codes.SCAN_ERROR,
        codes.ALERT_MUTED,
    ]
