"""Resource Directory request handlers (GetAccount: a member that left is no longer known). Listing is for the management account only (the API also
lets a delegated administrator list; the emulator has none): a member is refused as the service
refuses it, an account outside any directory is told it has none."""

from __future__ import annotations

from typing import Any

from ..context import CallContext
from ..errors import ServiceError
from .backend import Directory, DirectoryAccount, ResourceManagerBackend

Context = CallContext[ResourceManagerBackend]
MAX_PAGE_SIZE = 100  # the API's documented range is 1-100, default 10
DEFAULT_PAGE_SIZE = 10


def _no_directory() -> ServiceError:
    return ServiceError(
        404, "NotExists.ResourceDirectory", "The resource directory for the account is not enabled."
    )


def _managed(ctx: Context) -> Directory:
    directory = ctx.backend.directory_of(ctx.account)
    if directory is None:
        raise _no_directory()
    if directory.master_account_id != ctx.account:
        raise ServiceError(
            409,
            "NoPermission.ResourceDirectory.MemberAccount",
            "ResourceDirectory Member Account is not authorized to perform this operation.",
        )
    return directory


def _positive(ctx: Context, name: str, default: int, most: int | None = None) -> int:
    text = ctx.query.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1 or (most is not None and value > most):
        raise ServiceError(400, f"InvalidParameter.{name}", f"The specified {name} is invalid.")
    return value


def _page(ctx: Context, directory: Directory, accounts: list[DirectoryAccount]) -> dict[str, Any]:
    number = _positive(ctx, "PageNumber", 1)
    size = _positive(ctx, "PageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    chunk = accounts[(number - 1) * size : number * size]
    return {
        "TotalCount": len(accounts),
        "PageNumber": number,
        "PageSize": size,
        "Accounts": {"Account": [a.item(directory.id, directory.path_of(a)) for a in chunk]},
    }


def list_accounts(ctx: Context) -> dict[str, Any]:
    directory = _managed(ctx)
    return _page(ctx, directory, directory.accounts)


def list_accounts_for_parent(ctx: Context) -> dict[str, Any]:
    directory = _managed(ctx)
    folder = ctx.query.get("ParentFolderId", "")
    if not folder:
        raise ServiceError(400, "MissingParameter.ParentFolderId", "You must specify ParentFolderId.")
    if folder != directory.root_folder_id and folder not in directory.folders:
        raise ServiceError(404, "EntityNotExists.Folder", "The specified folder does not exist.")
    return _page(ctx, directory, [a for a in directory.accounts if a.folder_id == folder])


def get_account(ctx: Context) -> dict[str, Any]:
    directory = ctx.backend.directory_of(ctx.account)
    if directory is None:
        raise ServiceError(
            404,
            "EntityNotExists.ResourceDirectory",
            "The resource directory for the account is not enabled. "
            "We recommend that you first enable the resource directory for the account.",
        )
    wanted = ctx.query.get("AccountId", "")
    if not wanted:
        raise ServiceError(400, "MissingParameter.AccountId", "You must specify AccountId.")
    found = next((a for a in directory.accounts if a.account_id == wanted and not a.left), None)
    if found is None:
        raise ServiceError(404, "EntityNotExists.Account", "This resource directory account does not exist.")
    return {"Account": found.item(directory.id, directory.path_of(found))}


def get_resource_directory(ctx: Context) -> dict[str, Any]:
    directory = ctx.backend.directory_of(ctx.account)
    if directory is None:
        raise ServiceError(
            404,
            "ResourceDirectoryNotInUse",
            "The specified account is not an Alibaba Cloud account or a member account of the resource directory.",
        )
    return {
        "ResourceDirectory": {
            "ResourceDirectoryId": directory.id,
            "MasterAccountId": directory.master_account_id,
            "MasterAccountName": f"management-{directory.master_account_id}",
            "RootFolderId": directory.root_folder_id,
            "CreateTime": "2025-03-01T08:00:00.000Z",
            "ControlPolicyStatus": "Disabled",
            "MemberDeletionStatus": "Enabled",
        }
    }
