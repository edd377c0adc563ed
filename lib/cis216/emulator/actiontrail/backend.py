"""ActionTrail state: trails per account, stored once under their home region, and the regions
DescribeRegions answers."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from ..regions import RegionList

Trail = dict[str, Any]


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


class ActionTrailBackend:
    def __init__(self, regions: Iterable[str] | None = None) -> None:
        self.regions = RegionList(regions)
        # account -> (home region, name) -> trail, in insertion order.
        self._trails: dict[str, dict[tuple[str, str], Trail]] = {}
        # (account, name) -> extra GetTrailStatus fields a test wants answered.
        self.status_overrides: dict[tuple[str, str], dict[str, Any]] = {}
        # member account -> management account: members see the management account's
        # organization trails (with IncludeOrganizationTrail), as in a resource directory.
        self.management_of: dict[str, str] = {}

    def link_organization(self, management_account: str, members: Iterable[str]) -> None:
        for member in members:
            self.management_of[member] = management_account

    def add_trail(self, account: str, trail: Trail, listed_region: str | None = None) -> Trail:
        """Store a DescribeTrails item verbatim. A trail listed in several regions (a
        shadow trail) is stored once: the copy listed in its home region wins."""
        home = trail.get("HomeRegion") or trail.get("Region") or listed_region or ""
        key = (home, trail["Name"])
        trails = self._trails.setdefault(account, {})
        if key not in trails or listed_region == home:
            trails[key] = copy.deepcopy(trail)
        return trails[key]

    def trails(self, account: str) -> list[Trail]:
        return list(self._trails.get(account, {}).values())

    def describe(
        self,
        account: str,
        region: str,
        include_shadow: bool,
        include_org: bool,
        names: Iterable[str] | None = None,
    ) -> list[Trail]:
        """DescribeTrails as seen from `region`: the trails homed there first, then, with
        IncludeShadowTrails, the trails of other home regions that cover this region
        (TrailRegion "All" or this region); each group in the order the trails were added.
        Organization trails only with IncludeOrganizationTrail; a member account then also
        sees its management account's organization trails."""
        wanted = {name.strip() for name in names or () if name.strip()}
        candidates = list(self._trails.get(account, {}).items())
        management = self.management_of.get(account)
        if include_org and management:
            candidates += [
                item
                for item in self._trails.get(management, {}).items()
                if _truthy(item[1].get("IsOrganizationTrail"))
            ]
        homed: list[Trail] = []
        shadows: list[Trail] = []
        for (home, name), trail in candidates:
            if wanted and name not in wanted:
                continue
            if _truthy(trail.get("IsOrganizationTrail")) and not include_org:
                continue
            if home == region:
                homed.append(copy.deepcopy(trail))
            elif include_shadow and trail.get("TrailRegion") in ("All", region):
                shadows.append(copy.deepcopy(trail))
        return homed + shadows

    def find(self, account: str, name: str) -> Trail | None:
        for (_, trail_name), trail in self._trails.get(account, {}).items():
            if trail_name == name:
                return trail
        return None
