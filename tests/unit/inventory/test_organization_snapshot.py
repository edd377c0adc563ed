"""The organisation form of the snapshot: parsed into its models, every problem named by its JSON path
in the whole document (embedded inventories included)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cis216.inventory import InventoryError
from cis216.organization.snapshot import (
    OrganizationSnapshot,
    is_organization_document,
    load_organization,
    parse_organization,
)
from tests.builders import trail
from tests.org_builders import (
    LOG_ARCHIVE,
    MANAGEMENT,
    SAMPLE_ORGANIZATION,
    inventory,
    member,
    organization,
    sample_organization,
)
from tests.paths import README

MEMBER = "1500000000000003"


def _error(document: Any) -> str:
    with pytest.raises(InventoryError) as caught:
        parse_organization(document, source="org.json")
    return str(caught.value)


def test_the_bundled_sample_has_every_kind_of_member_the_issue_asks_for():
    org = load_organization(SAMPLE_ORGANIZATION)
    assert isinstance(org, OrganizationSnapshot)
    by_name = {m.display_name: m for m in org.members}
    assert org.organization.log_archive_account_id == by_name["log-archive"].account_id
    assert by_name["payments-own-feed"].inventory.regions["cn-hangzhou"].trails  # its own feed
    assert not by_name["app-covered-by-org-trail"].inventory.regions["cn-hangzhou"].trails
    assert by_name["sandbox-no-role"].role == "missing"
    assert by_name["vendor-untrusted-role"].role == "untrusted"
    assert by_name["retired-left-directory"].left is True
    excluded = by_name["data-excluded-by-query"].account_id
    [alert] = by_name["log-archive"].inventory.regions["cn-hangzhou"].sls_projects["org-audit-archive"].alerts
    assert f"not event.recipientAccountId: {excluded}" in alert.raw["configuration"]["queryList"][0]["query"]
    [org_trail] = org.management.regions["cn-hangzhou"].trails
    assert (org_trail.raw["IsOrganizationTrail"], org_trail.raw["OrganizationId"]) == (
        True,
        org.organization.id,
    )


def test_members_and_inventories_are_found_by_account():
    org = parse_organization(organization([member(LOG_ARCHIVE), member(MEMBER, folder_id="fd-test000003")]))
    found = org.member(MEMBER)
    assert found is not None and found.folder_id == "fd-test000003"
    assert (found.role, found.left, found.status, found.type) == (
        "assumable",
        False,
        "CreateSuccess",
        "ResourceAccount",
    )
    assert org.inventory_of(MANAGEMENT) is org.management
    assert org.inventory_of(MEMBER) is found.inventory
    assert org.member("999999999999") is None and org.inventory_of("999999999999") is None


def test_only_the_organisation_kind_is_an_organisation_document():
    assert is_organization_document(sample_organization())
    assert not is_organization_document(inventory(MEMBER))
    assert not is_organization_document([{"kind": "organization"}])


def test_an_embedded_inventory_names_its_path_in_the_whole_document():
    doc = organization([member(LOG_ARCHIVE), member(MEMBER)])
    doc["members"][1]["inventory"]["regions"]["cn-hangzhou"]["trails"] = [trail(name=None)]
    doc["management"]["collected_at"] = 5
    lines = _error(doc).splitlines()
    assert (
        "org.json: management.collected_at: expected an ISO 8601 time as text, like '2026-11-29T02:00:00Z'"
        in lines
    )
    assert any(
        line.startswith("org.json: members[1].inventory.regions.cn-hangzhou.trails[0].Name: ")
        for line in lines
    )


def test_an_embedded_inventory_that_is_not_an_object():
    doc = organization()
    doc["members"][0]["inventory"] = []
    assert _error(doc) == "org.json: members[0].inventory: Input should be a valid dictionary"


def test_an_embedded_value_no_json_has():
    doc = organization()
    doc["members"][0]["inventory"]["regions"]["cn-hangzhou"]["trails"] = [{"Name": "x", "Size": float("nan")}]
    assert _error(doc) == (
        "org.json: members[0].inventory.regions.cn-hangzhou.trails[0].Size: "
        "not a finite number (JSON has no NaN or Infinity)"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(kind="account"), "org.json: kind: Input should be 'organization'"),
        (
            lambda d: d.update(version=2),
            "org.json: version: unsupported snapshot version 2; this cis216 reads version 1",
        ),
        (
            lambda d: d["organization"].update(management_account_id="root"),
            "org.json: organization.management_account_id: 'root' is not an Alibaba Cloud account id (5-20 digits)",
        ),
        (
            lambda d: d["members"][0].update(role="maybe"),
            "org.json: members[0].role: Input should be 'assumable', 'missing' or 'untrusted'",
        ),
        (
            lambda d: d["members"][0].update(left="yes"),
            "org.json: members[0].left: Input should be a valid boolean",
        ),
        (
            lambda d: d["members"][0].update(type="Account"),
            "org.json: members[0].type: Input should be 'CloudAccount' or 'ResourceAccount'",
        ),
        (
            lambda d: d["members"][0].update(colour="blue"),
            "org.json: members[0].colour: unknown field (not part of the organisation snapshot, version 1)",
        ),
        (lambda d: d.pop("management"), "org.json: management: Field required"),
    ],
)
def test_envelope_problems_name_their_path(change, expected):
    doc = organization()
    change(doc)
    assert _error(doc) == expected


def test_accounts_that_disagree_are_named():
    doc = organization([member(LOG_ARCHIVE), member(MEMBER), member(MEMBER), member(MANAGEMENT)])
    doc["members"][1]["inventory"]["account_id"] = "1500000000000099"
    doc["management"]["account_id"] = "1500000000000098"
    assert _error(doc).splitlines() == [
        "org.json: management.account_id: 1500000000000098 is not the management account "
        f"(organization.management_account_id is {MANAGEMENT})",
        "org.json: members[1].inventory.account_id: 1500000000000099 is not the member's own account "
        f"(members[1].account_id is {MEMBER})",
        f"org.json: members[2].account_id: {MEMBER} is listed already, at members[1]",
        f"org.json: members[3].account_id: {MANAGEMENT} is the management account, not a member",
    ]


def test_the_log_archive_must_be_an_account_of_the_organisation():
    doc = organization([member(MEMBER)])
    assert _error(doc) == (
        f"org.json: organization.log_archive_account_id: {LOG_ARCHIVE} is neither the management account nor a member"
    )
    assert (
        parse_organization(
            organization([member(MEMBER)], log_archive=None)
        ).organization.log_archive_account_id
        is None
    )


def test_not_an_object():
    assert _error([]) == "org.json: (document): expected a JSON object (a snapshot), got an array"


def test_a_file_that_cannot_be_read_or_parsed(tmp_path: Path):
    with pytest.raises(InventoryError, match="cannot read"):
        load_organization(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(InventoryError, match=r"broken.json: not JSON"):
        load_organization(broken)
    wrong = tmp_path / "wrong.json"
    doc = organization()
    doc["members"][0]["account_id"] = 12
    wrong.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InventoryError, match=r"wrong.json: members\[0\].account_id: "):
        load_organization(wrong)


def test_the_readme_example_error_is_what_a_trail_without_name_gives():
    doc = organization([member(LOG_ARCHIVE), member(MEMBER), member("1500000000000004")])
    doc["members"][2]["inventory"]["regions"]["cn-hangzhou"]["trails"] = [{"Status": "Enable"}]
    expected = "org.json: members[2].inventory.regions.cn-hangzhou.trails[0].Name: Field required"
    assert _error(doc) == expected
    assert f"`{expected}`" in README.read_text(encoding="utf-8")
