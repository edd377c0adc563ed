from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from cis216.deploy import load_s_yaml, resolve
from tests.paths import REPO_ROOT

ROOT = REPO_ROOT


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def s_document() -> dict[str, Any]:
    return load_s_yaml(ROOT / "s.yaml")


@pytest.fixture()
def resolved(s_document: dict[str, Any]) -> dict[str, Any]:
    """A fresh resolved copy per test: tests mutate it to check what the model rejects."""
    return copy.deepcopy(resolve(s_document))
