"""Does Log Audit's multi-account collection cover one member? Pure: its configuration (DescribeApp,
adapters/logaudit.py) and the central account's inventory in, a `LogAuditEvidence` out.

A central account (the management account or a delegated administrator: the coordinator's) may run
Log Audit in multi-account mode: every member of the resource directory ("all") or the listed ones
("custom", or custom authentication) have their ActionTrail events collected into logstore
`actiontrail_log` of the central project `slsaudit-center-<central uid>-<region>`. Member M is
covered when (reference section 5) M is in that scope, ActionTrail collection is on, and an alert
of the central project passes the strict profile's checks for M's events: the strict profile's
own Log Audit judging (feeds.find_log_audit_feeds, binding, checks 1-6, the read rule), with the
representative events carrying M's id, as coverage.py does for the organisation trail, so a query
narrowed away from M does not cover it.

"Not configured" (no Log Audit, single-account mode, M not in scope, ActionTrail collection off, no
central project) simply does not cover: `covers` False and no codes, the organisation trail's
verdict stands alone. A configuration or central project that could not be read is `covers` None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..aliyun import LOG_AUDIT_LOGSTORE
from ..findings import LogAuditEvidence
from ..inventory import Inventory, RegionInventory
from ..profiles.strict import codes
from ..profiles.strict.decide import AccountDecision, decide
from ..profiles.strict.evaluation import Evaluation
from ..profiles.strict.feedresult import judge_feeds
from ..profiles.strict.feeds import find_log_audit_feeds
from ..profiles.strict.reads import nothing_read
from ..settings import Settings
from .coverage import ALERT_APIS, failed_read, member_sensitive, shown_reads


@dataclass(frozen=True)
class LogAuditConfig:
    """What Log Audit's configuration says about multi-account collection."""

    central_account: str  # the account whose Log Audit this is (the caller of DescribeApp)
    region: str  # where the central project is
    project: str  # slsaudit-center-<central account>-<region>
    actiontrail_enabled: bool
    # "all": every member of the resource directory (kept in sync by the service); "custom": the
    # listed `members`; None: no resource-directory mode (custom authentication's `members`, if any).
    directory_scope: Literal["all", "custom"] | None
    members: frozenset[str] = frozenset()

    @property
    def multi_account(self) -> bool:
        return self.directory_scope == "all" or bool(self.members)

    def collects(self, member: str) -> bool:
        """Whether Log Audit collects `member`'s logs into the central project."""
        return self.directory_scope == "all" or member in self.members


def central_inventory(central: Inventory) -> Inventory:
    """The central account's SLS projects of every region (and the failed reads that could hide them
    or their alerts), without its trails: an alert in any project or region may name the central
    logstore (binding.py), so every listing counts; which project is the feed, `judge` decides."""
    regions = {
        name: RegionInventory.model_construct(
            trails=[],
            sls_projects=dict(region.sls_projects),
            errors=[e for e in region.errors if e.api in ALERT_APIS],
            trail_status={},
        )
        for name, region in central.regions.items()
    }
    # Built from parts already validated: constructed, not parsed again.
    return Inventory.model_construct(
        version=central.version,
        account_id=central.account_id,
        collected_at=central.collected_at,
        regions=regions,
    )


def judge(
    inventory: Inventory, settings: Settings, member: str | None, config: LogAuditConfig
) -> AccountDecision:
    """The strict account decision, the only feed being the configured central logstore (a stale
    central project of another region is not Log Audit's feed)."""
    evaluation = Evaluation.of(inventory, settings, member_account=member)
    feeds = [
        feed
        for feed in find_log_audit_feeds(inventory, settings, evaluation.unexpected)
        if feed.project == config.project and feed.region == config.region
    ]
    results = judge_feeds(feeds, inventory, evaluation)
    failed = [*nothing_read(inventory), *evaluation.failed, *evaluation.unexpected.calls]
    return decide([], results, [], failed, accept_log_audit=True).account


@dataclass
class LogAuditFeeds:
    """Log Audit's side of one scan: its multi-account configuration and its central project, judged
    on demand per member and remembered (once for every member unless a query names one)."""

    config: LogAuditConfig
    inventory: Inventory  # central_inventory(central)
    settings: Settings
    _sensitive: bool | None = None
    _decisions: dict[str | None, AccountDecision] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, config: LogAuditConfig, central: Inventory, settings: Settings) -> LogAuditFeeds:
        judged = settings.model_copy(update={"accept_log_audit": True})
        return cls(config, central_inventory(central), judged)

    @property
    def sensitive(self) -> bool:
        if self._sensitive is None:
            self._sensitive = member_sensitive(self.inventory)
        return self._sensitive

    def decision(self, member: str | None) -> AccountDecision:
        key = member if self.sensitive else None
        if key not in self._decisions:
            self._decisions[key] = judge(
                self.inventory, self.settings, key if key is not None else member, self.config
            )
        return self._decisions[key]

    def coverage_for(self, member: str) -> LogAuditEvidence:
        config = self.config
        if not (config.collects(member) and config.actiontrail_enabled):
            return _not_collected(config, member)
        if config.region not in self.inventory.regions:
            why = f"region {config.region} (Log Audit's central project) was not scanned"
            return unread_log_audit(config.central_account, why, config)
        decided = self.decision(member)
        excluded = False
        if decided.status not in ("ok", "error") and self.sensitive:
            excluded = self.decision(None).status == "ok"
        return _judged(config, member, decided, excluded)


