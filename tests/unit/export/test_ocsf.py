"""Findings as OCSF 1.8.0 Compliance Findings (class 2003), validated against OCSF's published
schema: the schema server's 1.8.0 export, shipped by the dev-only package ocsf-json-schema and
turned into a JSON Schema (draft 2020-12) with the `cloud` profile the events declare."""

from __future__ import annotations

import functools
import io
import json
from datetime import date, datetime, timezone
from pathlib import Path

import jsonschema
import pytest
from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema

import cis216
from cis216.core import evaluate
from cis216.export import OCSF_VERSION, ocsf_finding, stable_uid, write_ocsf
from cis216.findings import Mute
from cis216.inventory import parse_inventory
from cis216.mute import apply_mutelist, parse_mutelist
from tests.builders import ACCOUNT, alert, run_strict, scan_error, snapshot

SAMPLE_ACCOUNT = Path(cis216.__file__).parent / "samples" / "sample-account.json"
WHEN = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)


@functools.cache
def validator() -> jsonschema.Draft202012Validator:
    schema = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=OCSF_VERSION)).get_class_schema(
        "compliance_finding", ["cloud"]
    )
    assert schema["additionalProperties"] is False  # a misspelt key is an error, not ignored
    return jsonschema.Draft202012Validator(schema)


def assert_valid(event):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(event)]
    assert errors == []


def every_kind_of_finding():
    """ok, alarm, error (scan and account), info, skip, powerpipe rows, and a muted one."""
    findings = run_strict(snapshot(alerts=[alert(status="DISABLED")]))
    findings += run_strict(
        snapshot(alerts=[], errors=[scan_error(api="ListAlerts", code="Unauthorized", project="audit")])
    )
    findings += run_strict(snapshot())
    findings += evaluate(parse_inventory(snapshot(alerts=[alert(status="DISABLED")])), "powerpipe")
    mutelist = parse_mutelist(
        {"entries": [{"account": "*", "resource": "*", "justification": "j", "expires": "2099-01-01"}]}, "m"
    )
    return findings + apply_mutelist(findings[:1], mutelist, date(2026, 11, 29))


def test_every_finding_is_a_valid_compliance_finding():
    findings = every_kind_of_finding()
    assert {f.status for f in findings} >= {"ok", "alarm", "error"} and any(f.muted for f in findings)
    for finding in findings:
        assert_valid(ocsf_finding(finding, WHEN, "scan-1", "fid"))
        assert_valid(ocsf_finding(finding, WHEN))  # no scan known


def test_the_validation_catches_a_wrong_event():
    event = ocsf_finding(run_strict(snapshot())[0], WHEN)
    assert list(validator().iter_errors({**event, "compliance": {**event["compliance"], "status_id": 7}}))
    assert list(validator().iter_errors({**event, "resourse": []}))
    assert list(validator().iter_errors({k: v for k, v in event.items() if k != "time"}))


@pytest.mark.parametrize(
    ("status", "compliance", "severity"),
    [
        ("ok", (1, "Pass"), (1, "Informational")),
        ("alarm", (3, "Fail"), (3, "Medium")),  # the reference table, not the control's "high"
        ("error", (2, "Warning"), (1, "Informational")),  # nothing judged wrong: the why is
        ("info", (2, "Warning"), (1, "Informational")),  # in status_detail
        ("skip", (2, "Warning"), (1, "Informational")),
    ],
)
def test_the_status_mapping(status, compliance, severity):
    finding = run_strict(snapshot())[0].model_copy(update={"status": status})
    event = ocsf_finding(finding, WHEN)
    assert (event["compliance"]["status_id"], event["compliance"]["status"]) == compliance
    assert (event["severity_id"], event["severity"]) == severity
    assert event["compliance"]["status_code"] == event["status_code"] == status
    assert event["compliance"]["status_detail"] == finding.reason


