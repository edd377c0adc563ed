"""The functional core: inventory in, findings out. No SDK, no clock, no environment, no I/O."""

from __future__ import annotations

from .findings import Finding
from .gcpause import collection_paused
from .inventory import Inventory
from .settings import Settings

PROFILES = ("strict", "powerpipe")
DEFAULT_PROFILE = "strict"


class UnknownProfile(ValueError):
    pass


def check_profile(name: str) -> str:
    """The one check of a profile name, for evaluate, the configuration and the payload."""
    if name not in PROFILES:
        raise UnknownProfile(f"unknown profile {name!r}; choose one of: {', '.join(PROFILES)}")
    return name


def evaluate(
    inventory: Inventory, profile: str = DEFAULT_PROFILE, settings: Settings | None = None
) -> list[Finding]:
    if check_profile(profile) == "powerpipe":
        from .profiles import powerpipe

        with collection_paused():
            return powerpipe.evaluate(inventory)
    from .profiles import strict

    with collection_paused():
        return strict.evaluate(inventory, settings or Settings())
