"""`cis216 invoke EVENT_FILE`: run handler/index.py's handler locally with a context like FC's.

Default `--cloud emulated`: the in-process emulated cloud, seeded with the bundled sample account
(or `--seed SNAPSHOT`), with the findings project/logstore created in it; no credentials and no
network. `--cloud real`: your credentials (ALIBABA_CLOUD_* variables or the default chain) and
the real endpoints; FINDINGS_PROJECT etc. come from your environment.

Output (table format): the summary, the findings, and "wrote N findings to <project>/<logstore>".
With --format json/jsonl, stdout carries only the findings; summary and that line go to stderr.
JSON log lines go to stderr.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

REPO_HANDLER = Path(__file__).resolve().parents[3] / "handler" / "index.py"
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "sample-account.json"
DEFAULT_FINDINGS_PROJECT = "cis216-findings"
DEFAULT_FINDINGS_LOGSTORE = "cis216_findings"
DEFAULT_REGION = "cn-hangzhou"


@dataclass
class FunctionInfo:
    name: str = "cis216"
    handler: str = "index.handler"
    memory: int = 512
    timeout: int = 600


@dataclass
class ServiceInfo:
    log_project: str = ""
    log_store: str = ""


@dataclass
class ContextCredentials:
    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)


@dataclass
class LocalContext:
    """The attributes FC's python3.10 context has (plus the local observer hook)."""

    request_id: str
    region: str
    account_id: str | None
    credentials: ContextCredentials | None
    function: FunctionInfo = field(default_factory=FunctionInfo)
    service: ServiceInfo = field(default_factory=ServiceInfo)
    cis216_observer: Any = None
    cis216_hooks: Any = None


class _InstalledHandler:
    """Stands in for handler/index.py when cis216 is installed without the repository around it."""

    @staticmethod
    def handler(event: Any, context: Any) -> str:
        from .scan import handle

        return json.dumps(handle(event, context), ensure_ascii=False, sort_keys=True)

    @staticmethod
    def initialize(context: Any) -> None:
        from .scan import initialize

        initialize(context)


