"""Shared pytest configuration. Keep it minimal: area helpers live next to their tests."""

from __future__ import annotations

import os

from hypothesis import settings

# Plugins other test areas need: the emulated cloud's `emulated_cloud` fixture.
pytest_plugins = ["cis216.emulator.pytest_plugin"]

# CI (which sets CI=true) runs the same examples every time, so a red run is reproducible and not
# luck; local runs keep drawing new examples to find what CI would not.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
