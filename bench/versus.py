"""cis216 against the reference SQL it replaces, on the same generated inventories (issue 15).

For each size (trails spread over 20 regions, alerts with varied queries over 50 projects:
generate.large_inventory), measured side by side:

(a) the reference SQL (tests/reference/cis_v200_2_16.sql) in a throwaway PostgreSQL
    (tests/parity/pgharness.py), over the two Steampipe-shaped tables the parity tests fill. Timed:
    the query alone (execute + fetch all rows), the best of a few runs; loading the rows is timed
    apart. Steampipe's tables are foreign tables the planner has no statistics for, so the query
    runs as it does there: autovacuum off, no ANALYZE. The same query after ANALYZE is reported too.
(b) `cis216 evaluate --format json --profile powerpipe FILE` as a whole process (interpreter start,
    imports, reading and parsing the file, evaluating, writing the JSON), best wall time, peak RSS
    (the child's own rusage: os.wait4) and output bytes;
(c) the same with `--profile strict`.

When PostgreSQL is absent the SQL column says so and no ratio is given. The targets are checked by
`assess()` (pure, unit-tested without running anything).
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import generate  # bench/generate.py

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_SQL = ROOT / "tests" / "reference" / "cis_v200_2_16.sql"
SAMPLE = ROOT / "lib" / "cis216" / "samples" / "sample-account.json"

# Every time is the best of its runs, on both sides: on a machine shared with other work the
# slower runs measure the others (medians are recorded beside).
SIZES: tuple[tuple[int, int], ...] = ((100, 1_000), (300, 10_000), (1_000, 10_000), (2_000, 20_000))
TARGET_SIZE = (1_000, 10_000)
# The doubled inventory the linearity target is read on; the SQL is not run there (minutes).
DOUBLED_SIZE = (2_000, 20_000)
TARGET_RATIO = {"strict": 20.0, "powerpipe": 50.0}
MAX_GROWTH_PER_DOUBLING = 2.2
MAX_RSS_MB = 200.0
RSS_CHECKED_FROM_ALERTS = 10_000
SAMPLE_TARGET_S = 0.2
PROFILES = ("powerpipe", "strict")
PROJECTS = 50


# --------------------------------------------------------------------------------------------
# (a) the reference SQL


def sql_times(documents: dict[tuple[int, int], dict[str, Any]], runs: int) -> dict[str, Any]:
    """Per size "<trails>/<alerts>": load_s, query_s (no statistics), query_analyzed_s; or why not."""
    sys.path.insert(0, str(ROOT))
    try:
        from tests.parity.pgharness import SCHEMA, ParityDatabase, PgServer, find_binaries
    except ImportError as error:  # psycopg missing
        return {"absent": f"cannot import the PostgreSQL harness: {error}"}
    tools = find_binaries()
    if tools is None:
        return {"absent": "no PostgreSQL server binaries (initdb, pg_ctl, postgres) on this machine"}
    server = PgServer(tools)
    try:
        server.start()
        database = ParityDatabase(server.connect(), REFERENCE_SQL.read_text(encoding="utf-8"))
        out: dict[str, Any] = {"server": database.scalar("show server_version"), "sizes": {}}
        for (trails, alerts), document in documents.items():
            if (trails, alerts) == DOUBLED_SIZE:
                continue
            out["sizes"][f"{trails}/{alerts}"] = _sql_one(database, SCHEMA, document, runs)
        return out
    except Exception as error:  # a server that will not start is reported, not fatal
        return {"absent": f"PostgreSQL could not run the query: {error}"}
    finally:
        server.stop()


def _sql_one(database: Any, schema: str, document: dict[str, Any], runs: int) -> dict[str, Any]:
    # New tables for each size: statistics gathered on the previous size would survive a truncate.
    _execute(database, "drop table alicloud_action_trail, alicloud_sls_alert")
    _execute(database, schema)
    for table in ("alicloud_action_trail", "alicloud_sls_alert"):
        _execute(database, f"alter table {table} set (autovacuum_enabled = false)")
    started = time.perf_counter()
    database.load(document)
    load_s = time.perf_counter() - started
    # A fresh load has no statistics, as Steampipe's foreign tables never do.
    plain = [_query_once(database) for _ in range(runs)]
    _execute(database, "analyze")
    analyzed = [_query_once(database) for _ in range(runs)]
    return {
        "load_s": round(load_s, 3),
        "query_s": round(min(t for t, _ in plain), 3),
        "query_median_s": round(statistics.median(t for t, _ in plain), 3),
        "query_runs_s": [round(t, 3) for t, _ in plain],
        "query_analyzed_s": round(min(t for t, _ in analyzed), 3),
        "rows": plain[0][1],
    }


def _execute(database: Any, statement: str) -> None:
    with database.connection.cursor() as cursor:
        cursor.execute(statement)


def _query_once(database: Any) -> tuple[float, int]:
    with database.connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(database.reference_sql)
        rows = len(cursor.fetchall())
        return time.perf_counter() - started, rows


# --------------------------------------------------------------------------------------------
# (b), (c) the CLI as a whole process


def cli_command(profile: str, path: Path, json_output: bool = True) -> list[str]:
    """The console script next to this interpreter (what `pip install` puts on PATH)."""
    command = [str(Path(sys.executable).parent / "cis216"), "evaluate", "--profile", profile]
    return [*command, "--format", "json", str(path)] if json_output else [*command, str(path)]


# A small launcher times the command and reads its peak RSS: the benchmark process holds the
# inventories, and a child's ru_maxrss counts what it shared with its parent before exec.
_LAUNCHER = """
import json, resource, subprocess, sys, time
report, command = sys.argv[1], sys.argv[2:]
with open(report + ".out", "wb") as out:
    started = time.perf_counter()
    done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(report, "w") as f:
    json.dump({"wall_s": wall, "max_rss_kb": peak, "exit": done.returncode,
               "stderr": done.stderr.decode(errors="replace")[-500:]}, f)
