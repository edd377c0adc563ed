"""Representative ActionTrail events a strict judge feeds through an alert query.

One or more realistic ``ApiCall`` events per required error-code family, flattened the way SLS
field search addresses them (``event.errorCode``), plus negative controls that a well-formed
query must NOT match (they reveal queries that match everything).
"""

from __future__ import annotations

from dataclasses import dataclass

# The CIS text's code list (the duplicated "Forbidden" collapsed). `Forbbiden` is a typo of the
# benchmark: judges may accept it but never require it, so it is not here.
DEFAULT_REQUIRED_CODES: tuple[str, ...] = (
    "NoPermission",
    "NoPermission.*",
    "Forbidden",
    "Forbidden.*",
    "InvalidAccessKeyId",
    "InvalidAccessKeyId.*",
    "InvalidSecurityToken",
    "InvalidSecurityToken.*",
    "SignatureDoesNotMatch",
    "InvalidAuthorization",
    "AccessForbidden",
    "NotAuthorized",
)

# family -> (real error codes, service, API, error message)
_FAMILIES: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "NoPermission": (
        ("NoPermission",),
        "Ram",
        "ListUsers",
        "You are not authorized to do this action. You should be authorized by RAM.",
    ),
    "NoPermission.*": (
        ("NoPermission.ram",),
        "Ram",
        "CreateAccessKey",
        "The user does not have permission to perform this operation.",
    ),
    "Forbidden": (
        ("Forbidden",),
        "Ecs",
        "DescribeInstances",
        "User not authorized to operate on the specified resource.",
    ),
    "Forbidden.*": (
        ("Forbidden.RAM", "Forbidden.AccessKeyDisabled"),
        "Ecs",
        "DeleteInstance",
        "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
    ),
    "InvalidAccessKeyId": (
        ("InvalidAccessKeyId",),
        "Oss",
        "GetBucketInfo",
        "The OSS Access Key Id you provided does not exist in our records.",
    ),
    "InvalidAccessKeyId.*": (
        ("InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive"),
        "Ecs",
        "DescribeRegions",
        "Specified access key is not found.",
    ),
    "InvalidSecurityToken": (
        ("InvalidSecurityToken",),
        "Sts",
        "GetCallerIdentity",
        "The security token you provided is invalid.",
    ),
    "InvalidSecurityToken.*": (
        ("InvalidSecurityToken.Expired", "InvalidSecurityToken.MismatchWithAccessKey"),
        "Vpc",
        "DescribeVpcs",
        "Specified SecurityToken is expired.",
    ),
    "SignatureDoesNotMatch": (
        ("SignatureDoesNotMatch",),
        "Slb",
        "DescribeLoadBalancers",
        "Specified signature is not matched with our calculation.",
    ),
    "InvalidAuthorization": (
        ("InvalidAuthorization",),
        "Kms",
        "ListKeys",
        "The authorization header is invalid.",
    ),
    "AccessForbidden": (
        ("AccessForbidden",),
        "Rds",
        "DescribeDBInstances",
        "The specified action is forbidden for this account.",
    ),
    "NotAuthorized": (
        ("NotAuthorized",),
        "ResourceManager",
        "ListResourceGroups",
        "You are not authorized to perform this operation.",
    ),
}


@dataclass(frozen=True)
class RepresentativeEvent:
    family: str  # the required code as written ("Forbidden.*"), or "negative:<name>"
    error_code: str | None  # the concrete code the event carries
    event: dict[str, str]
    negative: bool = False  # a well-formed query must NOT match it
    context: str = ""  # "" for the base event; else what a context variant changed


TOPIC_TRAIL = "actiontrail_audit_event"  # trail delivery, logstore actiontrail_<trail>
TOPIC_LOG_AUDIT = "actiontrail_event"  # Log Audit central logstore actiontrail_log


def _base(n: int, service: str, api: str, topic: str = TOPIC_TRAIL) -> dict[str, str]:
    ev = {
        "__topic__": topic,
        "event.eventId": f"6F2C4D1A-0B3E-4C5D-9E8F-{n:012d}",
        "event.eventVersion": "1",
        "event.eventType": "ApiCall",
        "event.eventRW": "Read",
        "event.eventTime": "2026-11-29T01:02:03Z",
        "event.eventSource": f"{service.lower()}.aliyuncs.com",
        "event.serviceName": service,
        "event.eventName": api,
        "event.acsRegion": "cn-hangzhou",
        "event.requestId": f"B1C2D3E4-F5A6-4789-ABCD-{n:012d}",
        "event.sourceIpAddress": "203.0.113.7",
        "event.userAgent": "AlibabaCloud (Linux 5.10.134; x86_64) Python/3.10.13 Core/2.13.3",
        "event.userIdentity.type": "ram-user",
        "event.userIdentity.accountId": "1234567890123456",
        "event.userIdentity.principalId": "203456789012345678",
        "event.userIdentity.userName": "ci-deployer",
        "event.userIdentity.accessKeyId": "LTAI5tExample1",
    }
    if topic == TOPIC_LOG_AUDIT:
        ev["owner_id"] = "1234567890123456"  # Log Audit adds the owning account
    return ev