def _base(config: LogAuditConfig, member: str) -> dict[str, object]:
    return {
        "central_account": config.central_account,
        "region": config.region,
        "project": config.project,
        "logstore": LOG_AUDIT_LOGSTORE,
        "collects_member": config.collects(member),
        "actiontrail_enabled": config.actiontrail_enabled,
        "alert": None,
        "codes": [],
        "excludes_member": False,
        "failed_reads": [],
    }


def _not_collected(config: LogAuditConfig, member: str) -> LogAuditEvidence:
    if not config.collects(member):
        detail = "Log Audit's multi-account collection does not include this member"
    else:
        detail = "Log Audit collects this member's logs, but not its ActionTrail events"
    return LogAuditEvidence.model_validate({**_base(config, member), "covers": False, "detail": detail})


def _judged(
    config: LogAuditConfig, member: str, decided: AccountDecision, excluded: bool
) -> LogAuditEvidence:
    best = decided.shown.best if decided.shown is not None else None
    status = decided.status
    covers = True if status == "ok" else None if status == "error" else False
    found: list[str] = []
    if covers is False and decided.case != "no_trail":
        found = [c for c in decided.codes if c != codes.SCAN_ERROR]
        if excluded:
            found = [codes.LOG_AUDIT_ALERT_EXCLUDES_MEMBER, *found]
    failed = [failed_read(call) for call in decided.hiding_errors] if covers is None else []
    return LogAuditEvidence.model_validate(
        {
            **_base(config, member),
            "covers": covers,
            "alert": best.alert.name if best is not None else None,
            "codes": codes.ordered(found),
            "excludes_member": excluded,
            **shown_reads(failed),
            "detail": _detail(covers, decided, excluded, config),
        }
    )


def _detail(covers: bool | None, decided: AccountDecision, excluded: bool, config: LogAuditConfig) -> str:
    where = f"{config.project}/{LOG_AUDIT_LOGSTORE} ({config.region})"
    if covers:
        return f"an effective alert on Log Audit's central logstore {where} keeps this member's events"
    if covers is None:
        return f"a read of Log Audit's central project {where} failed, so whether it covers this member is unknown"
    if decided.case == "no_trail":
        return f"Log Audit collects this member, but its central project {where} was not found"
    if excluded:
        return "the alert of Log Audit's central project is narrowed away from this member"
    return f"no alert on Log Audit's central logstore {where} is effective: " + ", ".join(decided.codes)


def unread_log_audit(
    central_account: str, why: str, config: LogAuditConfig | None = None
) -> LogAuditEvidence:
    """Log Audit's configuration, or its central project, could not be read: no verdict."""
    return LogAuditEvidence(
        central_account=central_account,
        region=config.region if config else None,
        project=config.project if config else None,
        logstore=LOG_AUDIT_LOGSTORE if config else None,
        collects_member=True if config else None,
        actiontrail_enabled=config.actiontrail_enabled if config else None,
        covers=None,
        alert=None,
        codes=[],
        excludes_member=False,
        failed_reads=[why],
        detail="Log Audit's multi-account collection could not be read: " + why,
    )


@dataclass(frozen=True)
class LogAuditSide:
    """Log Audit as the coordinator found it: judged (`feeds`), not configured in multi-account
    mode or not asked for (neither: it covers nobody and is left out of the coverage), or unread."""

    central_account: str
    feeds: LogAuditFeeds | None = None
    unread: str | None = None  # why DescribeApp could not be read

    @classmethod
    def read(cls, central: Inventory, config: LogAuditConfig | None, settings: Settings) -> LogAuditSide:
        """The side of `config` (None: Log Audit never set up) over the central account's scan."""
        if config is None or not config.multi_account:
            return cls(central.account_id)
        return cls(central.account_id, LogAuditFeeds.of(config, central, settings))

    def coverage_for(self, member: str) -> LogAuditEvidence | None:
        if self.unread is not None:
            return unread_log_audit(self.central_account, self.unread)
        return self.feeds.coverage_for(member) if self.feeds is not None else None
