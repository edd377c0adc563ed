"""s.yaml: our own strict model, the fc3 component's JSON Schema, and what they imply."""

from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from cis216.deploy import is_daily, resolve, validate_s_file
from cis216.deploy.layout import HANDLER_MODULE, PACKAGE_PATH, SOURCE, ZIP, layout_of
from cis216.deploy.model import START_MARGIN_SECONDS, check_cron, write_reserve_seconds
from cis216.deploy.package import INDEX_PY
from cis216.deploy.sfile import SFileError
from cis216.shell.config import VARIABLES, load_config
from cis216.validation import describe
from tests.paths import FC3_SCHEMA, REPO_ROOT

ROOT = REPO_ROOT


SCANNER, WORKER = "cis216", "cis216-worker"


def props_of(document: dict[str, Any], name: str = SCANNER) -> dict[str, Any]:
    return document["resources"][name]["props"]


# The documented alternative to the zip (docs/deployment.md): the repository root, built by
# `fc3 build` in Docker, the handler in handler/index.py, the package found in /code/lib.
FC3_BUILD_ALTERNATIVE = {
    "code": "./",
    "handler": "handler.index.handler",
    "initializer": "handler.index.initialize",
    "PYTHONPATH": "/code/python:/code/lib",
    "pre-deploy": [{"component": "fc3 build"}],
}


def as_fc3_build(document: dict[str, Any]) -> dict[str, Any]:
    """The resolved s.yaml changed the way docs/deployment.md says for the fc3 build alternative."""
    changed = copy.deepcopy(document)
    resource = changed["resources"][SCANNER]
    props = resource["props"]
    props["code"] = FC3_BUILD_ALTERNATIVE["code"]
    props["handler"] = FC3_BUILD_ALTERNATIVE["handler"]
    props["instanceLifecycleConfig"]["initializer"]["handler"] = FC3_BUILD_ALTERNATIVE["initializer"]
    props["environmentVariables"]["PYTHONPATH"] = FC3_BUILD_ALTERNATIVE["PYTHONPATH"]
    resource["actions"] = {"pre-deploy": FC3_BUILD_ALTERNATIVE["pre-deploy"]}
    return changed


def _rejects(document: dict[str, Any], *fragments: str) -> str:
    with pytest.raises(ValidationError) as info:
        validate_s_file(document)
    text = describe(info.value, whole="(file)")
    for fragment in fragments:
        assert fragment in text, text
    return text


# --- the file as committed -----------------------------------------------------------------


def test_s_yaml_passes_our_model(resolved):
    model = validate_s_file(resolved)
    props = model.resource.props
    assert model.edition == "3.0.0"
    assert props.runtime == "python3.10"
    assert props.logConfig == "auto"
    assert props.asyncInvokeConfig.maxAsyncRetryAttempts >= 1
    assert props.instanceLifecycleConfig is not None and props.instanceLifecycleConfig.initializer is not None


