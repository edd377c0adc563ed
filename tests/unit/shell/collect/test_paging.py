"""fetch_all with fake pages: the total from the first page, the rest in parallel, a failed page."""

from __future__ import annotations

import threading
import time

from cis216.adapters.calls import Caller, CallError, RetryPolicy
from cis216.shell.collect.graph import CallGraph, Where
from cis216.shell.collect.paging import Listing, fetch_all

HERE = Where("cn-hangzhou", "proj")


def graph(concurrency=4):
    caller = Caller(RetryPolicy(max_attempts=1, sleep=lambda s: None), 1.0)
    return CallGraph(caller, max_concurrency=concurrency)


class Pages:
    """A paged list of `total` numbers, 10 a page; `fail_at` offsets fail, `slow` ones answer late."""

    def __init__(self, total, fail_at=(), slow=()):
        self.total, self.fail_at, self.slow = total, set(fail_at), set(slow)
        self.asked: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, offset, timeout):
        with self._lock:
            self.asked.append(offset)
        if offset in self.slow:
            time.sleep(0.05)
        if offset in self.fail_at:
            raise CallError("ListAlerts", "Unauthorized", f"denied at {offset}")
        return list(range(offset, min(offset + 10, self.total))), self.total


def collect(pages, **options):
    g = graph(**options)
    settled: list[Listing[int]] = []
    listings = []
    g.run(lambda: listings.append(fetch_all(g, "ListAlerts", HERE, pages, then=settled.append, page_size=10)))
    return g, listings[0], settled


def test_the_first_page_tells_the_total_and_every_page_is_fetched_once():
    pages = Pages(35, slow={10})  # the second page answers last: items still come in page order
    g, listing, settled = collect(pages)
    assert settled == [listing]
    assert listing.items() == list(range(35))
    assert (listing.total, listing.complete, listing.failed) == (35, True, False)
    assert pages.asked[0] == 0 and sorted(pages.asked) == [0, 10, 20, 30]
    assert g.failures("cn-hangzhou") == []


def test_one_page_is_one_call():
    pages = Pages(7)
    _, listing, _ = collect(pages)
    assert pages.asked == [0] and listing.items() == list(range(7))


def test_an_empty_list_is_one_call_and_complete():
    pages = Pages(0)
    _, listing, settled = collect(pages)
    assert pages.asked == [0] and settled == [listing] and listing.items() == []


def test_the_pages_after_the_first_are_fetched_in_parallel():
    both_in_flight = threading.Barrier(2, timeout=5)

    def fetch(offset, timeout):
        if offset:
            both_in_flight.wait()  # breaks (and the page fails) unless the other page is in flight too
        return [offset], 30

    g, listing, _ = collect(fetch)
    assert g.failures("cn-hangzhou") == []
    assert listing.items() == [0, 10, 20]


def test_a_failed_page_fails_the_listing_and_is_recorded_the_other_pages_are_kept():
    pages = Pages(30, fail_at={10})
    g, listing, settled = collect(pages)
    assert settled == [listing]  # settled once, after every page answered or failed
    assert (listing.complete, listing.failed) == (True, True)
    assert listing.items() == list(range(10)) + list(range(20, 30))
    [error] = g.failures("cn-hangzhou")
    assert (error.api, error.project, error.code, error.message) == (
        "ListAlerts",
        "proj",
        "Unauthorized",
        "denied at 10",
    )


def test_a_failed_first_page_ends_the_listing():
    pages = Pages(30, fail_at={0})
    _, listing, settled = collect(pages)
    assert pages.asked == [0]
    assert settled == [listing] and listing.failed and listing.total is None and listing.items() == []


def test_the_listing_can_be_read_before_it_is_complete():
    # What the graph gives up on at the deadline is missing; the pages that answered are kept.
    second_page_asked, release = threading.Event(), threading.Event()
    seen = []

    def fetch(offset, timeout):
        if offset:  # asked once the first page is in the listing
            second_page_asked.set()
            release.wait(5)
        return [offset], 20

    g = graph()

    def start():
        listing = fetch_all(g, "ListProject", HERE, fetch, page_size=10)
        g.submit("Peek", HERE, lambda t: second_page_asked.wait(5), then=lambda _: peek(listing))

    def peek(listing):
        seen.append((listing.items(), listing.complete))
        release.set()

    g.run(start)
    assert seen == [([0], False)]
