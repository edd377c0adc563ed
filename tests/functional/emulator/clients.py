"""Shared pieces of the emulator tests: a small snapshot and real-SDK client factories
(the fixtures that use them are in conftest.py)."""

from __future__ import annotations

from functools import partial
from typing import Any

from alibabacloud_actiontrail20200706.client import Client as ActionTrailClient
from alibabacloud_fc20230330.client import Client as FcClient
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.utils_models import Config
from aliyun.log import LogClient

from cis216.emulator import DEFAULT_CREDENTIALS, Credentials
from tests.builders import ACCOUNT, UNSET, document, region, scan_error, trail

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

# Trails as these tests list them: without the `Region` field.
listed_trail = partial(trail, region=UNSET)
INDEX = {"line": {"token": [",", " "], "caseSensitive": False}, "keys": {}}

SNAPSHOT: dict[str, Any] = document(
    regions={
        "cn-hangzhou": region(
            trails=[
                listed_trail(
                    project="audit-hz",
                    SlsWriteRoleArn=f"acs:ram::{ACCOUNT}:role/aliyunactiontraildefaultrole",
                ),
                listed_trail(
                    name="local",
                    status="Disable",
                    trail_region="cn-hangzhou",
                    event_rw="Write",
                    sls_arn=UNSET,
                ),
                listed_trail(name="org", organization=True, sls_arn=UNSET, OrganizationId="rd-abc"),
            ],
            alerts=[ALERT],
            project="audit-hz",
            logstores={"actiontrail_main": {"index": INDEX}},
            projects={"empty-hz": {}},
            errors=[],
        ),
        "cn-shanghai": region(
            trails=[
                # The same multi-region trail as listed from another region (a shadow copy).
                listed_trail(project="audit-hz"),
                listed_trail(name="sh-only", home="cn-shanghai", trail_region="cn-shanghai", sls_arn=UNSET),
            ],
            projects={"locked-sh": {}},
            errors=[
                scan_error(
                    api="ListAlerts",
                    project="locked-sh",
                    logstore=None,
                    code="Unauthorized",
                    message="denied by sts or ram",
                )
            ],
        ),
    }
)


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