def test_the_fields_carried():
    finding = next(f for f in run_strict(snapshot(alerts=[alert(status="DISABLED")])) if f.scope == "trail")
    event = ocsf_finding(finding, WHEN, "scan-1", "fid-1")
    assert (event["class_uid"], event["category_uid"], event["type_uid"], event["activity_id"]) == (
        2003,
        2,
        200301,
        1,
    )
    assert event["time"] == int(WHEN.timestamp() * 1000)
    assert event["metadata"]["version"] == "1.8.0" and event["metadata"]["correlation_uid"] == "scan-1"
    assert event["metadata"]["uid"] == "fid-1" and event["metadata"]["product"]["name"] == "cis216"
    assert event["compliance"]["control"] == "2.16"
    assert event["compliance"]["standards"] == ["CIS Alibaba Cloud Foundations Benchmark v2.0.0"]
    assert event["finding_info"]["title"] == finding.title
    assert event["remediation"] == {"desc": finding.remediation}
    assert event["cloud"] == {
        "account": {"type": "Other", "type_id": 99, "uid": ACCOUNT},
        "provider": "Alibaba Cloud",
        "region": "cn-hangzhou",
    }
    assert event["resources"] == [
        {"region": "cn-hangzhou", "type": "ActionTrail Trail", "uid": finding.resource}
    ]
    assert event["evidences"] == [{"data": finding.evidence.model_dump(mode="json")}]
    assert event["unmapped"] == {
        "advisories": [],
        "profile": "strict",
        "reason_codes": ["ALERT_DISABLED"],
        "scope": "trail",
    }
    assert (event["status_id"], event["status"]) == (1, "New")


def test_a_muted_finding_is_suppressed():
    finding = run_strict(snapshot(alerts=[alert(status="DISABLED")]))[0]
    mute = Mute(justification="lab", expires=date(2027, 1, 31), entry="entries[0]")
    event = ocsf_finding(finding.model_copy(update={"muted": True, "mute": mute}), WHEN)
    assert (event["status_id"], event["status"], event["compliance"]["status_id"]) == (3, "Suppressed", 3)
    assert event["status_detail"] == "accepted risk until 2027-01-31: lab"
    assert event["unmapped"]["mute"] == {
        "entry": "entries[0]",
        "expires": "2027-01-31",
        "justification": "lab",
    }


def test_the_finding_uid_is_stable_across_scans_and_the_event_uid_is_not():
    first = run_strict(snapshot(alerts=[alert(status="DISABLED")]))
    later = run_strict(snapshot())  # fixed since: another status, the same resources
    assert [stable_uid(f) for f in first] == [stable_uid(f) for f in later]
    assert len({stable_uid(f) for f in first}) == len(first)
    one, two = (ocsf_finding(first[0], WHEN, scan) for scan in ("scan-1", "scan-2"))
    assert one["finding_info"]["uid"] == two["finding_info"]["uid"]
    assert one["metadata"]["uid"] != two["metadata"]["uid"]


def test_powerpipe_rows_of_one_trail_in_several_regions_have_their_own_uids():
    """powerpipe judges a multi-region trail once per region: one finding each, not one merged."""
    inventory = parse_inventory(json.loads(SAMPLE_ACCOUNT.read_text(encoding="utf-8")))
    first = evaluate(inventory, "powerpipe")
    assert len({f.resource for f in first}) < len(first)  # the case: a trail in several regions
    events = [ocsf_finding(f, WHEN, "scan-1") for f in first]
    assert len({e["finding_info"]["uid"] for e in events}) == len(events)
    assert len({e["metadata"]["uid"] for e in events}) == len(events)
    again = [ocsf_finding(f, WHEN, "scan-2") for f in evaluate(inventory, "powerpipe")]
    assert [e["finding_info"]["uid"] for e in again] == [e["finding_info"]["uid"] for e in events]
    strict = {stable_uid(f) for f in run_strict(snapshot())}
    assert strict.isdisjoint(stable_uid(f) for f in first)  # the profile is part of the finding


def test_an_ok_finding_has_no_remediation_and_keys_serialise_sorted():
    event = ocsf_finding(run_strict(snapshot())[0], WHEN)
    assert "remediation" not in event
    out = io.StringIO()
    write_ocsf([event, event], out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and out.getvalue().endswith("\n")
    assert list(json.loads(lines[0])) == sorted(event)
    assert list(json.loads(lines[0])["metadata"]) == sorted(event["metadata"])
