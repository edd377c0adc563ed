"""What a request handler gets: the request, where it was sent, and who sent it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .credentials import Credentials
from .http import EmuRequest

if TYPE_CHECKING:  # pragma: no cover
    from .core import EmulatedCloud


@dataclass
class CallContext:
    cloud: EmulatedCloud
    request: EmuRequest
    api: str
    account: str  # the account of the access key that signed the request
    region: str | None
    project: str | None
    params: dict[str, str]  # named groups of the path route
    credentials: Credentials
    account_hint: str | None = None  # account id in the host (FC), if any

    @property
    def query(self) -> dict[str, str]:
        return self.request.query
