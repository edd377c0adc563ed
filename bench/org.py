"""Organisation-scan benchmark (not a test): `make bench-org`, figures printed and written to
bench/org-results.json.

    .venv/bin/python bench/org.py                 # 1,000 members, 100 ms per call, 20 workers
    .venv/bin/python bench/org.py --members 200   # a smoke run

1. one member's scan (T_scan): the real single-account scan of the bundled sample account against
   the emulated cloud with 100 ms of latency on every call (MAX_CONCURRENCY=16);
2. the coordinator, with its real code (member listing, the organisation trail judged once, one
   worker event per member, the queuing pool): a directory and an FC queue answering in 100 ms;
3. the fan-out, as FC runs it: at most `--concurrency` workers at once (reservedConcurrency),
   each one AssumeRole (100 ms, timestamped) and one member scan (T_scan, slept: 1,000 real scans
   would measure this machine's CPU, not the fan-out).

Reported: the wall time of the fan-out against the ideal (members / concurrency x one worker's
time), the peak AssumeRole rate over any one-second window (STS allows 100/s per calling account),
and the largest payload against FC's 128 KB asynchronous limit.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import uuid
from bisect import bisect_left
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from cis216.adapters.calls import Caller, RetryPolicy  # noqa: E402
from cis216.inventory import parse_inventory  # noqa: E402
from cis216.organization.coverage import OrgFeeds  # noqa: E402
from cis216.settings import Settings  # noqa: E402
from cis216.shell.events import MemberRef, WorkerEvent, parse_worker_event  # noqa: E402
from cis216.shell.org.coordinator import MAX_ASYNC_PAYLOAD, dispatch_all  # noqa: E402
from cis216.shell.org.members import PAGE_SIZE, list_members  # noqa: E402

RESULTS = ROOT / "bench" / "org-results.json"
SAMPLE = ROOT / "lib" / "cis216" / "samples" / "sample-account.json"
REGION, PROJECT, LOGSTORE = "cn-hangzhou", "cis216-findings", "cis216_findings"
STS_LIMIT_PER_SECOND = 100
ORG_ID, MANAGEMENT, ARCHIVE = "rd-bench01", "1000000000000001", "1000000000000002"
TIMER = json.dumps({"triggerTime": "2026-11-29T02:00:00Z", "triggerName": "bench", "payload": ""}).encode()


def member_scan_seconds(latency: float) -> float:
    """The single-account scan of the sample account, every call answered after `latency`."""
    from cis216.emulator import DEFAULT_CREDENTIALS, EmulatedCloud
    from cis216.shell import logs, scan

    cloud = EmulatedCloud()
    account = cloud.seed_snapshot(json.loads(SAMPLE.read_text(encoding="utf-8")))
    cloud.create_logstore(account, REGION, PROJECT, LOGSTORE)
    cloud.faults.add(kind="latency", seconds=latency)
    key = DEFAULT_CREDENTIALS
    credentials = SimpleNamespace(access_key_id=key.access_key_id, access_key_secret=key.access_key_secret)
    context = SimpleNamespace(request_id=str(uuid.uuid4()), account_id=account, credentials=credentials)
    environ = {
        "FINDINGS_REGION": REGION,
        "FINDINGS_PROJECT": PROJECT,
        "FC_ACCOUNT_ID": account,
        "FC_REGION": REGION,
        "LOG_LEVEL": "ERROR",
        "SCAN_BUDGET_SECONDS": "600",
    }
    with open(os.devnull, "w") as devnull, logs.LOGGER.writing_to(devnull), cloud:
        started = time.perf_counter()
        scan.run(TIMER, context, environ)
        return time.perf_counter() - started


@dataclass(frozen=True)
class Member:
    account_id: str
    display_name: str
    status: str = "CreateSuccess"
    type: str = "ResourceAccount"
    folder_id: str | None = "fd-bench01"


@dataclass(frozen=True)
class Page:
    members: list[Member]
    total: int
    page_number: int
    page_size: int


@dataclass
class SlowDirectory:
    members: list[Member]
    latency: float

    def list_accounts(self, page_number: int, page_size: int, timeout: float) -> Page:
        time.sleep(self.latency)
        chunk = self.members[(page_number - 1) * page_size : page_number * page_size]
        return Page(chunk, len(self.members), page_number, page_size)

    def list_accounts_for_parent(
        self, folder_id: str, page_number: int, page_size: int, timeout: float
    ) -> Page:
        return self.list_accounts(page_number, page_size, timeout)


@dataclass
class SlowQueue:
    latency: float
    tasks: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def enqueue(self, payload: bytes, task_id: str, timeout: float) -> str:
        time.sleep(self.latency)
        with self.lock:
            if task_id in self.tasks:
                return "already_queued"
            self.tasks[task_id] = payload
            return "enqueued"


def organization_feeds() -> OrgFeeds:
    """An organisation trail into the log-archive account, its alert narrowed away from one member
    (so every member is judged for its own events: the costly case)."""
    sys.path.insert(0, str(ROOT))
    from tests import orgdocs

    archive = parse_inventory(orgdocs.archive_doc(query=orgdocs.excluding("3000000000000007")))
    return OrgFeeds.of(parse_inventory(orgdocs.management_doc()), archive, orgdocs.ORG_ID, Settings())


def coordinator(members: int, latency: float) -> dict[str, Any]:
    listed = [Member(str(3000000000000000 + n), f"member-{n:05d}-" + "x" * 40) for n in range(members)]
    caller = Caller(RetryPolicy(max_attempts=1), 10.0)
    started = time.perf_counter()
    listing = list_members(SlowDirectory(listed, latency), caller, None, None, None)
    listed_s = time.perf_counter() - started
    feeds = organization_feeds()
    events = [_event(m, feeds) for m in listing.members]
    judged_s = time.perf_counter() - started - listed_s
    queue = SlowQueue(latency)
    outcomes = dispatch_all(events, queue, caller, 16)
    return {
        "wall_s": time.perf_counter() - started,
        "listing_s": listed_s,
        "judging_s": judged_s,
        "pages": -(-members // PAGE_SIZE),
        "enqueued": outcomes.count("enqueued"),
        "largest_payload_bytes": max(len(p) for p in queue.tasks.values()),
        "payloads": list(queue.tasks.values()),
    }


def _event(member: MemberRef, feeds: OrgFeeds) -> WorkerEvent:
    return WorkerEvent(
        cis216="organization-worker",
        scan_id="20261129T020000Z-0123456789abcdef",
        trigger={"kind": "timer", "name": "bench", "time": "2026-11-29T02:00:00Z"},
        overrides={"regions": None, "dry_run": False, "settings": Settings()},
        member=member,
        coverage=feeds.coverage_for(member.account_id),
    )


def fan_out(payloads: list[bytes], concurrency: int, latency: float, scan_s: float) -> dict[str, Any]:
    """FC running the queued workers, `concurrency` at once: each one AssumeRole and one scan."""
    assumed: list[float] = []
    lock = threading.Lock()

    def worker(payload: bytes) -> None:
        parse_worker_event(payload)
        time.sleep(latency)  # AssumeRole
        with lock:
            assumed.append(time.perf_counter())
        time.sleep(scan_s)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(worker, payloads))
    wall = time.perf_counter() - started
    ideal = len(payloads) / concurrency * (latency + scan_s)
    return {
        "wall_s": wall,
        "ideal_s": ideal,
        "ratio": wall / ideal,
        "assume_peak_per_s": _peak(sorted(assumed)),
    }


def _peak(times: list[float]) -> int:
    """The most calls within any one-second window."""
    return max((i - bisect_left(times, t - 1.0) + 1 for i, t in enumerate(times)), default=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20, help="the worker's reservedConcurrency")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per API call")
    args = parser.parse_args(argv)
    scan_s = member_scan_seconds(args.latency)
    coordinated = coordinator(args.members, args.latency)
    fanned = fan_out(coordinated.pop("payloads"), args.concurrency, args.latency, scan_s)
    worker_s = args.latency + scan_s
    results = {
        "members": args.members,
        "concurrency": args.concurrency,
        "latency_s": args.latency,
        "member_scan_s": round(scan_s, 3),
        "coordinator": {k: round(v, 3) if isinstance(v, float) else v for k, v in coordinated.items()},
        "fan_out": {k: round(v, 3) if isinstance(v, float) else v for k, v in fanned.items()},
        # Within any second each of the `concurrency` slots starts at most 1 + 1 / worker time workers.
        "assume_rate_bound_per_s": round(args.concurrency * (1 + 1 / worker_s), 1),
        "sts_limit_per_s": STS_LIMIT_PER_SECOND,
        "max_async_payload_bytes": MAX_ASYNC_PAYLOAD,
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(report(results))
    ok = (
        fanned["assume_peak_per_s"] < STS_LIMIT_PER_SECOND
        and coordinated["largest_payload_bytes"] < MAX_ASYNC_PAYLOAD
    )
    return 0 if ok else 1


def report(r: dict[str, Any]) -> str:
    c, f = r["coordinator"], r["fan_out"]
    return "\n".join(
        [
            f"organisation scan: {r['members']} members, {r['latency_s'] * 1000:g} ms per call, "
            f"worker reservedConcurrency {r['concurrency']}",
            f"one member's scan (sample account, real code, emulated): {r['member_scan_s']:.2f} s",
            f"coordinator: {c['wall_s']:.2f} s ({c['pages']} ListAccounts pages {c['listing_s']:.2f} s, "
            f"judging {c['judging_s']:.2f} s, {c['enqueued']} queued 16 at a time)",
            f"fan-out: {f['wall_s']:.1f} s vs ideal {f['ideal_s']:.1f} s "
            f"(members / concurrency x one worker) = x{f['ratio']:.2f}",
            f"AssumeRole peak: {f['assume_peak_per_s']}/s (bound: concurrency x (1 + 1 / worker time) = "
            f"{r['assume_rate_bound_per_s']}/s; STS allows {r['sts_limit_per_s']}/s)",
            f"largest payload: {c['largest_payload_bytes']} bytes (FC async limit {r['max_async_payload_bytes']})",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