"""


def run_process(command: list[str]) -> dict[str, Any]:
    """Wall time, peak RSS and output bytes of one run. Exit 0 or 1 count as success (1: a finding
    matched --fail-on, which a newer CLI does by default for alarm); anything else is raised."""
    with tempfile.TemporaryDirectory(prefix="cis216-run-") as directory:
        report = Path(directory) / "report.json"
        subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, str(report), *command], check=True, cwd=ROOT)
        found = json.loads(report.read_text(encoding="utf-8"))
        size = Path(f"{report}.out").stat().st_size
    if found["exit"] not in (0, 1) or size == 0:
        raise RuntimeError(f"{' '.join(command)} exited {found['exit']}: {found['stderr'].strip()}")
    return {
        "wall_s": found["wall_s"],
        "max_rss_mb": found["max_rss_kb"] / 1024,
        "output_bytes": size,
        "exit": found["exit"],
    }


def cli_times(paths: dict[tuple[int, int], Path], runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for (trails, alerts), path in paths.items():
        entry = {}
        for profile in PROFILES:
            measured = [run_process(cli_command(profile, path)) for _ in range(runs)]
            entry[profile] = {
                "wall_s": round(min(m["wall_s"] for m in measured), 3),
                "wall_median_s": round(statistics.median(m["wall_s"] for m in measured), 3),
                "wall_runs_s": [round(m["wall_s"], 3) for m in measured],
                "max_rss_mb": round(max(m["max_rss_mb"] for m in measured), 1),
                "output_bytes": measured[0]["output_bytes"],
                "exit": measured[0]["exit"],
            }
        out[f"{trails}/{alerts}"] = entry
    return out


def sample_time(runs: int) -> dict[str, Any]:
    """`cis216 evaluate <bundled sample>` (table, strict: the command as a new user types it)."""
    measured = [run_process(cli_command("strict", SAMPLE, json_output=False)) for _ in range(runs)]
    wall = min(m["wall_s"] for m in measured)
    return {
        "command": "cis216 evaluate lib/cis216/samples/sample-account.json",
        "wall_s": round(wall, 3),
        "wall_runs_s": [round(m["wall_s"], 3) for m in measured],
        "max_rss_mb": round(max(m["max_rss_mb"] for m in measured), 1),
        "target_s": SAMPLE_TARGET_S,
    }


def inventory(trails: int, alerts: int) -> dict[str, Any]:
    """The issue's shape: trails over 20 regions, the alerts in 50 projects (the first ones the
    trails' own), one in fifty the CIS query on a trail's logstore, the others varied."""
    return generate.large_inventory(
        trails, alerts, n_regions=20, alerts_per_project=max(1, alerts // PROJECTS)
    )


def bench_versus(
    runs: int, sizes: tuple[tuple[int, int], ...] = SIZES, cli_runs: int | None = None
) -> dict[str, Any]:
    """`runs` of the SQL (seconds each at the larger sizes) and `cli_runs` (default: as many) of each command."""
    documents = {size: inventory(*size) for size in sizes}
    with tempfile.TemporaryDirectory(prefix="cis216-bench-") as directory:
        paths = {}
        for (trails, alerts), document in documents.items():
            path = Path(directory) / f"inventory-{trails}-{alerts}.json"
            path.write_text(json.dumps(document), encoding="utf-8")
            paths[(trails, alerts)] = path
        results: dict[str, Any] = {
            "sizes": [f"{t}/{a}" for t, a in sizes],
            "snapshot_bytes": {f"{t}/{a}": paths[(t, a)].stat().st_size for t, a in sizes},
            "cli": cli_times(paths, cli_runs or runs),
        }
    results["sql"] = sql_times(documents, runs)
    results["sample"] = sample_time(max(cli_runs or runs, 5))
    results["assessment"] = assess(results)
    return results


# --------------------------------------------------------------------------------------------
# targets (pure)


def _key(size: tuple[int, int]) -> str:
    return f"{size[0]}/{size[1]}"


def _items(key: str) -> int:
    trails, alerts = key.split("/")
    return int(trails) + int(alerts)


def ratio(sql_s: float | None, cli_s: float) -> float | None:
    """How many times faster cis216 is than the reference SQL; None when the SQL was not run."""
    if sql_s is None or cli_s <= 0:
        return None
    return round(sql_s / cli_s, 2)


def sql_query_s(results: dict[str, Any], key: str) -> float | None:
    sizes = results.get("sql", {}).get("sizes", {})
    return sizes[key]["query_s"] if key in sizes else None


def growth_per_doubling(small: tuple[str, float], large: tuple[str, float]) -> float:
    """The time factor of a doubled inventory, from two sizes (trails + alerts) and their times:
    (t_large / t_small) ** (1 / log2(n_large / n_small))."""
    n_small, n_large = _items(small[0]), _items(large[0])
    if n_large <= n_small or small[1] <= 0:
        raise ValueError("the larger size must come second, with a positive time")
    return round((large[1] / small[1]) ** (1 / math.log2(n_large / n_small)), 2)


def assess(results: dict[str, Any]) -> dict[str, Any]:
    """Each target: the figure, the target, and whether it is met (None: not measured)."""
    cli = results["cli"]
    target = _key(TARGET_SIZE)
    out: dict[str, Any] = {}
    for profile in PROFILES:
        if target in cli:
            sql_s = sql_query_s(results, target)
            found = ratio(sql_s, cli[target][profile]["wall_s"])
            out[f"{profile}_ratio_at_{target}"] = {
                "value": found,
                "target": f">= {TARGET_RATIO[profile]:g}x",
                "met": None if found is None else found >= TARGET_RATIO[profile],
            }
        doubled, base = _key(DOUBLED_SIZE), target
        if doubled in cli and base in cli:
            growth = growth_per_doubling(
                (base, cli[base][profile]["wall_s"]), (doubled, cli[doubled][profile]["wall_s"])
            )
            out[f"{profile}_growth_per_doubling"] = {
                "value": growth,
                "target": f"<= {MAX_GROWTH_PER_DOUBLING}x",
                "met": growth <= MAX_GROWTH_PER_DOUBLING,
            }
        peaks = [
            entry[profile]["max_rss_mb"]
            for key, entry in cli.items()
            if key.split("/")[1] == str(TARGET_SIZE[1])
        ]
        if peaks:
            out[f"{profile}_peak_rss_mb_at_{RSS_CHECKED_FROM_ALERTS}_alerts"] = {
                "value": max(peaks),
                "target": f"< {MAX_RSS_MB:g} MB",
                "met": max(peaks) < MAX_RSS_MB,
            }
        out[f"{profile}_output_bytes_per_trail"] = _output_linearity(cli, profile)
    sample = results.get("sample")
    if sample:
        out["sample_wall_s"] = {
            "value": sample["wall_s"],
            "target": f"<= {SAMPLE_TARGET_S} s",
            "met": sample["wall_s"] <= SAMPLE_TARGET_S,
        }
    return out


def _output_linearity(cli: dict[str, Any], profile: str) -> dict[str, Any]:
    """Output bytes per finding (one per trail, plus the account's) stay flat as the inventory grows."""
    per_trail = {
        key: round(entry[profile]["output_bytes"] / int(key.split("/")[0])) for key, entry in cli.items()
    }
    values = list(per_trail.values())
    spread = max(values) / min(values) if values and min(values) > 0 else None
    return {
        "value": per_trail,
        "target": "linear: bytes per trail within 2x across sizes",
        "met": None if spread is None else spread <= 2.0,
    }


# --------------------------------------------------------------------------------------------
# the table (pure)


def table(results: dict[str, Any]) -> str:
    """The README's table: one row per size, SQL time, each profile's time (peak RSS) and ratio."""
    sql = results.get("sql", {})
    absent = sql.get("absent")
    header = ["inventory (trails / alerts)", "reference SQL (query)", "powerpipe", "strict"]
    rows = [header]
    for key in results["sizes"]:
        entry = results["cli"][key]
        sql_s = sql_query_s(results, key)
        if sql_s is not None:
            analyzed = sql["sizes"][key]["query_analyzed_s"]
            sql_cell = f"{sql_s:.2f} s ({analyzed:.2f} s with statistics)"
        else:
            sql_cell = "not run" if absent is None else "no PostgreSQL"
        cells = [f"{int(key.split('/')[0]):,} / {int(key.split('/')[1]):,}", sql_cell]
        for profile in PROFILES:
            measured = entry[profile]
            found = ratio(sql_s, measured["wall_s"])
            cell = f"{measured['wall_s']:.2f} s ({measured['max_rss_mb']:.0f} MB)"
            cells.append(cell + (f", x{found:g}" if found is not None else ""))
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    if absent:
        lines.append(f"reference SQL: {absent} (no ratios)")
    return "\n".join(lines)


def verdicts(assessment: dict[str, Any]) -> str:
    """One line per target: figure, target, met / MISSED / not measured."""
    lines = []
    for name, entry in assessment.items():
        met = {True: "met", False: "MISSED", None: "not measured"}[entry["met"]]
        lines.append(f"{name}: {entry['value']} (target {entry['target']}): {met}")
    return "\n".join(lines)
