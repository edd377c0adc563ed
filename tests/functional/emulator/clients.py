"""Shared pieces of the emulator tests: a small snapshot and real-SDK client factories
(the fixtures that use them are in conftest.py)."""

from __future__ import annotations

from typing import Any

from alibabacloud_actiontrail20200706.client import Client as ActionTrailClient
from alibabacloud_fc20230330.client import Client as FcClient
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.utils_models import Config
from aliyun.log import LogClient

from cis216.emulator import DEFAULT_CREDENTIALS, Credentials

ACCOUNT = "1234567890123456"
ARN = f"acs:log:cn-hangzhou:{ACCOUNT}:project/"

ALERT = {
    "name": "cis_at_unauth_apicall",
    "displayName": "unauthorized API calls",
    "type": "Alert",
    "status": "ENABLED",
    "schedule": {"type": "FixedRate", "interval": "15m"},
    "configuration": {
        "version": "2.0",
        "type": "default",
        "queryList": [
            {
                "query": "event.errorCode: NoPermission | select count(1) as cnt",
                "store": "actiontrail_main",
                "storeType": "log",
                "project": "audit-hz",
                "region": "cn-hangzhou",
                "start": "-30m",
                "end": "now",
            }
        ],
    },
}

SNAPSHOT: dict[str, Any] = {
    "version": 1,
    "account_id": ACCOUNT,
    "collected_at": "2026-11-29T02:00:00Z",
    "regions": {
        "cn-hangzhou": {
            "trails": [
                {
                    "Name": "main",
                    "HomeRegion": "cn-hangzhou",
                    "TrailRegion": "All",
                    "Status": "Enable",
                    "EventRW": "All",
                    "IsOrganizationTrail": False,
                    "SlsProjectArn": ARN + "audit-hz",
                    "SlsWriteRoleArn": f"acs:ram::{ACCOUNT}:role/aliyunactiontraildefaultrole",
                },
                {
                    "Name": "local",
                    "HomeRegion": "cn-hangzhou",
                    "TrailRegion": "cn-hangzhou",
                    "Status": "Disable",
                    "EventRW": "Write",
                    "IsOrganizationTrail": False,
                },
                {
                    "Name": "org",
                    "HomeRegion": "cn-hangzhou",
                    "TrailRegion": "All",
                    "Status": "Enable",
                    "EventRW": "All",
                    "IsOrganizationTrail": True,
                    "OrganizationId": "rd-abc",
                },
            ],
            "sls_projects": {
                "audit-hz": {
                    "alerts": [ALERT],
                    "logstores": {
                        "actiontrail_main": {
                            "index": {"line": {"token": [",", " "], "caseSensitive": False}, "keys": {}}
                        }
                    },
                },
                "empty-hz": {"alerts": [], "logstores": {}},
            },
            "errors": [],
        },
        "cn-shanghai": {
            "trails": [
                # The same multi-region trail as listed from another region (a shadow copy).
                {
                    "Name": "main",
                    "HomeRegion": "cn-hangzhou",
                    "TrailRegion": "All",
                    "Status": "Enable",
                    "EventRW": "All",
                    "IsOrganizationTrail": False,
                    "SlsProjectArn": ARN + "audit-hz",
                },
                {
                    "Name": "sh-only",
                    "HomeRegion": "cn-shanghai",
                    "TrailRegion": "cn-shanghai",
                    "Status": "Enable",
                    "EventRW": "All",
                    "IsOrganizationTrail": False,
                },
            ],
            "sls_projects": {"locked-sh": {"alerts": [], "logstores": {}}},
            "errors": [
                {
                    "api": "ListAlerts",
                    "project": "locked-sh",
                    "logstore": None,
                    "code": "Unauthorized",
                    "message": "denied by sts or ram",
                }
            ],
        },
    },
}


def _config(region: str, creds: Credentials, endpoint: str | None = None) -> Config:
    return Config(
        access_key_id=creds.access_key_id,
        access_key_secret=creds.access_key_secret,
        security_token=creds.security_token,
        region_id=region,
        endpoint=endpoint,
    )


def actiontrail(region: str = "cn-hangzhou", creds: Credentials = DEFAULT_CREDENTIALS) -> ActionTrailClient:
    return ActionTrailClient(_config(region, creds))


def sts(region: str = "cn-hangzhou", creds: Credentials = DEFAULT_CREDENTIALS) -> StsClient:
    return StsClient(_config(region, creds, endpoint=f"sts.{region}.aliyuncs.com"))


def fc(
    region: str = "cn-hangzhou", creds: Credentials = DEFAULT_CREDENTIALS, account: str = ACCOUNT
) -> FcClient:
    return FcClient(_config(region, creds, endpoint=f"{account}.{region}.fc.aliyuncs.com"))


def sls(
    region: str = "cn-hangzhou", creds: Credentials = DEFAULT_CREDENTIALS, https: bool = False
) -> LogClient:
    scheme = "https://" if https else ""
    return LogClient(
        f"{scheme}{region}.log.aliyuncs.com",
        creds.access_key_id,
        creds.access_key_secret,
        creds.security_token,
        source="emulator-test",
    )
