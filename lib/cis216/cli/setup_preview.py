"""`cis216 setup --preview FILE`: the dashboard's charts computed on the bundled samples, as HTML.

Both bundled sample accounts are scanned once a day for a week against the emulated cloud (each
scan at its own time, so the charts see a history; one finding muted by SAMPLE_MUTELIST); every chart's query then runs through the
emulator's SLS query support over the findings those scans wrote, and store/preview.py lays the
results out as the dashboard places its charts. Nothing real is touched.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..shell import logs, scan
from ..shell.bootstrap import SYSTEM_CLOCK, Clock
from ..store.dashboard import CHARTS, DAY, LAYOUT
from ..store.index import findings_index
from ..store.preview import render
from .invoke import SAMPLE, _emulated, emulated_bootstrap

if TYPE_CHECKING:
    from ..emulator.records import StoredLog

SAMPLES = (SAMPLE, SAMPLE.parent / "cis-text-account.json")
# Accepted risk, so that the muted-findings chart has something to show: the sample account's
# unreadable project (a team's own, audited there), muted as a deployment's MUTELIST would.
SAMPLE_MUTELIST = {
    "entries": [
        {
            "account": "1234567890123456",
            "resource": "acs:log:ap-southeast-1:1234567890123456:project/sg-data-platform",
            "reason_codes": ["SCAN_ERROR"],
            "justification": "the data team's project: its alerts are audited in their own review",
            "expires": "2027-03-31",
        }
    ]
}
LAST_SCAN = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)  # the bundled timer event's time
DAYS = 7


def sample_history(days: int = DAYS, last: datetime = LAST_SCAN) -> list[StoredLog]:
    """The logs of the bundled samples scanned once a day for `days` days up to `last`."""
    stored: list[StoredLog] = []
    for seed in SAMPLES:
        local = _emulated(str(seed))
        local.environ["MUTELIST"] = json.dumps(SAMPLE_MUTELIST)
        cloud = local.emulated
        assert cloud is not None
        for back in range(days - 1, -1, -1):
            when = last - timedelta(days=back)
            event = {"triggerTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "triggerName": "daily-cis216-scan"}
            clock = Clock(monotonic=SYSTEM_CLOCK.monotonic, now=lambda when=when: when)  # type: ignore[misc]
            with cloud, logs.LOGGER.writing_to(io.StringIO()):
                report = scan.run(
                    json.dumps(event).encode(), local.context, local.environ, emulated_bootstrap(cloud), clock
                )
        written = report.summary.written
        assert written is not None and written.project is not None
        stored += cloud.sls_logs(
            report.summary.account_id, local.environ["FINDINGS_REGION"], written.project, written.logstore
        )
    return stored


def write_preview(path: str, days: int = DAYS) -> int:
    """Write the preview page; the number of charts it shows."""
    from ..emulator.sls.query import run_query  # the emulator: the `local`/`dev` extras

    history = sample_history(days)
    now = int(LAST_SCAN.timestamp()) + 60
    index = findings_index()
    results = [
        (chart, run_query(chart.query, history, index, start=now - chart.days * DAY, end=now + 1))
        for chart in CHARTS
    ]
    note = (
        f"Local preview of the cis216-findings SLS dashboard: each panel is one chart, its query, and what that query "
        f"returns (computed by cis216's emulator) over the two bundled sample accounts scanned daily for {days} days "
        f"up to {LAST_SCAN:%Y-%m-%d %H:%M} UTC. Not a screenshot of the SLS console."
    )
    Path(path).write_text(
        render(results, LAYOUT, "cis216 findings dashboard (preview)", note), encoding="utf-8"
    )
    return len(results)
