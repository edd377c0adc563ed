"""The inventory snapshot: a corpus of broken documents, each rejected with the exact message naming
the path of the bad field, and the real-world variants that must parse."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest

from cis216.aliyun import SlsProjectArn
from cis216.inventory import SNAPSHOT_VERSION, Inventory, InventoryError, load_inventory, parse_inventory
from tests.builders import ACCOUNT, UNSET, alert, document, region, trail

HZ = "cn-hangzhou"
# One trail `t` (Name, Status, HomeRegion) and one alert `a` (a name and one query) in project p01.
BASE = document(
    regions={
        HZ: region(
            trails=[trail(name="t", minimal=True, sls_arn=UNSET)],
            alerts=[alert(name="a", status=UNSET, query="x", minimal=True)],
            project="p01",
            errors=[],
        )
    }
)
ALERT = ("regions", HZ, "sls_projects", "p01", "alerts", 0)


def _set(path, value):
    def change(doc):
        *parents, last = path
        target = doc
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value

    return change


DELETE = object()


def _nested_lists(depth):
    value = []
    for _ in range(depth - 1):
        value = [value]
    return value


R = "snapshot: regions.cn-hangzhou"
A = f"{R}.sls_projects.p01.alerts[0]"
Q = f"{A}.configuration.queryList[0]"
NOT_REGION = "is not a region id (like 'cn-hangzhou')"
QUERY_TYPE = "expected a string (the search statement) or null"
BROKEN = {
    "wrong version": (
        _set(("version",), 2),
        "snapshot: version: unsupported snapshot version 2; this cis216 reads version 1",
    ),
    "version as text": (_set(("version",), "1"), "snapshot: version: Input should be a valid integer"),
    "missing version": (_set(("version",), DELETE), "snapshot: version: Field required"),
    "trail without Name": (
        _set(("regions", HZ, "trails", 0, "Name"), DELETE),
        f"{R}.trails[0].Name: Field required",
    ),
    "trail with empty Name": (
        _set(("regions", HZ, "trails", 0, "Name"), ""),
        f"{R}.trails[0].Name: String should have at least 1 character",
    ),
    "trail Name not text": (
        _set(("regions", HZ, "trails", 0, "Name"), 7),
        f"{R}.trails[0].Name: Input should be a valid string",
    ),
    "trail Status not text": (
        _set(("regions", HZ, "trails", 0, "Status"), True),
        f"{R}.trails[0].Status: Input should be a valid string",
    ),
    "trail not an object": (
        _set(("regions", HZ, "trails", 0), "t"),
        f"{R}.trails[0]: expected an object, got str",
    ),
    "trails not a list": (
        _set(("regions", HZ, "trails"), {"Name": "t"}),
        f"{R}.trails: Input should be a valid list",
    ),
    "region id in capitals": (
        _set(("regions", "CN_HANGZHOU"), {}),
        f"snapshot: regions.CN_HANGZHOU: 'CN_HANGZHOU' {NOT_REGION}",
    ),
    "region id a host and path": (
        _set(("regions", "evil.com/x"), {}),
        f"snapshot: regions['evil.com/x']: 'evil.com/x' {NOT_REGION}",
    ),
    "region id with a trailing newline": (
        _set(("regions", "cn-hangzhou\n"), {}),
        f"snapshot: regions['cn-hangzhou\\n']: 'cn-hangzhou\\n' {NOT_REGION}",
    ),
    "project name with a trailing newline": (
        _set(("regions", HZ, "sls_projects", "p01\n"), {}),
        f"{R}.sls_projects['p01\\n']: 'p01\\n' is not an SLS project name (3-63 of a-z, 0-9, '-')",
    ),
    "account id with a trailing newline": (
        _set(("account_id",), ACCOUNT + "\n"),
        f"snapshot: account_id: '{ACCOUNT}\\n' is not an Alibaba Cloud account id (digits only)",
    ),
    "region id empty": (_set(("regions", ""), {}), f"snapshot: regions['']: '' {NOT_REGION}"),
    "regions not an object": (
        _set(("regions",), []),
        "snapshot: regions: Input should be a valid dictionary",
    ),
    "bad account id": (
        _set(("account_id",), "12ab"),
        "snapshot: account_id: '12ab' is not an Alibaba Cloud account id (digits only)",
    ),
    "account id missing": (_set(("account_id",), DELETE), "snapshot: account_id: Field required"),
    "collected_at not a time": (
        _set(("collected_at",), "yesterday"),
        "snapshot: collected_at: Input should be a valid datetime or date, input is too short",
    ),
    "alerts not a list": (
        _set(("regions", HZ, "sls_projects", "p01", "alerts"), {"name": "a"}),
        f"{R}.sls_projects.p01.alerts: Input should be a valid list",
    ),
    "alert without name": (_set((*ALERT, "name"), DELETE), f"{A}.name: Field required"),
    "alert with empty name": (
        _set((*ALERT, "name"), ""),
        f"{A}.name: String should have at least 1 character",
    ),
    "project name invalid": (
        _set(("regions", HZ, "sls_projects", "Bad_Project"), {}),
        f"{R}.sls_projects.Bad_Project: 'Bad_Project' is not an SLS project name (3-63 of a-z, 0-9, '-')",
    ),
    "sls_projects not an object": (
        _set(("regions", HZ, "sls_projects"), ["p01"]),
        f"{R}.sls_projects: Input should be a valid dictionary",
    ),
    "queryList not a list": (
        _set((*ALERT, "configuration", "queryList"), {"query": "x"}),
        f"{A}.configuration.queryList: Input should be a valid list",
    ),
    "query not text": (
        _set((*ALERT, "configuration", "queryList", 0), {"query": 5}),
        f"{Q}: query: {QUERY_TYPE}, got a number",
    ),
    "Query not text": (
        _set((*ALERT, "configuration", "queryList", 0), {"Query": ["x"]}),
        f"{Q}: Query: {QUERY_TYPE}, got an array",
    ),
    "queryList start not text": (
        _set((*ALERT, "configuration", "queryList", 0), {"query": "x", "start": 5}),
        f"{Q}: start: expected a string, got a number",
    ),
    "queryList region an object": (
        _set((*ALERT, "configuration", "queryList", 0), {"query": "x", "region": {"id": "cn-hangzhou"}}),
        f"{Q}: region: expected a string, got an object",
    ),
    "queryList logStore not text": (
        _set((*ALERT, "configuration", "queryList", 0), {"query": "x", "logStore": ["a"]}),
        f"{Q}: logStore: expected a string, got an array",
    ),
    "queryList storeType not text": (
        _set((*ALERT, "configuration", "queryList", 0), {"query": "x", "storeType": 1}),
        f"{Q}: storeType: Input should be a valid string",
    ),
    "NaN in a queryList entry": (
        _set((*ALERT, "configuration", "queryList", 0), {"query": "x", "threshold": float("nan")}),
        f"{Q}.threshold: not a finite number (JSON has no NaN or Infinity)",
    ),
    "infinity as the version": (
        _set(("version",), float("inf")),
        "snapshot: version: not a finite number (JSON has no NaN or Infinity)",
    ),
    "nested too deep": (
        _set((*ALERT, "configuration", "queryList", 0), {"ui": _nested_lists(60)}),
        f"{Q}.ui{'[0]' * 54}: nested deeper than 64 levels",
    ),
    "unknown top-level key": (
        _set(("extra",), 1),
        f"snapshot: extra: unknown field (not part of snapshot version {SNAPSHOT_VERSION})",
    ),
    "unknown region key": (
        _set(("regions", HZ, "buckets"), []),
        f"{R}.buckets: unknown field (not part of snapshot version 1)",
    ),
    "scan error without code": (
        _set(("regions", HZ, "errors"), [{"api": "ListAlerts"}]),
        f"{R}.errors[0].code: Field required",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_snapshot_is_rejected_naming_the_path(name):
    change, message = BROKEN[name]
    doc = copy.deepcopy(BASE)
    change(doc)
    with pytest.raises(InventoryError) as caught:
        parse_inventory(doc)
    assert str(caught.value) == message


def test_every_problem_gets_its_own_line():
    doc = copy.deepcopy(BASE)
    doc["version"] = 3
    doc["regions"][HZ]["trails"].append({"Status": "Enable"})
    with pytest.raises(InventoryError) as caught:
        parse_inventory(doc)
    assert str(caught.value).splitlines() == [
        "snapshot: version: unsupported snapshot version 3; this cis216 reads version 1",
        "snapshot: regions.cn-hangzhou.trails[1].Name: Field required",
    ]


@pytest.mark.parametrize(("document", "kind"), [([], "an array"), ("x", "str"), (None, "NoneType")])
def test_not_an_object_at_all(document, kind):
    with pytest.raises(InventoryError) as caught:
        parse_inventory(document)
    assert str(caught.value) == f"snapshot: (document): expected a JSON object (a snapshot), got {kind}"


@pytest.mark.parametrize("when", [5, 1764381600.0, None, True])
def test_collected_at_must_be_iso_text(when):
    doc = copy.deepcopy(BASE)
    doc["collected_at"] = when
    with pytest.raises(InventoryError, match=r"^snapshot: collected_at: expected an ISO 8601 time as text"):
        parse_inventory(doc)


def test_logstore_keys_must_be_logstore_names():
    doc = copy.deepcopy(BASE)
    doc["regions"][HZ]["sls_projects"] = {"audit": {"logstores": {"../x": {"index": None}}}}
    with pytest.raises(InventoryError, match=r"is not an SLS logstore name"):
        parse_inventory(doc)


def test_file_that_is_not_json(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"version": 1,', encoding="utf-8")
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    assert str(caught.value) == (
        f"{path}: not JSON: Expecting property name enclosed in double quotes at line 1 column 15"
    )


def test_file_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "s.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(BASE).encode("utf-8"))
    assert load_inventory(path).account_id == ACCOUNT


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "s.json"
    path.write_bytes(b'{"version": "\xff"}')
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    assert str(caught.value) == f"{path}: not UTF-8 text"


def test_missing_file(tmp_path):
    with pytest.raises(InventoryError) as caught:
        load_inventory(tmp_path / "nope.json")
    assert str(caught.value) == f"{tmp_path / 'nope.json'}: cannot read: No such file or directory"


def test_file_errors_name_the_file(tmp_path):
    path = tmp_path / "s.json"
    doc = copy.deepcopy(BASE)
    del doc["regions"][HZ]["trails"][0]["Name"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    assert str(caught.value) == f"{path}: regions.cn-hangzhou.trails[0].Name: Field required"


# --- tolerant of real-world variants ----------------------------------------------------------------


def _alert(**fields):
    doc = document(regions={HZ: {"sls_projects": {"p01": {"alerts": [{"name": "a", **fields}]}}}})
    return parse_inventory(doc).regions[HZ].sls_projects["p01"].alerts[0]


@pytest.mark.parametrize(
    "fields, enabled",
    [
        ({"status": "ENABLED"}, True),
        ({"status": "enabled"}, True),
        ({"status": "Enabled"}, True),
        ({"state": "Enabled"}, True),
        ({"state": "ENABLE"}, True),
        ({"status": " disabled "}, False),
        ({"state": "Disabled"}, False),
        ({"status": "DISABLED", "state": "Enabled"}, False),
        ({}, None),
        ({"status": ""}, None),
        ({"status": "", "state": "disabled"}, False),
    ],
)
def test_status_or_state_in_any_case(fields, enabled):
    assert _alert(**fields).enabled is enabled


def test_status_is_kept_as_given_for_the_reference_query():
    assert _alert(status="Enabled").status == "Enabled"
    assert _alert(status="").status is None
    assert _alert(state="Enabled").status is None


@pytest.mark.parametrize(
    "entry, store",
    [
        ({"query": "*", "store": "actiontrail_t"}, "actiontrail_t"),
        ({"query": "*", "logStore": "actiontrail_t"}, "actiontrail_t"),
        ({"query": "*", "store": "", "logStore": "legacy"}, "legacy"),
        ({"query": "*"}, None),
    ],
)
def test_store_or_log_store(entry, store):
    alert = _alert(configuration={"queryList": [entry]})
    assert alert.configuration.queries[0].store == store


def test_query_or_capital_query_and_non_object_entries_are_kept_verbatim():
    query_list = [{"Query": "q1", "Store": "s"}, "bare text", 3, None, {"query": None}, {"Query": None}]
    alert = _alert(configuration={"queryList": query_list})
    assert alert.query_list == query_list
    assert [q.query for q in alert.configuration.queries] == ["q1", None, None]


def test_fields_are_read_by_their_api_names_only():
    # Steampipe reads `Name`, `Status`, `SlsProjectArn`, `queryList`: other spellings are extra fields.
    doc = document(
        regions={
            HZ: {
                "trails": [
                    {
                        "Name": "t",
                        "name": "other",
                        "status": "Enable",
                        "home_region": HZ,
                        "sls_project_arn": f"acs:log:{HZ}:{ACCOUNT}:project/p01",
                    }
                ],
                "sls_projects": {
                    "p01": {
                        "alerts": [
                            {
                                "name": "a",
                                "display_name": "x",
                                "configuration": {"query_list": [{"query": "q"}]},
                            }
                        ]
                    }
                },
            }
        }
    )
    parsed = parse_inventory(doc).regions[HZ]
    trail = parsed.trails[0]
    assert (trail.name, trail.status, trail.home_region, trail.sls_project_arn) == ("t", None, None, None)
    alert = parsed.sls_projects["p01"].alerts[0]
    assert (alert.display_name, alert.query_list) == (None, None)
    with pytest.raises(InventoryError, match=r"trails\[0\]\.Name: Field required"):
        parse_inventory(document(regions={HZ: {"trails": [{"name": "t"}]}}))


def test_missing_optional_fields():
    doc = document(regions={HZ: {"trails": [{"Name": "t"}]}})
    trail = parse_inventory(doc).regions[HZ].trails[0]
    assert trail.status is trail.home_region is trail.sls_project_arn is None
    assert trail.sls_region is trail.sls_project is None
    assert parse_inventory(document(regions={})).regions == {}
    region = parse_inventory(document(regions={HZ: {}})).regions[HZ]
    assert (region.trails, region.sls_projects, region.errors) == ([], {}, [])
    alert = _alert()
    assert (alert.configuration, alert.query_list, alert.display_name) == (None, None, None)


def test_empty_strings_are_null_as_in_steampipe():
    blank = {"Name": "t", "Status": "", "HomeRegion": "", "SlsProjectArn": ""}
    doc = document(regions={HZ: {"trails": [blank]}})
    trail = parse_inventory(doc).regions[HZ].trails[0]
    assert (trail.status, trail.home_region, trail.sls_project_arn) == (None, None, None)


def test_extra_fields_the_api_may_add_are_kept():
    doc = document(
        regions={
            HZ: {
                "trails": [{"Name": "t", "BrandNewField": {"x": 1}}],
                "sls_projects": {
                    "p01": {"alerts": [{"name": "a", "newThing": 1, "configuration": {"newConf": 2}}]}
                },
            }
        }
    )
    parsed = parse_inventory(doc).regions[HZ]
    assert parsed.trails[0].raw["BrandNewField"] == {"x": 1}
    assert parsed.sls_projects["p01"].alerts[0].raw["newThing"] == 1


def test_arn_parts():
    sls_arn = f"acs:log:{HZ}:{ACCOUNT}:project/p01"
    doc = document(regions={HZ: {"trails": [{"Name": "t", "SlsProjectArn": sls_arn}]}})
    trail = parse_inventory(doc).regions[HZ].trails[0]
    assert (trail.sls_region, trail.sls_project, trail.logstore) == (HZ, "p01", "actiontrail_t")
    assert trail.sls_arn == SlsProjectArn(HZ, ACCOUNT, "p01")


@pytest.mark.parametrize(
    "sls_arn, region, project",
    [
        # Steampipe's `substring(... from regex)`: the first match anywhere, nothing checked.
        ("acs:log:CN-Hangzhou :1:project/p01", "CN-Hangzhou ", "p01"),
        ("acs:log:cn-hangzhou::project/p01/logstore/x", "cn-hangzhou", "p01"),
        ("prefix acs:log:cn-hangzhou:1:project/Bad_Name", "cn-hangzhou", "Bad_Name"),
        ("project/p01", None, "p01"),
        ("not an arn", None, None),
    ],
)
def test_loose_arn_parts_read_as_steampipe_does_strict_ones_refuse(sls_arn, region, project):
    doc = document(regions={HZ: {"trails": [{"Name": "t", "SlsProjectArn": sls_arn}]}})
    trail = parse_inventory(doc).regions[HZ].trails[0]
    assert (trail.sls_region, trail.sls_project) == (region, project)
    assert trail.sls_arn is None


def test_strict_arn_without_account():
    doc = document(regions={HZ: {"trails": [{"Name": "t", "SlsProjectArn": f"acs:log:{HZ}::project/p01"}]}})
    assert parse_inventory(doc).regions[HZ].trails[0].sls_arn == SlsProjectArn(HZ, "", "p01")


def test_numeric_account_id_and_naive_time():
    doc = document(regions={})
    doc["account_id"] = int(ACCOUNT)
    doc["collected_at"] = "2026-11-29T02:00:00"
    parsed = parse_inventory(doc)
    assert parsed.account_id == ACCOUNT and parsed.collected_at.utcoffset().total_seconds() == 0


def test_bundled_sample_parses():
    text = resources.files("cis216").joinpath("samples/sample-account.json").read_text("utf-8")
    inventory = parse_inventory(json.loads(text))
    assert isinstance(inventory, Inventory)
    assert list(inventory.regions) == ["cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1"]
    assert [len(region.trails) for region in inventory.regions.values()] == [2, 2, 2, 2]
