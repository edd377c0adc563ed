"""An Alibaba Cloud SDK is a runtime requirement only while the function itself imports it.

(requirements.txt == [project].dependencies is checked in tests/unit/deploy/test_s_yaml.py.)
"""

from __future__ import annotations

import ast
from importlib.metadata import packages_distributions
from pathlib import Path

from tests.paths import REPO_ROOT

# What is not in the FC package (.fcignore): the emulator and the deployment helpers.
DEV_ONLY = ("lib/cis216/emulator/", "lib/cis216/deploy/")


def _requirement_names() -> set[str]:
    text = (REPO_ROOT / "requirements.txt").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return {line.split(">", 1)[0].split("<", 1)[0].split("=", 1)[0].strip().lower() for line in lines if line}


def _function_sources() -> list[Path]:
    files = [*(REPO_ROOT / "lib" / "cis216").rglob("*.py"), *(REPO_ROOT / "handler").rglob("*.py")]
    return [f for f in files if not f.relative_to(REPO_ROOT).as_posix().startswith(DEV_ONLY)]


def _imported_top_level_modules(paths: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def test_every_sdk_in_the_runtime_requirements_is_imported_by_the_function():
    distributions_of = packages_distributions()
    imported = {
        dist.lower()
        for module in _imported_top_level_modules(_function_sources())
        for dist in distributions_of.get(module, [])
    }
    sdks = {name for name in _requirement_names() if name.startswith(("alibabacloud-", "aliyun-"))}
    assert sdks, "no Alibaba Cloud SDK among the runtime requirements"
    assert sdks - imported == set()


def test_the_fc_sdk_is_a_development_requirement_only():
    # The emulator's FC route tests use it; the function does not call FC (yet: organisation scans).
    assert "alibabacloud-fc20230330" not in _requirement_names()
    assert "alibabacloud_fc20230330" not in _imported_top_level_modules(_function_sources())
