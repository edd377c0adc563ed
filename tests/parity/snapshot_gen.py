"""Random raw snapshots aimed at the corners of the reference query (seeded: a failure names its seed)."""

from __future__ import annotations

import random
from typing import Any

ACCOUNT = "1234567890123456"
REGIONS = ("cn-hangzhou", "cn-shanghai", "ap-southeast-1", "cn-hongkong", "eu-central-1")
PROJECTS = ("actiontrail-central", "audit-logs", "p01", "app-logs-2")
TRAIL_NAMES = (
    "trail-a",
    "trail-b",
    "org-trail",
    "Trail-A",
    "t",
    "\u5ba1\u8ba1 trail",
    "it's\n%_",
    ' a\\b"c ',
    "x:y/project/z",
    "\t",
    "trail-a ",
    "\U0001f600",
)
MISSING = object()

CODES = (
    "NoPermission",
    "Forbidden",
    "Forbbiden",
    "InvalidAccessKeyId",
    "InvalidSecurityToken",
    "SignatureDoesNotMatch",
    "InvalidAuthorization",
    "AccessForbidden",
    "NotAuthorized",
)
# Pieces a query text is built from: the patterns in several cases and shapes, near misses, and
# characters that stress escaping (jsonb text), case folding (C locale: ASCII only) and regexes.
FRAGMENTS = (
    "event.eventType",
    "event.eventType: ",
    "EVENT.EVENTTYPE:",
    "event.eventtype",
    '"event.eventType":',
    "event_eventType",
    "eventType",
    "ApiCall",
    "apicall",
    "APICALL",
    '"ApiCall"',
    "ApiCal",
    "Api Call",
    "event.errorCode",
    "event.errorCode: ",
    "EVENT.ERRORCODE",
    '"event.errorCode":',
    '"event.errorCode": "',
    "event.errorcode=",
    "errorCode",
    *CODES,
    *(code.lower() for code in CODES),
    *(code.upper() for code in CODES),
    "Forbidden.RAM",
    "NoPermission.*",
    "Forbid",
    "Permission",
    "InvalidAccess\u212aeyId",  # KELVIN SIGN: Python's lower() makes it 'k', PostgreSQL's C locale does not
    "NoPerm\u0130ssion",
    "ApiCa\u0141l",
    " and ",
    " or ",
    " not ",
    "(",
    ")",
    " | select count(1) as c",
    "*",
    "\n",
    "\t",
    "\\",
    '"',
    "'",
    "%",
    "_",
    "\u00e9",
    "\u65e5\u672c",
    "\U0001f600",
    "\u00df",
    ":",
    " ",
)
# queryList keys the snapshot model types (text or null); the others may hold any JSON value.
TYPED_KEYS = ("store", "logStore", "storeType", "project", "region", "start", "end", "timeSpanType")
CONTEXT_KEYS = (
    "chartTitle",
    "store",
    "logStore",
    "storeType",
    "project",
    "region",
    "start",
    "end",
    "timeSpanType",
    "a",
    "bb",
    "\u00e9",
    "Query_",
    "QUERY",
    "z" * 12,
)


def _text(rng: random.Random, size: int = 6) -> str:
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, size)))


def _good_query(rng: random.Random) -> str:
    """A text matching the reference patterns (with decoration), so that ok rows are common."""
    parts = [
        rng.choice(("event.eventType", "EVENT.eventtype", '"event.eventType":')),
        rng.choice((": ", "", " ")),
        rng.choice(("ApiCall", "apicall", "APICALL")),
        _text(rng, 2),
        rng.choice(("event.errorCode", "event.ERRORCODE", '"event.errorCode":')),
        rng.choice((": ", "", '"')),
        rng.choice(CODES + tuple(c.lower() for c in CODES)),
        _text(rng, 2),
    ]
    return _text(rng, 2) + "".join(parts)


