from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from cis216.deploy import load_s_yaml, resolve

ROOT = Path(__file__).resolve().parents[2]
FC3_SCHEMA = ROOT.parent / "shared" / "reference" / "fc3-props.schema.json"


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
