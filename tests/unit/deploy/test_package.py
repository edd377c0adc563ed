"""The package builder, offline: reproducible zips, what is left out and why, the marker walk, the
stamp and the budget. (tests/functional/package runs the real zip.)"""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from cis216.deploy import package, trim, wheels
from cis216.deploy.layout import HANDLER_MODULE, PYTHON_DIR, ZIP, is_package_command
from cis216.deploy.ziptree import FIXED_TIME, Entry, tree_entries, write_zip
from tests.paths import REPO_ROOT

# --- a reproducible zip ---------------------------------------------------------------------


def _tree(root: Path, names: list[str], mtime: int, mode: int) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"content of {name}\n" * 20, encoding="utf-8")
        os.chmod(path, mode)
        os.utime(path, (mtime, mtime))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_files_same_bytes_whatever_their_times_modes_and_order(tmp_path: Path):
    names = ["b/x.py", "a.py", "b/a/y.so", "c.txt"]
    _tree(tmp_path / "one", names, mtime=1_000_000_000, mode=0o600)
    _tree(tmp_path / "two", list(reversed(names)), mtime=1_700_000_000, mode=0o755)
    first = tmp_path / "one.zip"
    second = tmp_path / "two.zip"
    write_zip(first, [Entry("index.py", b"x = 1\n"), *tree_entries(tmp_path / "one", "python/")])
    write_zip(second, [*reversed(tree_entries(tmp_path / "two", "python/")), Entry("index.py", b"x = 1\n")])
    assert _sha(first) == _sha(second)
    with zipfile.ZipFile(first) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(["index.py", *(f"python/{n}" for n in names)])
    assert {(i.date_time, i.external_attr >> 16, i.create_system, i.extra, i.comment) for i in infos} == {
        (FIXED_TIME, 0o100644, 3, b"", b"")
    }


def test_a_changed_file_changes_the_zip(tmp_path: Path):
    write_zip(tmp_path / "a.zip", [Entry("index.py", b"x = 1\n")])
    write_zip(tmp_path / "b.zip", [Entry("index.py", b"x = 2\n")])
    assert _sha(tmp_path / "a.zip") != _sha(tmp_path / "b.zip")


def test_duplicate_entries_are_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="duplicate"):
        write_zip(tmp_path / "a.zip", [Entry("index.py", b""), Entry("index.py", b"")])
    assert not (tmp_path / "a.zip").exists()


# --- index.py and the layout ------------------------------------------------------------------


def test_index_py_delegates_to_the_shell_and_finds_python_dir():
    tree = ast.parse(package.INDEX_PY, feature_version=(3, 10))
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert set(functions) == {"handler", "initialize"}
    for name, node in functions.items():
        imports = [n for n in ast.walk(node) if isinstance(n, ast.ImportFrom)]
        assert [(i.module, [a.name for a in i.names]) for i in imports] == [("cis216.shell.fc", [name])]
    assert f'"{PYTHON_DIR}"' in package.INDEX_PY
    assert ZIP.handler == f"{HANDLER_MODULE}.handler" and ZIP.pythonpath == (f"/code/{PYTHON_DIR}",)


@pytest.mark.parametrize(
    "command, expected",
    [
        ("make package", True),
        ("make FORCE=1 package", True),
        (".venv/bin/python -m cis216.deploy.package --force", True),
        ("make packages", False),
        ("make test", False),
        ("echo make package", False),
    ],
)
def test_the_package_command(command, expected):
    assert is_package_command(command) is expected


# --- what of cis216 goes in -------------------------------------------------------------------


def _module_of(relative: str) -> str:
    parts = relative.removesuffix(".py").split("/")
    return ".".join(["cis216", *(parts[:-1] if parts[-1] == "__init__" else parts)])


