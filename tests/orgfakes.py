"""In-memory stand-ins for the organisation ports (shell/org/ports.py): a resource directory, FC's
async queue with task-id de-duplication, and an AssumeRole that mints the emulator's member keys.
The member scans themselves run on the real SDKs against the emulated cloud."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from types import SimpleNamespace

from cis216.adapters.calls import CallError
from cis216.adapters.credentials import Credentials
from cis216.emulator import EmulatedCloud
from cis216.shell.org.coordinator import OrgPorts


@dataclass(frozen=True)
class FakeMember:
    account_id: str
    display_name: str = "member"
    status: str = "CreateSuccess"
    type: str = "ResourceAccount"
    folder_id: str | None = None


@dataclass(frozen=True)
class FakePage:
    members: list[FakeMember]
    total: int
    page_number: int
    page_size: int


@dataclass(frozen=True)
class FakeDirectoryInfo:
    id: str
    master_account_id: str
    root_folder_id: str = "fd-root"


@dataclass
class FakeDirectory:
    organization_id: str
    management: str
    members: list[FakeMember]
    calls: list[tuple[str, int]] = field(default_factory=list)

    def _page(self, listed: list[FakeMember], number: int, size: int) -> FakePage:
        return FakePage(listed[(number - 1) * size : number * size], len(listed), number, size)

    def list_accounts(self, page_number: int, page_size: int, timeout: float) -> FakePage:
        self.calls.append(("ListAccounts", page_number))
        return self._page(self.members, page_number, page_size)

    def list_accounts_for_parent(
        self, folder_id: str, page_number: int, page_size: int, timeout: float
    ) -> FakePage:
        self.calls.append((f"ListAccountsForParent {folder_id}", page_number))
        return self._page([m for m in self.members if m.folder_id == folder_id], page_number, page_size)

    def get_resource_directory(self, timeout: float) -> FakeDirectoryInfo:
        return FakeDirectoryInfo(self.organization_id, self.management)

    def get_account(self, account_id: str, timeout: float) -> FakeMember | None:
        """The member, or None once it left (is no longer in `members`), as GetAccount answers."""
        self.calls.append(("GetAccount", 0))
        return next((m for m in self.members if m.account_id == account_id), None)


@dataclass
class FakeQueue:
    """FC async with task ids: a repeated id is refused (409), `refuse` fails a member's enqueue."""

    tasks: dict[str, bytes] = field(default_factory=dict)
    refuse: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def enqueue(self, payload: bytes, task_id: str, timeout: float) -> str:
        if any(task_id.endswith(member) for member in self.refuse):
            raise CallError("InvokeFunction", "ResourceThrottled", "too many requests", status=429)
        with self._lock:
            if task_id in self.tasks:
                return "already_queued"
            self.tasks[task_id] = payload
            return "enqueued"


@dataclass
class FakeAssumer:
    """AssumeRole against the emulator's STS state (keys bound to the member account); a member in
    `missing` has no such role (EntityNotExist.Role, as STS answers)."""

    emulated: EmulatedCloud
    missing: set[str] = field(default_factory=set)
    sessions: list[str] = field(default_factory=list)

    def assume(self, role_arn: str, session_name: str, timeout: float) -> Credentials:
        self.sessions.append(session_name)
        account = role_arn.split(":")[3]
        if account in self.missing:
            raise CallError(
                "AssumeRole", "EntityNotExist.Role", f"The role not exists: {role_arn}", status=404
            )
        assumed = self.emulated.sts.assume(role_arn, session_name)
        assert assumed is not None
        key = assumed.credentials
        return Credentials(key.access_key_id, key.access_key_secret, key.security_token, source="assume-role")


@dataclass
class FakePorts:
    directory: FakeDirectory
    queue: FakeQueue
    assumer: FakeAssumer

    def __call__(self, plan: object, config: object, credentials: object, account_id: str) -> OrgPorts:
        return OrgPorts(self.directory, self.queue, self.assumer)


@dataclass
class DrainResult:
    succeeded: int = 0
    failed: list[str] = field(default_factory=list)


@dataclass
class DrainingQueue:
    """FakeQueue's tasks drained in order, as the emulator's FC queue does (retries included)."""

    queue: FakeQueue

    def drain(self, run, *, max_attempts: int = 3) -> DrainResult:
        result = DrainResult()
        for task, body in list(self.queue.tasks.items()):
            for attempt in range(1, max_attempts + 1):
                try:
                    run(SimpleNamespace(body=body, async_task_id=task))
                except Exception as error:
                    if attempt == max_attempts:
                        result.failed.append(f"{task}: {error}")
                    continue
                result.succeeded += 1
                break
        return result


@dataclass
class OrganizationCloud:
    """The emulated cloud as the local runner sees it, with the fake queue as its FC."""

    emulated: EmulatedCloud
    fc: DrainingQueue

    def seed_organization(self, org: object) -> None:
        raise NotImplementedError("seeded by the test")

    def create_logstore(self, account: str, region: str, project: str, logstore: str) -> None:
        self.emulated.create_logstore(account, region, project, logstore)