def test_s_yaml_passes_the_fc3_schema(resolved):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(FC3_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(props_of(resolved)), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_fc3_schema_alone_is_too_loose(resolved):
    """Why our own model exists: the component's schema passes what we must reject."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(FC3_SCHEMA.read_text(encoding="utf-8"))
    props = props_of(resolved)
    del props["triggers"][0]["triggerConfig"]["enable"]
    props["enviromentVariables"] = {"TYPO": "1"}
    jsonschema.validate(props, schema)  # passes: no additionalProperties, anyOf trigger configs
    _rejects(resolved, "enable", "enviromentVariables")


def test_every_placeholder_resolves_and_vars_block_exists(s_document):
    assert isinstance(s_document.get("vars"), dict) and s_document["vars"]
    text = (ROOT / "s.yaml").read_text(encoding="utf-8")
    assert "${vars." in text
    resolved = resolve(s_document)
    assert "${" not in json.dumps(resolved)


def test_unresolvable_expressions_are_errors(s_document):
    broken = dict(s_document, vars={**s_document["vars"], "region": "${vars.nowhere}"})
    with pytest.raises(SFileError, match=r"vars\.nowhere"):
        resolve(broken)
    with pytest.raises(SFileError, match="unsupported"):
        resolve({"vars": {}, "x": "${path('..')}"})


def test_environment_is_exactly_the_config_variables(resolved):
    env = props_of(resolved)["environmentVariables"]
    assert set(env) == {v.name for v in VARIABLES} | {"PYTHONPATH"}
    assert env["PYTHONPATH"].split(":") == ["/code/python"]  # the zip's python/
    config = load_config({**env, "FC_REGION": props_of(resolved)["region"]})
    assert config.findings_project and not config.dry_run


def test_timeout_covers_the_scan_budget(resolved):
    props = props_of(resolved)
    budget = float(props["environmentVariables"]["SCAN_BUDGET_SECONDS"])
    assert props["timeout"] >= budget + write_reserve_seconds() + START_MARGIN_SECONDS


def test_daily_timer_in_utc(resolved):
    (trigger,) = props_of(resolved)["triggers"]
    config = trigger["triggerConfig"]
    assert trigger["triggerType"] == "timer" and config["enable"] is True
    assert is_daily(config["cronExpression"])
    assert len(config["cronExpression"].split()) == 6  # six fields, no CRON_TZ: UTC
    assert isinstance(json.loads(config["payload"]), dict)


def _functions(source: str) -> set[str]:
    return {node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}


def test_handler_and_initializer_exist(resolved):
    """In the zip: index.py at its root is package.INDEX_PY (tests/functional/package checks the built
    zip holds exactly that, and runs both)."""
    props = props_of(resolved)
    assert props["code"] == PACKAGE_PATH and layout_of(props["code"]) is ZIP
    for target in (props["handler"], props["instanceLifecycleConfig"]["initializer"]["handler"]):
        module, function = target.rsplit(".", 1)
        assert module == HANDLER_MODULE, target
        assert function in _functions(INDEX_PY), f"{target}: index.py defines {sorted(_functions(INDEX_PY))}"


def test_the_fc3_build_alternative_passes_our_model_and_its_handler_exists(resolved):
    alternative = as_fc3_build(resolved)
    props = validate_s_file(alternative).resource.props
    assert props.layout is SOURCE
    code_root = (ROOT / props.code).resolve()
    for target in (props.handler, SOURCE.initializer):
        module, function = target.rsplit(".", 1)
        path = code_root.joinpath(*module.split(".")).with_suffix(".py")
        assert path.exists(), f"{target}: no {path}"
        names = _functions(path.read_text(encoding="utf-8"))
        assert function in names, f"{target}: {path} defines {sorted(names)}"


def test_the_fc3_build_alternative_is_documented():
    docs = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for key in ("code", "handler", "PYTHONPATH"):
        assert f"{key}: {FC3_BUILD_ALTERNATIVE[key]}" in docs, key
    assert f"handler: {FC3_BUILD_ALTERNATIVE['initializer']}" in docs
    assert "- component: fc3 build" in docs


def test_build_step_makes_the_package(resolved):
    resource = resolved["resources"][SCANNER]
    actions = resource["actions"]["pre-deploy"]
    # The build, then the findings store (tests/unit/deploy/test_setup_action.py): nothing else.
    assert actions[0] == {"run": "make package", "path": "./"}
    assert len(actions) == 2 and "cis216 setup" in actions[1]["run"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"(?m)^package:.*\n(?:\t.*\n)*\t.*-m cis216\.deploy\.package", makefile), (
        "no package target"
    )


# --- what the model rejects ----------------------------------------------------------------


@pytest.mark.parametrize("memory", [100, 129, 1000, 32832, 64])
def test_memory_must_be_a_multiple_of_64_in_range(resolved, memory):
    props_of(resolved)["memorySize"] = memory
    _rejects(resolved, "memorySize")


def test_memory_within_vcpu_ratio(resolved):
    props_of(resolved).update(cpu=2.0, memorySize=1024)
    _rejects(resolved, "per vCPU")


@pytest.mark.parametrize("timeout", [0, 86401, 60])
def test_timeout_range_and_budget(resolved, timeout):
    props_of(resolved)["timeout"] = timeout
    _rejects(resolved, "timeout")


def test_timeout_follows_the_budget(resolved):
    props = props_of(resolved)
    props["environmentVariables"]["SCAN_BUDGET_SECONDS"] = str(props["timeout"])
    _rejects(resolved, "SCAN_BUDGET_SECONDS")


def test_a_fractional_budget_is_not_rounded_down(resolved):
    props = props_of(resolved)
    reserve = write_reserve_seconds() + START_MARGIN_SECONDS
    props["environmentVariables"]["SCAN_BUDGET_SECONDS"] = f"{props['timeout'] - reserve + 0.5}"
    _rejects(resolved, "SCAN_BUDGET_SECONDS")


@pytest.mark.parametrize("runtime", ["python3.9", "python3", "nodejs18", "custom.debian10"])
def test_runtime_allowed_set(resolved, runtime):
    props_of(resolved)["runtime"] = runtime
    _rejects(resolved, "runtime")


def test_unknown_keys_are_rejected(resolved):
    props_of(resolved)["enviromentVariables"] = {}
    props_of(resolved)["triggers"][0]["triggerConfig"]["cron"] = "0 0 2 * * *"
    resolved["servies"] = {}
    _rejects(resolved, "enviromentVariables", "triggerConfig.cron", "servies")


def test_instance_concurrency_is_rejected(resolved):
    props_of(resolved)["instanceConcurrency"] = 2
    _rejects(resolved, "instanceConcurrency")


def test_timer_needs_enable_and_cron(resolved):
    config = props_of(resolved)["triggers"][0]["triggerConfig"]
    del config["enable"]
    _rejects(resolved, "enable")
    config["enable"] = True
    del config["cronExpression"]
    _rejects(resolved, "cronExpression")


@pytest.mark.parametrize(
    "cron",
    [
        "0 2 * * *",
        "0 0 25 * * *",
        "0 61 2 * * *",
        "0 0 2 * * * *",
        "daily",
        "CRON_TZ=Asia 0 0 2 * * *",
        "@every",
        "0 0 2 1 * MON",
    ],
)
def test_bad_cron_expressions(resolved, cron):
    props_of(resolved)["triggers"][0]["triggerConfig"]["cronExpression"] = cron
    _rejects(resolved, "cronExpression")


@pytest.mark.parametrize(
    "cron",
    [
        "0 0 2 * * *",
        "CRON_TZ=Asia/Shanghai 0 30 10 * * *",
        "@every 24h",
        "0 0/30 * * * ?",
        "0 0 3 ? * MON-FRI",
    ],
)
def test_good_cron_expressions(cron):
    assert check_cron(cron) == cron


def test_is_daily():
    assert is_daily("0 0 2 * * *") and is_daily("CRON_TZ=Asia/Shanghai 0 0 10 * * ?")
    assert not is_daily("0 0/30 * * * *") and not is_daily("0 0 2 * * MON") and not is_daily("@every 4m")


@pytest.mark.parametrize("payload", ["not json", "[1]", '{"regoins": "all"}', '{"profile": "lenient"}'])
def test_payload_must_be_accepted_by_the_handler(resolved, payload):
    props_of(resolved)["triggers"][0]["triggerConfig"]["payload"] = payload
    _rejects(resolved, "payload")


def test_only_timer_triggers(resolved):
    props_of(resolved)["triggers"].append(
        {
            "triggerName": "web",
            "triggerType": "http",
            "triggerConfig": {"authType": "anonymous", "methods": ["GET"]},
        }
    )
    _rejects(resolved, "timer only")


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda env: env.pop("MAX_CONCURRENCY"), "missing: ['MAX_CONCURRENCY']"),
        (lambda env: env.update(EXTRA="1"), "unknown: ['EXTRA']"),
        (lambda env: env.update(MAX_CONCURRENCY="0"), "MAX_CONCURRENCY"),
        (lambda env: env.update(FINDINGS_PROJECT="Bad_Name"), "FINDINGS_PROJECT"),
        (lambda env: env.update(PYTHONPATH="/code"), "PYTHONPATH"),
    ],
)
def test_environment_checked_against_config(resolved, change, fragment):
    change(props_of(resolved)["environmentVariables"])
    _rejects(resolved, fragment)


def test_environment_values_must_be_strings(resolved):
    props_of(resolved)["environmentVariables"]["MAX_CONCURRENCY"] = 16
    _rejects(resolved, "environmentVariables.MAX_CONCURRENCY")


def test_build_action_required(resolved):
    resource = resolved["resources"][SCANNER]
    resource["actions"] = {"pre-deploy": [{"run": "echo hi", "path": "./"}]}
    _rejects(resolved, "build step")
    # fc3 build fills ./python for `code: ./`; it does not make the zip.
    resource["actions"] = {"pre-deploy": [{"component": "fc3 build"}]}
    _rejects(resolved, "build step", "make package")
    resource["actions"] = {"pre-deploy": [{"run": "make package", "path": "./"}]}
    validate_s_file(resolved)
    resource["actions"] = {"pre-deploy": [{"run": ".venv/bin/python -m cis216.deploy.package"}]}
    validate_s_file(resolved)


def test_build_action_required_by_the_fc3_build_alternative(resolved):
    alternative = as_fc3_build(resolved)
    resource = alternative["resources"][SCANNER]
    resource["actions"] = {"pre-deploy": [{"run": "echo hi", "path": "./"}]}
    _rejects(alternative, "build step")
    resource["actions"] = {"pre-deploy": [{"run": "make package", "path": "./"}]}
    _rejects(alternative, "build step", "fc3 build")
    install = {"run": "pip install -t ./python -r requirements.txt", "path": "./"}
    resource["actions"] = {"pre-deploy": [install]}
    validate_s_file(alternative)


@pytest.mark.parametrize(
    "code", ["/abs/dir", "../elsewhere", "other.zip", "dist/other.zip", "./dist/x/cis216-fc.zip"]
)
def test_code_is_the_package_or_a_project_directory(resolved, code):
    props_of(resolved)["code"] = code
    _rejects(resolved, "code")


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda p: p.update(handler="handler.index.handler"), "'index.handler'"),
        (lambda p: p.update(handler="index.main"), "'index.handler'"),
        (lambda p: p["environmentVariables"].update(PYTHONPATH="/code/python:/code/lib"), "no /code/lib"),
        (lambda p: p["environmentVariables"].update(PYTHONPATH="/code/lib"), "lacks /code/python"),
    ],
)
def test_the_zip_layout_fixes_handler_and_pythonpath(resolved, change, fragment):
    change(props_of(resolved))
    _rejects(resolved, fragment)


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda p: p.update(handler="index.handler"), "'handler.index.handler'"),
        (lambda p: p["environmentVariables"].update(PYTHONPATH="/code/python"), "lacks /code/lib"),
        (
            lambda p: p["instanceLifecycleConfig"]["initializer"].update(handler="index.initialize"),
            "initializer",
        ),
    ],
)
def test_the_fc3_build_layout_fixes_handler_and_pythonpath(resolved, change, fragment):
    alternative = as_fc3_build(resolved)
    change(props_of(alternative))
    _rejects(alternative, fragment)


def test_initializer_in_the_handler_module(resolved):
    props_of(resolved)["instanceLifecycleConfig"]["initializer"]["handler"] = "other.initialize"
    _rejects(resolved, "initializer")


def test_role_must_be_a_ram_role_arn(resolved):
    props_of(resolved)["role"] = "cis216-scanner"
    _rejects(resolved, "role")


def test_async_retry_range(resolved):
    props_of(resolved)["asyncInvokeConfig"]["maxAsyncRetryAttempts"] = 9
    _rejects(resolved, "maxAsyncRetryAttempts")


# --- requirements.txt and .fcignore ---------------------------------------------------------


def _pyproject_dependencies(text: str) -> list[str]:
    match = re.search(r"(?ms)^dependencies\s*=\s*\[(.*?)^\]", text)
    assert match, "no [project] dependencies list in pyproject.toml"
    body = "\n".join(line.split("#", 1)[0] for line in match.group(1).splitlines())
    return list(ast.literal_eval("[" + body + "]"))


def _requirements(text: str) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def test_requirements_match_pyproject_dependencies():
    pyproject = _pyproject_dependencies((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = _requirements((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    normal = lambda specs: sorted(s.replace(" ", "").lower() for s in specs)  # noqa: E731
    assert normal(requirements) == normal(pyproject)
    assert not any(dev in " ".join(requirements) for dev in ("pytest", "responses", "ruff", "hypothesis"))


def _packaged() -> set[str]:
    from cis216.deploy.fcignore import package_files

    return set(package_files(ROOT))


def test_fcignore_keeps_dev_files_out():
    files = _packaged()
    for prefix in (
        "tests/",
        "docs/",
        "bench/",
        "events/",
        ".venv/",
        ".git/",
        "deploy/",
        "lib/cis216/emulator/",
        "lib/cis216/deploy/",
        "dist/",
        ".cache/",
    ):
        assert not any(f.startswith(prefix) for f in files), prefix
    assert not any(f.endswith((".pyc", ".md")) or "__pycache__" in f or ".egg-info/" in f for f in files)
    assert not {"s.yaml", "pyproject.toml", "Makefile"} & files


def test_fcignore_keeps_local_secrets_out(tmp_path: Path):
    # `s` reads a .env next to s.yaml (access keys): it must not end up in the code package, nor
    # a snapshot saved with `cis216 invoke --save-snapshot` (what the account has, verbatim).
    import shutil

    from cis216.deploy.fcignore import package_files

    shutil.copy(ROOT / ".fcignore", tmp_path / ".fcignore")
    (tmp_path / "handler").mkdir()
    for name in (".env", ".env.local", "handler/.env", "key.pem", "snapshot-prod.json", "handler/index.py"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert set(package_files(tmp_path)) - {".fcignore"} == {"handler/index.py"}


def test_fcignore_keeps_the_function():
    files = _packaged()
    assert {
        "handler/index.py",
        "requirements.txt",
        "lib/cis216/__init__.py",
        "lib/cis216/shell/scan.py",
        "lib/cis216/core.py",
    } <= files
    source = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "lib" / "cis216").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    expected = {p for p in source if not p.startswith(("lib/cis216/emulator/", "lib/cis216/deploy/"))}
    assert expected <= files, sorted(expected - files)


def test_fcignore_semantics(tmp_path: Path):
    from cis216.deploy.fcignore import package_files

    for rel in ("a/tests/x.py", "tests/y.py", "keep.py", "python/lz4/__init__.py", "x/__pycache__/m.pyc"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    (tmp_path / ".fcignore").write_text("/tests/\n__pycache__/\n")
    assert set(package_files(tmp_path)) == {".fcignore", "a/tests/x.py", "keep.py", "python/lz4/__init__.py"}


PACKAGE_IMPORT_CHECK = r"""
import importlib, importlib.abc, sys

class Block(importlib.abc.MetaPathFinder):
    # dev-only modules: not in requirements.txt / not in the package
    def find_spec(self, name, path=None, target=None):
        if name == "responses" or name.startswith(("responses.", "cis216.emulator", "cis216.deploy")):
            raise ImportError(f"{name} is not in the FC package")
        return None

sys.meta_path.insert(0, Block())
code = sys.argv[1]
sys.path[:0] = [code + "/python", code + "/lib", code]   # PYTHONPATH from s.yaml, then /code (FC)
index = importlib.import_module("handler.index")          # the s.yaml handler, imported by name
assert callable(index.handler) and callable(index.initialize)
for name in ("cis216.shell.scan", "cis216.shell.collect", "cis216.shell.events", "cis216.shell.config",
             "cis216.adapters.actiontrail", "cis216.adapters.sls", "cis216.adapters.sts",
             "cis216.adapters.credentials", "cis216.core", "cis216.profiles.powerpipe"):
    importlib.import_module(name)
import cis216
assert cis216.__file__.startswith(code), cis216.__file__
print("ok")
"""


def test_the_package_imports_by_handler_name_without_dev_files(tmp_path: Path):
    """Copy what .fcignore lets through and import the handler the way s.yaml names it."""
    import shutil
    import subprocess
    import sys

    for rel in _packaged():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    result = subprocess.run(
        [sys.executable, "-c", PACKAGE_IMPORT_CHECK, str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-3000:]


# --- the organisation worker ----------------------------------------------------------------


def test_the_worker_passes_our_model_and_the_fc3_schema(resolved):
    model = validate_s_file(resolved)
    assert model.resource.props.functionName == "cis216-scan" and model.resource.props.mode == "account"
    worker = model.worker
    assert worker is not None and worker.props.mode == "worker" and worker.props.triggers == []
    assert worker.props.asyncInvokeConfig.asyncTask is True
    assert (
        worker.props.concurrencyConfig is not None
        and worker.props.concurrencyConfig.reservedConcurrency == 20
    )
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(FC3_SCHEMA.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(props_of(resolved, WORKER)))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_organization_mode_passes_with_its_worker(resolved):
    props_of(resolved)["environmentVariables"]["MODE"] = "organization"
    validate_s_file(resolved)
    del resolved["resources"][WORKER]
    _rejects(resolved, "deploy the worker")


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda p: p["asyncInvokeConfig"].pop("asyncTask"), "asyncTask: true"),
        (lambda p: p["asyncInvokeConfig"].pop("maxAsyncEventAgeInSeconds"), "maxAsyncEventAgeInSeconds"),
        (lambda p: p.pop("concurrencyConfig"), "reservedConcurrency"),
        (lambda p: p["concurrencyConfig"].update(reservedConcurrency=0), "reservedConcurrency"),
        (
            lambda p: p.update(
                triggers=[
                    {
                        "triggerName": "t",
                        "triggerType": "timer",
                        "triggerConfig": {"cronExpression": "0 0 2 * * *", "enable": True},
                    }
                ]
            ),
            "asynchronous invocations only",
        ),
        (lambda p: p.update(functionName="other-worker"), "WORKER_FUNCTION"),
        (lambda p: p["environmentVariables"].update(FINDINGS_LOGSTORE="elsewhere"), "FINDINGS_LOGSTORE"),
        (lambda p: p["environmentVariables"].update(MODE="account"), "needs its timer trigger"),
    ],
)
def test_worker_rules(resolved, change, fragment):
    change(props_of(resolved, WORKER))
    _rejects(resolved, fragment)


def test_the_scanner_needs_its_timer(resolved):
    props_of(resolved)["triggers"] = []
    _rejects(resolved, "timer trigger")
