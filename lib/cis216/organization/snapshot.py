"""The organisation form of the snapshot: a Resource Directory, its management account and members,
each account's own single-account inventory embedded as it is today.

```
{"version": 1, "kind": "organization",
 "organization": {"id": "rd-...", "management_account_id": "<uid>", "log_archive_account_id": "<uid>" | null,
                  "log_audit": null | {"central_account_id": "<uid>", "region": "cn-hangzhou",
                                       "type": "all" | "custom", "members": ["<uid>", ...],
                                       "actiontrail_enabled": true}},
 "management": <snapshot of the management account (its regions hold the organisation trails)>,
 "members": [{"account_id", "display_name", "status", "folder_id", "type",
              "role": "assumable" | "missing" | "untrusted", "left": false, "inventory": <snapshot>}]}
```

Parsed in two steps so every error names its JSON path in the whole document: the envelope (the
organisation and each member's own fields) first, then each embedded inventory through
`inventory.parse_inventory`, whose paths are prefixed with where the inventory sits
(`members[2].inventory.regions.cn-hangzhou.trails[0].Name`). Then the cross-checks: the accounts
named agree with the inventories given, a member is listed once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError, field_validator

from ..aliyun import AccountId, RegionId
from ..inventory import SNAPSHOT_VERSION, Inventory, InventoryError, decode_json, parse_inventory, read_file
from ..validation import describe, json_path

ORGANIZATION_KIND = "organization"
# What ListAccounts answers in `Status` (Resource Directory API reference); other values are kept
# as given, since the service may add states, but these are the ones the sample and tests use.
MEMBER_STATUSES = (
    "CreateSuccess",
    "InviteSuccess",
    "PromoteVerifying",
    "PromoteFailed",
    "PromoteExpired",
    "PromoteCancelled",
    "PromoteSuccess",
)
# Whether the scanner can assume the member role: "missing" (no such role in the member: STS answers
# EntityNotExist.Role) or "untrusted" (the role does not trust the scanner: NoPermission).
RoleState = Literal["assumable", "missing", "untrusted"]
AccountType = Literal["CloudAccount", "ResourceAccount"]
_UNKNOWN = f"unknown field (not part of the organisation snapshot, version {SNAPSHOT_VERSION})"


class LogAuditInfo(BaseModel):
    """Log Audit Service in multi-account mode, as its DescribeApp configuration says it: the central
    project `slsaudit-center-<central account>-<region>` (with its alerts) is in the central account's
    own inventory."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    # The account that runs it: the management account (the coordinator's), or a member (a
    # delegated administrator, which the coordinator running as the management account does not see).
    central_account_id: AccountId
    region: RegionId
    # "all": every member of the resource directory; "custom": those of `members`.
    type: Literal["all", "custom"]
    members: list[AccountId] = Field(default_factory=list)
    actiontrail_enabled: StrictBool = True


class OrganizationInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: str = Field(min_length=1)  # the Resource Directory id, rd-...
    management_account_id: AccountId
    # Where the organisation trail delivers (one of the accounts listed); None: no log archive.
    log_archive_account_id: AccountId | None = None
    # Log Audit's multi-account collection, where configured.
    log_audit: LogAuditInfo | None = None


class _MemberFields(BaseModel):
    """A member as ListAccounts lists it, plus what the emulator needs to act it out."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    account_id: AccountId
    display_name: str = ""
    status: str = Field(default="CreateSuccess", min_length=1)
    folder_id: str | None = None
    type: AccountType = "ResourceAccount"
    role: RoleState = "assumable"
    # Listed by ListAccounts, gone from the directory by the time its worker runs.
    left: StrictBool = False


class MemberEntry(_MemberFields):
    inventory: Inventory


class OrganizationSnapshot(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: StrictInt
    kind: Literal["organization"]
    organization: OrganizationInfo
    management: Inventory
    members: list[MemberEntry]

    def member(self, account_id: str) -> MemberEntry | None:
        return next((m for m in self.members if m.account_id == account_id), None)

    def inventory_of(self, account_id: str) -> Inventory | None:
        """The inventory of any account of the organisation, the management account's included."""
        if account_id == self.management.account_id:
            return self.management
        found = self.member(account_id)
        return found.inventory if found else None


# ---- the envelope: everything but the embedded inventories ----------------------------------


class _EnvelopeMember(_MemberFields):
    inventory: dict[str, Any]


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    version: StrictInt
    kind: Literal["organization"]
    organization: OrganizationInfo
    management: dict[str, Any]
    members: list[_EnvelopeMember]

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != SNAPSHOT_VERSION:
            raise ValueError(
                f"unsupported snapshot version {value}; this cis216 reads version {SNAPSHOT_VERSION}"
            )
        return value


