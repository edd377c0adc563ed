"""The pure parts of the benchmark against the reference SQL (bench/versus.py): ratios, growth,
the targets' verdicts and the table. Nothing here runs the benchmark or times anything."""

from __future__ import annotations

import importlib.util
from types import ModuleType
from typing import Any

import pytest

from tests.paths import REPO_ROOT


@pytest.fixture
def versus(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(REPO_ROOT / "bench"))  # versus imports bench/generate.py
    spec = importlib.util.spec_from_file_location("bench_versus", REPO_ROOT / "bench" / "versus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cli_entry(wall: float, rss: float, output: int) -> dict[str, Any]:
    return {"wall_s": wall, "max_rss_mb": rss, "output_bytes": output}


def results(sql: dict[str, Any], strict_doubled_s: float = 2.0) -> dict[str, Any]:
    return {
        "sizes": ["100/1000", "1000/10000", "2000/20000"],
        "cli": {
            "100/1000": {"powerpipe": cli_entry(0.3, 40, 44_000), "strict": cli_entry(0.4, 50, 190_000)},
            "1000/10000": {
                "powerpipe": cli_entry(0.5, 140, 440_000),
                "strict": cli_entry(1.0, 190, 1_900_000),
            },
            "2000/20000": {
                "powerpipe": cli_entry(0.9, 280, 880_000),
                "strict": cli_entry(strict_doubled_s, 380, 3_800_000),
            },
        },
        "sql": sql,
        "sample": {"wall_s": 0.3},
    }


SQL = {
    "sizes": {
        "100/1000": {"query_s": 0.1, "query_analyzed_s": 0.01},
        "1000/10000": {"query_s": 25.0, "query_analyzed_s": 0.2},
    }
}


def test_a_ratio_is_sql_time_over_cis216_time_and_none_without_sql(versus: ModuleType) -> None:
    assert versus.ratio(10.0, 0.5) == 20.0
    assert versus.ratio(None, 0.5) is None


def test_growth_per_doubling_reads_any_size_ratio_as_doublings(versus: ModuleType) -> None:
    assert versus.growth_per_doubling(("1000/10000", 1.0), ("2000/20000", 2.0)) == 2.0
    assert versus.growth_per_doubling(("100/1000", 1.0), ("400/4000", 4.0)) == 2.0  # two doublings
    with pytest.raises(ValueError, match="larger size must come second"):
        versus.growth_per_doubling(("2000/20000", 1.0), ("1000/10000", 2.0))


def test_the_targets_are_met_or_missed_against_the_sql(versus: ModuleType) -> None:
    assessed = versus.assess(results(SQL, strict_doubled_s=2.5))
    assert assessed["strict_ratio_at_1000/10000"] == {"value": 25.0, "target": ">= 20x", "met": True}
    assert assessed["powerpipe_ratio_at_1000/10000"] == {"value": 50.0, "target": ">= 50x", "met": True}
    assert assessed["powerpipe_growth_per_doubling"]["met"] is True  # 0.9 / 0.5 = 1.8
    assert assessed["strict_growth_per_doubling"] == {"value": 2.5, "target": "<= 2.2x", "met": False}
    assert assessed["powerpipe_peak_rss_mb_at_10000_alerts"]["met"] is True  # 140 MB
    assert assessed["strict_peak_rss_mb_at_10000_alerts"]["met"] is True  # 190 MB
    assert assessed["strict_output_bytes_per_trail"]["value"] == {
        "100/1000": 1900,
        "1000/10000": 1900,
        "2000/20000": 1900,
    }
    assert assessed["sample_wall_s"] == {"value": 0.3, "target": "<= 0.2 s", "met": False}


def test_without_postgresql_there_is_no_ratio_and_the_table_says_why(versus: ModuleType) -> None:
    absent = results({"absent": "no PostgreSQL server binaries (initdb, pg_ctl, postgres) on this machine"})
    assessed = versus.assess(absent)
    assert assessed["strict_ratio_at_1000/10000"]["value"] is None
    assert assessed["strict_ratio_at_1000/10000"]["met"] is None
    table = versus.table(absent)
    assert "| 1,000 / 10,000              | no PostgreSQL         | 0.50 s (140 MB)" in table
    assert ", x" not in table
    assert table.endswith(
        "reference SQL: no PostgreSQL server binaries (initdb, pg_ctl, postgres) on this machine (no ratios)"
    )
    assert "strict_ratio_at_1000/10000: None (target >= 20x): not measured" in versus.verdicts(assessed)


def test_the_table_gives_each_profile_its_time_memory_and_ratio(versus: ModuleType) -> None:
    table = versus.table(results(SQL)).splitlines()
    assert table[0].startswith("| inventory (trails / alerts) | reference SQL (query)")
    assert set(table[1]) == {"|", "-"}
    cells = [cell.strip() for cell in table[3].strip("|").split("|")]
    assert cells == [
        "1,000 / 10,000",
        "25.00 s (0.20 s with statistics)",
        "0.50 s (140 MB), x50",
        "1.00 s (190 MB), x25",
    ]
    assert "not run" in table[4]  # the doubled size: no SQL there
