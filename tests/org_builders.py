"""Builders of organisation snapshot documents (organization/snapshot.py), on top of tests/builders.py.

`organization(members=[...])`: management account MANAGEMENT with an organisation trail delivering to
the log archive account LOG_ARCHIVE (the first member unless told otherwise); `member(account)` a
member with an empty inventory of its own unless given one.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.builders import REGION, document, region, trail
from tests.paths import SAMPLES

DIRECTORY = "rd-testdir01"
MANAGEMENT = "1500000000000001"
LOG_ARCHIVE = "1500000000000002"
ORG_PROJECT = "org-archive"
SAMPLE_ORGANIZATION = SAMPLES / "sample-organization.json"


def inventory(account: str, **region_fields: Any) -> dict[str, Any]:
    """A single-account snapshot of `account` with one region REGION (empty unless told)."""
    return document(regions={REGION: region(**region_fields)}, account=account)


def member(account: str, **fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "account_id": account,
        "display_name": f"member-{account[-4:]}",
        "status": "CreateSuccess",
        "folder_id": None,
        "type": "ResourceAccount",
        "role": "assumable",
        "left": False,
        "inventory": inventory(account),
    }
    doc.update(fields)
    return doc


def organization(
    members: list[dict[str, Any]] | None = None, *, log_archive: str | None = LOG_ARCHIVE
) -> dict[str, Any]:
    """The organisation document: MANAGEMENT's organisation trail `org` into LOG_ARCHIVE's project."""
    org_trail = trail(
        name="org",
        sls_arn=f"acs:log:{REGION}:{log_archive or MANAGEMENT}:project/{ORG_PROJECT}",
        IsOrganizationTrail=True,
        OrganizationId=DIRECTORY,
    )
    listed = [member(LOG_ARCHIVE)] if members is None else members
    return {
        "version": 1,
        "kind": "organization",
        "organization": {
            "id": DIRECTORY,
            "management_account_id": MANAGEMENT,
            "log_archive_account_id": log_archive,
        },
        "management": inventory(MANAGEMENT, trails=[org_trail]),
        "members": copy.deepcopy(listed),
    }


def many_members(count: int, first: int = 1600000000000000) -> list[dict[str, Any]]:
    """`count` plain members, account ids counting up from `first`, every third in folder fd-test000003."""
    return [member(str(first + n), folder_id="fd-test000003" if n % 3 == 0 else None) for n in range(count)]


def sample_organization() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SAMPLE_ORGANIZATION.read_text(encoding="utf-8"))
    return loaded
