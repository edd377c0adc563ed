"""The SQL part of GetLogs (`search | select ...`), run over the logs the search part matched.

Placeholder on this branch: the "store" work (dashboard charts) brings the implementation; until
then a query with an SQL part is refused loudly rather than answered wrongly.
"""

from __future__ import annotations

from ..errors import UnemulatedRequest


def run_analytics(sql: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows `sql` computes over `rows` (each log's fields, `__time__` included, as text)."""
    raise UnemulatedRequest("GET", "GetLogs", None, "the SQL part of GetLogs is not emulated")
