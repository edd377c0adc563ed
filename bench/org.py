"""Organisation-scan benchmark (not a test): `make bench-org`, figures printed and written to
bench/org-results.json.

    .venv/bin/python bench/org.py                 # 1,000 members, 100 ms per call, 20 workers
    .venv/bin/python bench/org.py --members 200   # a smoke run

Everything is the real code against the emulated cloud, every call answered after `--latency`
(the emulator's latency fault), seeded with the bundled sample organisation grown to `--members`
members (each a copy of its member covered only by the organisation trail; the organisation
alert's query names one member, so the coordinator judges every member for its own events: the
costly case):

1. the coordinator (shell/org entry, MODE=organization): GetResourceDirectory, the ListAccounts
   pages, the management and log-archive accounts' scans, the judging, one InvokeFunction per
   member (16 in flight) into the emulator's FC queue, the summary written;
2. one worker alone (MODE=worker: AssumeRole, the member's scan, its findings written): one
   worker's time T;
3. the fan-out, as FC runs it: the other queued invocations, at most `--concurrency` workers at once
   (reservedConcurrency), each AssumeRole timestamped.

Reported: the fan-out's wall time against the ideal (members / concurrency x T), the peak AssumeRole
rate over any one-second window (STS allows 100/s per calling account), the largest payload against
FC's 128 KB asynchronous limit. All workers run in this one process: beyond the latency, their CPU
(SDK signing, the emulator, the evaluation) shares one interpreter, which FC's instances do not.
"""

from __future__ import annotations

import argparse
import copy
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

from cis216.adapters.credentials import Credentials  # noqa: E402
from cis216.emulator import DEFAULT_CREDENTIALS, EmulatedCloud  # noqa: E402
from cis216.shell import logs  # noqa: E402
from cis216.shell.org import entry, local, wiring  # noqa: E402
from cis216.shell.org.coordinator import MAX_ASYNC_PAYLOAD, CoordinatorReport, OrgPorts  # noqa: E402
from cis216.shell.org.members import PAGE_SIZE  # noqa: E402

RESULTS = ROOT / "bench" / "org-results.json"
SAMPLE = ROOT / "lib" / "cis216" / "samples" / "sample-organization.json"
REGION, PROJECT, LOGSTORE = "cn-hangzhou", "cis216-findings", "cis216_findings"
STS_LIMIT_PER_SECOND = 100
TEMPLATE_MEMBER = "1100000000000011"  # the sample's member covered only by the organisation trail
TIMER = json.dumps({"triggerTime": "2026-11-29T02:00:00Z", "triggerName": "bench", "payload": ""}).encode()


def organization(members: int) -> dict[str, Any]:
    """The sample organisation with `members` members: its log-archive account, then copies of its
    member covered only by the organisation trail."""
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    archive_id = sample["organization"]["log_archive_account_id"]
    archive = next(m for m in sample["members"] if m["account_id"] == archive_id)
    template = next(m for m in sample["members"] if m["account_id"] == TEMPLATE_MEMBER)
    grown = [archive]
    for n in range(members - 1):
        member = copy.deepcopy(template)
        account = str(3000000000000000 + n)
        member.update(account_id=account, display_name=f"member-{n:05d}")
        member["inventory"]["account_id"] = account
        grown.append(member)
    return {**sample, "members": grown}


@dataclass
class TimedAssumer:
    """The real AssumeRole, each answer's time kept (the STS rate)."""

    assumer: Any
    times: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def assume(self, role_arn: str, session_name: str, timeout: float) -> Credentials:
        credentials: Credentials = self.assumer.assume(role_arn, session_name, timeout)
        with self.lock:
            self.times.append(time.perf_counter())
        return credentials


@dataclass
class Bench:
    cloud: EmulatedCloud
    environ: dict[str, str]
    context: Any
    assumed: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ports(self, plan: Any, config: Any, credentials: Credentials, account_id: str) -> OrgPorts:
        real = wiring.ports(plan, config, credentials, account_id)
        return OrgPorts(real.directory, real.queue, TimedAssumer(real.assumer, self.assumed, self.lock))

    def run(self, event: bytes, environ: dict[str, str]) -> Any:
        make_cloud = local.emulated_cloud(self.cloud)
        return entry.run(event, self.context, environ, make_cloud, self.ports)

    def worker(self, body: bytes) -> float:
        started = time.perf_counter()
        self.run(body, {**self.environ, "MODE": "worker"})
        return time.perf_counter() - started


