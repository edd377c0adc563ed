"""Windows, intervals and cron gaps (the arithmetic behind ALERT_WINDOW_GAP)."""

from __future__ import annotations

import pytest

from cis216.profiles.strict.schedule import cron_max_gap, interval_seconds, window_seconds


@pytest.mark.parametrize(
    ("expression", "gap"),
    [
        ("*/15 * * * *", 900),
        ("0 * * * *", 3600),
        ("5,35 * * * *", 1800),
        ("0 0 * * *", 86400),
        ("0 0 * * MON", 604800),
        ("*/5 9-17 * * 1-5", 227100),  # Friday 17:55 to Monday 09:00
        ("0 0 1 * *", 31 * 86400),
        ("0 0 30 2 *", 4 * 366 * 86400),  # never runs
        ("* * * * *", 60),
        ("0 0 * *", None),
        ("61 * * * *", None),
        ("a b c d e", None),
    ],
)
def test_cron_max_gap(expression, gap):
    assert cron_max_gap(expression) == gap


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        ("-15m", "now", 900),
        ("-900s", "now", 900),
        ("-1h@h", "now", 3600),
        ("-15m", None, 900),
        ("-30m", "-5m", 1500),
        ("-15m", "now@m", 840),
        ("1764370800", "1764371700", 0),
        ("today", "now", None),
        ("-15m", "tomorrow", None),
    ],
)
def test_window_seconds(start, end, seconds):
    assert window_seconds(start, end)[0] == seconds


@pytest.mark.parametrize(
    ("schedule", "seconds"),
    [
        ({"type": "FixedRate", "interval": "15m"}, 900),
        ({"type": "FixedRate", "interval": "1h"}, 3600),
        ({"type": "Hourly"}, 3600),
        ({"type": "Daily", "hour": 2}, 86400),
        ({"type": "Weekly", "dayOfWeek": 1}, 604800),
        ({"type": "Cron", "cronExpression": "0/30 * * * *"}, 1800),
        ({"type": "FixedRate", "interval": "soon"}, None),
        (None, None),
    ],
)
def test_interval_seconds(schedule, seconds):
    assert interval_seconds(schedule)[0] == seconds


def test_window_seconds_is_read_per_pair_of_texts() -> None:
    # Memoised on (start, end): the same start with another end is another window.
    assert window_seconds("-15m", "now") == (900, "-15m..now")
    assert window_seconds("-15m", "-5m") == (600, "-15m..-5m")
    assert window_seconds("-15m", "now") == (900, "-15m..now")
    assert window_seconds("-15m", None) == (900, "-15m..now")
