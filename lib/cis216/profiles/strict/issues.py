"""What the checks of alerts.py can find wrong with an alert, as data: a code and its facts.

One class per distinct finding (a code can have several, e.g. ALERT_THRESHOLD_HIGH for the count
and for consecutive evaluations); wording.py turns each into the sentence a reader gets.
Advisory issues never change a status (their codes are in codes.ADVISORY).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from . import codes


@dataclass(frozen=True)
class Issue:
    code: ClassVar[str]

    @property
    def advisory(self) -> bool:
        return self.code in codes.ADVISORY


# --- check 1: enabled and not muted --------------------------------------------------------------


@dataclass(frozen=True)
class Disabled(Issue):
    code = codes.ALERT_DISABLED
    state: str | None  # the alert's status (or legacy state) as it reads


@dataclass(frozen=True)
class StatusUnknown(Issue):
    code = codes.ALERT_STATUS_UNKNOWN


@dataclass(frozen=True)
class Muted(Issue):
    code = codes.ALERT_MUTED
    until: datetime
    evaluated_at: datetime


# --- check 3: the query ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryNotDecisive(Issue):
    """The feed's query entry may not be what reaches the trigger (several entries combined)."""

    code = codes.ALERT_QUERY_UNVERIFIABLE
    entries: int
    joins: tuple[str, ...]
    ignored_under_no_merge: bool  # a later entry under No Merge: its rows never reach the trigger


@dataclass(frozen=True)
class QueryIncomplete(Issue):
    code = codes.ALERT_QUERY_INCOMPLETE
    missed_codes: tuple[str, ...]
    missed_events: tuple[str, ...]
    index_source: str
    literal_wildcards: tuple[str, ...]  # quoted values whose * is a literal character


@dataclass(frozen=True)
class QueryUnverifiable(Issue):
    code = codes.ALERT_QUERY_UNVERIFIABLE
    detail: str


@dataclass(frozen=True)
class IndexUnread(Issue):
    """The query's verdict depends on the feed logstore's index, and GetIndex failed: undecided.

    SLS's defaults were tried only to see whether the index could matter; what they gave is kept
    as a fact, never as the verdict."""

    code = codes.SCAN_ERROR
    logstore: str  # <project>/<logstore>
    with_defaults: str  # the query's verdict with SLS's default index: complete / incomplete / unverifiable


@dataclass(frozen=True)
class Unjudgeable(Issue):
    """Judging this alert raised (a construct no check expected): contained to this alert."""

    code = codes.ALERT_QUERY_UNVERIFIABLE
    what: str  # the exception, named without a traceback


@dataclass(frozen=True)
class FromTemplate(Issue):
    """A template alert whose query is not expanded: the template's query stands in for it."""

    code = codes.ALERT_FROM_TEMPLATE
    identity: str | None


@dataclass(frozen=True)
class TemplateQueryUnreadable(Issue):
    """A template alert whose search statement could not be read: accepted by identity."""

    code = codes.ALERT_FROM_TEMPLATE
    identity: str
    detail: str


@dataclass(frozen=True)
class QueryBroad(Issue):
    code = codes.ALERT_QUERY_BROAD


# --- check 4: the trigger -------------------------------------------------------------------------


@dataclass(frozen=True)
class NeverFires(Issue):
    code = codes.ALERT_NEVER_FIRES
    conditions: tuple[str, ...]  # the condition texts, none of which the result can meet


@dataclass(frozen=True)
class ConditionUnverifiable(Issue):
    code = codes.ALERT_CONDITION_UNVERIFIABLE
    reasons: tuple[str, ...]  # "<where>: <why>" per condition that cannot be evaluated


@dataclass(frozen=True)
class ConditionGaps(Issue):
    code = codes.ALERT_CONDITION_GAPS
    min_count: int
    stops_at: int


@dataclass(frozen=True)
class CountThresholdHigh(Issue):
    code = codes.ALERT_THRESHOLD_HIGH
    min_count: int
    limit: int


@dataclass(frozen=True)
class ConsecutiveThresholdHigh(Issue):
    code = codes.ALERT_THRESHOLD_HIGH
    consecutive: int
    limit: int


@dataclass(frozen=True)
class AlwaysFires(Issue):
    code = codes.ALERT_ALWAYS_FIRES


@dataclass(frozen=True)
class TriggerMissesCodes(Issue):
    """The query sees these codes' calls, but no trigger condition ever fires on them."""

    code = codes.ALERT_QUERY_INCOMPLETE
    missed_codes: tuple[str, ...]
    never_on_unauthorized: bool  # it fires on no required code at all (only on other calls)


@dataclass(frozen=True)
class ThresholdPerGroup(Issue):
    """A threshold above one call that applies per group of the query's rows."""

    code = codes.ALERT_THRESHOLD_PER_GROUP
    min_count: int  # calls one group needs
    spread: int  # that many calls over as many groups did not fire
    group_by: tuple[str, ...]


# --- check 5: window and schedule ------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleUnreadable(Issue):
    code = codes.ALERT_SCHEDULE_UNVERIFIABLE
    why: str


@dataclass(frozen=True)
class WindowGap(Issue):
    code = codes.ALERT_WINDOW_GAP
    schedule: str  # "every 15m", "cron '...'"
    window: str  # "-5m..now"
    window_seconds: int
    interval_seconds: int


# --- check 6: notification -------------------------------------------------------------------------


@dataclass(frozen=True)
class NoNotification(Issue):
    code = codes.ALERT_NO_NOTIFICATION


@dataclass(frozen=True)
class TemplateDefaultPolicy(Issue):
    """A template alert naming no action policy notifies through the template's default one."""

    code = codes.ALERT_FROM_TEMPLATE
    policy: str