def setup(members: int, latency: float) -> Bench:
    cloud = EmulatedCloud()
    management = cloud.seed_organization(organization(members))
    cloud.set_regions([REGION])
    cloud.faults.add(kind="latency", seconds=latency)
    key = DEFAULT_CREDENTIALS
    credentials = SimpleNamespace(
        access_key_id=key.access_key_id, access_key_secret=key.access_key_secret, security_token=None
    )
    function = SimpleNamespace(name="cis216", timeout=3600)
    context = SimpleNamespace(
        request_id=str(uuid.uuid4()),
        region=REGION,
        account_id=management,
        credentials=credentials,
        function=function,
    )
    environ = {
        "MODE": "organization",
        "FINDINGS_REGION": REGION,
        "FINDINGS_PROJECT": PROJECT,
        "FINDINGS_LOGSTORE": LOGSTORE,
        "FC_ACCOUNT_ID": management,
        "FC_REGION": REGION,
        "LOG_LEVEL": "ERROR",
        "SCAN_BUDGET_SECONDS": "3000",
    }
    return Bench(cloud, environ, context)


def coordinator(bench: Bench) -> dict[str, Any]:
    started = time.perf_counter()
    report = bench.run(TIMER, bench.environ)
    assert isinstance(report, CoordinatorReport)
    summary = report.summary
    return {
        "wall_s": time.perf_counter() - started,
        "pages": -(-summary.members_listed // PAGE_SIZE),
        "enqueued": summary.enqueued,
        "refused": summary.refused,
        "largest_payload_bytes": summary.largest_payload_bytes,
    }


def fan_out(bench: Bench, concurrency: int) -> dict[str, Any]:
    """One worker alone (T), then the others `concurrency` at a time, as FC runs them."""
    queued = [invocation.body for invocation in bench.cloud.fc.queued()]
    worker_s = bench.worker(queued[0])
    bench.assumed.clear()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(bench.worker, queued[1:]))
    wall = time.perf_counter() - started
    ideal = len(queued[1:]) / concurrency * worker_s
    return {
        "workers": len(queued),
        "worker_s": worker_s,
        "wall_s": wall,
        "ideal_s": ideal,
        "ratio": wall / ideal,
        "assume_peak_per_s": _peak(sorted(bench.assumed)),
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
    bench = setup(args.members, args.latency)
    with open(os.devnull, "w") as devnull, logs.LOGGER.writing_to(devnull), bench.cloud:
        coordinated = coordinator(bench)
        fanned = fan_out(bench, args.concurrency)
    results = {
        "members": args.members,
        "concurrency": args.concurrency,
        "latency_s": args.latency,
        "coordinator": {k: round(v, 3) if isinstance(v, float) else v for k, v in coordinated.items()},
        "fan_out": {k: round(v, 3) if isinstance(v, float) else v for k, v in fanned.items()},
        # Within any second each of the `concurrency` slots starts at most 1 + 1 / T workers.
        "assume_rate_bound_per_s": round(args.concurrency * (1 + 1 / fanned["worker_s"]), 1),
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
            f"organisation scan: {r['members']} members, {r['latency_s'] * 1000:g} ms per call (emulated), "
            f"worker reservedConcurrency {r['concurrency']}; the real coordinator and workers",
            f"coordinator: {c['wall_s']:.2f} s ({c['pages']} ListAccounts pages, the organisation side "
            f"judged, {c['enqueued']} queued 16 at a time, {c['refused']} refused)",
            f"one worker alone (AssumeRole, the member's scan, its findings written): {f['worker_s']:.2f} s",
            f"fan-out: {f['wall_s']:.1f} s vs ideal {f['ideal_s']:.1f} s "
            f"(members / concurrency x one worker) = x{f['ratio']:.2f}",
            f"AssumeRole peak: {f['assume_peak_per_s']}/s (bound: concurrency x (1 + 1 / worker time) = "
            f"{r['assume_rate_bound_per_s']}/s; STS allows {r['sts_limit_per_s']}/s)",
            f"largest payload: {c['largest_payload_bytes']} bytes (FC async limit {r['max_async_payload_bytes']})",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
