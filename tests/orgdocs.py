"""Builders of an organisation's inventories for the organisation-mode tests: a management account
whose organisation trail `org` delivers into project `org-audit` of a log-archive account, where
alert `org-unauth` watches `actiontrail_org`. Snapshot documents (tests/builders.py), `*_doc`, and
their parsed inventories."""

from __future__ import annotations

from typing import Any

from cis216.inventory import Inventory, parse_inventory
from tests import builders as b

ORG_ID = "rd-abc123"
MANAGEMENT = "1000000000000001"
ARCHIVE = "1000000000000002"
MEMBER_A = "2000000000000001"
MEMBER_B = "2000000000000002"
MEMBER_C = "2000000000000003"
MEMBER_D = "2000000000000004"
MEMBER_E = "2000000000000005"
ORG_PROJECT = "org-audit"
ORG_LOGSTORE = "actiontrail_org"


def org_trail(**fields: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {"OrganizationId": ORG_ID}
    return b.trail(
        name="org", project=ORG_PROJECT, account=ARCHIVE, organization=True, **{**defaults, **fields}
    )


def management_doc(
    trails: list[dict[str, Any]] | None = None, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    listed = [org_trail()] if trails is None else trails
    return b.document(account=MANAGEMENT, regions={b.REGION: b.region(trails=listed, errors=errors or [])})


def archive_doc(
    query: str = b.TEMPLATE_QUERY, errors: list[dict[str, Any]] | None = None, **alert: Any
) -> dict[str, Any]:
    found = b.alert(name="org-unauth", query=query, store=ORG_LOGSTORE, **alert)
    region = b.region(trails=[], alerts=[found], project=ORG_PROJECT, errors=errors or [])
    return b.document(account=ARCHIVE, regions={b.REGION: region})


def member_doc(
    account: str = MEMBER_A, *, own_feed: bool = False, sees_org_trail: bool = True
) -> dict[str, Any]:
    trails = [org_trail()] if sees_org_trail else []
    if own_feed:
        return b.snapshot(trails=[*trails, b.trail(account=account)], account=account)
    return b.document(account=account, regions={b.REGION: b.region(trails=trails, errors=[])})


def excluding(member: str) -> str:
    """The template query, narrowed away from `member`."""
    search, pipe = b.TEMPLATE_QUERY.split("|")
    return f"{search.strip()} and not event.recipientAccountId: {member} | {pipe.strip()}"


def management(
    trails: list[dict[str, Any]] | None = None, errors: list[dict[str, Any]] | None = None
) -> Inventory:
    return parse_inventory(management_doc(trails, errors))


def archive(
    query: str = b.TEMPLATE_QUERY, errors: list[dict[str, Any]] | None = None, **alert: Any
) -> Inventory:
    return parse_inventory(archive_doc(query, errors, **alert))


def member(account: str = MEMBER_A, *, own_feed: bool = False, sees_org_trail: bool = True) -> Inventory:
    return parse_inventory(member_doc(account, own_feed=own_feed, sees_org_trail=sees_org_trail))
