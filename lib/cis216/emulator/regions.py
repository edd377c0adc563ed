"""The regions DescribeRegions answers: a default list (ActionTrail's public regions), replaceable,
plus regions added per account (a seeded snapshot's)."""

from __future__ import annotations

from collections.abc import Iterable

# (region id, local name). A realistic subset: the regions ActionTrail serves publicly.
DEFAULT_REGIONS = (
    ("cn-qingdao", "华北1（青岛）"),
    ("cn-beijing", "华北2（北京）"),
    ("cn-zhangjiakou", "华北3（张家口）"),
    ("cn-huhehaote", "华北5（呼和浩特）"),
    ("cn-wulanchabu", "华北6（乌兰察布）"),
    ("cn-hangzhou", "华东1（杭州）"),
    ("cn-shanghai", "华东2（上海）"),
    ("cn-shenzhen", "华南1（深圳）"),
    ("cn-heyuan", "华南2（河源）"),
    ("cn-guangzhou", "华南3（广州）"),
    ("cn-chengdu", "西南1（成都）"),
    ("cn-hongkong", "中国香港"),
    ("ap-southeast-1", "新加坡"),
    ("ap-southeast-3", "马来西亚（吉隆坡）"),
    ("ap-southeast-5", "印度尼西亚（雅加达）"),
    ("ap-northeast-1", "日本（东京）"),
    ("ap-northeast-2", "韩国（首尔）"),
    ("us-west-1", "美国（硅谷）"),
    ("us-east-1", "美国（弗吉尼亚）"),
    ("eu-central-1", "德国（法兰克福）"),
    ("eu-west-1", "英国（伦敦）"),
    ("me-east-1", "阿联酋（迪拜）"),
)

DEFAULT_REGION_IDS = tuple(region for region, _ in DEFAULT_REGIONS)
LOCAL_NAMES = dict(DEFAULT_REGIONS)


class RegionList:
    """One list for every account (default: DEFAULT_REGION_IDS), plus each account's additions."""

    def __init__(self, regions: Iterable[str] | None = None) -> None:
        self._regions: list[str] | None = list(regions) if regions is not None else None
        self._extra: dict[str, list[str]] = {}

    def replace(self, regions: Iterable[str]) -> None:
        """The list every account sees from now on; additions made so far are dropped."""
        self._regions = list(regions)
        self._extra.clear()

    def add(self, account: str, regions: Iterable[str]) -> None:
        extra = self._extra.setdefault(account, [])
        extra.extend(r for r in regions if r not in extra)

    def of(self, account: str) -> list[str]:
        base = list(self._regions if self._regions is not None else DEFAULT_REGION_IDS)
        return base + [r for r in self._extra.get(account, []) if r not in base]
