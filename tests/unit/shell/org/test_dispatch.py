"""Queuing the workers: task ids, 409 as "already queued", refused enqueues, payload size at 10,000
members, the member listing's paging and filters (in-memory ports)."""

from __future__ import annotations

import json

import pytest

from cis216.adapters.calls import Caller, RetryPolicy
from cis216.organization.coverage import OrgFeeds
from cis216.settings import Settings
from cis216.shell.events import EventError, MemberRef, Overrides, WorkerEvent, parse_worker_event
from cis216.shell.org import members as members_module
from cis216.shell.org.coordinator import MAX_ASYNC_PAYLOAD, dispatch_all, session_name
from cis216.shell.org.members import TASK_ID, IncompleteListing, list_members, run_variant, task_id
from tests import orgdocs as o
from tests.orgfakes import FakeDirectory, FakeMember, FakePage, FakeQueue

SCAN_ID = "20261129T020000Z-0123456789abcdef"


def caller() -> Caller:
    return Caller(RetryPolicy(max_attempts=1, sleep=lambda s: None), 1.0)


def worker_event(member: str, coverage) -> WorkerEvent:
    return WorkerEvent(
        cis216="organization-worker",
        scan_id=SCAN_ID,
        trigger={"kind": "timer", "name": "org-scan", "time": "2026-11-29T02:00:00Z"},
        overrides={"regions": ["cn-hangzhou"], "dry_run": False, "settings": Settings()},
        member=MemberRef(
            account_id=member, display_name="x" * 256, status="CreateSuccess", folder_id="fd-a1"
        ),
        coverage=coverage,
    )


def test_task_ids_are_deterministic_and_valid():
    assert task_id(SCAN_ID, o.MEMBER_A) == f"cis216-{SCAN_ID}-{o.MEMBER_A}"
    assert TASK_ID.fullmatch(task_id("direct-0123456789abcdef", "1" * 20))
    assert len(task_id(SCAN_ID, "9" * 20)) <= 128
    with pytest.raises(ValueError, match="task id"):
        task_id("bad id", o.MEMBER_A)
    dry, real = run_variant(Overrides(dry_run=True)), run_variant(Overrides(dry_run=False))
    assert dry.startswith("dry-") and real.startswith("run-") and dry[4:] == real[4:]
    assert run_variant(Overrides(regions=("cn-hangzhou",))) != run_variant(Overrides(regions="all"))
    longest = task_id("direct-0123456789abcdef", "9" * 20, dry)
    assert TASK_ID.fullmatch(longest) and longest.endswith("9" * 20)
    assert session_name(SCAN_ID) == f"cis216-{SCAN_ID}" and len(session_name(SCAN_ID)) <= 64


def test_ten_thousand_members_fit_fc_async_payloads_and_a_rerun_queues_nothing():
    org = OrgFeeds.of(o.management(), o.archive(query=o.excluding(o.MEMBER_C)), o.ORG_ID, Settings())
    members = [str(3000000000000000 + n) for n in range(10_000)]
    sample = [worker_event(m, org.coverage_for(m)) for m in members[:3]]
    events = [
        worker_event(m, sample[n % 3].coverage.model_copy(update={"member": m}))
        for n, m in enumerate(members)
    ]
    queue = FakeQueue()
    assert set(dispatch_all(events, queue, caller(), 16)) == {"enqueued"}
    largest = max(len(payload) for payload in queue.tasks.values())
    assert largest < MAX_ASYNC_PAYLOAD // 16  # far under FC's 128 KB
    assert dispatch_all(events, queue, caller(), 16).count("already_queued") == 10_000
    assert len(queue.tasks) == 10_000


def test_a_refused_enqueue_is_an_error_finding():
    org = OrgFeeds.of(o.management(), o.archive(), o.ORG_ID, Settings())
    queue = FakeQueue(refuse={o.MEMBER_B})
    events = [worker_event(m, org.coverage_for(m)) for m in (o.MEMBER_A, o.MEMBER_B)]
    first, second = dispatch_all(events, queue, caller(), 2)
    assert first == "enqueued" and second.status == "error" and second.account_id == o.MEMBER_B


