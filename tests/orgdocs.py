"""Builders of an organisation's inventories for the organisation-mode tests: a management account
whose organisation trail `org` delivers into project `org-audit` of a log-archive account, where
alert `org-unauth` watches `actiontrail_org`. Plain snapshot documents (tests/builders.py)."""

from __future__ import annotations

from typing import Any

from cis216.inventory import Inventory, parse_inventory
from tests import builders as b

ORG_ID = "rd-abc123"
MANAGEMENT = "1000000000000001"
ARCHIVE = "1000000000000002"
MEMBER_A = "2000000000000001"
MEMBER_C = "2000000000000003"
ORG_PROJECT = "org-audit"
ORG_LOGSTORE = "actiontrail_org"


def org_trail(**fields: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {"OrganizationId": ORG_ID}
    return b.trail(
        name="org", project=ORG_PROJECT, account=ARCHIVE, organization=True, **{**defaults, **fields}
    )


def management(
    trails: list[dict[str, Any]] | None = None, errors: list[dict[str, Any]] | None = None
) -> Inventory:
    listed = [org_trail()] if trails is None else trails
    doc = b.document(account=MANAGEMENT, regions={b.REGION: b.region(trails=listed, errors=errors or [])})
    return parse_inventory(doc)


def archive(
    query: str = b.TEMPLATE_QUERY, errors: list[dict[str, Any]] | None = None, **alert: Any
) -> Inventory:
    found = b.alert(name="org-unauth", query=query, store=ORG_LOGSTORE, **alert)
    doc = b.document(
        account=ARCHIVE,
        regions={b.REGION: b.region(trails=[], alerts=[found], project=ORG_PROJECT, errors=errors or [])},
    )
    return parse_inventory(doc)


def member(account: str = MEMBER_A, *, own_feed: bool = False, sees_org_trail: bool = True) -> Inventory:
    trails = [org_trail()] if sees_org_trail else []
    if own_feed:
        trails.append(b.trail(account=account))
        doc = b.snapshot(trails=trails, account=account)
    else:
        doc = b.document(account=account, regions={b.REGION: b.region(trails=trails, errors=[])})
    return parse_inventory(doc)
