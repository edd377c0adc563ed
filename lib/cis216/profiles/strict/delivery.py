"""Is an enabled trail delivering to SLS? What its GetTrailStatus answer proves.

`Status: Enable` in DescribeTrails is the configuration, not proof that events arrive: GetTrailStatus
says whether the trail is logging (`IsLogging`) and what its latest delivery to SLS did
(`LatestDeliveryLogServiceError`, the last failure; `LatestDeliveryLogServiceTime`, the last success).
The API gives no time for the failure, so its order is read from the trail's latest delivery of any
kind (`LatestDeliveryTime`): later than its latest SLS success, events went out without reaching SLS.

A trail fails to deliver when
- it is not logging, or
- an SLS delivery error is recorded and no SLS delivery ever succeeded, or
- an SLS delivery error is recorded and the trail's latest delivery is later than its latest SLS one.
An error with a later (or the latest known) successful SLS delivery is history: delivery recovered.
A time that cannot be read proves nothing, so it never fails the trail on its own.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ...inventory import TrailStatus

_EPOCH = re.compile(r"\d{10}(\d{3})?")
_FORMATS = ("%Y-%m-%d %H:%M:%S", "%a %b %d %H:%M:%S %Z %Y")
# The error text is quoted in a finding: a bounded excerpt is enough to act on.
MAX_QUOTED = 300


def delivery_failure(status: TrailStatus) -> str | None:
    """Why the trail's events do not reach SLS (the error quoted), or None when nothing says so."""
    if not status.is_logging:
        stopped = f" since {status.stop_logging_time}" if status.stop_logging_time else ""
        return f"it is not logging (IsLogging false{stopped})"
    error = status.latest_delivery_log_service_error
    if error is None:
        return None
    quoted = error if len(error) <= MAX_QUOTED else error[:MAX_QUOTED] + "..."
    success_text = status.latest_delivery_log_service_time
    if success_text is None:
        return f"its delivery to SLS fails and none ever succeeded: {quoted!r}"
    success, latest = parse_time(success_text), parse_time(status.latest_delivery_time)
    if success is not None and latest is not None and latest > success:
        return f"its latest delivery to SLS (after {success_text}) failed: {quoted!r}"
    return None


def parse_time(text: str | None) -> datetime | None:
    """A time as ActionTrail writes it (ISO 8601, epoch seconds or milliseconds, or Java's
    `Wed Dec 02 15:41:06 CST 2015`), in UTC; None when it cannot be read."""
    if not text:
        return None
    text = text.strip()
    if _EPOCH.fullmatch(text):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = _by_format(text)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _by_format(text: str) -> datetime | None:
    for form in _FORMATS:
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    return None
