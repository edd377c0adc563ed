"""All pages of a paged list: the first page tells the total, the remaining pages are then fetched in parallel.

A page that fails is recorded by the graph like any failed call and marks the listing `failed`; the
pages that did answer are still kept (they are facts, and the recorded error says what is missing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from ...aliyun import SLS_PAGE_SIZE
from .graph import CallGraph, Where

T = TypeVar("T")

# fetch(offset, timeout) -> (the page's items, the listing's total)
FetchPage = Callable[[int, float], tuple[list[T], int]]


class Listing(Generic[T]):
    """The pages of one paged list as they come in."""

    def __init__(self) -> None:
        self.total: int | None = None  # known once the first page answered
        self.failed = False  # a page failed for good (its error is recorded)
        self.complete = False  # every page answered or failed
        self._pages: dict[int, list[T]] = {}
        self._outstanding = 0

    def items(self) -> list[T]:
        """The items of the pages that answered so far, in page order."""
        return [item for offset in sorted(self._pages) for item in self._pages[offset]]


def fetch_all(
    graph: CallGraph,
    api: str,
    where: Where,
    fetch: FetchPage[T],
    *,
    then: Callable[[Listing[T]], None] | None = None,
    page_size: int = SLS_PAGE_SIZE,
) -> Listing[T]:
    """Submit the first page of a listing; `then(listing)` runs once every page has answered or failed.
    The listing is returned at once, so pages that did answer can be read even when the graph gives
    up on the others at the deadline."""
    listing: Listing[T] = Listing()

    def page(offset: int) -> None:
        listing._outstanding += 1
        graph.submit(
            api,
            where,
            lambda timeout: fetch(offset, timeout),
            then=lambda answer: answered(offset, answer),
            on_error=lambda _error: settled(failed=True),
        )

    def answered(offset: int, answer: tuple[list[T], int]) -> None:
        items, total = answer
        listing._pages[offset] = items
        if offset == 0:
            listing.total = total
            for next_offset in range(page_size, total, page_size):
                page(next_offset)
        settled(failed=False)

    def settled(failed: bool) -> None:
        listing._outstanding -= 1
        listing.failed = listing.failed or failed
        if listing._outstanding == 0:
            listing.complete = True
            if then is not None:
                then(listing)

    page(0)
    return listing
