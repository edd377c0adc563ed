"""`--from-sls`: the findings logstore read back from SLS, for `cis216 report` and `cis216 export`.

One set of options (`--from-sls --project --logstore --region --since --until`), one way to find
credentials (as `cis216 invoke --cloud real` finds them: ALIBABA_CLOUD_* variables, then the
default chain), one reader (adapters/findings_reader.py: GetLogs page by page, retried). Both
commands read the same logs, so they judge the same options the same way: a missing or invalid
name is a CliError (exit 2); a failed read a CallError or CredentialsError (exit 3).
"""

from __future__ import annotations

import argparse
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..adapters.calls import Caller, RetryPolicy
from ..adapters.credentials import resolve
from ..adapters.findings_reader import FindingsReader, QueriedLog
from ..aliyun import is_logstore_name, is_project_name, is_region_id
from .output import CliError

READ_BUDGET_SECONDS = 300.0
DEFAULT_SINCE = "30d"

_SINCE = re.compile(r"^(?P<n>[1-9][0-9]{0,4})(?P<unit>[dhm])$")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60}


def retry_policy() -> RetryPolicy:
    """How GetLogs pages are retried (tests replace it with one that does not sleep)."""
    return RetryPolicy()


def add_sls_options(parser: argparse.ArgumentParser, what: str) -> None:
    """The options of reading `what` back from the findings logstore."""
    sls = parser.add_argument_group("reading from SLS")
    sls.add_argument("--from-sls", action="store_true", help=f"read {what} from SLS (GetLogs)")
    sls.add_argument("--project", help="findings project (default: $FINDINGS_PROJECT)")
    sls.add_argument("--logstore", help="findings logstore (default: $FINDINGS_LOGSTORE)")
    sls.add_argument("--region", help="region of the project (default: $FINDINGS_REGION)")
    sls.add_argument(
        "--since",
        type=since_seconds,
        metavar="AGE",
        help=f"how far back: 30d, 12h, 90m (default: {DEFAULT_SINCE})",
    )
    sls.add_argument(
        "--until",
        type=unix_moment,
        metavar="TIME",
        help="end of the range, ISO 8601 (e.g. 2026-12-01T00:00:00Z) or Unix seconds (default: now)",
    )


@dataclass(frozen=True)
class SlsSource:
    """Where and when to read: logs with start <= __time__ <= end."""

    project: str
    logstore: str
    region: str
    start: int
    end: int

    @property
    def age(self) -> str:
        """The range as --since said it (30d, 12h, 90m)."""
        return age_text(self.end - self.start)

    def __str__(self) -> str:
        return f"{self.project}/{self.logstore} ({self.region})"


def sls_source(args: argparse.Namespace) -> SlsSource:
    """The SLS options of `args`, checked (CliError naming the option when one is missing or bad)."""
    project = _setting(args.project, "FINDINGS_PROJECT", "--project", is_project_name)
    logstore = _setting(args.logstore, "FINDINGS_LOGSTORE", "--logstore", is_logstore_name)
    region = _setting(args.region, "FINDINGS_REGION", "--region", is_region_id)
    end = args.until if args.until is not None else int(datetime.now(timezone.utc).timestamp())
    since = args.since if args.since is not None else since_seconds(DEFAULT_SINCE)
    return SlsSource(project, logstore, region, end - since, end)


def refuse_sls_options(args: argparse.Namespace) -> None:
    """The options of reading SLS given without --from-sls: said, not silently ignored."""
    options = ("project", "logstore", "region", "since", "until")
    given = [f"--{name}" for name in options if getattr(args, name) is not None]
    if given:
        raise CliError(f"{', '.join(given)} appl{'ies' if len(given) == 1 else 'y'} with --from-sls only")


def read_logs(source: SlsSource, client: str) -> list[QueriedLog]:
    """Every log of the range, oldest first; CredentialsError or CallError when it cannot be read."""
    credentials = resolve(None, os.environ)
    caller = Caller(retry_policy(), deadline=time.monotonic() + READ_BUDGET_SECONDS)
    reader = FindingsReader(credentials, caller, source.region, source.project, source.logstore, client)
    return reader.read(source.start, source.end + 1)


def _setting(value: str | None, variable: str, option: str, valid: Any) -> str:
    chosen = value or os.environ.get(variable, "")
    if not chosen:
        raise CliError(f"{option} is required with --from-sls (or set {variable})")
    if not valid(chosen):
        raise CliError(f"{option} {chosen!r} is not a valid name")
    return str(chosen)


def since_seconds(text: str) -> int:
    found = _SINCE.match(text.strip())
    if found is None:
        raise argparse.ArgumentTypeError(f"expected a number and d, h or m (e.g. 30d); got {text!r}")
    return int(found["n"]) * _UNIT_SECONDS[found["unit"]]


def unix_moment(text: str) -> int:
    if text.strip().isdigit():
        return int(text.strip())
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected ISO 8601 or Unix seconds; got {text!r}") from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp())


def age_text(seconds: int) -> str:
    for unit, size in _UNIT_SECONDS.items():
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