def _cis216_imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package_name = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("cis216")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_name.split(".")[: len(package_name.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.startswith("cis216"):
                found.add(target)
                found |= {f"{target}.{a.name}" for a in node.names}
    return found


def test_the_package_holds_what_the_function_imports_and_nothing_left_out_is_imported():
    lib = REPO_ROOT / "lib"
    entries = package.package_sources(lib)
    names = {e.name.removeprefix(f"{PYTHON_DIR}/cis216/") for e in entries}
    assert {"__init__.py", "shell/fc.py", "shell/scan.py", "adapters/sls.py", "core.py"} <= names
    assert not [n for n in names if n.startswith(("emulator/", "deploy/", "cli/", "samples/"))]
    assert "__main__.py" not in names and all(n.endswith(".py") for n in names)
    modules = {_module_of(n) for n in names}
    packaged_modules = modules | {m.rsplit(".", 1)[0] for m in modules}
    for name in sorted(names):
        imported = _cis216_imports(lib / "cis216" / name, _module_of(name))
        # `from .x import Name` also yields cis216.x.Name: only module-looking targets matter
        missing = {m for m in imported if m not in packaged_modules and _looks_like_module(lib, m)}
        assert not missing, f"{name} imports {sorted(missing)}, which the package leaves out"


def _looks_like_module(lib: Path, dotted: str) -> bool:
    path = lib.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


@pytest.mark.parametrize(
    "relative, left_out",
    [
        ("shell/fc.py", False),
        ("emulator/core.py", True),
        ("deploy/package.py", True),
        ("cli/__init__.py", True),
        ("__main__.py", True),
        ("samples/sample-account.json", True),
        ("py.typed", True),
        ("shell/__pycache__/fc.cpython-310.pyc", True),
    ],
)
def test_left_out_of_cis216(relative, left_out):
    assert package.is_left_out(relative) is left_out


# --- FC's markers ---------------------------------------------------------------------------


def _dist(
    site: Path, name: str, version: str, requires: list[str], files: dict[str, str] | None = None
) -> None:
    dist_info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    headers = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    headers += [f"Requires-Dist: {r}" for r in requires]
    (dist_info / "METADATA").write_text("\n".join(headers) + "\n\n", encoding="utf-8")
    record = [f"{dist_info.name}/METADATA,,", f"{dist_info.name}/RECORD,,"]
    for relative, text in (files or {}).items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text, encoding="utf-8")
        record.append(f"{relative},,")
    (dist_info / "RECORD").write_text("\n".join(record) + "\n", encoding="utf-8")


def test_unmet_judges_markers_for_fcs_python(tmp_path: Path):
    _dist(
        tmp_path,
        "aiohttp",
        "3.14.5",
        ['async-timeout<6.0,>=4.0; python_version < "3.11"', "yarl>=1.0", 'tomli; python_version >= "3.11"'],
    )
    _dist(tmp_path, "yarl", "1.25.1", ['idna; sys_platform == "win32"'])
    missing, needed = wheels.unmet([Requirement("aiohttp>=3")], tmp_path)
    assert [str(r) for r in missing] == ['async-timeout<6.0,>=4.0; python_version < "3.11"']
    assert needed == {"aiohttp", "yarl"}
    assert wheels.unconditional(missing[0]) == "async-timeout<6.0,>=4.0"


def test_unmet_follows_extras_and_checks_versions(tmp_path: Path):
    _dist(tmp_path, "requests", "2.34.2", ['PySocks>=1.5; extra == "socks"', "idna>=2"])
    _dist(tmp_path, "idna", "3.21", [])
    missing, needed = wheels.unmet([Requirement("requests[socks]>=2")], tmp_path)
    assert [r.name for r in missing] == ["PySocks"] and needed == {"requests", "idna"}
    with pytest.raises(wheels.InstallError, match=r"idna 3\.21 installed"):
        wheels.unmet([Requirement("requests"), Requirement("idna<3")], tmp_path)


def test_platform_tags_reach_down_from_fcs_glibc():
    assert wheels.PLATFORMS[0] == "manylinux_2_28_x86_64"
    assert "manylinux_2_17_x86_64" in wheels.PLATFORMS and "manylinux2014_x86_64" in wheels.PLATFORMS
    assert not [tag for tag in wheels.PLATFORMS if tag.startswith(("manylinux_2_29", "manylinux_2_3"))]


# --- what is left out of the dependencies -------------------------------------------------------


@pytest.mark.parametrize(
    "relative, reason",
    [
        ("bin/normalizer", "console scripts"),
        ("pydantic/__pycache__/main.cpython-310.pyc", "bytecode"),
        ("websocket/tests/test_app.py", "tests inside packages"),
        ("requests-2.34.2.dist-info/RECORD", "pip's bookkeeping (RECORD, INSTALLER, ...)"),
        ("requests-2.34.2.dist-info/INSTALLER", "pip's bookkeeping (RECORD, INSTALLER, ...)"),
        ("pydantic_core/core_schema.pyi", "type stubs"),
        ("multidict/_multidict.c", "C and Cython sources"),
        ("requests-2.34.2.dist-info/METADATA", None),
        ("requests-2.34.2.dist-info/licenses/LICENSE", None),
        ("attrs-26.1.0.dist-info/LICENSE.txt", None),
        ("pydantic_core/_pydantic_core.cpython-310-x86_64-linux-gnu.so", None),
        ("six.py", None),
        ("tzdata/zoneinfo/Asia/Shanghai", None),
    ],
)
def test_drop_reason(relative, reason):
    assert trim.drop_reason(Path(relative)) == reason


def _site_with_an_unused_distribution(
    site: Path, importer: str, statement: str = "from dateparser import parse\n"
) -> None:
    _dist(site, "aliyun-log-python-sdk", "0.9.52", ["dateparser"], {importer: statement})
    _dist(site, "dateparser", "1.5.0", ["regex"], {"dateparser/__init__.py": "import regex\n"})
    _dist(site, "regex", "2026.9.29", [], {"regex/__init__.py": ""})
    _dist(site, "tomli", "2.0.0", [], {"tomli/__init__.py": ""})


def test_trim_leaves_out_unused_and_unneeded_distributions(tmp_path: Path):
    _site_with_an_unused_distribution(tmp_path, "aliyun/log/util.py")
    (tmp_path / "aliyun/log/util.pyi").write_text("", encoding="utf-8")
    trimmed = trim.trim(tmp_path, needed={"aliyun-log-python-sdk", "dateparser", "regex"})
    assert set(trimmed.unused) == {"dateparser", "regex"} and set(trimmed.not_needed) == {"tomli"}
    assert set(trimmed.files) == {"pip's bookkeeping (RECORD, INSTALLER, ...)", "type stubs"}
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["aliyun/log/util.py", "aliyun_log_python_sdk-0.9.52.dist-info/METADATA"]


@pytest.mark.parametrize(
    "statement",
    ["from dateparser import parse\n", "import os, dateparser.search\n", "def f():\n    import dateparser\n"],
)
def test_trim_fails_when_a_kept_file_imports_what_was_left_out(tmp_path: Path, statement: str):
    _site_with_an_unused_distribution(tmp_path, "aliyun/log/logclient.py", statement)
    with pytest.raises(trim.TrimError, match=r"aliyun/log/logclient\.py: dateparser"):
        trim.trim(tmp_path, needed={"aliyun-log-python-sdk", "dateparser", "regex"})


def test_every_unused_distribution_says_why():
    assert all(u.why for u in trim.UNUSED)
    assert len({u.distribution for u in trim.UNUSED}) == len(trim.UNUSED)


# --- the build: stamp and budget, with a fake pip ---------------------------------------------


@dataclass
class FakeRepo:
    root: Path
    installs: list[Path]  # where the fake pip installed, once per real build


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeRepo:
    root = tmp_path / "repo"
    (root / "lib/cis216/shell").mkdir(parents=True)
    (root / "lib/cis216/emulator").mkdir()
    (root / "requirements.txt").write_text("six>=1\n", encoding="utf-8")
    (root / "lib/cis216/__init__.py").write_text("", encoding="utf-8")
    (root / "lib/cis216/shell/fc.py").write_text("def handler(e, c): return ''\n", encoding="utf-8")
    (root / "lib/cis216/emulator/core.py").write_text("import responses\n", encoding="utf-8")
    installs: list[Path] = []

    def install(requirements: Path, target: Path, cache: Path) -> set[str]:
        installs.append(target)
        shutil.rmtree(target, ignore_errors=True)  # as pip's install into an emptied target
        _dist(target, "six", "1.17.0", [], {"six.py": "x = 1\n" * 1000})
        return {"six"}

    monkeypatch.setattr(wheels, "install_requirements", install)
    return FakeRepo(root, installs)


def test_build_writes_the_zip_and_skips_an_unchanged_rebuild(repo: FakeRepo):
    built = package.build(repo.root)
    assert built.path == repo.root / "dist" / "cis216-fc.zip"
    with zipfile.ZipFile(built.path) as archive:
        assert archive.namelist() == [
            "index.py",
            "python/cis216/__init__.py",
            "python/cis216/shell/fc.py",
            "python/six-1.17.0.dist-info/METADATA",
            "python/six.py",
        ]
        assert archive.read("index.py").decode() == package.INDEX_PY
    assert "dist/cis216-fc.zip:" in built.report and "six 1.17.0" in built.report
    again = package.build(repo.root)
    assert again.sha256 == built.sha256 and again.report.endswith("(inputs unchanged: not rebuilt)")
    assert len(repo.installs) == 1
    forced = package.build(repo.root, force=True)
    assert forced.sha256 == built.sha256 and len(repo.installs) == 2
    assert not (repo.root / ".cache/package/staging").exists()


def test_a_changed_source_rebuilds(repo: FakeRepo):
    first = package.build(repo.root)
    (repo.root / "lib/cis216/shell/fc.py").write_text("def handler(e, c): return 'x'\n", encoding="utf-8")
    second = package.build(repo.root)
    assert second.sha256 != first.sha256 and "not rebuilt" not in second.report
    (repo.root / "lib/cis216/emulator/core.py").write_text("# not packaged\n", encoding="utf-8")
    assert "not rebuilt" in package.build(repo.root).report
    (repo.root / "requirements.txt").write_text("six>=1.16\n", encoding="utf-8")
    assert "not rebuilt" not in package.build(repo.root).report
    assert len(repo.installs) == 3


def test_a_zip_changed_since_the_build_is_rebuilt(repo: FakeRepo):
    built = package.build(repo.root)
    built.path.write_bytes(b"not the zip")
    assert package.build(repo.root).sha256 == built.sha256 and len(repo.installs) == 2


def test_over_the_budget_fails_and_removes_the_zip(repo: FakeRepo, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setattr(package, "BUDGET_UNZIPPED_BYTES", 1000)
    with pytest.raises(package.PackageError, match=r"unzipped .* over the budget"):
        package.build(repo.root)
    assert not (repo.root / "dist" / "cis216-fc.zip").exists()
    assert not (repo.root / ".cache/package/stamp.json").exists()
    assert package.main(["--root", str(repo.root)]) == 1
    assert "BUDGET_UNZIPPED_BYTES" in capsys.readouterr().err


def test_the_budget_names_its_constants():
    assert package.over_budget(1, 1) is None
    over = package.over_budget(package.BUDGET_ZIPPED_BYTES + 1, 1)
    assert over is not None and "BUDGET_ZIPPED_BYTES" in over
