"""Seeding the emulated cloud from an inventory snapshot (the document `cis216 evaluate` reads).

What the snapshot says becomes state:
- ``regions.<r>.trails``: DescribeTrails items, stored once per trail under its HomeRegion
  (a real collector lists a multi-region trail in every region; the home-region copy wins).
- ``regions.<r>.sls_projects``: projects listed in region r, with their alerts and logstores
  (``index`` null means GetIndex answers IndexConfigNotExist).
- A trail's ``SlsProjectArn`` implies logstore ``actiontrail_<trail>`` in that project: it is
  created when the project is listed in the snapshot, or when the ARN names another account
  (cross-account delivery, which the snapshot's own listings cannot show).
- ``regions.<r>.trail_status``: GetTrailStatus answers by trail name (fields over the answer
  the emulator derives from the trail), e.g. ``{"main": {"IsLogging": false}}``.
- ``regions.<r>.errors``: each entry becomes an injected fault of kind "error" for that
  account, region, API (and project/logstore when given), on every call, answering its code
  and message, so the collector meets the same failure again.
"""

from __future__ import annotations

from typing import Any

from ..aliyun import SlsProjectArn, trail_logstore
from .actiontrail.backend import ActionTrailBackend
from .faults import FaultPlan
from .sls.backend import SlsBackend


def seed(
    doc: dict[str, Any],
    *,
    actiontrail: ActionTrailBackend,
    sls: SlsBackend,
    faults: FaultPlan,
    default_account: str,
) -> str:
    """Load `doc` into these backends and fault plan; returns the snapshot's account id
    (`default_account` when the snapshot names none)."""
    account = str(doc.get("account_id") or default_account)
    regions: dict[str, Any] = doc.get("regions") or {}
    for region, body in regions.items():
        for trail in body.get("trails") or []:
            actiontrail.add_trail(account, trail, listed_region=region)
        for name, project in (body.get("sls_projects") or {}).items():
            _project(sls, account, region, name, project)
        for name, status in (body.get("trail_status") or {}).items():
            actiontrail.status_overrides[(account, name)] = dict(status)
        for error in body.get("errors") or []:
            _error_fault(faults, account, region, error)
    for trail in actiontrail.trails(account):
        _implied_logstore(sls, account, trail)
    actiontrail.regions.add(account, list(regions))
    return account


def _project(sls: SlsBackend, account: str, region: str, name: str, project: dict[str, Any]) -> None:
    sls.create_project(account, region, name)
    for number, alert in enumerate(project.get("alerts") or []):
        # An alert without a name cannot be fetched by name; keep it listable anyway.
        named = alert if alert.get("name") else dict(alert, name=f"unnamed-alert-{number}")
        sls.put_alert(account, region, name, named)
    for store, conf in (project.get("logstores") or {}).items():
        sls.create_logstore(account, region, name, store, index=(conf or {}).get("index"))


def _implied_logstore(sls: SlsBackend, account: str, trail: dict[str, Any]) -> None:
    # Unchecked names: the emulated cloud holds what the snapshot says, even a project or account
    # cis216 itself would refuse to use (its refusal is tested against a cloud that has them).
    arn = SlsProjectArn.parse_unchecked(trail.get("SlsProjectArn") or "")
    if arn is None or not arn.region:
        return  # a project lives in a region: an ARN without one implies nothing
    owner = arn.account or account
    if owner == account and sls.project(account, arn.region, arn.project) is None:
        return  # the snapshot says the project is not there: keep it absent
    sls.create_logstore(owner, arn.region, arn.project, trail_logstore(trail["Name"]))


def _error_fault(faults: FaultPlan, account: str, region: str, error: dict[str, Any]) -> None:
    api = str(error.get("api") or "")
    code = str(error.get("code") or "Unknown")
    status = error.get("status")
    if status is None:
        status = 401 if code in ("Unauthorized", "SignatureNotMatch") else None
    faults.add(
        kind="error",
        api=api or None,
        code=code,
        message=error.get("message") or f"{code} (from snapshot)",
        status=status,
        account=account,
        region=region,
        project=error.get("project"),
        logstore=error.get("logstore"),
    )