def is_organization_document(document: object) -> bool:
    """Whether a decoded snapshot is the organisation form (`"kind": "organization"`)."""
    return isinstance(document, dict) and document.get("kind") == ORGANIZATION_KIND


def parse_organization(document: Any, source: str = "snapshot") -> OrganizationSnapshot:
    """The organisation snapshot, or an InventoryError naming the JSON path of every problem found."""
    if not isinstance(document, dict):
        kind = "an array" if isinstance(document, list) else type(document).__name__
        raise InventoryError(f"{source}: (document): expected a JSON object (a snapshot), got {kind}")
    try:
        envelope = _Envelope.model_validate(document)
    except ValidationError as error:
        raise InventoryError(describe(error, source, unknown_field=_UNKNOWN)) from None
    problems: list[str] = []
    management = _embedded(document["management"], ("management",), source, problems)
    members = [
        _embedded(raw.inventory, ("members", index, "inventory"), source, problems)
        for index, raw in enumerate(envelope.members)
    ]
    if problems:
        raise InventoryError("\n".join(problems))
    parsed = [inventory for inventory in members if inventory is not None]
    assert management is not None and len(parsed) == len(members)  # no problem: every one parsed
    problems = _cross_problems(envelope, management, parsed)
    if problems:
        raise InventoryError("\n".join(f"{source}: {problem}" for problem in problems))
    return OrganizationSnapshot(
        version=envelope.version,
        kind=envelope.kind,
        organization=envelope.organization,
        management=management,
        members=[
            MemberEntry(**raw.model_dump(exclude={"inventory"}), inventory=inventory)
            for raw, inventory in zip(envelope.members, parsed, strict=True)
        ],
    )


def load_organization(path: str | Path) -> OrganizationSnapshot:
    """Read and parse an organisation snapshot file; every failure is an InventoryError."""
    return parse_organization(decode_json(read_file(path), str(path)), source=str(path))


# Stands for the source while an embedded inventory is parsed, so its lines can be re-prefixed.
_MARK = "\x00embedded"


def _embedded(
    document: dict[str, Any], where: tuple[str | int, ...], source: str, problems: list[str]
) -> Inventory | None:
    """An embedded inventory, or None with its problems (paths prefixed by `where`) added."""
    try:
        return parse_inventory(document, source=_MARK)
    except InventoryError as error:
        prefix = json_path(where)
        problems.extend(f"{source}: {_prefixed(line, prefix)}" for line in str(error).splitlines())
        return None


def _prefixed(line: str, prefix: str) -> str:
    rest = line.removeprefix(_MARK + ": ")
    if rest.startswith("(document)"):
        return prefix + rest.removeprefix("(document)")
    return prefix + ("" if rest.startswith("[") else ".") + rest


def _cross_problems(envelope: _Envelope, management: Inventory, members: list[Inventory]) -> list[str]:
    org = envelope.organization
    problems = []
    if management.account_id != org.management_account_id:
        problems.append(
            f"management.account_id: {management.account_id} is not the management account "
            f"(organization.management_account_id is {org.management_account_id})"
        )
    seen: dict[str, int] = {}
    for index, (member, inventory) in enumerate(zip(envelope.members, members, strict=True)):
        where = json_path(("members", index))
        if inventory.account_id != member.account_id:
            problems.append(
                f"{where}.inventory.account_id: {inventory.account_id} is not the member's own "
                f"account ({where}.account_id is {member.account_id})"
            )
        if member.account_id == org.management_account_id:
            problems.append(
                f"{where}.account_id: {member.account_id} is the management account, not a member"
            )
        if member.account_id in seen:
            problems.append(
                f"{where}.account_id: {member.account_id} is listed already, at "
                f"{json_path(('members', seen[member.account_id]))}"
            )
        seen.setdefault(member.account_id, index)
    archive = org.log_archive_account_id
    if archive is not None and archive not in seen and archive != org.management_account_id:
        problems.append(
            f"organization.log_archive_account_id: {archive} is neither the management account nor a member"
        )
    return problems + _log_audit_problems(org, {org.management_account_id, *seen})


def _log_audit_problems(org: OrganizationInfo, accounts: set[str]) -> list[str]:
    audit = org.log_audit
    if audit is None:
        return []
    problems = []
    if audit.central_account_id not in accounts:
        problems.append(
            f"organization.log_audit.central_account_id: {audit.central_account_id} is neither the "
            "management account nor a member"
        )
    if audit.type == "all" and audit.members:
        problems.append("organization.log_audit.members: listed, but type 'all' collects every member")
    if audit.type == "custom" and not audit.members:
        problems.append("organization.log_audit.members: type 'custom' needs the members it collects")
    return problems
