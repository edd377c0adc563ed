"""Running a dashboard chart's query over stored logs, as SLS would over the chart's time range."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cis216.emulator.records import StoredLog
from cis216.emulator.sls.query import run_query
from cis216.store.dashboard import CHARTS, DAY, Chart
from cis216.store.index import findings_index

BY_NAME = {chart.name: chart for chart in CHARTS}


def chart_rows(name: str, logs: Sequence[StoredLog], now: int) -> list[dict[str, str]]:
    """The rows of chart `name` at time `now` (its range: the last `days` days up to now), under
    the index `cis216 setup` makes."""
    chart: Chart = BY_NAME[name]
    return run_query(chart.query, logs, findings_index(), start=now - chart.days * DAY, end=now + 1)


def codes(text: str) -> list[str]:
    """Reason codes as a log holds them: a JSON list, or (before that) comma-joined."""
    if text in ("", "null"):
        return []
    try:
        parsed = json.loads(text)
    except ValueError:
        return text.split(",")
    return [str(code) for code in parsed] if isinstance(parsed, list) else [text]
