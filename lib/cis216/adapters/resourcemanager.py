"""Resource Directory (resourcemanager 2020-03-31) through the official SDK: the members of the
organisation, one page per call (the caller pages: `PageNumber` from 1, until `page_number *
page_size >= total`), and the directory itself.

The endpoint is the SDK's `central` one, resourcemanager.aliyuncs.com, whatever the region; only
the management account (or a delegated administrator) may list.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from ._openapi import call_rpc, make_config
from .answers import (
    RPC_ERROR,
    AccountItem,
    GetAccountAnswer,
    GetResourceDirectoryAnswer,
    ListAccountsAnswer,
    read_answer,
)
from .calls import CallError
from .credentials import Credentials

VERSION = "2020-03-31"
ENDPOINT = "resourcemanager.aliyuncs.com"
# The API's own range is 1-100 (default 10): 10,000 members are 100 pages.
MAX_PAGE_SIZE = 100
# A region the central endpoint is signed for; it answers the same from every region.
SIGNING_REGION = "cn-hangzhou"
# GetAccount's answer for an account the directory does not hold.
NOT_A_MEMBER = "EntityNotExists.Account"


@dataclass(frozen=True)
class Member:
    account_id: str
    display_name: str
    status: str
    type: str
    folder_id: str | None


@dataclass(frozen=True)
class AccountsPage:
    members: list[Member]
    total: int
    page_number: int
    page_size: int

    @property
    def last(self) -> bool:
        """Whether no page follows this one."""
        return self.page_number * self.page_size >= self.total


@dataclass(frozen=True)
class ResourceDirectory:
    id: str
    master_account_id: str
    root_folder_id: str


class ResourceDirectoryAdapter:
    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials
        self._client_made: Any = None
        self._lock = threading.Lock()

    def _client(self) -> Any:
        with self._lock:
            if self._client_made is None:
                from alibabacloud_resourcemanager20200331.client import Client

                self._client_made = Client(make_config(self._credentials, SIGNING_REGION, ENDPOINT))
            return self._client_made

    def list_accounts(self, page_number: int, page_size: int, timeout: float) -> AccountsPage:
        """One page of every member of the directory."""
        return self._page("ListAccounts", {}, page_number, page_size, timeout)

    def list_accounts_for_parent(
        self, folder_id: str, page_number: int, page_size: int, timeout: float
    ) -> AccountsPage:
        """One page of the members directly in folder `folder_id` (not in its sub-folders)."""
        return self._page(
            "ListAccountsForParent", {"ParentFolderId": folder_id}, page_number, page_size, timeout
        )

    def get_account(self, account_id: str, timeout: float) -> Member | None:
        """The member `account_id`, or None when the directory does not hold it (any more): how a
        worker that cannot assume a member's role tells "the member left" from "its role is missing"."""
        try:
            body = call_rpc(
                self._client(), ENDPOINT, "GetAccount", VERSION, {"AccountId": account_id}, timeout
            )
        except CallError as error:
            if error.code == NOT_A_MEMBER:
                return None
            raise
        return _member(read_answer(GetAccountAnswer, "GetAccount", body, error_keys=RPC_ERROR).account)

    def get_resource_directory(self, timeout: float) -> ResourceDirectory:
        body = call_rpc(self._client(), ENDPOINT, "GetResourceDirectory", VERSION, None, timeout)
        found = read_answer(
            GetResourceDirectoryAnswer, "GetResourceDirectory", body, error_keys=RPC_ERROR
        ).resource_directory
        return ResourceDirectory(found.resource_directory_id, found.master_account_id, found.root_folder_id)

    def _page(
        self, api: str, query: dict[str, Any], page_number: int, page_size: int, timeout: float
    ) -> AccountsPage:
        if page_number < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(
                f"{api}: page {page_number} of size {page_size} (pages from 1, 1-{MAX_PAGE_SIZE})"
            )
        asked = {"page_number": page_number, "page_size": page_size}
        body = call_rpc(
            self._client(),
            ENDPOINT,
            api,
            VERSION,
            {**query, "PageNumber": page_number, "PageSize": page_size},
            timeout,
        )
        answer = read_answer(ListAccountsAnswer, api, body, error_keys=RPC_ERROR, context=asked)
        members = [_member(item) for item in answer.accounts.account]
        return AccountsPage(members, answer.total_count, answer.page_number, answer.page_size)


def _member(item: AccountItem) -> Member:
    return Member(item.account_id, item.display_name, item.status, item.type, item.folder_id or None)
