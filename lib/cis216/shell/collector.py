"""The collector now lives in shell/collect/ (`collect_account`)."""

# compatibility for shell/scan.py until the re-cut merges

from __future__ import annotations

from typing import Any

from .collect import collect_account


class Collector:
    """`Collector(...).collect()` -> the snapshot document, as shell/scan.py calls it today."""

    def __init__(self, actiontrail: Any, sls: Any, caller: Any, account_id: str, **options: Any) -> None:
        self._arguments = (actiontrail, sls, caller, account_id)
        self._options = options

    def collect(self) -> dict[str, Any]:
        return collect_account(*self._arguments, **self._options).document