def test_listing_pages_until_the_total_and_applies_folders_and_lists():
    members = [
        FakeMember(str(3000000000000000 + n), folder_id="fd-a" if n % 2 else "fd-b") for n in range(250)
    ]
    directory = FakeDirectory(o.ORG_ID, o.MANAGEMENT, members)
    listing = list_members(directory, caller(), None, None, None)
    assert listing.listed == 250 and [c for c in directory.calls] == [("ListAccounts", n) for n in (1, 2, 3)]
    deny = (members[0].account_id,)
    listing = list_members(directory, caller(), ("fd-a", "fd-b"), None, deny)
    assert (listing.listed, listing.excluded, len(listing.members)) == (250, 1, 249)
    allow = (members[1].account_id, members[2].account_id)
    assert [m.account_id for m in list_members(directory, caller(), ("fd-a",), allow, None).members] == [
        allow[0]
    ]


class ShiftingDirectory(FakeDirectory):
    """During each of the first `shifts` listings a member joins at the front between page 1 and
    page 2 (and is gone again afterwards): page 2 repeats the last member of page 1, and the
    listing has one unique member fewer than page 2's TotalCount."""

    def __init__(self, members, newcomer, shifts):
        super().__init__(o.ORG_ID, o.MANAGEMENT, members)
        self.newcomer, self.shifts = newcomer, shifts

    def list_accounts(self, page_number, page_size, timeout):
        if page_number == 2 and self.shifts:
            self.shifts -= 1
            shifted = [self.newcomer, *self.members]
            return FakePage(shifted[page_size : 2 * page_size], len(shifted), 2, page_size)
        return super().list_accounts(page_number, page_size, timeout)


def test_a_member_missed_while_paging_is_found_by_listing_again():
    members = [FakeMember(str(3000000000000000 + n)) for n in range(150)]
    newcomer = FakeMember("3999999999999999")
    directory = ShiftingDirectory(members, newcomer, shifts=1)
    listing = list_members(directory, caller(), None, None, None)
    assert listing.listed == 150  # the second listing is whole: no shortfall, no error
    assert [c for c in directory.calls].count(("ListAccounts", 1)) == 2


def test_a_listing_short_twice_is_a_clear_error_naming_the_counts():
    members = [FakeMember(str(3000000000000000 + n)) for n in range(150)]
    directory = ShiftingDirectory(members, FakeMember("3999999999999999"), shifts=2)
    with pytest.raises(IncompleteListing, match=r"gave 150 unique members of its TotalCount 151, twice"):
        list_members(directory, caller(), None, None, None)


def test_a_listing_cut_at_max_pages_is_listed_again_then_refused(monkeypatch):
    monkeypatch.setattr(members_module, "MAX_PAGES", 2)
    directory = FakeDirectory(
        o.ORG_ID, o.MANAGEMENT, [FakeMember(str(3000000000000000 + n)) for n in range(250)]
    )
    with pytest.raises(IncompleteListing, match=r"200 unique members of its TotalCount 250, cut at 2 pages"):
        list_members(directory, caller(), None, None, None)
    assert len(directory.calls) == 4


def test_the_worker_event_round_trips_and_errors_name_the_field():
    org = OrgFeeds.of(o.management(), o.archive(), o.ORG_ID, Settings())
    event = worker_event(o.MEMBER_A, org.coverage_for(o.MEMBER_A))
    assert parse_worker_event(event.to_bytes()) == event
    document = json.loads(event.to_bytes())
    document["member"]["account_id"] = "12ab"
    with pytest.raises(
        EventError, match=r"^worker event: member\.account_id: .*'12ab' is not an Alibaba Cloud account id"
    ):
        parse_worker_event(json.dumps(document))
    document = json.loads(event.to_bytes())
    del document["coverage"]["covers"]
    with pytest.raises(EventError, match=r"coverage\.covers"):
        parse_worker_event(document)
    document = json.loads(event.to_bytes())
    document["extra"] = 1
    with pytest.raises(EventError, match="extra: unknown key"):
        parse_worker_event(document)
    document = json.loads(event.to_bytes())
    document["overrides"]["profile"] = "powerpipe"
    with pytest.raises(EventError, match="strict profile"):
        parse_worker_event(document)
    with pytest.raises(EventError, match="worker event: not JSON"):
        parse_worker_event(b"{")
