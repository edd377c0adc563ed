"""Alibaba Cloud's naming facts, written once: ids and names, SLS ARNs, where ActionTrail delivers.

Region ids, project and logstore names end up in hostnames and URL paths
(`<project>.<region>.log.aliyuncs.com`), so every one that comes from outside is checked against
its real shape here before anything uses it. The `powerpipe` profile keeps its own deliberately
loose first-match parsing of ARNs (profiles/sqltext.py), because parity with the reference SQL
needs exactly that looseness; everything else parses ARNs with `SlsProjectArn.parse`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator

# `fullmatch` everywhere: with `match`, `$` also matches before a trailing newline ("cn-hangzhou\n").
REGION_ID = re.compile(r"[a-z]{2,}(?:-[a-z0-9]+){1,4}")
ACCOUNT_ID = re.compile(r"[0-9]{5,20}")
# SLS naming rules: project 3-63 of [a-z0-9-], logstore 2-63 of [a-z0-9_-], both start/end alnum.
PROJECT_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")
LOGSTORE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,61}[a-z0-9]")

# The largest page SLS's ListProject and ListAlerts answer (`size`); more pages are fetched.
SLS_PAGE_SIZE = 100

# Log Audit Service: one central project per region, ActionTrail events in logstore actiontrail_log.
LOG_AUDIT_LOGSTORE = "actiontrail_log"
LOG_AUDIT_PROJECT = re.compile(r"slsaudit-center-(?P<account>[0-9]+)-(?P<region>[a-z0-9-]+)")


def is_region_id(value: object) -> bool:
    return isinstance(value, str) and REGION_ID.fullmatch(value) is not None


def is_account_id(value: object) -> bool:
    return isinstance(value, str) and ACCOUNT_ID.fullmatch(value) is not None


def is_project_name(value: object) -> bool:
    return isinstance(value, str) and PROJECT_NAME.fullmatch(value) is not None


def is_logstore_name(value: object) -> bool:
    return isinstance(value, str) and LOGSTORE_NAME.fullmatch(value) is not None


def _region_id(value: str) -> str:
    if not is_region_id(value):
        raise ValueError(f"{value!r} is not a region id (like 'cn-hangzhou')")
    return value


def _account_id(value: str) -> str:
    if not is_account_id(value):
        raise ValueError(f"{value!r} is not an Alibaba Cloud account id (5-20 digits)")
    return value


def _project_name(value: str) -> str:
    if not is_project_name(value):
        raise ValueError(f"{value!r} is not an SLS project name (3-63 of a-z, 0-9, '-')")
    return value


def _logstore_name(value: str) -> str:
    if not is_logstore_name(value):
        raise ValueError(f"{value!r} is not an SLS logstore name (2-63 of a-z, 0-9, '_', '-')")
    return value


RegionId = Annotated[str, AfterValidator(_region_id)]
AccountId = Annotated[str, AfterValidator(_account_id)]
ProjectName = Annotated[str, AfterValidator(_project_name)]
LogstoreName = Annotated[str, AfterValidator(_logstore_name)]


def trail_logstore(trail_name: str) -> str:
    """ActionTrail delivers a trail's events into logstore `actiontrail_<trail name>` of its project."""
    return f"actiontrail_{trail_name}"


def log_audit_project(account_id: str, region: str) -> str:
    """The Log Audit Service's central project of `region`."""
    return f"slsaudit-center-{account_id}-{region}"


def sls_project_arn(region: str, account_id: str, project: str) -> str:
    return f"acs:log:{region}:{account_id}:project/{project}"


def sls_logstore_arn(region: str, account_id: str, project: str, logstore: str) -> str:
    return f"{sls_project_arn(region, account_id, project)}/logstore/{logstore}"


_SLS_PROJECT_ARN = re.compile(r"acs:log:(?P<region>[^:]*):(?P<account>[^:]*):project/(?P<project>[^/]+)")


@dataclass(frozen=True)
class SlsProjectArn:
    """A trail's `SlsProjectArn`, `acs:log:<region>:<account>:project/<name>`, parsed once.

    `account` may be empty (ActionTrail accepts an ARN without it: the trail's own account)."""

    region: str
    account: str
    project: str

    @classmethod
    def parse(cls, text: object) -> SlsProjectArn | None:
        """None unless the text is such an ARN whose region and project are usable in a hostname."""
        if not isinstance(text, str):
            return None
        match = _SLS_PROJECT_ARN.fullmatch(text)
        if match is None or not is_region_id(match["region"]) or not is_project_name(match["project"]):
            return None
        account = match["account"]
        if account and not is_account_id(account):
            return None
        return cls(match["region"], account, match["project"])

    @classmethod
    def parse_unchecked(cls, text: object) -> SlsProjectArn | None:
        """The ARN's parts as written, names unchecked: for the emulator, which stands for the cloud
        and must hold whatever an inventory snapshot says, including names `parse` refuses."""
        if not isinstance(text, str):
            return None
        match = _SLS_PROJECT_ARN.fullmatch(text)
        return None if match is None else cls(match["region"], match["account"], match["project"])

    def __str__(self) -> str:
        return sls_project_arn(self.region, self.account, self.project)
