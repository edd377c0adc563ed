"""Does an organisation trail's feed cover one member? Pure: inventories in, an `OrgCoverage` out.

The organisation trail is listed by the management account (DescribeTrails with
IncludeOrganizationTrail); its SLS project, logstore and alerts live in the log-archive account. The
two are joined into one inventory as the log-archive account would see it if the trail were its own,
and judged by the strict profile unchanged (feeds, binding, alert checks 1-6, the read rule), with
the representative events carrying the member's id (`event.recipientAccountId`,
`event.userIdentity.accountId`): an alert narrowed to other accounts, or negating this one, does not
cover it. The four conditions of the reference (docs/organization.md): the trail is enabled,
logging, all regions and all events; an alert on `actiontrail_<trail>` is effective; its query keeps
this member's events; the trail's OrganizationId is the directory's.

Judging is the costly part and most alert queries never mention an account: such queries are
judged once for every member (`OrgFeeds` remembers), others once per member.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..findings import OrganizationEvidence
from ..inventory import Inventory, RegionInventory, ScanError, Trail
from ..profiles.scan_errors import FailedCall
from ..profiles.strict import codes
from ..profiles.strict.decide import AccountDecision, decide
from ..profiles.strict.evaluation import Evaluation
from ..profiles.strict.feedresult import judge_feeds
from ..profiles.strict.feeds import find_trails
from ..profiles.strict.reads import nothing_read
from ..settings import Settings

# The calls of the management side that could hide or change an organisation trail, and those of
# the log-archive side that could hide or change an alert on its feed.
TRAIL_APIS = frozenset({"DescribeRegions", "DescribeTrails", "GetTrailStatus"})
ALERT_APIS = frozenset({"DescribeRegions", "ListProject", "ListAlerts", "GetIndex"})
# A query that names an account field, or holds digits an account id could match, may judge one
# member differently from another; any other query judges every member alike.
# The failed reads a coverage quotes: the worker's payload travels through FC's asynchronous queue
# (128 KB at most) however many reads failed; the rest are counted (`failed_reads_not_shown`).
FAILED_READS_SHOWN = 3
_MEMBER_SENSITIVE = re.compile(r"accountid|owner_id|recipient|\d{3,}", re.IGNORECASE)


class OrgCoverage(OrganizationEvidence):
    """The verdict on one member, compact enough to travel in the worker's payload (it is also the
    member finding's `evidence.organization`)."""

    @property
    def covered(self) -> bool | None:
        """Whether an organisation feed covers the member: the organisation trail or Log Audit's
        central collection (True wins); None when neither does and one of them could not be read."""
        sides = [self.covers, *([self.log_audit.covers] if self.log_audit is not None else [])]
        if True in sides:
            return True
        return None if None in sides else False

    @property
    def label(self) -> str:
        where = f"{self.project}/{self.logstore} ({self.region})" if self.project else "no SLS feed"
        return f"organisation trail {self.trail} -> {where}" if self.trail else "no organisation trail"


def is_organization_trail(trail: Trail, organization_id: str) -> bool:
    """An organisation trail of this directory (one of another directory's does not cover its members)."""
    return bool(trail.is_organization_trail) and trail.organization_id in (None, organization_id)


def organization_inventory(
    management: Inventory, log_archive: Inventory | None, organization_id: str
) -> Inventory:
    """The organisation trails of `management` with the SLS projects of `log_archive` (the
    management account's own when None), as one account's inventory: the log-archive account's."""
    archive = log_archive or management
    names = {
        t.name
        for r in management.regions.values()
        for t in r.trails
        if is_organization_trail(t, organization_id)
    }
    regions: dict[str, RegionInventory] = {}
    for region in dict.fromkeys([*management.regions, *archive.regions]):
        own, sls = management.regions.get(region), archive.regions.get(region)
        errors = _errors(own, TRAIL_APIS) + _errors(sls, ALERT_APIS)
        regions[region] = RegionInventory.model_construct(
            trails=[t for t in (own.trails if own else []) if is_organization_trail(t, organization_id)],
            sls_projects=dict(sls.sls_projects) if sls else {},
            errors=list(dict.fromkeys(errors)),
            trail_status={n: s for n, s in (own.trail_status.items() if own else ()) if n in names},
        )
    # Built from parts already validated: constructed, not parsed again.
    return Inventory.model_construct(
        version=management.version,
        account_id=archive.account_id,
        collected_at=management.collected_at,
        regions=regions,
    )


def _errors(region: RegionInventory | None, apis: frozenset[str]) -> list[ScanError]:
    return [e for e in region.errors if e.api in apis] if region is not None else []


def member_sensitive(inventory: Inventory) -> bool:
    """Whether some alert query could judge one member differently from another."""
    texts = (
        query.query or ""
        for region in inventory.regions.values()
        for project in region.sls_projects.values()
        for alert in project.alerts
        if alert.configuration is not None
        for query in alert.configuration.queries
    )
    return any(_MEMBER_SENSITIVE.search(text) for text in texts)


