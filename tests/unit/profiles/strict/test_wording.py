"""Golden sentences: a handful of decisions and issues, and the exact words they become."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from cis216.profiles.strict.issues import (
    AlwaysFires,
    ConditionGaps,
    ConditionUnverifiable,
    ConsecutiveThresholdHigh,
    CountThresholdHigh,
    Disabled,
    EntryNotDecisive,
    FromTemplate,
    IndexUnread,
    Issue,
    Muted,
    NeverFires,
    NoNotification,
    QueryBroad,
    QueryIncomplete,
    QueryUnverifiable,
    ScheduleUnreadable,
    StatusUnknown,
    TemplateDefaultPolicy,
    TemplateQueryUnreadable,
    ThresholdPerGroup,
    TriggerMissesCodes,
    Unjudgeable,
    WindowGap,
)
from cis216.profiles.strict.wording import account_reason, issue_text, trail_reason
from tests.builders import ACCOUNT, REGION, alert, decide_strict, scan_error, snapshot, trail

UTC = timezone.utc
TEMPLATE = "sls.app.actiontrail.cis.at.unauth_apicall"
MAIN = f"logstore audit/actiontrail_main ({REGION})"
EFFECTIVE = (
    f"alert 'unauth' (project audit) on {MAIN} fires on every required error code and notifies through "
    "action policy sls.app.actiontrail.builtin"
)
MISSING = f"no alert watches {MAIN}; create one from Alibaba's template {TEMPLATE} on it"


# (issue, its exact sentence): every kind of issue, and both forms of those that have two
GOLDEN = [
    (Disabled(state="DISABLED"), "is disabled (DISABLED); enable it"),
    (StatusUnknown(), "reports neither status nor state, so whether it runs is unknown"),
    (
        Muted(until=datetime(2030, 1, 1, tzinfo=UTC), evaluated_at=datetime(2026, 11, 29, 2, tzinfo=UTC)),
        "is muted until 2030-01-01T00:00:00+00:00 (evaluated at 2026-11-29T02:00:00+00:00); unmute it",
    ),
    (
        EntryNotDecisive(entries=2, joins=("no_join",), ignored_under_no_merge=True),
        "has 2 query entries and under No Merge only queryList[0] reaches the trigger, so this entry's rows "
        "are ignored; make the feed's query the first entry with No Merge, or give it an alert of its own",
    ),
    (
        EntryNotDecisive(entries=3, joins=(), ignored_under_no_merge=False),
        "has 3 query entries and its results are combined by no stated set operation, so whether this "
        "entry's rows reach the trigger cannot be proven; make the feed's query the first entry with No "
        "Merge, or give it an alert of its own",
    ),
    (
        QueryIncomplete(
            missed_codes=("Forbidden.*",),
            missed_events=("Forbidden.RAM",),
            index_source="SLS defaults",
            literal_wildcards=('event.errorCode: "Forbidden.*"',),
        ),
        "would not alert on Forbidden.* (e.g. Forbidden.RAM), judged with SLS defaults; inside double "
        'quotes * is a literal character, so event.errorCode: "Forbidden.*" matches no real code; replace '
        "it with the corrected query in evidence.suggested_query (values unquoted, so X.* is a wildcard)",
    ),
    (
        QueryIncomplete(
            missed_codes=("A", "B"), missed_events=(), index_source="logstore index", literal_wildcards=()
        ),
        "would not alert on A, B (e.g. their codes), judged with logstore index; replace it with the "
        "corrected query in evidence.suggested_query (values unquoted, so X.* is a wildcard)",
    ),
    (
        QueryUnverifiable(detail="where after |"),
        "cannot be verified: where after |; remove what cannot be proven to keep every event, or use the "
        "query in evidence.suggested_query",
    ),
    (
        FromTemplate(identity="actiontrail template"),
        "is Alibaba's actiontrail template: its query is taken from the template",
    ),
    (
        TemplateQueryUnreadable(identity="log audit built-in", detail="syntax"),
        "is Alibaba's log audit built-in; its query could not be read (syntax), so it is accepted by "
        "template identity",
    ),
    (
        QueryBroad(),
        "also fires on successful calls or on calls that failed for other reasons than authorization: it "
        "alerts, but noisily",
    ),
    (
        NeverFires(conditions=("cnt < 0", "__count__ > 1")),
        "has no trigger condition the query's result can meet (cnt < 0; __count__ > 1); use cnt > 0",
    ),
    (
        ConditionUnverifiable(reasons=("default: x", "conditionConfiguration: y")),
        "has a trigger that cannot be evaluated: default: x; conditionConfiguration: y",
    ),
    (
        CountThresholdHigh(min_count=6, limit=1),
        "fires only after 6 unauthorized calls in one window (maximum threshold setting: 1); single calls "
        "go unnoticed",
    ),
    (
        ConditionGaps(min_count=1, stops_at=2),
        "fires on 1 unauthorized call(s) in a window but not on 2: a burst of calls goes unnoticed; use "
        "cnt > 0",
    ),
    (
        AlwaysFires(),
        "fires on every run even when no unauthorized call happened (its count query always returns a "
        "row, and the condition holds for 0); such noise gets muted: use cnt > 0",
    ),
    (
        ConsecutiveThresholdHigh(consecutive=3, limit=1),
        "fires only after 3 consecutive triggering evaluations (threshold), more than 1",
    ),
    (
        ScheduleUnreadable(why="no schedule"),
        "has a schedule or window that cannot be read (no schedule), so gaps between runs cannot be ruled out",
    ),
    (
        WindowGap(schedule="every 15m", window="-5m..now", window_seconds=300, interval_seconds=900),
        "runs every 15m but each run looks back only -5m..now (300s < 900s): calls in between are never "
        "evaluated; make the window at least the interval",
    ),
    (
        NoNotification(),
        "notifies nobody (no action policy, alert policy or legacy notification); set "
        "policyConfiguration.actionPolicyId",
    ),
    # issue 11: the executed analytic statement and template alerts
    (
        TriggerMissesCodes(missed_codes=("NoPermission", "Forbidden"), never_on_unauthorized=False),
        "has a trigger that never fires on the calls of NoPermission, Forbidden, although its query sees "
        "them: the column it tests does not count them; count every matching call (select count(1) as "
        "cnt) and fire on cnt > 0",
    ),
    (
        TriggerMissesCodes(missed_codes=("NoPermission",), never_on_unauthorized=True),
        "has a trigger that never fires on an unauthorized call (NoPermission): the column it tests does "
        "not count them (it fires only on other calls); count every matching call (select count(1) as "
        "cnt) and fire on cnt > 0",
    ),
    (
        ThresholdPerGroup(min_count=6, spread=6, group_by=("account_id", "source_ip")),
        "counts per group (group by account_id, source_ip) and its threshold applies to each group: it "
        "fires when one group reaches 6 unauthorized calls in a window, but 6 calls spread over 6 "
        "different callers, addresses and regions do not fire; fire on cnt > 0, or count without grouping",
    ),
    (
        TemplateDefaultPolicy(policy="sls.app.actiontrail.builtin"),
        "names no action policy (no policyConfiguration, no token default.action_policy), so it notifies "
        "through the template's default action policy sls.app.actiontrail.builtin",
    ),
    (
        IndexUnread(logstore="audit/actiontrail_main", with_defaults="complete"),
        "cannot be judged: the index of logstore audit/actiontrail_main could not be read (GetIndex failed) "
        "and its query's meaning depends on it (with SLS defaults it would catch every required code, which "
        "the real index may not); no verdict is given until the index is read",
    ),
    (
        Unjudgeable(what="RecursionError in slsquery/parser.py: maximum recursion depth exceeded"),
        "could not be judged (RecursionError in slsquery/parser.py: maximum recursion depth exceeded), so "
        "whether it alerts cannot be proven; simplify it, or use the query in evidence.suggested_query",
    ),
]


@pytest.mark.parametrize(("issue", "text"), [pytest.param(i, t, id=type(i).__name__) for i, t in GOLDEN])
def test_issue_text(issue, text):
    assert issue_text(issue) == text


def test_every_kind_of_issue_has_golden_words():
    assert {type(issue) for issue, _ in GOLDEN} == set(Issue.__subclasses__())


def test_account_covered():
    account = decide_strict(snapshot()).account
    assert account_reason(account, ACCOUNT) == (
        f"Unauthorized API calls in account {ACCOUNT} are alerted on: trail main records every region's "
        f"events into SLS, and {EFFECTIVE}."
    )


def test_account_without_trail():
    account = decide_strict(snapshot(trails=[], alerts=[])).account
    assert account_reason(account, ACCOUNT) == (
        f"Account {ACCOUNT} has no ActionTrail trail (and no Log Audit central logstore counts), so "
        "unauthorized API calls are recorded nowhere an alert could see them; create a trail for all regions "
        f"and all events delivering to SLS, and an alert from template {TEMPLATE} on its logstore."
    )


def test_account_whose_failed_calls_qualify_what_was_seen():
    error = scan_error(api="DescribeTrails", code="ServiceUnavailable", message="try later")
    account = decide_strict(snapshot(trails=[], alerts=[], errors=[error])).account
    assert account_reason(account, ACCOUNT) == (
        f"The scan could not read everything (DescribeTrails ({REGION})): what it missed could hold the trail "
        "or alert that would make this account compliant, so no confident verdict is given. Seen so far: "
        f"account {ACCOUNT} has no ActionTrail trail (and no Log Audit central logstore counts), so "
        "unauthorized API calls are recorded nowhere an alert could see them; create a trail for all regions "
        f"and all events delivering to SLS, and an alert from template {TEMPLATE} on its logstore."
    )


def test_account_without_trail_recording():
    account = decide_strict(
        snapshot(trails=[trail(status="Disable"), trail(name="oss", project=None)])
    ).account
    assert account_reason(account, ACCOUNT) == (
        f"No trail of account {ACCOUNT} is enabled and delivering to SLS (main is not enabled; oss does not "
        "deliver to SLS), so no alert can see unauthorized API calls; enable a trail for all regions and all "
        "events with an SLS project, and alert on its logstore."
    )


def test_account_with_only_partial_feeds():
    account = decide_strict(snapshot(trails=[trail(trail_region=REGION)])).account
    assert account_reason(account, ACCOUNT) == (
        f"Account {ACCOUNT} has no complete feed (every region, every event) of ActionTrail into SLS (trail "
        "main: TRAIL_NOT_ALL_REGIONS); even an effective alert on a partial feed misses calls. Best feed: "
        f"{EFFECTIVE}."
    )


def test_trails_covered_elsewhere_and_trails_that_fail():
    alerts = [alert(), alert(name="r", store="actiontrail_regional", status="DISABLED")]
    trails = [trail(), trail(name="regional", trail_region=REGION), trail(name="off", status="Disable")]
    by_name = {t.view.trail.name: t for t in decide_strict(snapshot(trails=trails, alerts=alerts)).trails}
    covering = (
        f"alert 'unauth' (project audit) on complete feed audit/actiontrail_main ({REGION}) is effective"
    )
    assert trail_reason(by_name["main"]) == f"Trail main: {EFFECTIVE}."
    assert trail_reason(by_name["regional"]) == (
        f"Trail regional has no effective alert of its own (on logstore audit/actiontrail_regional ({REGION}), "
        f"alert 'r' (project audit, {REGION}, queryList[0]) is disabled (DISABLED); enable it); it needs no "
        f"alert of its own because {covering}."
    )
    assert (
        trail_reason(by_name["off"])
        == f"Trail off is not enabled; it needs no alert of its own because {covering}."
    )


def test_trail_whose_alert_listing_failed():
    error = scan_error(api="ListAlerts", project="ops", code="Unauthorized", message="denied")
    (decision,) = decide_strict(
        snapshot(trails=[trail(event_rw="Write")], alerts=[], errors=[error], projects={"ops": {}})
    ).trails
    assert trail_reason(decision) == (
        f"Some alert listings failed during the scan, so an effective alert may exist unseen. Trail main: "
        f"{MISSING}. The trail also covers only read-only or write-only events."
    )
