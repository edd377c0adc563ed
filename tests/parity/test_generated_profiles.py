"""Every generated snapshot the parity tests feed to the SQL is one the snapshot model accepts; every
snapshot it accepts, every profile evaluates (no PostgreSQL needed)."""

from __future__ import annotations

from collections import Counter

from cis216.core import PROFILES, evaluate
from cis216.inventory import parse_inventory
from tests.parity.snapshot_gen import random_snapshot


def test_every_profile_evaluates_every_generated_snapshot():
    statuses = {profile: Counter() for profile in PROFILES}
    for seed in range(300):
        inventory = parse_inventory(random_snapshot(seed))
        for profile in PROFILES:
            try:
                findings = evaluate(inventory, profile)
            except Exception as error:  # pragma: no cover - the message is the point
                raise AssertionError(f"seed {seed}, profile {profile}: {error!r}") from error
            assert {f.profile for f in findings} <= {profile}, seed
            statuses[profile].update(f.status for f in findings)
    # The generator aims at the reference SQL: its accounts never satisfy the strict profile.
    assert set(statuses["strict"]) == {"alarm", "error", "info"}, statuses
    assert set(statuses["powerpipe"]) == {"alarm", "error", "ok"}, statuses
