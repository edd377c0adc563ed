"""The `cis216` command's entry point (pyproject's console script, `python -m cis216`).

The CLI is imported here, with the collector paused (gcpause.startup_paused): its imports build
the pydantic models and load the profiles, and collections during them cost `cis216 evaluate`
about a fifth of its start-up (issue 15: 0.2 s on the bundled sample).
"""

from __future__ import annotations

from .gcpause import startup_paused


def run() -> int:
    with startup_paused():
        # Imported when run, not at the top: the pause must be on before the CLI's imports start.
        from .cli import main
    return main()