def _family_template(family: str) -> tuple[tuple[str, ...], str, str, str]:
    if family in _FAMILIES:
        return _FAMILIES[family]
    # Unknown family (a setting added a code): synthesise a plausible event.
    if family.endswith(".*"):
        stem = family[:-2]
        return ((f"{stem}.Denied",), "Ecs", "DescribeInstances", f"{stem}: access denied.")
    return ((family,), "Ecs", "DescribeInstances", f"{family}: access denied.")


def representative_events(
    codes: tuple[str, ...] | list[str] | None = None,
    topic: str = TOPIC_TRAIL,
    member_account: str | None = None,
) -> list[RepresentativeEvent]:
    """Events per required code family (default: the CIS list), then the negative controls.

    ``topic`` is the ``__topic__`` the feed writes: ``actiontrail_audit_event`` for a trail's
    own logstore, ``actiontrail_event`` for the Log Audit central ``actiontrail_log``.
    ``member_account``: the events are one member's, delivered by an organisation trail
    (``event.recipientAccountId`` and the caller's ``event.userIdentity.accountId`` carry it), so a
    query narrowed to other accounts, or negating this one, misses them (``with_member``).
    """
    families = list(codes) if codes is not None else list(DEFAULT_REQUIRED_CODES)
    out: list[RepresentativeEvent] = []
    n = 0
    for family in families:
        real_codes, service, api, message = _family_template(family)
        for code in real_codes:
            n += 1
            ev = _base(n, service, api, topic)
            ev["event.errorCode"] = code
            ev["event.errorMessage"] = message
            if code.startswith("InvalidAccessKeyId"):
                # The caller could not be identified: only the key id is known.
                ev["event.userIdentity.type"] = "unknown"
                for k in ("event.userIdentity.principalId", "event.userIdentity.userName"):
                    ev.pop(k)
            out.append(RepresentativeEvent(family, code, ev))
    out.extend(negative_controls(topic))
    return out if member_account is None else [with_member(e, member_account) for e in out]


def with_member(event: RepresentativeEvent, account_id: str) -> RepresentativeEvent:
    """The event as an organisation trail delivers it for member `account_id`: the member receives it
    (`event.recipientAccountId`) and, in the base context, its own principal made the call. The
    single-account events carry no recipient at all, so that their judgements stay as they were."""
    ev = dict(event.event)
    ev["event.recipientAccountId"] = account_id
    ev["event.userIdentity.accountId"] = account_id
    if "owner_id" in ev:
        ev["owner_id"] = account_id
    return RepresentativeEvent(event.family, event.error_code, ev, event.negative, event.context)


# The same unauthorized call in another context: every field but the error code, the event type
# and the topic differs from the base event. A query that only matches the base event narrows on
# where, when, by whom or to which service the call was made (`event.acsRegion: cn-hangzhou`,
# `event.eventRW: Read`), and would miss real calls made elsewhere.
_OTHER_SERVICE = {"Oss": ("Ram", "ram.aliyuncs.com", "DeleteUser")}
_DEFAULT_OTHER_SERVICE = ("Oss", "oss.aliyuncs.com", "PutBucketAcl")
CONTEXT_VARIANT = (
    "the same call in another context (region eu-central-1, a write event, another service, "
    "an assumed-role caller of another account, another source address, user agent and time)"
)


