"""dist/cis216-fc.zip makes the organisation scan's calls (fc_zip_org_driver.py) with what it holds:
the Resource Directory SDK, STS, and FC's asynchronous invocation through the OpenAPI core (the FC
SDK is not in the package). Skips, saying why, like test_fc_zip.py."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
import responses
import yaml

from tests.functional.package.test_fc_zip import ZIP, python310
from tests.paths import REPO_ROOT, SAMPLES

DRIVER = Path(__file__).with_name("fc_zip_org_driver.py")


@pytest.fixture(scope="module")
def org_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not ZIP.exists():
        pytest.skip(f"{ZIP.name} is missing: `make package` builds it (`make test` does so first)")
    python = python310()
    if python is None:
        pytest.skip("no Python 3.10 (python3.10 on PATH, or pyenv's): FC's python3.10 cannot be imitated")
    work = tmp_path_factory.mktemp("org-driver")
    code = work / "code"
    with zipfile.ZipFile(ZIP) as archive:
        archive.extractall(code)
    injected = work / "injected"
    injected.mkdir()
    for module in (responses, yaml):
        (injected / module.__name__).symlink_to(Path(module.__file__).parent)
    args = {
        "code": str(code),
        "injected": str(injected),
        "emulator": str(REPO_ROOT / "lib" / "cis216" / "emulator"),
        "organization": str(SAMPLES / "sample-organization.json"),
        "result": str(work / "result.json"),
    }
    (work / "args.json").write_text(json.dumps(args), encoding="utf-8")
    result = subprocess.run(
        [python, "-I", "-S", "-B", str(DRIVER), str(work / "args.json")],
        cwd=code,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:] + result.stdout[-2000:]
    loaded: dict[str, Any] = json.loads((work / "result.json").read_text(encoding="utf-8"))
    loaded["code"] = str(code)
    return loaded


def test_the_package_makes_the_organisation_calls(org_run: dict[str, Any]):
    assert len(org_run["members"]) == 7
    assert org_run["left"] == ["1100000000000015"]
    assert org_run["trails"] == ["own-trail", "org-trail"]
    assert org_run["dispatched"] == ["enqueued", "already_queued"]


def test_the_sdks_it_used_came_from_the_package(org_run: dict[str, Any]):
    for name, path in org_run["origins"].items():
        assert path.startswith(org_run["code"] + "/"), (name, path)
    assert not list(Path(org_run["code"]).glob("python/alibabacloud_fc20230330*"))
