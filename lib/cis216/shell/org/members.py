"""The members an organisation scan covers: ListAccounts (or ListAccountsForParent per folder) page
by page, then the allow and deny lists. Each call goes through the scan's Caller (retries, timeout)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ...adapters.calls import Caller
from ..events import MemberRef, Overrides
from .ports import AccountsPage, MemberDirectory

PAGE_SIZE = 100  # the API's largest page: 10,000 members are 100 pages
MAX_PAGES = 1000  # a directory answering pages forever stops here (100,000 members)
# FC async task ids: a letter or '_' first, then letters, digits, '_' and '-', at most 128.
TASK_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,127}")


@dataclass(frozen=True)
class MemberListing:
    members: tuple[MemberRef, ...]  # to scan, in listing order
    listed: int  # every member the directory listed (folders merged)
    excluded: int  # left out by ORG_ACCOUNTS_ALLOW / ORG_ACCOUNTS_DENY


def run_variant(overrides: Overrides) -> str:
    """What of the invocation, besides its scan id, the task id must tell apart: a dry run from a
    real one ("dry"/"run") and the overrides (regions, settings, profile; a short hash), since the
    scan id ignores them: a dry run never blocks the real run of the same scan_time."""
    asked = overrides.model_dump_json(include={"regions", "settings", "profile"})
    digest = hashlib.sha256(asked.encode()).hexdigest()[:8]
    return f"{'dry' if overrides.dry_run else 'run'}-{digest}"


def task_id(scan_id: str, member: str, variant: str = "") -> str:
    """The worker's async task id: the same scan, variant (run_variant) and member always give the
    same id, so FC refuses a rerun's repeat (409) instead of queuing the member twice."""
    task = f"cis216-{scan_id}-{variant + '-' if variant else ''}{member}"
    if not TASK_ID.fullmatch(task):
        raise ValueError(f"{task!r} is not an FC async task id ([A-Za-z_][A-Za-z0-9_-]{{0,127}})")
    return task


class IncompleteListing(RuntimeError):
    """The directory listed fewer members than its TotalCount, twice: the coordinator fails (FC
    retries the timer run) rather than scan an organisation with members silently left out."""


def list_members(
    directory: MemberDirectory,
    caller: Caller,
    folders: tuple[str, ...] | None,
    allow: tuple[str, ...] | None,
    deny: tuple[str, ...] | None,
) -> MemberListing:
    found: dict[str, MemberRef] = {}
    if folders:
        for folder in folders:
            listed = _complete(_for_parent(directory, caller, folder), f"folder {folder}")
            found.update((m.account_id, m) for m in listed if m.account_id not in found)
    else:
        found.update((m.account_id, m) for m in _complete(_whole(directory, caller), "the directory"))
    kept = [
        m for m in found.values() if (not allow or m.account_id in allow) and m.account_id not in (deny or ())
    ]
    return MemberListing(members=tuple(kept), listed=len(found), excluded=len(found) - len(kept))


def _complete(fetch: Callable[[int], AccountsPage], what: str) -> list[MemberRef]:
    """Every member once, in listing order. Page-number paging can miss a member that moves between
    pages while we read, and MAX_PAGES can cut a listing short: either leaves fewer unique members
    than the last page's TotalCount, so the listing is read once more, then refused."""
    for _ in range(2):
        pages = _Pages(fetch)
        members = list({m.account_id: m for m in pages}.values())
        if len(members) >= pages.total and not pages.truncated:
            return members
    cut = f", cut at {MAX_PAGES} pages" if pages.truncated else ""
    raise IncompleteListing(
        f"listing {what} gave {len(members)} unique members of its TotalCount {pages.total}{cut}, "
        f"twice: no member is queued, so none is left out silently"
    )


def _whole(directory: MemberDirectory, caller: Caller) -> Callable[[int], AccountsPage]:
    return lambda n: caller.call("ListAccounts", lambda t: directory.list_accounts(n, PAGE_SIZE, t))


def _for_parent(directory: MemberDirectory, caller: Caller, folder: str) -> Callable[[int], AccountsPage]:
    return lambda n: caller.call(
        "ListAccountsForParent", lambda t: directory.list_accounts_for_parent(folder, n, PAGE_SIZE, t)
    )


class _Pages:
    """Page numbers from 1 until page_number * page_size reaches TotalCount (or a page is empty);
    after iterating, `total` is the last page's TotalCount and `truncated` whether MAX_PAGES ended it."""

    def __init__(self, fetch: Callable[[int], AccountsPage]) -> None:
        self._fetch = fetch
        self.total = 0
        self.truncated = False

    def __iter__(self) -> Iterator[MemberRef]:
        for number in range(1, MAX_PAGES + 1):
            page = self._fetch(number)
            self.total = page.total
            for member in page.members:
                yield MemberRef(
                    account_id=member.account_id,
                    display_name=member.display_name,
                    status=member.status,
                    type=member.type,
                    folder_id=member.folder_id,
                )
            size = page.page_size or PAGE_SIZE
            if not page.members or number * size >= page.total:
                return
        self.truncated = True