def load_handler_module(path: Path = REPO_HANDLER):
    """handler/index.py, loaded from its file (it is not an installed module); the same thin
    wrapper, built in, when the package runs outside the repository."""
    if not path.is_file():
        return _InstalledHandler
    spec = importlib.util.spec_from_file_location("cis216_fc_handler_index", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def patched_environ(values: dict[str, str | None]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _read_event(path: str) -> bytes:
    from ..cli import CliError

    try:
        return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise CliError(f"{path}: cannot read: {error.strerror or error}") from None


def _check_writable(path: str) -> None:
    from ..cli import CliError

    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise CliError(f"--save-snapshot {path}: is a directory")
    if not parent.is_dir():
        raise CliError(f"--save-snapshot {path}: no such directory {str(parent)!r}")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise CliError(f"--save-snapshot {path}: not writable")


def _seed_document(path: str | None) -> dict[str, Any]:
    from ..inventory import load_inventory

    source = Path(path) if path else SAMPLE
    load_inventory(source)  # InventoryError (exit 2) when it is not a valid snapshot
    return json.loads(source.read_text(encoding="utf-8"))


def _print_summary(summary: dict[str, Any], out: TextIO) -> None:
    counts = ", ".join(f"{n} {s}" for s, n in summary["counts"].items() if n) or "none"
    calls = summary["api_calls"]
    lines = [
        f"scan {summary['scan_id']}  account {summary['account_id']}  profile {summary['profile']}",
        f"verdict: {summary['account_verdict']} ({summary.get('verdict_reason') or ''})",
        f"findings: {summary['findings']} ({counts}); collection errors: {summary['collection_errors']}",
        f"regions: {len(summary['regions'])}; api calls: {calls['total']} (retries {calls['retries']}, "
        f"failed {calls['failed']}); duration {summary['duration_ms']} ms",
    ]
    out.write("\n".join(lines) + "\n\n")


def invoke(args: argparse.Namespace, out: TextIO) -> int:
    from ..adapters.credentials import CredentialsError
    from ..adapters.writer import WriteError
    from ..cli import EXIT_BAD_INPUT, EXIT_RUN_FAILED, CliError, fail_on_exit, render
    from .config import ConfigError
    from .events import EventError
    from .logging import set_stream

    event = _read_event(args.event)
    if args.save_snapshot:
        _check_writable(args.save_snapshot)  # before the scan writes anything: a bad path is exit 2
    results: list[Any] = []
    request_id = str(uuid.uuid4())
    env: dict[str, str | None] = {}
    cloud = None
    if args.cloud == "emulated":
        from ..emulator import DEFAULT_CREDENTIALS, EmulatedCloud

        document = _seed_document(args.seed)
        cloud = EmulatedCloud()
        account = cloud.seed_snapshot(document)
        region = os.environ.get("FINDINGS_REGION") or os.environ.get("FC_REGION") or DEFAULT_REGION
        project = os.environ.get("FINDINGS_PROJECT") or DEFAULT_FINDINGS_PROJECT
        logstore = os.environ.get("FINDINGS_LOGSTORE") or DEFAULT_FINDINGS_LOGSTORE
        env = {
            "FINDINGS_REGION": region,
            "FINDINGS_PROJECT": project,
            "FINDINGS_LOGSTORE": logstore,
            "FC_ACCOUNT_ID": account,
            "FC_REGION": region,
        }
        try:
            cloud.create_logstore(account, region, project, logstore)
        except Exception as error:  # a bad name: let the config validation say which variable
            env["_CIS216_UNUSED"] = str(error)
        env.pop("_CIS216_UNUSED", None)
        credentials: ContextCredentials | None = ContextCredentials(
            DEFAULT_CREDENTIALS.access_key_id,
            DEFAULT_CREDENTIALS.access_key_secret,
            DEFAULT_CREDENTIALS.security_token,
        )
        context = LocalContext(request_id, region, account, credentials)
    else:
        if args.seed:
            raise CliError("--seed only applies to --cloud emulated")
        region = os.environ.get("FINDINGS_REGION") or os.environ.get("FC_REGION") or DEFAULT_REGION
        if not os.environ.get("FC_REGION"):
            env["FC_REGION"] = region  # FC always sets it (the function's region), and so do we
        context = LocalContext(request_id, region, os.environ.get("FC_ACCOUNT_ID"), None)
    context.cis216_observer = results.append

    previous_stream = set_stream(sys.stderr)
    try:
        module = load_handler_module()
        with patched_environ(env):
            if cloud is not None:
                with cloud:
                    answer = module.handler(event, context)
            else:
                answer = module.handler(event, context)
    except (ConfigError, EventError) as error:
        print(f"cis216: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (WriteError, CredentialsError) as error:
        print(f"cis216: scan failed: {error}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except Exception as error:  # anything else the handler raised: FC would mark the run failed
        print(f"cis216: scan failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_RUN_FAILED
    finally:
        set_stream(previous_stream)

    summary = json.loads(answer)
    result = results[-1]
    if args.save_snapshot:
        try:
            Path(args.save_snapshot).write_text(
                json.dumps(result.snapshot, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        except OSError as error:
            print(f"cis216: cannot write {args.save_snapshot}: {error.strerror or error}", file=sys.stderr)
            return EXIT_BAD_INPUT

    side = out if args.format == "table" else sys.stderr
    if args.format == "table":
        _print_summary(summary, out)
    else:
        side.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    render(result.findings, args.format, out)
    written = summary["written"]
    if summary["dry_run"]:
        side.write(
            f"dry run: wrote nothing (would write {summary['findings']} findings to "
            f"{written['project']}/{written['logstore']})\n"
        )
    else:
        line = f"wrote {written['count']} findings to {written['project']}/{written['logstore']}"
        extra = ["+ 1 scan summary log"]
        if cloud is not None:
            stored = [
                log
                for log in cloud.sls_logs(
                    summary["account_id"], region, written["project"], written["logstore"]
                )
                if log.contents.get("scan_id") == summary["scan_id"]
                and log.contents.get("record") == "finding"
            ]
            extra.append(f"the emulated logstore holds {len(stored)} finding logs of this scan")
        side.write(f"{line} ({'; '.join(extra)})\n")
    return fail_on_exit(result.findings, args.fail_on)
