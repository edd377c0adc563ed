"""FC state: the invocations received, and optionally which functions exist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Invocation:
    account: str
    region: str
    function: str
    qualifier: str | None
    invocation_type: str  # "Sync" or "Async"
    async_task_id: str | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class FcBackend:
    def __init__(self) -> None:
        self.invocations: list[Invocation] = []
        # None: every function name exists; a set limits to those names (others: 404).
        self.functions: set[str] | None = None
        # Answer of a synchronous invocation; default: empty body.
        self.sync_handler: Callable[[Invocation], bytes] | None = None
