"""How often an alert runs and how far back each run looks, in seconds.

A run every 15 minutes that looks back 5 minutes never evaluates 10 minutes of every 15: an
unauthorized call in them never alerts. Everything here returns None for "cannot tell", and the
caller reports that as unverifiable rather than guessing.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
# `-15m`, `-1h@h` (start truncated to the hour), and the same for `end`.
_RELATIVE = re.compile(r"^\s*-\s*(\d+)\s*([smhdw])\s*(?:@\s*([smhdw]))?\s*$", re.IGNORECASE)
_NOW = re.compile(r"^\s*(?:now(?:\(\))?|-?0+[smhdw]?)\s*(?:@\s*([smhdw]))?\s*$", re.IGNORECASE)
_EPOCH = re.compile(r"^\s*\d{9,13}\s*$")


def duration(text: Any) -> int | None:
    """'15m' -> 900; None when not a plain duration."""
    match = _DURATION.match(str(text)) if text is not None else None
    return int(match.group(1)) * UNIT_SECONDS[match.group(2).lower()] if match else None


# Pure, on two short texts that accounts repeat on every alert ('-15m', 'now'): read each pair once.
@lru_cache(maxsize=1024)
def window_seconds(start: str | None, end: str | None) -> tuple[int | None, str]:
    """Shortest length of the query window; (0, why) for a fixed absolute window."""
    if start and end and _EPOCH.match(start) and _EPOCH.match(end):
        return 0, f"fixed absolute window {start}..{end}: new events are never evaluated"
    s = _RELATIVE.match(start or "")
    if not s:
        return None, f"query window start {start!r} not understood"
    length = int(s.group(1)) * UNIT_SECONDS[s.group(2).lower()]
    # Truncating the start rounds it down: the window only grows. Truncating the end shrinks it.
    now = _NOW.match(end or "now")
    if now:
        shrink = UNIT_SECONDS[now.group(1).lower()] if now.group(1) else 0
        return max(length - shrink, 0), f"{start}..{end or 'now'}"
    e = _RELATIVE.match(end or "")
    if not e:
        return None, f"query window end {end!r} not understood"
    shrink = UNIT_SECONDS[e.group(3).lower()] if e.group(3) else 0
    back = int(e.group(1)) * UNIT_SECONDS[e.group(2).lower()]
    return max(length - back - shrink, 0), f"{start}..{end}"


def interval_seconds(schedule: dict[str, Any] | None) -> tuple[int | None, str]:
    """Longest time between two runs, with a description of the schedule."""
    if not isinstance(schedule, dict):
        return None, "no schedule"
    kind = str(schedule.get("type") or "").strip().lower()
    if kind == "fixedrate":
        seconds = duration(schedule.get("interval"))
        return seconds, f"every {schedule.get('interval')}"
    if kind == "hourly":
        return 3600, "hourly"
    if kind == "daily":
        return 86400, "daily"
    if kind == "weekly":
        return 604800, "weekly"
    if kind == "cron":
        expression = str(schedule.get("cronExpression") or "")
        return cron_max_gap(expression), f"cron {expression!r}"
    return None, f"schedule type {schedule.get('type')!r} not understood"


# --- cron ----------------------------------------------------------------------------------
_NAMES = {name: i for i, name in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}
_MONTHS = {
    name: i + 1
    for i, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_FIELDS: tuple[tuple[int, int, dict[str, int]], ...] = (
    (0, 59, {}),
    (0, 23, {}),
    (1, 31, {}),
    (1, 12, _MONTHS),
    (0, 7, _NAMES),
)
# Four calendar years include a leap year and every weekday/day-of-month combination.
_CALENDAR_START = date(2024, 1, 1)
_CALENDAR_DAYS = 4 * 366


def _value(text: str, names: dict[str, int]) -> int:
    lowered = text.lower()
    return names[lowered] if lowered in names else int(text)


def _cron_field(text: str, low: int, high: int, names: dict[str, int]) -> set[int] | None:
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
            if step < 1:
                return None
        if part in ("*", "?"):
            first, last = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            first, last = _value(a, names), _value(b, names)
        else:
            first = _value(part, names)
            last = high if step > 1 else first
        if first < low or last > high or first > last:
            return None
        values.update(range(first, last + 1, step))
    return values


def cron_max_gap(expression: str) -> int | None:
    """Longest gap in seconds between consecutive runs of a 5-field cron; None if unreadable.

    Fewer than two runs in four years (`0 0 30 2 *`) gives the whole span: it (almost) never runs.
    """
    fields = expression.split()
    if len(fields) != 5:
        return None
    try:
        read = [
            _cron_field(f, low, high, names) for f, (low, high, names) in zip(fields, _FIELDS, strict=True)
        ]
    except (ValueError, KeyError):
        return None
    parsed = [values for values in read if values is not None]
    if len(parsed) != len(read):
        return None
    minutes, hours, days, months, weekdays = parsed
    weekdays = {0 if d == 7 else d for d in weekdays}
    day_minutes = sorted(h * 60 + m for h in hours for m in minutes)
    # Standard cron: when both day fields are restricted, a day matches if either does.
    dom_any, dow_any = fields[2] in ("*", "?"), fields[4] in ("*", "?")
    runs: list[int] = []  # day offsets that have runs
    for offset in range(_CALENDAR_DAYS):
        day = _CALENDAR_START + timedelta(days=offset)
        if day.month not in months:
            continue
        dom_ok, dow_ok = day.day in days, (day.isoweekday() % 7) in weekdays
        if (dom_ok and dow_ok) if (dom_any or dow_any) else (dom_ok or dow_ok):
            runs.append(offset)
    if len(runs) < 2:
        return _CALENDAR_DAYS * 86400
    within = max((b - a for a, b in itertools.pairwise(day_minutes)), default=0)
    first, last = day_minutes[0], day_minutes[-1]
    # From the last run of one run day to the first run of the next (interior gaps of four
    # years already include every periodic pattern, so no wrap-around is needed).
    across = [(b - a) * 1440 + first - last for a, b in itertools.pairwise(runs)]
    return max([within, *across]) * 60
