"""shell/events.py: a worker event's coverage must be about the member it queues, or member B would
be judged on member A's coverage."""

from __future__ import annotations

import json

import pytest

from cis216.organization.coverage import OrgFeeds
from cis216.settings import Settings
from cis216.shell.events import EventError, parse_worker_event
from tests import orgdocs as o


def document(member: str, coverage_member: str) -> dict[str, object]:
    coverage = OrgFeeds.of(o.management(), o.archive(), o.ORG_ID, Settings()).coverage_for(coverage_member)
    return {
        "cis216": "organization-worker",
        "scan_id": "20261129T020000Z-0123456789abcdef",
        "trigger": {"kind": "timer", "name": "org-scan", "time": "2026-11-29T02:00:00Z"},
        "member": {"account_id": member, "display_name": "b", "status": "CreateSuccess"},
        "coverage": json.loads(coverage.model_dump_json()),
    }


def test_a_coverage_of_another_member_is_refused_naming_the_field():
    with pytest.raises(EventError, match=r"^worker event: coverage: .*coverage\.member '2000000000000001'"):
        parse_worker_event(document(o.MEMBER_B, o.MEMBER_A))


def test_the_members_own_coverage_parses():
    assert parse_worker_event(document(o.MEMBER_B, o.MEMBER_B)).coverage.member == o.MEMBER_B
