"""Collecting an account: a call-graph runner (graph.py, paging.py), the account's call plan (account.py),
answers typed as they arrive (answers.py), and what it all adds up to (collected.py)."""

from __future__ import annotations

from .account import collect_account
from .collected import Collected

__all__ = ["Collected", "collect_account"]
