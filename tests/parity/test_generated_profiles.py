"""Every generated snapshot the parity tests feed to the SQL is one the snapshot model accepts; every
snapshot it accepts, every profile evaluates (no PostgreSQL needed)."""

from __future__ import annotations

from cis216.core import PROFILES, evaluate
from cis216.inventory import parse_inventory
from tests.parity.snapshot_gen import random_snapshot


def test_every_profile_evaluates_every_generated_snapshot():
    for seed in range(300):
        inventory = parse_inventory(random_snapshot(seed))
        for profile in PROFILES:
            try:
                evaluate(inventory, profile)
            except Exception as error:  # pragma: no cover - the message is the point
                raise AssertionError(f"seed {seed}, profile {profile}: {error!r}") from error
