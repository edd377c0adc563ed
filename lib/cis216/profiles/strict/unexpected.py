"""What one trail, project or alert did to the code that judges it, contained to that one item.

Whatever a single item holds (nesting, sizes or characters no check expected), judging it must not
end the scan: the item is set aside, named with the exception (never a traceback), and the rest of
the account is judged. An alert is then ALERT_QUERY_UNVERIFIABLE (judging.py); a trail or an
alert that cannot even be placed is recorded like an answer that could not be read, a failed read
of its listing, so the read rule (reads.py) keeps every verdict it could change from being given.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

from ...inventory import ScanError
from ..scan_errors import FailedCall

CODE = "Unjudgeable"
_PACKAGE = Path(__file__).resolve().parents[2]  # lib/cis216
_MAX_TEXT = 200


def name_exception(error: BaseException) -> str:
    """`RecursionError in slsquery/parser.py: maximum recursion depth exceeded`, printable, short."""
    where = _innermost_module(error)
    message = printable(str(error))
    head = type(error).__name__ + (f" in {where}" if where else "")
    return f"{head}: {message}" if message else head


def printable(text: str, limit: int = _MAX_TEXT) -> str:
    """`text` on one line, control characters shown as `?`, at most `limit` characters."""
    flat = "".join(c if c.isprintable() else "?" for c in " ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _innermost_module(error: BaseException) -> str | None:
    where = None
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(_PACKAGE):
            where = path.relative_to(_PACKAGE).as_posix()
    return where


@dataclass
class Unexpected:
    """The items set aside so far, each as the failed read of the listing that returned it."""

    calls: list[FailedCall] = field(default_factory=list)

    def record(self, region: str, api: str, what: str, error: Exception, project: str | None = None) -> None:
        message = printable(f"{what} could not be judged: {name_exception(error)}", limit=500)
        self.calls.append(FailedCall(region, ScanError(api=api, code=CODE, message=message, project=project)))
