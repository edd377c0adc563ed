"""One evaluation of an inventory: its settings, the instant it judges at, the calls that failed,
and memoised query judgements (accounts repeat the same query on many alerts)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ...inventory import Inventory
from ...settings import Settings
from ...slsquery import TOPIC_LOG_AUDIT, TOPIC_TRAIL, IndexConfig, QueryJudgement, judge_query
from ..scan_errors import FailedCall, failed_calls
from .feeds import Feed
from .reads import index_read
from .trigger import TriggerMemo
from .unexpected import Unexpected


@dataclass
class Evaluation:
    settings: Settings
    inventory: Inventory
    failed: tuple[FailedCall, ...] = ()  # every failed call of the scan (failed_calls(inventory))
    unexpected: Unexpected = field(default_factory=Unexpected)  # items set aside while judging
    # Judging an organisation trail's alerts for one member: the representative events carry its id.
    member_account: str | None = None
    triggers: TriggerMemo = field(default_factory=TriggerMemo, repr=False)
    # Judging a query means running it over every representative event. Judgements are keyed by
    # id() of the IndexConfig made once per distinct index document, which lives as long as this.
    _indexes: dict[str, IndexConfig] = field(default_factory=dict, repr=False)
    _judgements: dict[tuple[str, int, str], QueryJudgement] = field(default_factory=dict, repr=False)
    # Every alert on a feed asks for its logstore's index: looked up and serialised once per logstore.
    _index_of_logstore: dict[tuple[str, str, str], IndexConfig] = field(default_factory=dict, repr=False)

    def judge(self, text: str, feed: Feed) -> QueryJudgement:
        index = self.index_for(feed)
        # Log Audit tags its events with another __topic__ than trail delivery; a query that
        # filters on the topic must be judged against the events that feed really holds.
        topic = TOPIC_LOG_AUDIT if feed.kind == "log_audit" else TOPIC_TRAIL
        key = (text, id(index), topic)
        if key not in self._judgements:
            codes = self.settings.required_codes
            self._judgements[key] = judge_query(
                text, index, codes, topic=topic, member_account=self.member_account
            )
        return self._judgements[key]

    @property
    def now(self) -> datetime:
        # The core never reads the clock: the snapshot's time unless the caller says otherwise.
        now = self.settings.now or self.inventory.collected_at
        return now if now.tzinfo else now.replace(tzinfo=timezone.utc)

    @classmethod
    def of(cls, inventory: Inventory, settings: Settings, member_account: str | None = None) -> Evaluation:
        failed = tuple(failed_calls(inventory))
        return cls(settings=settings, inventory=inventory, failed=failed, member_account=member_account)

    def unread_index(self, feed: Feed) -> tuple[FailedCall, ...]:
        """The failed GetIndex calls of the feed's logstore: its real index is unknown."""
        read = index_read(feed)
        return tuple(call for call in self.failed if read.failed_by(call))

    def index_for(self, feed: Feed) -> IndexConfig:
        """The feed logstore's real index when the snapshot has it, else SLS's defaults; one
        IndexConfig per distinct index document, so equal indexes share judgements."""
        where = (feed.region, feed.project, feed.logstore)
        if where not in self._index_of_logstore:
            self._index_of_logstore[where] = self._index_of(where)
        return self._index_of_logstore[where]

    def _index_of(self, where: tuple[str, str, str]) -> IndexConfig:
        region_id, project_name, logstore_name = where
        region = self.inventory.regions.get(region_id)
        project = region.sls_projects.get(project_name) if region else None
        logstore = project.logstores.get(logstore_name) if project else None
        document = logstore.index if logstore and logstore.index else None
        key = json.dumps(document, sort_keys=True)
        if key not in self._indexes:
            self._indexes[key] = IndexConfig.from_get_index(document) if document else IndexConfig.default()
        return self._indexes[key]