def _query_value(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.45:
        return _good_query(rng)
    if roll < 0.85:
        return _text(rng)
    if roll < 0.92:
        return ""
    return None


def _scalar(rng: random.Random) -> Any:
    return rng.choice(
        (
            0,
            1,
            -7,
            2**63,
            0.5,
            100.0,
            -0.0,
            1e20,
            1.5e-7,
            123456.789,
            True,
            False,
            None,
            _text(rng, 3),
            _good_query(rng),
            "",
            [],
            {},
            [1, "x", None],
            {"b": 1, "a": [2]},
        )
    )


def _nested(rng: random.Random, pieces: list[str], depth: int = 0) -> Any:
    """The pattern pieces spread over nested objects and arrays: jsonb orders keys at every level."""
    if len(pieces) <= 1 and (depth > 2 or rng.random() < 0.5):
        return pieces[0] if pieces else rng.choice((None, 1, [], {}))
    cut = rng.randint(1, len(pieces) - 1) if len(pieces) > 1 else rng.randint(0, len(pieces))
    left, right = _nested(rng, pieces[:cut], depth + 1), _nested(rng, pieces[cut:], depth + 1)
    if rng.random() < 0.4:
        return [left, _scalar(rng), right]
    keys = rng.sample(CONTEXT_KEYS, 2)
    return {keys[0]: left, keys[1]: right}


def _typed_value(rng: random.Random) -> Any:
    return rng.choice((_text(rng, 3), _good_query(rng), "", None, "actiontrail_t"))


def _query_entry(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.1:
        # Not an object: `->>` gives NULL and the entry's own jsonb text is searched.
        return rng.choice((_good_query(rng), _text(rng), 42, 1.25, None, True, [_good_query(rng)]))
    entry: dict[str, Any] = {}
    shape = rng.random()
    if shape < 0.35:
        entry["query"] = _query_value(rng)
    elif shape < 0.55:
        entry["Query"] = _query_value(rng)
    elif shape < 0.7:
        entry["Query"] = _query_value(rng)
        entry["query"] = _query_value(rng)
    # else neither: the whole object's text (keys in jsonb order: by length, then bytes) is searched
    if rng.random() < 0.5:
        # The patterns split over several fields: whether they line up depends on that key order.
        pieces = ["event.eventType", "ApiCall", "event.errorCode", rng.choice(CODES)]
        for key, piece in zip(rng.sample(CONTEXT_KEYS, len(pieces)), pieces, strict=True):
            entry[key] = piece
    for key in rng.sample(CONTEXT_KEYS, rng.randint(0, 4)):
        if key == "chartTitle" and rng.random() < 0.6:
            entry[key] = _good_query(rng)
        elif key in TYPED_KEYS:
            entry[key] = _typed_value(rng)
        else:
            entry[key] = _scalar(rng)
    if rng.random() < 0.2:
        untyped = [key for key in CONTEXT_KEYS if key not in TYPED_KEYS]
        pieces = ["event.eventType", "ApiCall", "event.errorCode", rng.choice(CODES)]
        entry[rng.choice(untyped)] = _nested(rng, pieces)
    if rng.random() < 0.1:
        entry["logStore"] = "actiontrail_" + rng.choice(TRAIL_NAMES)
    return entry


def _alert(rng: random.Random, index: int) -> dict[str, Any]:
    alert: dict[str, Any] = {"name": f"alert-{index}-{rng.randint(0, 9)}"}
    status = rng.choice(
        (
            "ENABLED",
            "ENABLED",
            "DISABLED",
            "Enabled",
            "enabled",
            "",
            MISSING,
            "state",
            "Disabled",
            "ENABLED ",
        )
    )
    if status == "state":
        alert["state"] = rng.choice(("Enabled", "DISABLED", "disabled", "ENABLED"))
    elif status is not MISSING:
        alert["status"] = status
        if rng.random() < 0.2:
            alert["state"] = rng.choice(("Enabled", "Disabled"))
    if rng.random() < 0.5:
        alert["displayName"] = rng.choice(("", "CIS 2.16", _text(rng, 2)))
    roll = rng.random()
    if roll < 0.05:
        return alert  # no configuration
    configuration: dict[str, Any] = {"version": rng.choice(("2.0", 2, "1.0")), "type": "default"}
    if roll < 0.1:
        pass  # no queryList
    elif roll < 0.15:
        configuration["queryList"] = None
    elif roll < 0.2:
        configuration["queryList"] = []
    else:
        configuration["queryList"] = [_query_entry(rng) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.05:
        configuration["query_list"] = [{"query": _good_query(rng)}]  # not queryList: not the column
    alert["configuration"] = configuration
    if rng.random() < 0.05:
        alert["Status"] = "DISABLED"  # not `status`
    if rng.random() < 0.3:
        alert["schedule"] = {"type": "FixedRate", "interval": "15m"}
    return alert


def _arn(rng: random.Random, region: str) -> Any:
    target = rng.choice(REGIONS) if rng.random() < 0.6 else region
    project = rng.choice(PROJECTS)
    return rng.choice(
        (
            f"acs:log:{target}:{ACCOUNT}:project/{project}",
            f"acs:log:{target}:{ACCOUNT}:project/{project}",
            f"acs:log:{target}:{ACCOUNT}:project/{project}",
            f"acs:log:{target.upper()}:{ACCOUNT}:project/{project}",
            f"acs:log: {target} :{ACCOUNT}:project/{project}",
            f"acs:log:{target}\t:{ACCOUNT}:project/{project}",
            f"acs:log:{target.replace('k', chr(0x212A))}:{ACCOUNT}:project/{project}",
            f"acs:log::{ACCOUNT}:project/{project}",
            f"acs:log:{target}",
            f"ACS:LOG:{target}:{ACCOUNT}:project/{project}",
            f"x acs:log:{target}:1:project/a acs:log:{rng.choice(REGIONS)}:2:",
            "acs:oss:cn-hangzhou:1:bucket",
            "garbage",
            "",
            MISSING,
        )
    )


def _trail(rng: random.Random, region: str, all_regions: bool) -> dict[str, Any]:
    trail: dict[str, Any] = {"Name": rng.choice(TRAIL_NAMES)}
    status = rng.choice(
        ("Enable", "Enable", "Enable", "Disable", "Fresh", "", "enable", "ENABLE", " Enable", MISSING)
    )
    if status is not MISSING:
        trail["Status"] = status
    home = rng.choice((region, region, rng.choice(REGIONS), "", MISSING))
    if home is not MISSING:
        trail["HomeRegion"] = home
    trail["TrailRegion"] = "All" if all_regions else rng.choice((region, region, ""))
    arn = _arn(rng, region)
    if arn is not MISSING:
        trail["SlsProjectArn"] = arn
    if rng.random() < 0.5:
        trail["SlsWriteRoleArn"] = rng.choice(("", f"acs:ram::{ACCOUNT}:role/aliyunactiontraildefaultrole"))
    trail["EventRW"] = rng.choice(("All", "Write", "Read", ""))
    trail["IsOrganizationTrail"] = rng.choice((False, True))
    trail["Region"] = region
    if rng.random() < 0.2:
        trail["OssBucketName"] = rng.choice(("", "bucket"))
    if rng.random() < 0.1:
        # Field names in another case are other fields: Steampipe reads the PascalCase ones only.
        decoys = {
            "name": "decoy",
            "status": "Enable",
            "home_region": region,
            "homeRegion": region,
            "sls_project_arn": f"acs:log:{region}:{ACCOUNT}:project/p01",
            "STATUS": "Enable",
        }
        for key in rng.sample(sorted(decoys), rng.randint(1, 3)):
            trail[key] = decoys[key]
    return trail


def random_snapshot(seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    regions: list[str] = rng.sample(REGIONS, rng.randint(1, 4))
    documents: dict[str, Any] = {
        region: {"trails": [], "sls_projects": {}, "errors": []} for region in regions
    }
    # Trails whose TrailRegion is All come back in every region's DescribeTrails answer.
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        trail = _trail(rng, rng.choice(regions), all_regions=True)
        for region in regions:
            documents[region]["trails"].append(dict(trail, Region=trail.get("Region")))
    alert_index = 0
    for region in regions:
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            documents[region]["trails"].append(_trail(rng, region, all_regions=False))
        for project in rng.sample(PROJECTS, rng.randint(0, 2)):
            alerts = []
            for _ in range(rng.randint(0, 3)):
                alerts.append(_alert(rng, alert_index))
                alert_index += 1
            documents[region]["sls_projects"][project] = {"alerts": alerts}
        rng.shuffle(documents[region]["trails"])
        if rng.random() < 0.1:
            documents[region]["errors"].append(
                {"api": "ListAlerts", "project": "audit-logs", "code": "Unauthorized", "message": "denied"}
            )
    return {"version": 1, "account_id": ACCOUNT, "collected_at": "2026-11-29T02:00:00Z", "regions": documents}
