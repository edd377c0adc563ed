"""The fix for one finding: the one place a finding's `remediation` text is derived.

Pure: it reads only the finding (its profile, status, reason codes and evidence) and the query a
complete alert would use, so a consumer of the JSON can check it against what the evidence says.
One sentence per reason code, in the finding's order; nothing for `ok` and `skip` findings (their
reason codes are empty: whatever a skipped trail lacks is an advisory, not a failure). A finding in
`error` gets only the fix of its failed reads: its other codes may be artefacts of the missing data.

The `powerpipe` profile has no evidence to be concrete with: its alarms get the benchmark's own
remediation for control 2.16, condensed, and its query as the benchmark prints it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ...findings import (
    AccountEvidence,
    AlertEvidence,
    Finding,
    HidingErrorEvidence,
    ScanErrorEvidence,
    TrailEvidence,
)
from ...findings.evidence import FeedEvidence
from ...settings import CIS_REQUIRED_CODES
from . import codes

# CIS Alibaba Cloud 2.16's query as the benchmark prints it (every value in double quotes).
CIS_QUERY = (
    '"event.eventType": ApiCall and ('
    + " or ".join(f'"event.errorCode": "{code}"' for code in CIS_REQUIRED_CODES)
    + ") | select count(1) as cnt"
)
CIS_REMEDIATION = (
    "Direct ActionTrail logs to Log Service and alert on unauthorized API calls (CIS Alibaba Cloud "
    "2.16): in the SLS console, Log Audit Service > Access to Cloud Products > Global Configuration, "
    "check Action Trail, choose the project's location and retention, and save; then in the central "
    f"project's ActionTrail logstore run the query {CIS_QUERY} and create an alert on its result."
)

# Error codes of a refused call: the scan's identity lacks a permission, which only a grant fixes.
_DENIED = ("Unauthorized", "Forbidden", "NoPermission", "AccessDenied", "NotAuthorized")


@dataclass(frozen=True)
class Subject:
    """What the sentences name: the finding's trail, feed and alert, as its evidence records them."""

    account: str
    trail: str | None
    home_region: str | None
    feed: FeedEvidence | None
    alert: AlertEvidence | None
    unproven: tuple[str, ...]
    query: str  # the query to use: the alert's own corrected query, else the complete one

    @property
    def alert_name(self) -> str:
        return f"'{self.alert.alert}'" if self.alert else "the alert"

    @property
    def alert_place(self) -> str:
        if self.alert is None:
            return self.feed_place
        entry = f", queryList[{self.alert.query_entry}]" if self.alert.query_entry is not None else ""
        return f"project {self.alert.project} ({self.alert.region}{entry})"

    @property
    def feed_place(self) -> str:
        if self.feed is None:
            return "the feed's project"
        return f"project {self.feed.project} ({self.feed.region})"

    @property
    def logstore(self) -> str:
        return f"{self.feed.project}/{self.feed.logstore}" if self.feed else "the trail's logstore"

    @property
    def trail_name(self) -> str:
        return f"trail {self.trail}" if self.trail else "the trail"


def _no_trail(s: Subject) -> str:
    return (
        f"Create an ActionTrail trail in account {s.account} that records every region (TrailRegion All) "
        "and every event (EventRW All) into an SLS project, then an alert on its logstore with the "
        f"query {s.query}, the trigger condition cnt > 0 and an action policy that notifies someone."
    )


def _alert_missing(s: Subject) -> str:
    return (
        f"Create an alert in {s.feed_place} on logstore {s.logstore} with the query {s.query}, the "
        "trigger condition cnt > 0 and an action policy that notifies someone."
    )


def _window_gap(s: Subject) -> str:
    window = s.alert.window if s.alert else None
    facts = f" (window {window.query_window}, schedule {window.schedule})" if window else ""
    every = f"start -{window.interval_seconds}s" if window and window.interval_seconds else "start -15m"
    return (
        f"Make the query window of alert {s.alert_name} in {s.alert_place} at least as long as its "
        f"schedule interval{facts}, e.g. {every}, end now."
    )


def _muted(s: Subject) -> str:
    until = f" (muted until {s.alert.mute_until})" if s.alert and s.alert.mute_until else ""
    return f"Unmute alert {s.alert_name} in {s.alert_place}{until}."


