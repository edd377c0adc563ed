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

The organisation form (organization/snapshot.py) seeds each account's inventory this way, under its
own account id, then the directory around them (`seed_directory`).
"""

from __future__ import annotations

from typing import Any

from ..aliyun import SlsProjectArn, trail_logstore
from ..inventory import Inventory, RegionInventory
from ..organization.snapshot import OrganizationSnapshot
from .actiontrail.backend import ActionTrailBackend
from .faults import FaultPlan
from .resourcemanager.backend import ResourceManagerBackend
from .sls.backend import SlsBackend
from .sts.backend import StsBackend


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


# ---- the organisation form -------------------------------------------------------------------


def inventory_document(inventory: Inventory) -> dict[str, Any]:
    """A parsed inventory back as the snapshot document it came from (each API object verbatim)."""
    return {
        "version": inventory.version,
        "account_id": inventory.account_id,
        "collected_at": inventory.collected_at.isoformat(),
        "regions": {name: _region_document(region) for name, region in inventory.regions.items()},
    }


def _region_document(region: RegionInventory) -> dict[str, Any]:
    return {
        "trails": [trail.raw for trail in region.trails],
        "sls_projects": {
            name: {
                "alerts": [alert.raw for alert in project.alerts],
                "logstores": {store: logstore.raw for store, logstore in project.logstores.items()},
            }
            for name, project in region.sls_projects.items()
        },
        "trail_status": {name: status.raw for name, status in region.trail_status.items()},
        "errors": [{**error.model_dump(), **(error.model_extra or {})} for error in region.errors],
    }


def seed_directory(
    org: OrganizationSnapshot,
    *,
    actiontrail: ActionTrailBackend,
    resourcemanager: ResourceManagerBackend,
    sts: StsBackend,
) -> None:
    """The organisation's structure (each account's resources are seeded with `seed`): the resource
    directory and its members, the organisation trails members see, and what AssumeRole answers for
    each member's role. A member that left stays listed (the coordinator listed it before it left)
    but GetAccount no longer knows it, it is no longer linked to the organisation trail, and STS
    treats its account as closed: every role in it answers EntityNotExist.Role, as for a deleted
    account (docs/emulator.md)."""
    management = org.organization.management_account_id
    resourcemanager.create_directory(management, org.organization.id)
    for member in org.members:
        resourcemanager.add_account(
            management,
            member.account_id,
            display_name=member.display_name,
            status=member.status,
            type=member.type,
            folder_id=member.folder_id,
            left=member.left,
        )
        sts.role_access[member.account_id] = member.role
        if member.left:
            sts.closed_accounts.add(member.account_id)
    actiontrail.link_organization(management, [m.account_id for m in org.members if not m.left])
