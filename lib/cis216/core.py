"""The functional core: inventory in, findings out. No SDK, no clock, no environment, no I/O."""

from __future__ import annotations

from .findings import Finding
from .inventory import Inventory
from .settings import Settings

PROFILES = ("strict", "powerpipe")
DEFAULT_PROFILE = "strict"


class UnknownProfile(ValueError):
    pass


def evaluate(
    inventory: Inventory, profile: str = DEFAULT_PROFILE, settings: Settings | None = None
) -> list[Finding]:
    if profile == "powerpipe":
        from .profiles import powerpipe

        return powerpipe.evaluate(inventory)
    if profile == "strict":
        from .profiles import strict

        return strict.evaluate(inventory, settings or Settings())
    raise UnknownProfile(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}")
