"""`cis216 setup`: plan, then (`--apply`) create or converge the findings store in SLS: the project,
the logstore (retention 365 days by default), its index and the findings dashboard.

Without --apply it prints the plan and writes nothing. --apply makes the changes, re-reads
everything and plans again: anything left to change is exit 3. A second --apply plans no change.

--cloud works as `cis216 invoke`'s: `emulated` (the default) runs against the in-process emulated
cloud, which starts empty every run (a trial: nothing real is touched, no credentials needed);
`real` uses your credentials (ALIBABA_CLOUD_* variables or the default chain), which need the
actions of deploy/ram-policy-setup.json. The default project is `cis216-findings-<account id>`
(project names are unique per region across all accounts; the account id keeps it yours), which
asks STS who the credentials belong to.

Exit codes: 0 planned or applied and verified, 2 bad input, 3 a call failed, the project name
belongs to another account, or the re-read differs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, TextIO

from ..adapters import sts
from ..adapters.calls import Caller, CallError, RetryPolicy
from ..adapters.credentials import Credentials, CredentialsError
from ..adapters.credentials import resolve as resolve_credentials
from ..adapters.store import StoreAdapter
from ..aliyun import is_logstore_name, is_project_name, is_region_id
from ..store.apply import Patience, SetupError, apply, read_current, verify
from ..store.dashboard import DASHBOARD_NAME
from ..store.plan import Plan, StoreSpec, plan
from .output import EXIT_OK, EXIT_RUN_FAILED, CliError

if TYPE_CHECKING:
    from ..emulator import EmulatedCloud

DEFAULT_LOGSTORE = "cis216_findings"
DEFAULT_REGION = "cn-hangzhou"
PROJECT_PREFIX = "cis216-findings-"
MAX_SHARDS = 64


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "setup",
        help="plan, then create or converge the findings store and dashboard in SLS",
        description="Plan (and with --apply make) the SLS findings store: project, logstore, index and "
        "dashboard. Idempotent: an existing index is merged into, never replaced.",
        epilog="Exit codes: 0 planned, or applied and verified; 2 bad input; 3 a call failed, the project "
        "name belongs to another account, or the store differs from the plan after --apply.",
    )
    parser.add_argument(
        "--project", type=_project, help=f"SLS project (default: {PROJECT_PREFIX}<account id>)"
    )
    parser.add_argument(
        "--logstore", type=_logstore, default=DEFAULT_LOGSTORE, help=f"default {DEFAULT_LOGSTORE}"
    )
    parser.add_argument(
        "--region", type=_region, help=f"default: FINDINGS_REGION, FC_REGION, else {DEFAULT_REGION}"
    )
    parser.add_argument(
        "--retention-days",
        type=_bounded("--retention-days", 1, 3650),
        default=365,
        help="1-3650 (default 365)",
    )
    parser.add_argument(
        "--shards",
        type=_bounded("--shards", 1, MAX_SHARDS),
        default=1,
        help="shards of a new logstore (default 1, auto split on)",
    )
    parser.add_argument("--apply", action="store_true", help="make the changes, then re-read and verify them")
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="how the plan is printed"
    )
    parser.add_argument(
        "--preview",
        metavar="FILE",
        help="write a local HTML preview of the dashboard's charts, computed on the bundled samples "
        "(emulated; no cloud is read or changed), and exit",
    )
    parser.add_argument(
        "--cloud",
        choices=("emulated", "real"),
        default="emulated",
        help="emulated (default): an empty in-process emulated cloud, a dry trial; real: your credentials",
    )


def _project(text: str) -> str:
    if not is_project_name(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an SLS project name (3-63 of a-z, 0-9, '-')")
    return text


def _logstore(text: str) -> str:
    if not is_logstore_name(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an SLS logstore name (2-63 of a-z, 0-9, '_', '-')")
    return text


def _region(text: str) -> str:
    if not is_region_id(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a region id (like 'cn-hangzhou')")
    return text


def _bounded(option: str, low: int, high: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{option} must be a whole number from {low} to {high}; got {text!r}"
            )
        return value

    return parse


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.preview:
        return _preview(args.preview, out)
    emulated = _emulated_cloud() if args.cloud == "emulated" else None
    return setup(args, out, emulated)


def setup(
    args: argparse.Namespace,
    out: TextIO,
    emulated: EmulatedCloud | None,
    patience: Patience | None = None,
    retry: RetryPolicy | None = None,
) -> int:
    """The command against `emulated` (None: the real cloud), activated here; `patience` and
    `retry` carry the clock and sleep tests inject."""
    region = args.region or _default_region()
    try:
        with _active(emulated):
            credentials = _credentials(emulated)
            caller = Caller(retry or RetryPolicy(), call_timeout=10.0)
            project = args.project or PROJECT_PREFIX + _account(credentials, region, caller)
            spec = StoreSpec(region, project, args.logstore, args.retention_days, args.shards, DASHBOARD_NAME)
            store = StoreAdapter(credentials, region, caller)
            return _plan_and_apply(args, out, spec, store, patience or Patience(), emulated is not None)
    except (SetupError, CredentialsError, CallError) as error:
        print(f"cis216: setup failed: {error}", file=sys.stderr)
        return EXIT_RUN_FAILED


EMULATED_BANNER = (
    "EMULATED CLOUD (--cloud emulated, the default): a trial against an empty in-process cloud; "
    "nothing real is read or changed. --cloud real sets up your account's store."
)


def _plan_and_apply(
    args: argparse.Namespace,
    out: TextIO,
    spec: StoreSpec,
    store: StoreAdapter,
    patience: Patience,
    emulated: bool,
) -> int:
    changes = plan(spec, read_current(store, spec))
    if emulated and args.format == "table":  # said first, where the plan is read: no real store yet
        out.write(EMULATED_BANNER + "\n")
    _print_plan(changes, args.format, out, applying=args.apply)
    if not args.apply or changes.no_change:
        if emulated:
            print("(emulated cloud: nothing real was read or changed)", file=sys.stderr)
        return EXIT_OK
    for line in apply(changes, store, patience):
        print(line, file=out if args.format == "table" else sys.stderr)
    left = verify(store, spec, patience)
    if not left.no_change:
        print("cis216: setup failed: after applying, the store still differs:", file=sys.stderr)
        _print_plan(left, "table", sys.stderr, applying=False)
        return EXIT_RUN_FAILED
    print("verified: the store matches the plan", file=out if args.format == "table" else sys.stderr)
    if emulated:
        print("(emulated cloud: nothing real was changed)", file=sys.stderr)
    return EXIT_OK


def _print_plan(changes: Plan, fmt: str, out: TextIO, applying: bool) -> None:
    if fmt == "json":
        out.write(json.dumps(changes.to_json(), indent=2, ensure_ascii=False) + "\n")
        return
    spec = changes.spec
    out.write(
        f"findings store: project {spec.project}, logstore {spec.logstore}, dashboard {spec.dashboard} "
        f"({spec.region})\n"
    )
    for change in changes.changes:
        mark = "+" if change.api.startswith("Create") else "~"
        out.write(f"  {mark} {change.api} {change.target}: {change.detail}\n")
    for note in changes.notes:
        out.write(f"  note: {note}\n")
    if changes.no_change:
        out.write("no change\n")
    elif not applying:
        count = len(changes.changes)
        out.write(f"{count} change{'s' if count > 1 else ''} planned; run again with --apply to make them\n")


def _preview(path: str, out: TextIO) -> int:
    from .setup_preview import write_preview  # runs scans in the emulator: only when asked

    try:
        charts = write_preview(path)
    except OSError as error:
        raise CliError(f"--preview {path}: cannot write: {error.strerror or error}") from None
    out.write(f"wrote a preview of the dashboard's {charts} charts to {path}\n")
    return EXIT_OK


def _default_region() -> str:
    region = os.environ.get("FINDINGS_REGION") or os.environ.get("FC_REGION") or DEFAULT_REGION
    if not is_region_id(region):
        raise CliError(f"the region {region!r} (FINDINGS_REGION or FC_REGION) is not a region id")
    return region


def _emulated_cloud() -> EmulatedCloud:
    from .. import emulator  # needs the `local` extra; imported when used, like `invoke`

    return emulator.EmulatedCloud()


@contextmanager
def _active(emulated: EmulatedCloud | None) -> Iterator[None]:
    with emulated if emulated is not None else nullcontext():
        yield


def _credentials(emulated: EmulatedCloud | None) -> Credentials:
    if emulated is not None:
        from ..emulator import DEFAULT_CREDENTIALS

        key = DEFAULT_CREDENTIALS
        return Credentials(key.access_key_id, key.access_key_secret, key.security_token, source="emulator")
    return resolve_credentials(None, os.environ)


def _account(credentials: Credentials, region: str, caller: Caller) -> str:
    account = caller.call("GetCallerIdentity", lambda t: sts.get_caller_identity(credentials, region, t))
    return str(account)