@dataclass
class OrgFeeds:
    """The organisation side of one scan, judged on demand per member and remembered."""

    organization_id: str
    inventory: Inventory  # organization_inventory(...)
    settings: Settings
    _sensitive: bool | None = None
    _decisions: dict[str | None, AccountDecision] = field(default_factory=dict, repr=False)

    @classmethod
    def of(
        cls, management: Inventory, log_archive: Inventory | None, organization_id: str, settings: Settings
    ) -> OrgFeeds:
        # Log Audit's central project counts for the log-archive account only, not for every member.
        judged = settings.model_copy(update={"accept_log_audit": False})
        return cls(organization_id, organization_inventory(management, log_archive, organization_id), judged)

    @property
    def sensitive(self) -> bool:
        if self._sensitive is None:
            self._sensitive = member_sensitive(self.inventory)
        return self._sensitive

    def decision(self, member: str | None) -> AccountDecision:
        """The strict account decision over the organisation feeds, for `member`'s events (None:
        events that name no member, the account-neutral judgement)."""
        key = member if self.sensitive else None
        if key not in self._decisions:
            self._decisions[key] = judge(self.inventory, self.settings, key if key is not None else member)
        return self._decisions[key]

    def coverage_for(self, member: str) -> OrgCoverage:
        decided = self.decision(member)
        excluded = False
        if decided.status != "ok" and self.sensitive and decided.status != "error":
            excluded = self.decision(None).status == "ok"
        return coverage_of(decided, member, self.organization_id, self.inventory.account_id, excluded)


def judge(inventory: Inventory, settings: Settings, member: str | None) -> AccountDecision:
    """The strict profile's account decision, the feeds being the organisation trails' only."""
    evaluation = Evaluation.of(inventory, settings, member_account=member)
    trails = find_trails(inventory, evaluation.unexpected)
    feeds = [t.feed for t in trails if t.feed is not None]
    results = judge_feeds(feeds, inventory, evaluation)
    failed: list[FailedCall] = [*nothing_read(inventory), *evaluation.failed, *evaluation.unexpected.calls]
    return decide(trails, results, [], failed, accept_log_audit=False).account


def coverage_of(
    decided: AccountDecision, member: str, organization_id: str, archive: str, excluded: bool
) -> OrgCoverage:
    shown = decided.shown
    feed = shown.feed if shown is not None else None
    view = next((t for t in decided.trails if feed is not None and t.feed is feed), None)
    if view is None and decided.trails:
        view = decided.trails[0]
    best = shown.best if shown is not None else None
    status = decided.status
    covers = True if status == "ok" else None if status == "error" else False
    found = [c for c in decided.codes if c != codes.SCAN_ERROR] if covers is False else []
    if excluded:
        found = [codes.ORGANIZATION_ALERT_EXCLUDES_MEMBER, *found]
    failed = [failed_read(call) for call in decided.hiding_errors] if covers is None else []
    return OrgCoverage(
        organization_id=organization_id,
        member=member,
        covers=covers,
        trail=view.trail.name if view is not None else None,
        home_region=view.home_region if view is not None else None,
        project=feed.project if feed is not None else None,
        region=feed.region if feed is not None else None,
        logstore=feed.logstore if feed is not None else None,
        log_archive_account=archive,
        alert=best.alert.name if best is not None else None,
        codes=codes.ordered(found),
        excludes_member=excluded,
        detail=_detail(covers, decided, excluded),
        **shown_reads(failed),
    )


def shown_reads(reads: Sequence[str]) -> dict[str, Any]:
    """`failed_reads` (the first FAILED_READS_SHOWN) and, only when some are left out,
    `failed_reads_not_shown`: a coverage whose reads all fit keeps its JSON unchanged."""
    shown: dict[str, Any] = {"failed_reads": list(reads[:FAILED_READS_SHOWN])}
    if len(reads) > FAILED_READS_SHOWN:
        shown["failed_reads_not_shown"] = len(reads) - FAILED_READS_SHOWN
    return shown


def failed_read(call: FailedCall) -> str:
    """A failed read as the coverage quotes it: `ListAlerts (project): Unauthorized: ...`."""
    error = call.error
    where = "/".join(p for p in (error.project, error.logstore) if p) or call.region or "every region"
    return f"{error.api} ({where}): {error.code}" + (f": {error.message}" if error.message else "")


def _detail(covers: bool | None, decided: AccountDecision, excluded: bool) -> str:
    if covers:
        return "an effective alert on the organisation trail's logstore keeps this member's events"
    if covers is None:
        return "a read of the organisation side failed, so whether its feed covers this member is unknown"
    if decided.case == "no_trail":
        return "the directory has no organisation trail"
    if excluded:
        return "the organisation alert's query is narrowed away from this member"
    return "no organisation feed has an effective alert for this member: " + ", ".join(decided.codes)


def unread_coverage(organization_id: str, member: str, why: str) -> OrgCoverage:
    """The organisation side could not be read at all (the log-archive account's role, say)."""
    return OrgCoverage(
        organization_id=organization_id,
        member=member,
        covers=None,
        trail=None,
        home_region=None,
        project=None,
        region=None,
        logstore=None,
        log_archive_account=None,
        alert=None,
        codes=[],
        excludes_member=False,
        failed_reads=[why],
        detail="the organisation side could not be read: " + why,
    )
