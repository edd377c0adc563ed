"""`python -m cis216`: the `cis216` command."""

from __future__ import annotations

import sys

from .console import run

if __name__ == "__main__":
    sys.exit(run())
