"""`cis216 invoke events/org-timer.json`, the command's own glue (choosing organisation mode, the
emulated cloud and contexts, the table, the exit codes), with the organisation's cloud calls
answered by in-memory ports (tests/orgfakes.py) until the real ones land; the end-to-end run on the
bundled sample is tests/functional/cli/test_invoke_organization.py."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest

from cis216 import cli, emulator
from cis216.profiles.strict import codes
from cis216.shell.config import VARIABLES
from cis216.shell.org import local, wiring
from cis216.shell.org.coordinator import OrgPorts
from tests import orgdocs as o
from tests.orgfakes import DrainingQueue, FakeAssumer, FakeDirectory, FakeMember, FakeQueue
from tests.paths import EVENTS

MEMBERS = [o.MEMBER_A, o.MEMBER_B, o.MEMBER_C, o.MEMBER_D, o.ARCHIVE]
DOCUMENT = {"kind": "organization", "organization": {"id": o.ORG_ID, "management_account_id": o.MANAGEMENT}}


class OrganizationCloud(emulator.EmulatedCloud):
    """The emulated cloud with what the organisation run needs of it, seeded from tests/orgdocs.py."""

    last: OrganizationCloud | None = None

    def __init__(self) -> None:
        super().__init__()
        self.queue = FakeQueue()
        self.fc = DrainingQueue(self.queue)
        self.assumer = FakeAssumer(self, missing={o.MEMBER_D})
        OrganizationCloud.last = self

    def seed_organization(self, org: object) -> None:
        self.seed_snapshot(o.archive_doc(query=o.excluding(o.MEMBER_C)))
        for member in (o.MEMBER_A, o.MEMBER_C, o.MEMBER_D):
            self.seed_snapshot(o.member_doc(member, sees_org_trail=False))
        self.seed_snapshot(o.member_doc(o.MEMBER_B, own_feed=True, sees_org_trail=False))
        self.seed_snapshot(o.management_doc())
        self.actiontrail.link_organization(o.MANAGEMENT, MEMBERS)


def fake_ports(plan, config, credentials, account_id):
    cloud = OrganizationCloud.last
    assert cloud is not None
    directory = FakeDirectory(o.ORG_ID, o.MANAGEMENT, [FakeMember(m) for m in MEMBERS])
    return OrgPorts(directory, cloud.queue, cloud.assumer)


@pytest.fixture(autouse=True)
def organisation(monkeypatch):
    for variable in VARIABLES:
        monkeypatch.delenv(variable.name, raising=False)
    for key in ("FINDINGS_PROJECT", "FINDINGS_REGION", "FC_REGION", "FC_ACCOUNT_ID"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("RETRY_BASE_SECONDS", "0")
    monkeypatch.setattr(emulator, "EmulatedCloud", OrganizationCloud)
    monkeypatch.setattr(wiring, "ports", fake_ports)
    monkeypatch.setattr(local, "load_organization_document", lambda path: json.loads(json.dumps(DOCUMENT)))


def invoke(*args):
    out = io.StringIO()
    code = cli.main(["invoke", *map(str, args)], out=out)
    return code, out.getvalue()


def test_the_table(capsys):
    code, out = invoke(EVENTS / "org-timer.json", "--fail-on", "alarm")
    assert code == 1, capsys.readouterr().err  # member C's alarm
    assert out.startswith(f"organization {o.ORG_ID}  management {o.MANAGEMENT}  scan 20261129T020000Z-")
    assert "5 listed, 0 excluded by filters, 5 queued, 0 already queued, 0 refused" in out
    assert "alert org-unauth: covers members" in out
    assert out.strip().endswith("5 members: 1 error, 1 alarm, 3 ok")
    row = next(line for line in out.splitlines() if line.startswith(o.MEMBER_D))
    assert "ERROR" in row and codes.MEMBER_ROLE_NOT_ASSUMABLE in row


def test_jsonl_prints_every_finding(capsys):
    code, out = invoke(EVENTS / "org-timer.json", "--format", "jsonl")
    assert code == 1  # by default: member C's alarm, member D's error
    found = [json.loads(line) for line in out.splitlines()]
    assert {f["account_id"] for f in found} == set(MEMBERS)
    assert '"enqueued": 5' in capsys.readouterr().err  # the organisation summary, on stderr


def test_an_organisation_run_is_emulated_only():
    code, _ = invoke(EVENTS / "org-timer.json", "--cloud", "real")
    assert code == 2


def test_a_worker_that_failed_for_good_is_exit_3_after_everything_was_printed(monkeypatch, capsys):
    make_cloud = local.emulated_cloud

    def unwritable(emulated):
        made = make_cloud(emulated)

        def cloud(plan, credentials, clock, read):
            built = made(plan, credentials, clock, read)
            if read is not None and read.account_id == o.MEMBER_B:

                class Broken:
                    project, logstore = built.writer.project, built.writer.logstore

                    def write(self, records, when=None):
                        raise RuntimeError("findings logstore unavailable")

                return replace(built, writer=Broken())
            return built

        return cloud

    monkeypatch.setattr(local, "emulated_cloud", unwritable)
    code, out = invoke(EVENTS / "org-timer.json", "--format", "jsonl", "--fail-on", "none")
    assert code == 3
    assert {json.loads(line)["account_id"] for line in out.splitlines()} == set(MEMBERS) - {o.MEMBER_B}
    assert "worker failed for good" in capsys.readouterr().err
