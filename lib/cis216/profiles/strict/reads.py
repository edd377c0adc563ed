"""The rule: a finding is `ok` or `alarm` only if every read that could change it succeeded.

A verdict rests on what the scan read. Where a read that could change it failed (its call failed,
or its answer could not be read: a snapshot `errors` entry), the verdict is not given: the finding
is `error`, SCAN_ERROR first, and names those failed calls (`evidence.scan_errors`); where every
read succeeded but the data cannot prove it either way, it is `info`. Never a guess, in either
direction: a failed read is not replaced by an assumption, kind or harsh.

Each decision (decide.py) names the reads it depends on (`depends_on`, in its evidence), so a
failure elsewhere does not spoil it:

- an `ok` rests on its proof: the covering feed's effective alert, whose query was judged with the
  feed logstore's index (GetIndex). More alerts, trails or regions cannot undo an effective alert,
  so no listing can spoil an `ok`.
- "no feed covers the account" could be undone by a feed the scan did not see (DescribeRegions,
  DescribeTrails of every region, ListProject of every region for Log Audit's central project) and,
  once a feed exists, by an alert it did not see (ListProject and ListAlerts of every project: an
  alert's query entry may name any project and region, so an alert listing anywhere can hide one)
  or could not judge (the GetIndex of a feed whose alert would be effective with one index and not
  with another).
- a trail that is not itself the answer claims to be the failure only when no other feed could
  cover the account: that claim depends on every read above, about the other feeds.

- a trail's feed proves nothing while its GetTrailStatus (in the trail's home region) failed: the
  trail may have stopped logging or delivering. An `ok` resting on that feed depends on that read,
  and so does "no feed covers the account" when that feed has an effective alert (it would cover
  the account if it delivers). A status can only take a feed away, never add one, so it cannot
  change an `alarm` otherwise. A status absent from the snapshot without a failed read (an older
  snapshot, or one written by hand) was not checked: the verdict is the one the trail's
  configuration gives.

A failed call of an API this rule does not know is taken to hide what any listing could.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ...inventory import Inventory, ScanError
from ..scan_errors import FailedCall
from .feeds import Feed

DESCRIBE_REGIONS = "DescribeRegions"
DESCRIBE_TRAILS = "DescribeTrails"
LIST_PROJECT = "ListProject"
LIST_ALERTS = "ListAlerts"
GET_INDEX = "GetIndex"
GET_TRAIL_STATUS = "GetTrailStatus"
MODELLED_APIS = frozenset(
    {DESCRIBE_REGIONS, DESCRIBE_TRAILS, GET_TRAIL_STATUS, LIST_PROJECT, LIST_ALERTS, GET_INDEX}
)
UNUSED_APIS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Read:
    """A read a verdict depends on; a field left None means every region, project or logstore."""

    api: str
    region: str | None = None
    project: str | None = None
    logstore: str | None = None

    def failed_by(self, call: FailedCall) -> bool:
        error = call.error
        if error.api != self.api:
            return False
        if self.project is not None:
            # Project names are unique across regions: a failure recorded in another region's
            # list that names this project (and logstore) is still its failure.
            return error.project == self.project and self.logstore in (None, error.logstore)
        return self.region is None or call.region.lower() == self.region.lower()

    @property
    def is_listing(self) -> bool:
        return self.api not in (GET_INDEX, GET_TRAIL_STATUS)


def nothing_read(inventory: Inventory) -> tuple[FailedCall, ...]:
    """A snapshot without a region read no trail listing at all: a failed read, never "no trail"."""
    if inventory.regions:
        return ()
    message = "the snapshot holds no region, so no trail listing was read"
    return (FailedCall("", ScanError(api=DESCRIBE_TRAILS, code="NothingScanned", message=message)),)


def hidden_feed_reads(accept_log_audit: bool) -> tuple[Read, ...]:
    """The reads that could hide a feed: a region, a trail, or Log Audit's central project."""
    reads = (Read(DESCRIBE_REGIONS), Read(DESCRIBE_TRAILS))
    return (*reads, Read(LIST_PROJECT)) if accept_log_audit else reads


def alert_reads() -> tuple[Read, ...]:
    """The reads that could hide an alert on a feed (its query entry may name any project and region)."""
    return (Read(LIST_PROJECT), Read(LIST_ALERTS))


def index_read(feed: Feed) -> Read:
    """The feed logstore's index: with another index, the same query can catch other events."""
    return Read(GET_INDEX, feed.region, feed.project, feed.logstore)


def status_reads(feed: Feed) -> tuple[Read, ...]:
    """The trail's GetTrailStatus, which says its feed delivers (none for Log Audit's feed)."""
    return (Read(GET_TRAIL_STATUS, feed.status_region),) if feed.status_region else ()


# The order a scan makes its reads in (the collector's call plan): how depends_on is listed.
_API_ORDER = (DESCRIBE_REGIONS, DESCRIBE_TRAILS, GET_TRAIL_STATUS, LIST_PROJECT, LIST_ALERTS, GET_INDEX)


def unique(reads: Iterable[Read]) -> tuple[Read, ...]:
    """Each read once, in the scan's order; a read of every region or project makes its narrower
    ones redundant."""
    out: list[Read] = []
    for read in reads:
        if read in out or any(_wider(other, read) for other in out):
            continue
        out = [other for other in out if not _wider(read, other)]
        out.append(read)
    return tuple(sorted(out, key=_read_order))


def _read_order(read: Read) -> tuple[int, str, str, str]:
    rank = _API_ORDER.index(read.api) if read.api in _API_ORDER else len(_API_ORDER)
    return (rank, read.region or "", read.project or "", read.logstore or "")


def _wider(wide: Read, narrow: Read) -> bool:
    if wide.api != narrow.api or wide == narrow:
        return False
    return all(
        mine is None or mine == theirs
        for mine, theirs in (
            (wide.region, narrow.region),
            (wide.project, narrow.project),
            (wide.logstore, narrow.logstore),
        )
    )


def failed_reads(depends_on: Sequence[Read], failed: Iterable[FailedCall]) -> tuple[FailedCall, ...]:
    """The failed calls among the reads a verdict depends on: non-empty, it is no verdict."""
    listings = any(read.is_listing for read in depends_on)
    return tuple(call for call in failed if _spoils(call, depends_on, listings))


def _spoils(call: FailedCall, depends_on: Sequence[Read], listings: bool) -> bool:
    api = call.error.api
    if api in UNUSED_APIS:
        return False
    if api not in MODELLED_APIS:
        return listings  # unknown to this rule: it may hide whatever a listing could
    return any(read.failed_by(call) for read in depends_on)
