from __future__ import annotations

from cis216.emulator.pytest_plugin import emulated_cloud  # noqa: F401  (fixture)
