"""A finding as an OCSF Compliance Finding (class 2003, category Findings), schema 1.8.0, with the
`cloud` profile; `write_ocsf` writes JSON Lines (one event per line, keys sorted, UTF-8).

Mapping (docs/export.md has the table):
- `compliance.status_id`: ok -> 1 Pass, alarm -> 3 Fail, error/info/skip -> 2 Warning ("did not
  yield a result due to missing information"), with the cis216 status in `status_code` and the
  reason in `status_detail`; `compliance.control` "2.16" of the CIS standard;
- `severity_id`: alarm 3 Medium and ok 1 Informational (the reference mapping: severity rates the
  event, a failed check, not the control's "high"); error, info, skip 1 Informational: nothing was
  judged wrong, their reason is in `compliance.status_detail` (OCSF's 0 Unknown would read as a
  broken producer);
- `status_id` (the consumer's workflow): 1 New, or 3 Suppressed for a muted finding (accepted risk);
- `finding_info.uid`: the same for a (control, profile, account, region, resource) in every scan
  (powerpipe writes one row per trail and region); `metadata.uid`: this event (the finding id when
  known); `metadata.correlation_uid`: the scan id when known;
- `remediation.desc` (left out when there is nothing to fix), `cloud {provider, region, account}`,
  `resources [{uid, type, region}]`, `evidences [{data: <evidence>}]`, `unmapped {profile, scope,
  reason_codes, advisories, mute}`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

from .. import __version__
from ..findings import Finding

OCSF_VERSION = "1.8.0"
CLASS_UID, CATEGORY_UID, ACTIVITY_CREATE = 2003, 2, 1
STANDARD = "CIS Alibaba Cloud Foundations Benchmark v2.0.0"
CONTROL_NUMBER = "2.16"
PROVIDER = "Alibaba Cloud"
ACCOUNT_TYPE_OTHER = 99  # OCSF has no Alibaba Cloud account type

_COMPLIANCE = {"ok": (1, "Pass"), "alarm": (3, "Fail")}
_WARNING = (2, "Warning")
SEVERITY_INFORMATIONAL, SEVERITY_MEDIUM = 1, 3
_SEVERITY_CAPTION = {SEVERITY_INFORMATIONAL: "Informational", SEVERITY_MEDIUM: "Medium"}
_RESOURCE_TYPE = {"account": "Alibaba Cloud Account", "trail": "ActionTrail Trail", "scan": "API Call Target"}


def stable_uid(finding: Finding) -> str:
    """The same for a (control, profile, account, region, resource) in every scan: how a SIEM
    follows one finding. The region counts: powerpipe judges a multi-region trail once per region."""
    parts = (finding.control, finding.profile, finding.account_id, finding.region, finding.resource)
    key = "|".join(part or "" for part in parts)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _severity_id(finding: Finding) -> int:
    return SEVERITY_MEDIUM if finding.status == "alarm" else SEVERITY_INFORMATIONAL


def _compliance(finding: Finding) -> dict[str, Any]:
    status_id, status = _COMPLIANCE.get(finding.status, _WARNING)
    detail = finding.reason or f"status {finding.status}"
    return {
        "control": CONTROL_NUMBER,
        "desc": finding.title,
        "standards": [STANDARD],
        "status": status,
        "status_code": finding.status,
        "status_detail": detail,
        "status_id": status_id,
    }


def _metadata(finding: Finding, event_uid: str, scan_id: str | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "event_code": finding.control,
        "product": {"name": "cis216", "vendor_name": "cis216", "version": __version__},
        "profiles": ["cloud"],
        "uid": event_uid,
        "version": OCSF_VERSION,
    }
    if scan_id:
        metadata["correlation_uid"] = scan_id
    if finding.account_id:
        metadata["tenant_uid"] = finding.account_id
    return metadata


def _cloud(finding: Finding) -> dict[str, Any]:
    cloud: dict[str, Any] = {"provider": PROVIDER}
    if finding.region:
        cloud["region"] = finding.region
    if finding.account_id:
        cloud["account"] = {"type": "Other", "type_id": ACCOUNT_TYPE_OTHER, "uid": finding.account_id}
    return cloud


def _unmapped(finding: Finding) -> dict[str, Any]:
    unmapped: dict[str, Any] = {
        "advisories": list(finding.advisories),
        "profile": finding.profile,
        "reason_codes": list(finding.reason_codes),
        "scope": finding.scope,
    }
    if finding.mute is not None:
        unmapped["mute"] = finding.mute.model_dump(mode="json")
    return unmapped


def ocsf_finding(
    finding: Finding, time: datetime, scan_id: str | None = None, finding_id: str | None = None
) -> dict[str, Any]:
    """The OCSF event of one finding evaluated at `time` (in scan `scan_id`, when known)."""
    uid = stable_uid(finding)
    millis = int(time.timestamp() * 1000)
    event_uid = finding_id or hashlib.sha256(f"{uid}|{scan_id or ''}|{millis}".encode()).hexdigest()[:32]
    severity_id = _severity_id(finding)
    event: dict[str, Any] = {
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_name": "Findings",
        "category_uid": CATEGORY_UID,
        "class_name": "Compliance Finding",
        "class_uid": CLASS_UID,
        "cloud": _cloud(finding),
        "compliance": _compliance(finding),
        "finding_info": {"desc": finding.reason or "", "title": finding.title, "uid": uid},
        "message": finding.reason or "",
        "metadata": _metadata(finding, event_uid, scan_id),
        "severity": _SEVERITY_CAPTION[severity_id],
        "severity_id": severity_id,
        "status": "Suppressed" if finding.muted else "New",
        "status_code": finding.status,
        "status_id": 3 if finding.muted else 1,
        "time": millis,
        "type_name": "Compliance Finding: Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "unmapped": _unmapped(finding),
    }
    if finding.mute is not None:
        event["status_detail"] = f"accepted risk until {finding.mute.expires}: {finding.mute.justification}"
    if finding.remediation:
        event["remediation"] = {"desc": finding.remediation}
    if finding.resource:
        resource = {"type": _RESOURCE_TYPE.get(finding.scope or "", "Resource"), "uid": finding.resource}
        event["resources"] = [{**resource, "region": finding.region} if finding.region else resource]
    evidence = finding.evidence.model_dump(mode="json")
    if evidence:
        event["evidences"] = [{"data": evidence}]
    return event


def write_ocsf(events: Iterable[dict[str, Any]], out: TextIO) -> None:
    for event in events:
        out.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
