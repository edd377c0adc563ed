"""Python's cyclic garbage collector paused while cis216 builds or walks a large snapshot.

Parsing a snapshot (JSON, then the models) and evaluating it allocate a million objects that hold
no reference cycles and stay alive until the findings are out. Each allocation burst triggers
collections, and the oldest generation's collections traverse everything allocated so far: with
10,000 alerts that took over half the time of `cis216 evaluate` (issue 15's benchmark). Reference
counting still frees everything as usual; only cycles wait until the collector is back on, which
it is as soon as the block ends (unless it was off already).

Importing the CLI is the same kind of burst (modules, classes, pydantic's schemas: objects that
live as long as the process): `startup_paused` imports with the collector off, then moves what was
imported out of its sight for good (`gc.freeze`), so no later collection walks it again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def startup_paused() -> Iterator[None]:
    """For a process's start-up imports only: what they create is frozen (never collected)."""
    with collection_paused():
        yield
        gc.freeze()
