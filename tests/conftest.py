"""Shared pytest configuration. Keep it minimal: area helpers live next to their tests."""

from __future__ import annotations

# Plugins other test areas need, e.g. "cis216.emulator.pytest_plugin" (its `emulated_cloud` fixture).
pytest_plugins = ["cis216.emulator.pytest_plugin"]
