"""dist/cis216-fc.zip (`make package`) run as FC runs it: unpacked into an empty directory, imported
by a clean Python 3.10 whose only path is that directory (and the standard library), initialised,
invoked once by the timer event against the emulated cloud, its findings read back.

Building the zip needs PyPI, which tests never touch: `make test` runs `make package` first, and
these tests skip, saying why, when the zip or a Python 3.10 is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
import responses
import yaml

from cis216.deploy.package import INDEX_PY, PACKAGE_PATH, PYTHON_DIR
from tests.paths import EVENTS, REPO_ROOT, SAMPLES

ZIP = REPO_ROOT / PACKAGE_PATH
DRIVER = Path(__file__).with_name("fc_zip_driver.py")
REGION, PROJECT, LOGSTORE = "cn-hangzhou", "cis216-findings", "cis216_findings"
# The bundled sample account (as tests/functional/handler/test_handler.py counts it).
SAMPLE_COUNTS = {"error": 1, "alarm": 0, "info": 0, "skip": 4, "ok": 2}
# Distributions of the development environment that must not be in the package.
DEV_ONLY = (
    "pytest",
    "responses",
    "hypothesis",
    "ruff",
    "mypy",
    "vermin",
    "psycopg",
    "jsonschema",
    "pathspec",
)


def python310() -> str | None:
    """A working Python 3.10: python3.10 on PATH (a pyenv shim may not work), else pyenv's."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = [shutil.which("python3.10"), *sorted(map(str, root.glob("versions/3.10*/bin/python3.10")))]
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-I", "-c", "import sys; print(sys.version_info[:2] == (3, 10))"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == "True":
            return candidate
    return None


def _require_zip() -> None:
    if not ZIP.exists():
        pytest.skip(
            f"{PACKAGE_PATH} is missing: `make package` builds it (`make test` does so first; it needs PyPI)"
        )


@pytest.fixture(scope="module")
def code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip unpacked into an empty directory, as FC unpacks it into /code."""
    _require_zip()
    directory = tmp_path_factory.mktemp("code")
    with zipfile.ZipFile(ZIP) as archive:
        archive.extractall(directory)
    return directory


@pytest.fixture(scope="module")
def run(code: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    python = python310()
    if python is None:
        pytest.skip("no Python 3.10 (python3.10 on PATH, or pyenv's): FC's python3.10 cannot be imitated")
    work = tmp_path_factory.mktemp("driver")
    injected = work / "injected"  # what the emulator needs that the package lacks, nothing else
    injected.mkdir()
    for module in (responses, yaml):
        (injected / module.__name__).symlink_to(Path(module.__file__).parent)
    args = {
        "code": str(code),
        "injected": str(injected),
        "emulator": str(REPO_ROOT / "lib" / "cis216" / "emulator"),
        "sample": str(SAMPLES / "sample-account.json"),
        "event": str(EVENTS / "timer.json"),
        "region": REGION,
        "project": PROJECT,
        "logstore": LOGSTORE,
        "result": str(work / "result.json"),
    }
    (work / "args.json").write_text(json.dumps(args), encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "FC_REGION": REGION,
        "FINDINGS_REGION": REGION,
        "FINDINGS_PROJECT": PROJECT,
        "FINDINGS_LOGSTORE": LOGSTORE,
        "RETRY_BASE_SECONDS": "0",
        "RETRY_MAX_ATTEMPTS": "4",
        "LOG_LEVEL": "INFO",
    }
    result = subprocess.run(
        [python, "-I", "-S", "-B", str(DRIVER), str(work / "args.json")],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:] + result.stdout[-2000:]
    return dict(json.loads((work / "result.json").read_text(encoding="utf-8")))


def test_the_zip_holds_index_py_and_python_only(code: Path):
    assert sorted(p.name for p in code.iterdir()) == ["index.py", PYTHON_DIR]
    assert (code / "index.py").read_text(encoding="utf-8") == INDEX_PY
    site = code / PYTHON_DIR
    files = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    assert not [f for f in files if "__pycache__" in f or f.endswith((".pyc", ".pyi"))]
    package = {f for f in files if f.startswith("cis216/")}
    assert "cis216/shell/fc.py" in package and "cis216/adapters/sls.py" in package
    assert not [f for f in package if f.startswith(("cis216/emulator/", "cis216/deploy/", "cis216/cli/"))]
    assert not [f for f in package if not f.endswith(".py")]
    distributions = {p.name.split("-")[0].lower() for p in site.glob("*.dist-info")}
    assert not distributions & set(DEV_ONLY)
    assert not [f for f in files if f.split("/")[0] in ("tests", "docs", "bench", "events")]


def test_initialize_and_one_timer_invocation_write_the_findings(run: dict[str, Any]):
    assert run["python"] == [3, 10]
    summary = run["summary"]
    assert summary["account_verdict"] == "ok"
    assert summary["counts"] == SAMPLE_COUNTS and summary["findings"] == 7
    assert summary["written"]["logs"] == 8 and summary["api_calls"]["total"] == run["calls"]
    records = [log["record"] for log in run["logs"]]
    assert sorted(records) == ["finding"] * 7 + ["summary"]
    statuses = [log["status"] for log in run["logs"] if log["record"] == "finding"]
    assert {status: statuses.count(status) for status in SAMPLE_COUNTS} == SAMPLE_COUNTS
    assert {log["scan_id"] for log in run["logs"]} == {summary["scan_id"]}


def test_everything_imported_came_from_the_package_or_the_standard_library(run: dict[str, Any]):
    modules: dict[str, str] = run["modules"]
    assert set(modules.values()) <= {"package", "standard library", "injected", "emulator"}, {
        name: origin for name, origin in modules.items() if origin == "other"
    }
    injected = {name.split(".")[0] for name, origin in modules.items() if origin == "injected"}
    assert injected <= {"responses", "yaml"}
    emulated = {name for name, origin in modules.items() if origin == "emulator"}
    assert emulated and all(name.startswith("cis216.emulator") for name in emulated)
    for name in ("index", "cis216.shell.fc", "pydantic", "aliyun.log", "lz4.block", "requests", "urllib3"):
        assert modules[name] == "package", name
