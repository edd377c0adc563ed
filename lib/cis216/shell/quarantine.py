"""Unreadable answers are now left out as they arrive (shell/collect/answers.py): nothing is left to do here."""

# compatibility for shell/scan.py until the re-cut merges

from __future__ import annotations

from typing import Any


def quarantine(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot as it is: the collector no longer puts an item the inventory cannot read into it."""
    return snapshot
