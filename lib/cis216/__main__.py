"""The `cis216` command: `python -m cis216`, and pyproject's console script (`run`).

The CLI is imported in `run`, with the collector paused (gcpause.startup_paused): its imports build
the pydantic models and load the profiles, and collections during them cost `cis216 evaluate`
about a fifth of its start-up (issue 15: 0.2 s on the bundled sample).
"""

from __future__ import annotations

import sys

from .gcpause import startup_paused


def run() -> int:
    with startup_paused():
        # Imported here, not at the top: the pause must be on before the CLI's imports start.
        from .cli import main
    return main()


if __name__ == "__main__":
    sys.exit(run())
