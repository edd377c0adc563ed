"""What a finding's `evidence` holds, one model per finding kind.

The JSON these models write is a contract (SLS logs, `--format json`, docs/finding.schema.json):
field order is the order of the keys, and a field listed in `optional_keys` is left out of the
JSON unless the finding set it, where a key may be absent (`mute_until` of an alert never muted)
rather than null. The class docstrings and descriptions become the schema's.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer


class EvidenceModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Keys that are absent unless set (a null is written only when the finding set None).
    optional_keys: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _leave_out_unset_keys(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if not self.optional_keys:
            return data
        unset = self.optional_keys - self.model_fields_set
        return {key: value for key, value in data.items() if key not in unset}


# --- scope "scan": one failed API call -----------------------------------------------------------


class ScanErrorEvidence(EvidenceModel):
    """A failed API call of the scan (finding scope `scan`, reason code SCAN_ERROR)."""

    api: str
    code: str
    message: str
    project: str | None
    logstore: str | None


class HidingErrorEvidence(EvidenceModel):
    """A failed read the verdict depends on (a failed API call, or an answer that could not be
    read): what it would have returned could change the verdict, so none is given."""

    region: str
    api: str
    code: str
    project: str | None
    logstore: str | None
    message: str


class ReadEvidence(EvidenceModel):
    """A read the verdict depends on: had it failed, the finding could not be `ok` or `alarm`.
    A null region, project or logstore means every one."""

    api: str
    region: str | None
    project: str | None
    logstore: str | None


# --- an alert judged on a feed -------------------------------------------------------------------


class QueryCombinationEvidence(EvidenceModel):
    """How an alert with several query entries combines their results (`joinConfigurations`)."""

    entries: int
    joins: list[str] = Field(description="set operation of each join, lower case ('?' when unreadable)")


class TriggerConditionEvidence(EvidenceModel):
    """One trigger condition, judged on the row the query produces."""

    where: str
    condition: str
    countCondition: str  # SLS's name, as the JSON has it
    outcome: str = Field(description="'fires', 'never' or 'unverifiable: <why>'")
    min_count_to_fire: int | None


class TriggerEvidence(EvidenceModel):
    """Whether and when the alert fires on unauthorized calls."""

    conditions: list[TriggerConditionEvidence]
    min_count_to_fire: int | None = Field(description="fewest calls in one window that fire; null: none")
    stops_firing_at: int | None = Field(description="a larger count at which no condition fires")
    consecutive_evaluations: int


class WindowEvidence(EvidenceModel):
    """How far back each run looks, and how often the alert runs."""

    query_window: str
    window_seconds: int | None
    schedule: str
    interval_seconds: int | None
    window_assumed_from_template: bool


class NotificationEvidence(EvidenceModel):
    """Who the alert notifies; only the targets it has are present (SLS's names)."""

    optional_keys: ClassVar[frozenset[str]] = frozenset(
        {"actionPolicyId", "alertPolicyId", "notificationList"}
    )

    actionPolicyId: str | None = None  # SLS's names, as the JSON has them
    alertPolicyId: str | None = None
    notificationList: str | None = Field(default=None, description="'<n> legacy notification(s)'")


class AlertEvidence(EvidenceModel):
    """One alert, through one query entry, judged on one feed: what was read and what it means."""

    optional_keys: ClassVar[frozenset[str]] = frozenset(
        {
            "mute_until",
            "query_combination",
            "query_verdict",
            "missed_codes",
            "missed_events",
            "index_source",
            "query_detail",
            "suggested_query",
            "trigger",
        }
    )

    alert: str
    display_name: str | None
    project: str = Field(description="the project the alert is in")
    region: str = Field(description="the region of the alert's project")
    query_entry: int | None = Field(description="index in queryList; null: bound by template identity")
    logstore: str = Field(description="<project>/<logstore> the entry reads")
    template: Literal["actiontrail template", "log audit built-in"] | None
    mute_until: str | None = None
    query_combination: QueryCombinationEvidence | None = None
    query: str | None = Field(description="the entry's query; null: taken from the template")
    query_verdict: Literal["complete", "incomplete", "unverifiable", "undecided"] | None = Field(
        default=None, description="'undecided': the feed logstore's index could not be read (GetIndex failed)"
    )
    missed_codes: list[str] | None = None
    missed_events: list[str] | None = None
    index_source: str | None = None
    query_detail: str | None = None
    suggested_query: str | None = None
    trigger: TriggerEvidence | None = None
    window: WindowEvidence
    notification: NotificationEvidence | None


# --- a feed (a logstore receiving ActionTrail events) with the alerts on it ----------------------


class FeedAlertEvidence(EvidenceModel):
    """Short form of an alert on the feed."""

    alert: str
    project: str
    query_entry: int | None
    codes: list[str]
    advisories: list[str]


class StrayAlertEvidence(EvidenceModel):
    """An unauthorized-call alert that reads another logstore than the feed."""

    alert: str
    project: str = Field(description="the project the alert is in")
    store: str | None
    store_project: str
    region: str


class FeedEvidence(EvidenceModel):
    """A logstore receiving ActionTrail events, and the alerts on it (best first): the first few
    only, with counts of all of them, so that a finding stays small however many alerts an account has."""

    optional_keys: ClassVar[frozenset[str]] = frozenset(
        {"alerts_not_shown", "alerts_on_other_logstores_not_shown"}
    )

    kind: Literal["trail", "log_audit"]
    name: str = Field(description="the trail, or the Log Audit project")
    project: str
    region: str
    logstore: str
    complete: bool
    gaps: list[str]
    counts_for_account: bool = Field(description="an effective alert on it alone makes the account ok")
    other_account: str | None
    codes: list[str] = Field(description="why no alert on it is effective (empty when one is)")
    alerts_examined: int = Field(description="alerts judged on it (every one, listed or not)")
    alerts_by_code: dict[str, int] = Field(
        description="how many of the alerts judged on it have each reason code (an alert may have several)"
    )
    alerts: list[FeedAlertEvidence] = Field(description="the best alerts on it, the best first")
    alerts_on_other_logstores: list[StrayAlertEvidence]
    alerts_not_shown: int = Field(default=0, description="alerts on it beyond those listed (worse ones)")
    alerts_on_other_logstores_not_shown: int = Field(
        default=0, description="unauthorized-call alerts on other logstores beyond those listed"
    )


class CoveredByEvidence(EvidenceModel):
    """The complete feed, and its effective alert, that make the account ok."""

    feed: str
    alert: str


class LogAuditEvidence(EvidenceModel):
    """Organisation scan: whether Log Audit's multi-account collection covers this member (its
    configuration read with DescribeApp, its central project judged by the coordinator for this
    member's events)."""

    optional_keys: ClassVar[frozenset[str]] = frozenset({"failed_reads_not_shown"})

    central_account: str = Field(description="the account whose Log Audit collects (the coordinator's)")
    region: str | None = Field(description="the region of the central project")
    project: str | None = Field(description="slsaudit-center-<central account>-<region>")
    logstore: str | None
    collects_member: bool | None = Field(
        description="whether its scope (all members, or the listed ones) holds this member; null: unread"
    )
    actiontrail_enabled: bool | None = Field(description="whether it collects ActionTrail events")
    covers: bool | None = Field(
        description="null: its configuration or its central project could not be read"
    )
    alert: str | None = Field(description="the alert that covers the member, or the closest one")
    codes: list[str] = Field(description="why its central alert does not cover a member it collects")
    excludes_member: bool = Field(
        description="its alert covers other members but its query excludes this one"
    )
    failed_reads: list[str] = Field(description="the first failed reads of its central account (covers null)")
    failed_reads_not_shown: int = Field(default=0, description="failed reads beyond those listed")
    detail: str


class OrganizationEvidence(EvidenceModel):
    """Organisation scan: whether the organisation trail's feed covers this member (judged once by the
    coordinator from the management and log-archive side, for this member's events), and Log Audit's
    central collection where it is configured in multi-account mode (`log_audit`)."""

    # Absent unless set: findings whose failed reads all fit keep their JSON unchanged.
    optional_keys: ClassVar[frozenset[str]] = frozenset({"log_audit", "failed_reads_not_shown"})

    organization_id: str
    member: str = Field(description="the member account it was judged for")
    covers: bool | None = Field(description="null: the organisation side could not be read")
    trail: str | None = Field(description="the organisation trail the verdict is about")
    home_region: str | None
    project: str | None = Field(description="its SLS project (in the log-archive account)")
    region: str | None = Field(description="the region of that project")
    logstore: str | None
    log_archive_account: str | None
    alert: str | None = Field(description="the alert that covers the member, or the closest one")
    codes: list[str] = Field(description="why the organisation feed does not cover the member")
    excludes_member: bool = Field(
        description="its alert covers other members but its query excludes this one"
    )
    failed_reads: list[str] = Field(
        description="the first failed reads of the organisation side (covers null)"
    )
    failed_reads_not_shown: int = Field(default=0, description="failed reads beyond those listed")
    detail: str
    log_audit: LogAuditEvidence | None = Field(
        default=None, description="Log Audit's central collection, when configured in multi-account mode"
    )


# --- scope "account" and "trail" -----------------------------------------------------------------


class AccountEvidence(EvidenceModel):
    """The account's feeds; `feed` and `alert` are the ones its reason is about (the covering feed
    and its effective alert, or else the closest feed and its best alert). Every list names a few
    items at most, the decisive one kept, and counts the rest (`<list>_not_shown`): every trail has
    its own finding, and the evidence stays small however large the account."""

    optional_keys: ClassVar[frozenset[str]] = frozenset(
        {
            "trails_not_shown",
            "feeds_not_shown",
            "log_audit_not_accepted_not_shown",
            "feed",
            "alert",
            "depends_on_not_shown",
            "scan_errors",
            "scan_errors_not_shown",
            "organization",
        }
    )

    trails: list[str] = Field(description="the first trails found (each has its own finding)")
    trails_not_shown: int = Field(default=0, description="trails beyond those listed")
    feeds_examined: int = Field(description="feeds judged (every one, listed or not)")
    feeds_by_code: dict[str, int] = Field(
        description="how many feeds have each reason code (why no alert on it is effective)"
    )
    feeds: list[FeedEvidence] = Field(description="the first feeds, and always the one `feed` names")
    feeds_not_shown: int = Field(default=0, description="feeds beyond those listed")
    log_audit_not_accepted: list[str]
    log_audit_not_accepted_not_shown: int = Field(default=0, description="projects beyond those listed")
    feed: str | None = None
    alert: AlertEvidence | None = None
    depends_on: list[ReadEvidence] = Field(
        default_factory=list, description="the reads whose failure could change this verdict (the first ones)"
    )
    depends_on_not_shown: int = Field(default=0, description="reads beyond those listed")
    scan_errors: list[HidingErrorEvidence] | None = Field(
        default=None, description="the failed reads among depends_on (status error; the first ones)"
    )
    scan_errors_not_shown: int = Field(default=0, description="failed reads beyond those listed")
    organization: OrganizationEvidence | None = Field(
        default=None, description="organisation scan: the organisation trail's coverage of this member"
    )


class TrailEvidence(EvidenceModel):
    """One trail (shadow copies merged), its feed and the best alert on it. Lists that could grow
    with the account name a few items at most and count the rest (`<list>_not_shown`)."""

    optional_keys: ClassVar[frozenset[str]] = frozenset(
        {
            "covered_by",
            "depends_on_not_shown",
            "scan_errors",
            "scan_errors_not_shown",
            "coverage_unproven_by",
            "coverage_unproven_by_not_shown",
        }
    )

    trail: str
    home_region: str
    listed_in: list[str]
    status: str | None
    trail_region: str | None
    event_rw: str | None
    sls_project_arn: str | None
    feed: FeedEvidence | None
    alert: AlertEvidence | None
    covered_by: CoveredByEvidence | None = None
    depends_on: list[ReadEvidence] = Field(
        default_factory=list, description="the reads whose failure could change this verdict (the first ones)"
    )
    depends_on_not_shown: int = Field(default=0, description="reads beyond those listed")
    scan_errors: list[HidingErrorEvidence] | None = Field(
        default=None, description="the failed reads among depends_on (status error; the first ones)"
    )
    scan_errors_not_shown: int = Field(default=0, description="failed reads beyond those listed")
    coverage_unproven_by: list[str] | None = Field(
        default=None,
        description="other complete feeds whose alert could be neither proven nor refuted "
        "(COVERAGE_UNVERIFIABLE; the first ones)",
    )
    coverage_unproven_by_not_shown: int = Field(default=0, description="such feeds beyond those listed")


class NoEvidence(EvidenceModel):
    """No evidence: the `powerpipe` profile's rows carry only what the reference query returns."""


Evidence = AccountEvidence | TrailEvidence | ScanErrorEvidence | NoEvidence
