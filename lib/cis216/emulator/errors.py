"""Exceptions the emulator raises or uses to build error answers."""

from __future__ import annotations


class UnemulatedRequest(AssertionError):
    """A request reached the emulated cloud that no service emulates.

    An AssertionError rather than a network error on purpose: SDKs retry or wrap network
    errors, and a test must not mistake "nobody emulates this" for a transient failure.
    """

    def __init__(self, method: str, url: str, action: str | None, why: str) -> None:
        self.method = method
        self.url = url
        self.action = action
        detail = f"{method} {url}"
        if action:
            detail += f" (action {action})"
        super().__init__(f"cis216 emulator: request not emulated: {detail}: {why}")


class ServiceError(Exception):
    """An error answer in the service's own shape; handlers raise it, the protocol renders it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
