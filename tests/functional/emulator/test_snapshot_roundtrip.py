"""Seeding the sample snapshot and listing it back through the SDKs gives the same document."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from alibabacloud_actiontrail20200706 import models
from aliyun.log import LogException

from cis216.emulator import EmulatedCloud
from tests.functional.emulator.clients import actiontrail, sls


def sample() -> dict[str, Any]:
    text = resources.files("cis216").joinpath("samples/sample-account.json").read_text("utf-8")
    return json.loads(text)


def collect(region: str) -> dict[str, Any]:
    """A minimal collector: what the snapshot records for one region, fetched via the SDKs."""
    request = models.DescribeTrailsRequest(include_shadow_trails=True, include_organization_trail=True)
    trails = actiontrail(region).describe_trails(request).body.to_map()["TrailList"]
    client = sls(region)
    projects: dict[str, Any] = {}
    errors = []
    for project in client.list_project(size=-1).get_projects():
        name = project["projectName"]
        entry: dict[str, Any] = {"alerts": [], "logstores": {}}
        try:
            entry["alerts"] = client.list_alert(name, size=-1).get_entities()
        except LogException as error:
            errors.append(
                {
                    "api": "ListAlerts",
                    "project": name,
                    "code": error.get_error_code(),
                    "message": error.get_error_message(),
                }
            )
        for store in client.list_logstore(name).get_logstores():
            try:
                entry["logstores"][store] = {"index": client.get_index_config(name, store).get_body()}
            except LogException as error:
                assert error.get_error_code() == "IndexConfigNotExist"
                entry["logstores"][store] = {"index": None}
        projects[name] = entry
    return {"trails": trails, "sls_projects": projects, "errors": errors}


def test_sample_snapshot_round_trips(emulated_cloud: EmulatedCloud) -> None:
    doc = sample()
    assert emulated_cloud.seed_snapshot(doc) == doc["account_id"]
    for region, expected in doc["regions"].items():
        got = collect(region)
        assert got["trails"] == expected["trails"], region
        assert list(got["sls_projects"]) == list(expected["sls_projects"]), region
        for name, project in expected["sls_projects"].items():
            assert got["sls_projects"][name]["alerts"] == project["alerts"], (region, name)
            for store, conf in project.get("logstores", {}).items():
                assert got["sls_projects"][name]["logstores"][store] == {"index": conf.get("index")}
        want_errors = [
            {k: e.get(k) for k in ("api", "project", "code", "message")} for e in expected.get("errors", [])
        ]
        assert got["errors"] == want_errors, region


@pytest.mark.parametrize("region", ["cn-hangzhou", "cn-shanghai"])
def test_sample_regions_are_in_describe_regions(emulated_cloud: EmulatedCloud, region: str) -> None:
    emulated_cloud.seed_snapshot(sample())
    regions = actiontrail().describe_regions(models.DescribeRegionsRequest()).body.regions.region
    assert region in [r.region_id for r in regions]
