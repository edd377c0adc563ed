"""What the organisation flow needs of the cloud, as Protocols matching the adapters' signatures
(adapters/resourcemanager.py, adapters/fc.py, adapters/sts.assume_role, adapters/logaudit.py): the
coordinator and the worker are written, and tested with in-memory fakes, against these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from ...adapters.credentials import Credentials
from ...organization.log_audit import LogAuditConfig

Dispatch = Literal["enqueued", "already_queued"]


class Member(Protocol):
    """One account of a ListAccounts page."""

    @property
    def account_id(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def folder_id(self) -> str | None: ...


class AccountsPage(Protocol):
    @property
    def members(self) -> Sequence[Member]: ...
    @property
    def total(self) -> int: ...
    @property
    def page_number(self) -> int: ...
    @property
    def page_size(self) -> int: ...


class ResourceDirectory(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def master_account_id(self) -> str: ...


class MemberDirectory(Protocol):
    """The Resource Directory, read with the function's (management or delegated admin) credentials."""

    def list_accounts(self, page_number: int, page_size: int, timeout: float) -> AccountsPage: ...

    def list_accounts_for_parent(
        self, folder_id: str, page_number: int, page_size: int, timeout: float
    ) -> AccountsPage: ...

    def get_resource_directory(self, timeout: float) -> ResourceDirectory: ...

    def get_account(self, account_id: str, timeout: float) -> Member | None:
        """The member, or None when the directory does not hold it (any more)."""
        ...


class WorkerQueue(Protocol):
    """FC asynchronous invocations of the worker function: `already_queued` when the task id was
    queued before (FC's task de-duplication answers 409)."""

    def enqueue(self, payload: bytes, task_id: str, timeout: float) -> Dispatch: ...


class RoleAssumer(Protocol):
    """STS AssumeRole with the function's credentials: one call, static STS credentials out."""

    def assume(self, role_arn: str, session_name: str, timeout: float) -> Credentials: ...


class LogAuditReader(Protocol):
    """Log Audit's configuration in the function's own account (SLS DescribeApp): None when Log Audit
    was never set up there; raises CallError when it could not be read."""

    def describe(self, timeout: float) -> LogAuditConfig | None: ...
