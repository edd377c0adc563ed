"""Resource Directory state: one directory per management account, its folders and member accounts.

A member that "left" (the organisation snapshot's `left: true`) acts out the race the issue
describes: it is still listed (the coordinator's listing was taken before it left), but asked after
that, GetAccount no longer knows it, and STS no longer has its roles (sts/backend.py
`closed_accounts`): what its worker meets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# When a member joined, as ListAccounts states it (the emulator has no history of its own).
JOIN_TIME = "2025-03-02T10:11:12.000Z"


@dataclass(frozen=True)
class DirectoryAccount:
    account_id: str
    display_name: str
    status: str
    type: str
    folder_id: str
    join_method: str  # "created" (a resource account) or "invited" (a cloud account)
    left: bool = False  # gone after the coordinator listed it: GetAccount answers 404

    def item(self, directory_id: str, path: str) -> dict[str, object]:
        """The account as ListAccounts answers it (an `Accounts.Account` item)."""
        return {
            "AccountId": self.account_id,
            "DisplayName": self.display_name,
            "Status": self.status,
            "Type": self.type,
            "FolderId": self.folder_id,
            "JoinMethod": self.join_method,
            "JoinTime": JOIN_TIME,
            "ModifyTime": JOIN_TIME,
            "ResourceDirectoryId": directory_id,
            "ResourceDirectoryPath": path,
        }


@dataclass
class Directory:
    id: str
    master_account_id: str
    root_folder_id: str
    accounts: list[DirectoryAccount] = field(default_factory=list)  # in the order they joined
    folders: dict[str, str] = field(default_factory=dict)  # folder id -> parent folder id

    def path_of(self, account: DirectoryAccount) -> str:
        """`rd-xx/r-xx/fd-xx/<account id>`: the folders from the root down, as the API writes it."""
        chain = [account.folder_id]
        while chain[-1] in self.folders:
            chain.append(self.folders[chain[-1]])
        return "/".join([self.id, *reversed(chain), account.account_id])


class ResourceManagerBackend:
    def __init__(self) -> None:
        self.directories: dict[str, Directory] = {}  # management account -> its directory
        self.member_of: dict[str, str] = {}  # member account -> management account

    def create_directory(
        self, management: str, directory_id: str, root_folder_id: str | None = None
    ) -> Directory:
        root = root_folder_id or "r-" + directory_id.removeprefix("rd-")[:6]
        directory = Directory(directory_id, management, root)
        self.directories[management] = directory
        return directory

    def add_account(
        self,
        management: str,
        account_id: str,
        *,
        display_name: str = "",
        status: str = "CreateSuccess",
        type: str = "ResourceAccount",
        folder_id: str | None = None,
        left: bool = False,
    ) -> DirectoryAccount:
        directory = self.directories[management]
        folder = folder_id or directory.root_folder_id
        if folder != directory.root_folder_id:
            directory.folders.setdefault(folder, directory.root_folder_id)
        account = DirectoryAccount(
            account_id,
            display_name or account_id,
            status,
            type,
            folder,
            "created" if type == "ResourceAccount" else "invited",
            left,
        )
        directory.accounts = [a for a in directory.accounts if a.account_id != account_id] + [account]
        self.member_of[account_id] = management
        return account

    def directory_of(self, account: str) -> Directory | None:
        """The directory `account` manages or belongs to."""
        management = account if account in self.directories else self.member_of.get(account)
        return self.directories.get(management) if management else None
