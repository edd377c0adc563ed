"""Seeding the emulated cloud from an inventory snapshot (the document `cis216 evaluate` reads).

What the snapshot says becomes state:
- ``regions.<r>.trails``: DescribeTrails items, stored once per trail under its HomeRegion
  (a real collector lists a multi-region trail in every region; the home-region copy wins).
- ``regions.<r>.sls_projects``: projects listed in region r, with their alerts and logstores
  (``index`` null means GetIndex answers IndexConfigNotExist).
- A trail's ``SlsProjectArn`` implies logstore ``actiontrail_<trail>`` in that project: it is
  created when the project is listed in the snapshot, or when the ARN names another account
  (cross-account delivery, which the snapshot's own listings cannot show).
- ``regions.<r>.errors``: each entry becomes an injected fault of kind "error" for that
  account, region, API (and project/logstore when given), on every call, answering its code
  and message, so the collector meets the same failure again.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .core import EmulatedCloud

SLS_PROJECT_ARN = re.compile(r"^acs:log:(?P<region>[^:]+):(?P<account>[^:]*):project/(?P<project>[^/]+)$")


def seed(cloud: EmulatedCloud, doc: dict[str, Any]) -> str:
    account = str(doc.get("account_id") or cloud.default_account)
    regions: dict[str, Any] = doc.get("regions") or {}
    for region, body in regions.items():
        for trail in body.get("trails") or []:
            cloud.actiontrail.add_trail(account, trail, listed_region=region)
        for name, project in (body.get("sls_projects") or {}).items():
            cloud.sls.create_project(account, region, name)
            for number, alert in enumerate(project.get("alerts") or []):
                # An alert without a name cannot be fetched by name; keep it listable anyway.
                named = alert if alert.get("name") else dict(alert, name=f"unnamed-alert-{number}")
                cloud.sls.put_alert(account, region, name, named)
            for store, conf in (project.get("logstores") or {}).items():
                cloud.sls.create_logstore(account, region, name, store, index=(conf or {}).get("index"))
        for error in body.get("errors") or []:
            _error_fault(cloud, account, region, error)
    for trail in cloud.actiontrail.trails(account):
        _implied_logstore(cloud, account, trail)
    cloud.add_regions(account, list(regions))
    return account


def _implied_logstore(cloud: EmulatedCloud, account: str, trail: dict[str, Any]) -> None:
    found = SLS_PROJECT_ARN.match(trail.get("SlsProjectArn") or "")
    if not found:
        return
    owner = found.group("account") or account
    region, project = found.group("region"), found.group("project")
    if owner == account and cloud.sls.project(account, region, project) is None:
        return  # the snapshot says the project is not there: keep it absent
    cloud.sls.create_logstore(owner, region, project, f"actiontrail_{trail['Name']}")


def _error_fault(cloud: EmulatedCloud, account: str, region: str, error: dict[str, Any]) -> None:
    api = str(error.get("api") or "")
    code = str(error.get("code") or "Unknown")
    status = error.get("status")
    if status is None:
        status = 401 if code in ("Unauthorized", "SignatureNotMatch") else None
    cloud.faults.add(
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