_SENTENCES: dict[str, Callable[[Subject], str]] = {
    codes.NO_TRAIL: _no_trail,
    codes.TRAIL_NOT_ENABLED: lambda s: (
        f"Start logging on {s.trail_name} (ActionTrail StartLogging, home region {s.home_region})."
    ),
    codes.TRAIL_NOT_DELIVERING_TO_SLS: lambda s: (
        f"Set the SLS delivery of {s.trail_name} (UpdateTrail SlsProjectArn, with an SlsWriteRoleArn) "
        "to a project of this account."
    ),
    codes.TRAIL_DELIVERY_FAILING: lambda s: (
        f"Repair the delivery of {s.trail_name} to {s.logstore}: the trail must be logging and its SLS "
        "write role allowed to write to the project (the reason quotes the delivery error)."
    ),
    codes.TRAIL_NOT_ALL_REGIONS: lambda s: (
        f"Make {s.trail_name} record every region (UpdateTrail TrailRegion All)."
    ),
    codes.TRAIL_NOT_ALL_EVENTS: lambda s: (
        f"Make {s.trail_name} record read and write events (UpdateTrail EventRW All)."
    ),
    codes.ALERT_MISSING: _alert_missing,
    codes.ALERT_DISABLED: lambda s: f"Enable alert {s.alert_name} in {s.alert_place}.",
    codes.ALERT_MUTED: _muted,
    codes.ALERT_WRONG_LOGSTORE: lambda s: (
        f"Point the unauthorized-call alert at the feed's logstore {s.logstore} ({s.feed_place}), or "
        f"create one there with the query {s.query}."
    ),
    codes.ALERT_QUERY_INCOMPLETE: lambda s: (
        f"Replace the query of alert {s.alert_name} in {s.alert_place} with: {s.query}"
    ),
    codes.ALERT_NO_NOTIFICATION: lambda s: (
        f"Give alert {s.alert_name} in {s.alert_place} an action policy that notifies someone "
        "(policyConfiguration.actionPolicyId, e.g. sls.app.actiontrail.builtin)."
    ),
    codes.ALERT_WINDOW_GAP: _window_gap,
    codes.ALERT_NEVER_FIRES: lambda s: (
        f"Change the trigger condition of alert {s.alert_name} in {s.alert_place} so that one "
        "unauthorized call fires it, e.g. cnt > 0."
    ),
    codes.ALERT_CONDITION_GAPS: lambda s: (
        f"Change the trigger condition of alert {s.alert_name} in {s.alert_place} so that any number "
        "of unauthorized calls fires it, e.g. cnt > 0 rather than cnt == 1."
    ),
    codes.ALERT_QUERY_UNVERIFIABLE: lambda s: (
        f"Give alert {s.alert_name} in {s.alert_place} a query that can be verified, e.g.: {s.query}"
    ),
    codes.ALERT_CONDITION_UNVERIFIABLE: lambda s: (
        f"Give alert {s.alert_name} in {s.alert_place} a trigger condition on the query's count, e.g. cnt > 0."
    ),
    codes.ALERT_SCHEDULE_UNVERIFIABLE: lambda s: (
        f"Give alert {s.alert_name} in {s.alert_place} a FixedRate or Cron schedule and a relative "
        "query window, e.g. every 15m over start -15m, end now."
    ),
    codes.ALERT_STATUS_UNKNOWN: lambda s: (
        f"Check in the SLS console that alert {s.alert_name} in {s.alert_place} is enabled."
    ),
    codes.FEED_IN_OTHER_ACCOUNT: lambda s: (
        f"Scan account {s.feed.other_account if s.feed else 'that owns the project'} too, or check "
        f"there that {s.logstore} has an effective alert."
    ),
    codes.FEED_NOT_SCANNED: lambda s: (
        f"Include region {s.feed.region if s.feed else 'of the feed'} in the scan (REGIONS): the "
        "feed's project is there."
    ),
    codes.COVERAGE_UNVERIFIABLE: lambda s: (
        f"Make the alerts on {', '.join(s.unproven) or 'the other complete feeds'} verifiable, or give "
        f"{s.logstore} an effective alert of its own."
    ),
}


def remediation(finding: Finding, complete_query: str) -> str:
    """The fix for `finding` ("" when nothing is to fix); `complete_query` is the query a complete
    alert uses (from the required codes), for an alert that has no corrected query of its own."""
    if finding.status in ("ok", "skip"):
        return ""
    evidence = finding.evidence
    if isinstance(evidence, ScanErrorEvidence):
        return scan_error_fix([evidence])
    if finding.profile == "powerpipe":
        return CIS_REMEDIATION if finding.status == "alarm" else ""
    if not isinstance(evidence, AccountEvidence | TrailEvidence):
        return ""
    if codes.SCAN_ERROR in finding.reason_codes and evidence.scan_errors:
        # Its other codes may come from what the failed read left out: first make the read succeed.
        return scan_error_fix(evidence.scan_errors)
    subject = _subject(finding, evidence, complete_query)
    sentences = [_SENTENCES[code](subject) for code in finding.reason_codes if code in _SENTENCES]
    return " ".join(dict.fromkeys(sentences))


def with_remediation(findings: Sequence[Finding], complete_query: str) -> list[Finding]:
    return [f.model_copy(update={"remediation": remediation(f, complete_query)}) for f in findings]


def scan_error_fix(errors: Sequence[ScanErrorEvidence | HidingErrorEvidence]) -> str:
    """One sentence per failed API (the first of its errors decides which)."""
    first: dict[str, ScanErrorEvidence | HidingErrorEvidence] = {}
    for error in errors:
        first.setdefault(error.api, error)
    return " ".join(_failed_call_fix(error) for error in first.values())


def _failed_call_fix(error: ScanErrorEvidence | HidingErrorEvidence) -> str:
    where = f" on project {error.project}" if error.project else ""
    if error.code.startswith(_DENIED):
        return (
            f"Allow the scan's identity to call {error.api}{where} (the RAM action and resource the "
            f"{error.code} message names), then scan again."
        )
    return f"Scan again; if {error.api}{where} keeps failing with {error.code}, check that service's status."


def _subject(finding: Finding, evidence: AccountEvidence | TrailEvidence, complete_query: str) -> Subject:
    trail: str | None
    home: str | None
    if isinstance(evidence, TrailEvidence):
        trail, home, feed = evidence.trail, evidence.home_region, evidence.feed
        unproven = tuple(evidence.coverage_unproven_by or ())
    else:
        feed = next((f for f in evidence.feeds if _label(f) == evidence.feed), None)
        trail = feed.name if feed is not None and feed.kind == "trail" else None
        home, unproven = None, ()
    alert = evidence.alert
    query = alert.suggested_query if alert is not None and alert.suggested_query else complete_query
    return Subject(finding.account_id or "", trail, home, feed, alert, unproven, query)


def _label(feed: FeedEvidence) -> str:
    # As feeds.Feed.label writes it (the account evidence names its feed by that label).
    return f"{feed.project}/{feed.logstore} ({feed.region})"
