"""The organisation snapshot's optional `organization.log_audit` (Log Audit in multi-account mode):
parsed, its problems named by their JSON path; the bundled Log Audit sample parses."""

from __future__ import annotations

from typing import Any

import pytest

from cis216.inventory import InventoryError
from cis216.organization.snapshot import load_organization, parse_organization
from tests.org_builders import LOG_ARCHIVE, MANAGEMENT, organization
from tests.paths import SAMPLES


def with_log_audit(**fields: Any) -> dict[str, Any]:
    document = organization()
    document["organization"]["log_audit"] = {
        "central_account_id": MANAGEMENT,
        "region": "cn-hangzhou",
        "type": "all",
        **fields,
    }
    return document


def _error(document: Any) -> str:
    with pytest.raises(InventoryError) as caught:
        parse_organization(document, source="org.json")
    return str(caught.value)


def test_log_audit_is_optional_and_parsed_when_given():
    assert parse_organization(organization()).organization.log_audit is None
    audit = parse_organization(with_log_audit(type="custom", members=[LOG_ARCHIVE])).organization.log_audit
    assert audit is not None
    assert (audit.central_account_id, audit.type, audit.members, audit.actiontrail_enabled) == (
        MANAGEMENT,
        "custom",
        [LOG_ARCHIVE],
        True,
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"type": "some"}, "org.json: organization.log_audit.type: "),
        ({"region": "Hangzhou"}, "org.json: organization.log_audit.region: "),
        ({"members": ["12ab"]}, "org.json: organization.log_audit.members[0]: "),
        ({"actiontrail_enabled": "yes"}, "org.json: organization.log_audit.actiontrail_enabled: "),
        ({"colour": "blue"}, "org.json: organization.log_audit.colour: unknown field"),
        (
            {"central_account_id": "1999999999999999"},
            "organization.log_audit.central_account_id: 1999999999999999",
        ),
        ({"type": "custom"}, "organization.log_audit.members: type 'custom' needs the members"),
        ({"members": [LOG_ARCHIVE]}, "organization.log_audit.members: listed, but type 'all'"),
    ],
)
def test_problems_are_named_by_their_json_path(fields, expected):
    assert expected in _error(with_log_audit(**fields))


def test_the_bundled_log_audit_sample_parses():
    snapshot = load_organization(SAMPLES / "sample-organization-log-audit.json")
    audit = snapshot.organization.log_audit
    assert audit is not None and audit.central_account_id == snapshot.management.account_id
    project = f"slsaudit-center-{audit.central_account_id}-{audit.region}"
    assert project in snapshot.management.regions[audit.region].sls_projects
