"""The unpacked FC code package run as FC runs it, in a clean Python 3.10 (not a test module).

test_fc_zip.py runs it as `python3.10 -I -S -B fc_zip_driver.py ARGS.json`: no site-packages, no
environment-given path, no bytecode written (FC's /code is read-only). sys.path becomes the code
directory plus the standard library; `import index` is what FC does with `index.handler`, and
index.py finds its python/. Only then is the emulated cloud injected from outside the package:
the repository's emulator as `cis216.emulator` (a subpackage of the package's own cis216), and
`responses` appended to sys.path AFTER the package, so the package's own `requests` is the one
intercepted. What happened is written to the result file as JSON (stdout carries the function's
log lines).
"""

from __future__ import annotations

import importlib.util
import json
import socket
import sys
from pathlib import Path
from types import SimpleNamespace

ARGS = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
STANDARD_LIBRARY = list(sys.path)  # with -I -S: the standard library only
sys.path[:] = [ARGS["code"], *STANDARD_LIBRARY]


def _refuse(*_args: object, **_kwargs: object) -> None:
    raise OSError("the package test must not touch the network")


socket.socket.connect = _refuse  # type: ignore[method-assign]

# What FC does with `index.handler`: the module from the code root. index.py puts python/ on the path.
index = importlib.import_module("index")
importlib.import_module("cis216")  # the package's own, which the emulator joins below


def _inject_emulator() -> object:
    """The repository's emulator as cis216.emulator, next to the package's cis216."""
    sys.path.append(ARGS["injected"])
    emulator = ARGS["emulator"]
    spec = importlib.util.spec_from_file_location(
        "cis216.emulator", f"{emulator}/__init__.py", submodule_search_locations=[emulator]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["cis216.emulator"] = module
    spec.loader.exec_module(module)
    return module


def _context(credentials: object, account: str) -> SimpleNamespace:
    return SimpleNamespace(
        request_id="package-test",
        credentials=SimpleNamespace(
            access_key_id=credentials.access_key_id,  # type: ignore[attr-defined]
            access_key_secret=credentials.access_key_secret,  # type: ignore[attr-defined]
            security_token=None,
        ),
        account_id=account,
        region=ARGS["region"],
        function=SimpleNamespace(name="cis216-scan", handler="index.handler", memory=512, timeout=300),
        service=SimpleNamespace(log_project="", log_store=""),
    )


def _origin(path: str) -> str:
    roots = {"package": ARGS["code"], "injected": ARGS["injected"], "emulator": ARGS["emulator"]}
    for name, root in roots.items():
        if path.startswith(root.rstrip("/") + "/"):
            return name
    return "standard library" if any(path.startswith(p + "/") for p in STANDARD_LIBRARY if p) else "other"


def main() -> None:
    emulator = _inject_emulator()
    sample = json.loads(Path(ARGS["sample"]).read_text(encoding="utf-8"))
    cloud = emulator.EmulatedCloud(sleep=lambda seconds: None)  # type: ignore[attr-defined]
    account = cloud.seed_snapshot(sample)
    where = (account, ARGS["region"], ARGS["project"], ARGS["logstore"])
    cloud.create_logstore(*where)
    context = _context(emulator.DEFAULT_CREDENTIALS, account)  # type: ignore[attr-defined]
    with cloud:
        index.initialize(context)
        answer = index.handler(Path(ARGS["event"]).read_bytes(), context)
    modules = {
        name: _origin(module.__file__)
        for name, module in sorted(sys.modules.items())
        if getattr(module, "__file__", None) and module.__file__ != __file__
    }
    result = {
        "summary": json.loads(answer),
        "logs": [dict(log.contents) for log in cloud.sls_logs(*where)],
        "calls": len(cloud.calls),
        "modules": modules,
        "python": list(sys.version_info[:2]),
    }
    Path(ARGS["result"]).write_text(json.dumps(result), encoding="utf-8")


main()