def context_variants(events: list[RepresentativeEvent]) -> list[RepresentativeEvent]:
    """One variant of every non-negative event, differing in all its context fields."""
    out: list[RepresentativeEvent] = []
    for k, base in enumerate(e for e in events if not e.negative):
        ev = dict(base.event)
        service, source, api = _OTHER_SERVICE.get(ev.get("event.serviceName", ""), _DEFAULT_OTHER_SERVICE)
        ev.update(
            {
                "event.eventId": f"0A9B8C7D-6E5F-4A3B-8C2D-{k + 500:012d}",
                "event.eventRW": "Write",
                "event.eventTime": "2027-06-14T23:59:58Z",
                "event.eventSource": source,
                "event.serviceName": service,
                "event.eventName": api,
                "event.acsRegion": "eu-central-1",
                "event.requestId": f"9F8E7D6C-5B4A-4321-8FED-{k + 500:012d}",
                "event.sourceIpAddress": "198.51.100.42",
                "event.userAgent": "aliyun-cli/3.0.210 (Darwin 23.4.0; arm64)",
                "event.userIdentity.accessKeyId": "STS.Example2",
            }
        )
        if ev.get("event.userIdentity.type") != "unknown":  # an unidentified caller stays unknown
            ev.update(
                {
                    "event.userIdentity.type": "assumed-role",
                    "event.userIdentity.accountId": "5432109876543210",
                    "event.userIdentity.principalId": "309876543210987654:ops-session",
                    "event.userIdentity.userName": "ops-admin",
                }
            )
        else:
            ev["event.userIdentity.accountId"] = "5432109876543210"
        out.append(RepresentativeEvent(base.family, base.error_code, ev, context=CONTEXT_VARIANT))
    return out


def negative_controls(topic: str = TOPIC_TRAIL) -> list[RepresentativeEvent]:
    """Events an unauthorized-call alert should not match."""
    ok = _base(900, "Ecs", "DescribeInstances", topic)
    signin = _base(901, "Signin", "ConsoleSignin", topic)
    signin.update(
        {
            "event.eventType": "ConsoleSignin",
            "event.eventRW": "Write",
            "event.eventSource": "signin.aliyun.com",
            "event.userAgent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
            "event.errorMessage": "Password is incorrect.",
            "event.additionalEventData.loginAccount": "ci-deployer@1234567890123456.onaliyun.com",
        }
    )
    signin.pop("event.userIdentity.accessKeyId")
    # A call that failed for another reason than authorization: an alert counting every failed
    # call fires on it (it alerts on unauthorized calls too, but noisily).
    other = _base(902, "Ecs", "RunInstances", topic)
    other.update(
        {"event.errorCode": "InvalidParameter", "event.errorMessage": "The specified parameter is not valid."}
    )
    return [
        RepresentativeEvent("negative:successful-api-call", None, ok, negative=True),
        RepresentativeEvent("negative:console-signin-failure", None, signin, negative=True),
        RepresentativeEvent("negative:other-failed-call", "InvalidParameter", other, negative=True),
    ]


# Real region ids a spread of calls cycles through (the first is the sample events' own).
_SPREAD_REGIONS = (
    "cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen", "cn-zhangjiakou", "cn-qingdao",
    "cn-huhehaote", "cn-wulanchabu", "cn-chengdu", "cn-guangzhou", "cn-hongkong", "ap-southeast-1",
    "ap-southeast-3", "ap-southeast-5", "ap-northeast-1", "ap-northeast-2", "us-west-1", "us-east-1",
    "eu-central-1", "eu-west-1", "me-east-1", "ap-south-1",
)  # fmt: skip
_SPREAD_SERVICES = (
    ("Ecs", "DescribeInstances"),
    ("Ram", "ListUsers"),
    ("Oss", "GetBucketInfo"),
    ("Rds", "DescribeDBInstances"),
)


def spread_calls(event: dict[str, str], count: int) -> list[dict[str, str]]:
    """``count`` copies of one unauthorized call, each by another caller (user, key, account),
    from another address and region, to another service: an alert grouped by any of these sees
    one call per group."""
    out = []
    for i in range(count):
        service, api = _SPREAD_SERVICES[i % len(_SPREAD_SERVICES)]
        ev = dict(event)
        ev.update(
            {
                "event.eventId": f"5A4B3C2D-1E0F-4A9B-8C7D-{i + 700:012d}",
                "event.requestId": f"7E6D5C4B-3A29-4187-9F6E-{i + 700:012d}",
                "event.sourceIpAddress": f"198.51.{100 + i // 250}.{1 + i % 250}",
                "event.acsRegion": _SPREAD_REGIONS[i % len(_SPREAD_REGIONS)]
                if i < len(_SPREAD_REGIONS)
                else f"region-{i}",
                "event.serviceName": service,
                "event.eventSource": f"{service.lower()}.aliyuncs.com",
                "event.eventName": f"{api}{i // len(_SPREAD_SERVICES) or ''}",
                "event.userAgent": f"aliyun-cli/3.0.{200 + i}",
                "event.userIdentity.accountId": str(5432109876540000 + i),
                "event.userIdentity.accessKeyId": f"LTAI5tSpread{i:04d}",
            }
        )
        if "event.userIdentity.userName" in ev:
            ev["event.userIdentity.userName"] = f"user-{i}"
            ev["event.userIdentity.principalId"] = str(203456789012340000 + i)
        out.append(ev)
    return out
