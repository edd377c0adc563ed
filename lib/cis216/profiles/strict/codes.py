"""The strict profile's reason-code vocabulary.

Three kinds, because they lead to different statuses:
- FAILING codes put a finding in `alarm` (the control is not met, and we know it);
- UNVERIFIABLE codes put it in `info` (we could not decide; we never guess);
- SCAN_ERROR puts it in `error` (data the verdict depends on could not be read), and so do the
  ERROR codes of an organisation scan (a member that could not be scanned at all, and why);
- ADVISORIES never change a status; they are remarks a reviewer should see.
`reason_codes` of a finding hold the first three kinds, `advisories` the last.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...findings import Status

# --- failing -------------------------------------------------------------------------------
NO_TRAIL = "NO_TRAIL"
TRAIL_NOT_ENABLED = "TRAIL_NOT_ENABLED"
TRAIL_NOT_DELIVERING_TO_SLS = "TRAIL_NOT_DELIVERING_TO_SLS"
TRAIL_DELIVERY_FAILING = "TRAIL_DELIVERY_FAILING"
TRAIL_NOT_ALL_REGIONS = "TRAIL_NOT_ALL_REGIONS"
TRAIL_NOT_ALL_EVENTS = "TRAIL_NOT_ALL_EVENTS"
ALERT_MISSING = "ALERT_MISSING"
ALERT_DISABLED = "ALERT_DISABLED"
ALERT_MUTED = "ALERT_MUTED"
ALERT_WRONG_LOGSTORE = "ALERT_WRONG_LOGSTORE"
ALERT_QUERY_INCOMPLETE = "ALERT_QUERY_INCOMPLETE"
ALERT_NO_NOTIFICATION = "ALERT_NO_NOTIFICATION"
ALERT_WINDOW_GAP = "ALERT_WINDOW_GAP"
ALERT_NEVER_FIRES = "ALERT_NEVER_FIRES"
ALERT_CONDITION_GAPS = "ALERT_CONDITION_GAPS"

# --- unverifiable (status info) ------------------------------------------------------------
ALERT_QUERY_UNVERIFIABLE = "ALERT_QUERY_UNVERIFIABLE"
ALERT_CONDITION_UNVERIFIABLE = "ALERT_CONDITION_UNVERIFIABLE"
ALERT_SCHEDULE_UNVERIFIABLE = "ALERT_SCHEDULE_UNVERIFIABLE"
ALERT_STATUS_UNKNOWN = "ALERT_STATUS_UNKNOWN"
FEED_IN_OTHER_ACCOUNT = "FEED_IN_OTHER_ACCOUNT"
FEED_NOT_SCANNED = "FEED_NOT_SCANNED"
COVERAGE_UNVERIFIABLE = "COVERAGE_UNVERIFIABLE"

# --- error ---------------------------------------------------------------------------------
SCAN_ERROR = "SCAN_ERROR"
# An organisation scan (cis216.organization): why a member has no verdict.
ORGANIZATION_UNREAD = "ORGANIZATION_UNREAD"
MEMBER_ROLE_NOT_ASSUMABLE = "MEMBER_ROLE_NOT_ASSUMABLE"
MEMBER_LEFT_ORGANIZATION = "MEMBER_LEFT_ORGANIZATION"
MEMBER_SCAN_FAILED = "MEMBER_SCAN_FAILED"
MEMBER_NOT_DISPATCHED = "MEMBER_NOT_DISPATCHED"
LOG_AUDIT_UNREAD = "LOG_AUDIT_UNREAD"

# --- failing, organisation scan ------------------------------------------------------------
ORGANIZATION_ALERT_EXCLUDES_MEMBER = "ORGANIZATION_ALERT_EXCLUDES_MEMBER"
LOG_AUDIT_ALERT_EXCLUDES_MEMBER = "LOG_AUDIT_ALERT_EXCLUDES_MEMBER"

# --- advisories ----------------------------------------------------------------------------
ALERT_THRESHOLD_HIGH = "ALERT_THRESHOLD_HIGH"
ALERT_THRESHOLD_PER_GROUP = "ALERT_THRESHOLD_PER_GROUP"
ALERT_FROM_TEMPLATE = "ALERT_FROM_TEMPLATE"
ALERT_QUERY_BROAD = "ALERT_QUERY_BROAD"
ALERT_ALWAYS_FIRES = "ALERT_ALWAYS_FIRES"
COVERED_BY_OTHER_FEED = "COVERED_BY_OTHER_FEED"
LOG_AUDIT_NOT_ACCEPTED = "LOG_AUDIT_NOT_ACCEPTED"
COVERED_BY_ORGANIZATION_TRAIL = "COVERED_BY_ORGANIZATION_TRAIL"
COVERED_BY_LOG_AUDIT = "COVERED_BY_LOG_AUDIT"

MEANINGS: dict[str, str] = {
    NO_TRAIL: (
        "The account has no ActionTrail trail and no accepted Log Audit feed: nothing records API calls."
    ),
    TRAIL_NOT_ENABLED: "The trail exists but is not logging (Status is not Enable).",
    TRAIL_NOT_DELIVERING_TO_SLS: (
        "The trail does not deliver to SLS (no SlsProjectArn), so no SLS alert can see its events."
    ),
    TRAIL_DELIVERY_FAILING: (
        "The trail is enabled but its events do not reach SLS (GetTrailStatus: not logging, or its "
        "latest SLS delivery failed; the error is quoted), so no alert can see them."
    ),
    TRAIL_NOT_ALL_REGIONS: (
        "The trail covers one region only (TrailRegion is not All): calls elsewhere are not seen."
    ),
    TRAIL_NOT_ALL_EVENTS: "The trail records only read or only write events (EventRW is not All).",
    ALERT_MISSING: "No alert has a query entry on the feed's logstore.",
    ALERT_DISABLED: "The alert on the feed is disabled.",
    ALERT_MUTED: "The alert is muted (muteUntil is after the evaluation time).",
    ALERT_WRONG_LOGSTORE: (
        "An unauthorized-call alert exists but queries another logstore, project or region than the feed."
    ),
    ALERT_QUERY_INCOMPLETE: (
        "The alert query would not match an ApiCall event for at least one required error code."
    ),
    ALERT_NO_NOTIFICATION: (
        "The alert has no action policy, alert policy or legacy notification: it reaches nobody."
    ),
    ALERT_WINDOW_GAP: (
        "The query window is shorter than the schedule interval (or fixed): some events are never evaluated."
    ),
    ALERT_NEVER_FIRES: "No trigger condition of the alert can be satisfied by the query's result.",
    ALERT_CONDITION_GAPS: (
        "The trigger fires on some numbers of unauthorized calls but not on more (cnt == 1): "
        "a burst is not alerted."
    ),
    ALERT_QUERY_UNVERIFIABLE: (
        "The query uses syntax or an analytic statement that cannot be proven to keep every event."
    ),
    ALERT_CONDITION_UNVERIFIABLE: "The trigger condition cannot be evaluated against the query's result row.",
    ALERT_SCHEDULE_UNVERIFIABLE: (
        "The schedule or the query window could not be read, so gaps cannot be ruled out."
    ),
    ALERT_STATUS_UNKNOWN: "The alert carries neither status nor state: whether it runs is unknown.",
    FEED_IN_OTHER_ACCOUNT: (
        "The trail delivers to an SLS project of another account, whose alerts this scan cannot see."
    ),
    FEED_NOT_SCANNED: "The region of the feed's SLS project was not scanned, so its alerts were not seen.",
    COVERAGE_UNVERIFIABLE: (
        "Another complete feed may cover the account, but its alert could not be proven either way: "
        "this trail's own problems are advisories until it is."
    ),
    SCAN_ERROR: (
        "A read the verdict depends on failed (an API call, or an answer that could not be read); "
        "the finding names it and gives no verdict the missing data could change."
    ),
    ORGANIZATION_UNREAD: (
        "Organisation scan: the organisation trail, its status or the alerts of its SLS project could not "
        "be read, and the member's own feed does not cover it: whether the organisation trail does is unknown."
    ),
    MEMBER_ROLE_NOT_ASSUMABLE: (
        "Organisation scan: the member's role could not be assumed (missing, or it does not trust the "
        "scanner); the error is quoted and the member was not scanned."
    ),
    MEMBER_LEFT_ORGANIZATION: (
        "Organisation scan: the member was listed by the resource directory but had left it (or was "
        "being deleted) when its scan ran, so it was not scanned."
    ),
    MEMBER_SCAN_FAILED: "Organisation scan: the member's scan failed; the error is quoted.",
    MEMBER_NOT_DISPATCHED: (
        "Organisation scan: the coordinator could not queue the member's scan (the error is quoted)."
    ),
    LOG_AUDIT_UNREAD: (
        "Organisation scan: Log Audit's multi-account configuration (DescribeApp) or the alerts of its "
        "central project could not be read, and no other feed covers the member: whether Log Audit's "
        "central collection does is unknown."
    ),
    ORGANIZATION_ALERT_EXCLUDES_MEMBER: (
        "Organisation scan: the organisation trail's alert would alert on other members, but its query "
        "is narrowed away from this one (event.recipientAccountId or event.userIdentity.accountId)."
    ),
    LOG_AUDIT_ALERT_EXCLUDES_MEMBER: (
        "Organisation scan: the alert of Log Audit's central project would alert on other members it "
        "collects, but its query is narrowed away from this one (event.recipientAccountId or "
        "event.userIdentity.accountId)."
    ),
    ALERT_THRESHOLD_HIGH: (
        "The alert needs more unauthorized calls (or consecutive evaluations) than "
        "the maximum threshold setting."
    ),
    ALERT_THRESHOLD_PER_GROUP: (
        "The query groups its rows (per caller, address, ...) and the threshold applies per group: "
        "as many calls spread over as many groups never fire."
    ),
    ALERT_FROM_TEMPLATE: "The alert was recognised by Alibaba's template identity, not by reading its query.",
    ALERT_QUERY_BROAD: (
        "The alert also fires on successful calls or on calls that failed for other reasons: it fires, "
        "but is noisy."
    ),
    ALERT_ALWAYS_FIRES: (
        "The trigger fires on every run, with no unauthorized call at all: noise that gets muted or ignored."
    ),
    COVERED_BY_OTHER_FEED: (
        "This trail needs no alert of its own: another complete feed has an effective alert."
    ),
    LOG_AUDIT_NOT_ACCEPTED: (
        "A Log Audit central logstore exists but the accept_log_audit setting excludes it."
    ),
    COVERED_BY_ORGANIZATION_TRAIL: (
        "Organisation scan: the member is covered by the organisation trail's feed and its effective "
        "alert (named in evidence.organization), not by a feed of its own."
    ),
    COVERED_BY_LOG_AUDIT: (
        "Organisation scan: the member is covered by Log Audit's multi-account collection: the central "
        "project's effective alert (named in evidence.organization.log_audit), not by a feed of its own."
    ),
}

FAILING = frozenset(
    {
        NO_TRAIL,
        TRAIL_NOT_ENABLED,
        TRAIL_NOT_DELIVERING_TO_SLS,
        TRAIL_DELIVERY_FAILING,
        TRAIL_NOT_ALL_REGIONS,
        TRAIL_NOT_ALL_EVENTS,
        ALERT_MISSING,
        ALERT_DISABLED,
        ALERT_MUTED,
        ALERT_WRONG_LOGSTORE,
        ALERT_QUERY_INCOMPLETE,
        ALERT_NO_NOTIFICATION,
        ALERT_WINDOW_GAP,
        ALERT_NEVER_FIRES,
        ALERT_CONDITION_GAPS,
        ORGANIZATION_ALERT_EXCLUDES_MEMBER,
        LOG_AUDIT_ALERT_EXCLUDES_MEMBER,
    }
)
UNVERIFIABLE = frozenset(
    {
        ALERT_QUERY_UNVERIFIABLE,
        ALERT_CONDITION_UNVERIFIABLE,
        ALERT_SCHEDULE_UNVERIFIABLE,
        ALERT_STATUS_UNKNOWN,
        FEED_IN_OTHER_ACCOUNT,
        FEED_NOT_SCANNED,
        COVERAGE_UNVERIFIABLE,
    }
)
ADVISORY = frozenset(
    {
        ALERT_THRESHOLD_HIGH,
        ALERT_THRESHOLD_PER_GROUP,
        ALERT_FROM_TEMPLATE,
        ALERT_QUERY_BROAD,
        ALERT_ALWAYS_FIRES,
        COVERED_BY_OTHER_FEED,
        LOG_AUDIT_NOT_ACCEPTED,
        COVERED_BY_ORGANIZATION_TRAIL,
        COVERED_BY_LOG_AUDIT,
    }
)
ERROR = frozenset(
    {
        SCAN_ERROR,
        ORGANIZATION_UNREAD,
        MEMBER_ROLE_NOT_ASSUMABLE,
        MEMBER_LEFT_ORGANIZATION,
        MEMBER_SCAN_FAILED,
        MEMBER_NOT_DISPATCHED,
        LOG_AUDIT_UNREAD,
    }
)
# SCAN_ERROR leads: it qualifies every other code of the finding ("as far as the scan could see");
# the other error codes follow (why there is no verdict), then the rest.
_OTHER_ERRORS = [code for code in MEANINGS if code in ERROR and code != SCAN_ERROR]
ORDER: list[str] = [SCAN_ERROR, *_OTHER_ERRORS] + [code for code in MEANINGS if code not in ERROR]


def status_for(reason_codes: Iterable[str]) -> Status:
    """The status a set of reason codes leads to: error > alarm > info > ok."""
    found = set(reason_codes)
    if found & ERROR:
        return "error"
    if found & FAILING:
        return "alarm"
    if found & UNVERIFIABLE:
        return "info"
    return "ok"


def ordered(reason_codes: Iterable[str]) -> list[str]:
    """Deduplicated, in vocabulary order (stable output for diffs and tests)."""
    seen = set(reason_codes)
    # Called for every judged alert: sort the few codes found by a precomputed rank rather than
    # walking the whole vocabulary; codes outside it follow, alphabetically.
    return sorted(seen, key=_rank_of)


def _rank_of(code: str) -> tuple[int, str]:
    return (_RANK.get(code, len(_RANK)), code)


_RANK: dict[str, int] = {code: rank for rank, code in enumerate(ORDER)}
