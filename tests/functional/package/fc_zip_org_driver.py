"""The unpacked FC code package's organisation calls, in a clean Python 3.10 (not a test module).

test_fc_zip_org.py runs it as fc_zip_driver.py is run (`python3.10 -I -S -B fc_zip_org_driver.py
ARGS.json`): only the code directory and the standard library on the path, then the repository's
emulator injected. It makes the organisation scan's calls through the package's own adapters and
SDKs (ListAccounts, GetAccount, AssumeRole, a read with the member's credentials, InvokeFunction
twice), so a trimmed package that lost what they need fails here, not on FC.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import socket
import sys
from pathlib import Path

ARGS = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
STANDARD_LIBRARY = list(sys.path)  # with -I -S: the standard library only
sys.path[:] = [ARGS["code"], *STANDARD_LIBRARY]


def _refuse(*_args: object, **_kwargs: object) -> None:
    raise OSError("the package test must not touch the network")


socket.socket.connect = _refuse  # type: ignore[method-assign]
importlib.import_module("index")  # puts python/ on the path, as on FC
importlib.import_module("cis216")


def _inject_emulator() -> object:
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


def main() -> None:
    emulator = _inject_emulator()
    from cis216.adapters import fc, sts
    from cis216.adapters.actiontrail import ActionTrailAdapter
    from cis216.adapters.credentials import Credentials
    from cis216.adapters.resourcemanager import ResourceDirectoryAdapter

    cloud = emulator.EmulatedCloud(sleep=lambda seconds: None)  # type: ignore[attr-defined]
    management = cloud.seed_organization(json.loads(Path(ARGS["organization"]).read_text(encoding="utf-8")))
    key = emulator.DEFAULT_CREDENTIALS  # type: ignore[attr-defined]
    creds = Credentials(key.access_key_id, key.access_key_secret)
    with cloud:
        directory = ResourceDirectoryAdapter(creds)
        members = [m.account_id for m in directory.list_accounts(1, 100, 5.0).members]
        left = [m for m in members if directory.get_account(m, 5.0) is None]
        member = sts.assume_role(
            creds, "cn-hangzhou", f"acs:ram::{members[2]}:role/cis216-reader", "pkg", 900, 5.0
        )
        trails = [t["Name"] for t in ActionTrailAdapter(member).describe_trails("cn-hangzhou", 5.0)]
        dispatched = [
            fc.invoke_async(creds, "cn-hangzhou", management, "cis216-worker", b"{}", "cis216-pkg-1", 5.0)
            for _ in range(2)
        ]
    origins = {
        name: str(getattr(sys.modules.get(name), "__file__", ""))
        for name in ("alibabacloud_resourcemanager20200331.client", "alibabacloud_tea_openapi.client")
    }
    result = {
        "members": members,
        "left": left,
        "trails": trails,
        "dispatched": dispatched,
        "origins": origins,
    }
    Path(ARGS["result"]).write_text(json.dumps(result), encoding="utf-8")


main()
