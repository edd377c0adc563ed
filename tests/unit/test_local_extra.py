"""The `local` extra (`pip install 'cis216[local]'`) holds what the emulated cloud imports beyond the
runtime requirements: `cis216 invoke`, `cis216 setup --preview` and GetLogs with SQL run for a user
who installed only that, not the `dev` extra. The runtime set (the FC package) stays as it is:
tests/unit/test_runtime_requirements.py."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import PackageNotFoundError, packages_distributions, requires

from tests.paths import REPO_ROOT

EMULATOR = REPO_ROOT / "lib" / "cis216" / "emulator"


def _names(block: str) -> set[str]:
    return {re.split(r"[<>=\[ ;]", item, maxsplit=1)[0].lower() for item in re.findall(r'"([^"]+)"', block)}


def _list(key: str) -> set[str]:
    """The names of pyproject's `key = [...]` list (one line, or one item a line up to "]")."""
    lines = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    start = next((n for n, line in enumerate(lines) if line.startswith(f"{key} = [")), None)
    assert start is not None, f"no {key} list in pyproject.toml"
    if lines[start].rstrip().endswith("]"):
        return _names(lines[start].split("#", 1)[0])
    end = lines.index("]", start)
    return _names("\n".join(line.split("#", 1)[0] for line in lines[start + 1 : end]))


def _with_dependencies(names: set[str]) -> set[str]:
    """`names` and what they install in turn (their own runtime requirements, installed here)."""
    found, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        try:
            required = requires(name) or []
        except PackageNotFoundError:
            continue
        todo.extend(next(iter(_names(f'"{r}"'))) for r in required if "extra ==" not in r)
    return found


def _emulator_imports() -> set[str]:
    modules: set[str] = set()
    for path in EMULATOR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"cis216", "pytest", "_pytest"}


def test_the_local_extra_holds_what_the_emulator_imports():
    distributions_of = packages_distributions()
    needed = {dist.lower() for module in _emulator_imports() for dist in distributions_of.get(module, [])}
    assert "duckdb" in needed and "responses" in needed
    installed = _with_dependencies(_list("dependencies") | _list("local"))
    assert needed - installed == set()


def test_duckdb_is_local_and_dev_but_no_runtime_requirement():
    assert "duckdb" in _list("local") and "duckdb" in _list("dev")
    assert "duckdb" not in _list("dependencies")
    assert _list("local") <= _list("dev")
