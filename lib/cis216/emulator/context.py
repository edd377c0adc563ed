"""What a request handler gets: its own service's backend, the request, where it went, who sent it.

As in moto (`CloudTrailResponse.cloudtrail_backend`), a handler sees the backend of its service
and nothing else of the cloud: what it needs beyond that (the signing account, its credentials,
the region and project of the host) is a field here, resolved before the handler runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from .credentials import Credentials
from .http import EmuRequest

Backend = TypeVar("Backend")


@dataclass(frozen=True)
class CallContext(Generic[Backend]):
    backend: Backend  # the state of the service the request was routed to
    request: EmuRequest
    account: str  # the account of the access key that signed the request
    region: str | None
    project: str | None  # SLS: the project named in the Host
    params: dict[str, str]  # named groups of the path route
    credentials: Credentials  # the access key that signed the request

    @property
    def query(self) -> dict[str, str]:
        return self.request.query
