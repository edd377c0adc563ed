"""Where the tests find the repository's files, whatever folder a test module sits in."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "lib" / "cis216" / "samples"
EVENTS = REPO_ROOT / "events"
README = REPO_ROOT / "README.md"
# Vendored references (see tests/reference/README.md for where each comes from).
REFERENCE = Path(__file__).resolve().parent / "reference"
REFERENCE_SQL = REFERENCE / "cis_v200_2_16.sql"
FC3_SCHEMA = REFERENCE / "fc3-props.schema.json"
