"""The emulated cloud's regions, in one place: the regions DescribeRegions answers (a default list,
ActionTrail's public regions, replaceable, plus regions added per account: a seeded snapshot's), and
the regions whose endpoints exist at all.

An endpoint of a region that does not exist (`actiontrail.cn-hangzou.aliyuncs.com`, a typo) has no
DNS name in the real cloud: the request fails before it is sent, as `name_resolution_error` words
it. Existing: the real regions below, and any region a test names as this cloud's (`regions=`,
`set_regions`). A region named only by a seeded snapshot is listed by DescribeRegions (the snapshot
says it was scanned) but is not made to exist: a snapshot's typo scans as the cloud would answer it.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import requests

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

# Real regions with endpoints that the default DescribeRegions answer leaves out (finance and local
# regions, newer or special ones): a scan told to look there reaches them.
OTHER_REGION_IDS = (
    "cn-shanghai-finance-1",
    "cn-shenzhen-finance-1",
    "cn-beijing-finance-1",
    "cn-heyuan-acdr-1",
    "cn-shanghai-cloudspe",
    "cn-nanjing",
    "cn-fuzhou",
    "cn-wuhan-lr",
    "ap-south-1",
    "ap-southeast-2",
    "ap-southeast-6",
    "ap-southeast-7",
    "me-central-1",
)
REAL_REGION_IDS = frozenset(DEFAULT_REGION_IDS + OTHER_REGION_IDS)


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

    def exists(self, region: str | None) -> bool:
        """Whether the region's endpoints resolve: a real region, or one this cloud was given.
        None (a host that names no region) is the host's own business."""
        return region is None or region in REAL_REGION_IDS or region in (self._regions or ())


def name_resolution_error(url: str) -> requests.exceptions.ConnectionError:
    """What `requests` raises for a host DNS does not know, worded like urllib3 (host and cause)."""
    parts = urlsplit(url)
    pool = "HTTPSConnectionPool" if parts.scheme == "https" else "HTTPConnectionPool"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return requests.exceptions.ConnectionError(
        f"{pool}(host='{parts.hostname}', port={port}): Max retries exceeded with url: {parts.path or '/'} "
        f"(Caused by NameResolutionError(\"Failed to resolve '{parts.hostname}' "
        '([Errno -2] Name or service not known)"))'
    )
