"""Findings for other tools: flat string fields (SLS logs, CSV) and OCSF Compliance Findings.

- `flat`: one encoding of a finding as flat strings (lists and objects as JSON, booleans
  "true"/"false", null ""), the CSV columns derived from the Finding model;
- `jsonl`: findings read back from JSON Lines (what `cis216 evaluate|invoke --format jsonl` print),
  every malformed line an error naming its number and field;
- `ocsf`: one finding as an OCSF 1.8.0 Compliance Finding (class 2003).
"""

from __future__ import annotations

from .flat import CSV_COLUMNS, flat_fields, flat_value, write_csv
from .jsonl import ExportedFinding, FindingsInputError, read_findings
from .ocsf import OCSF_VERSION, ocsf_finding, stable_uid, write_ocsf

__all__ = [
    "CSV_COLUMNS",
    "OCSF_VERSION",
    "ExportedFinding",
    "FindingsInputError",
    "flat_fields",
    "flat_value",
    "ocsf_finding",
    "read_findings",
    "stable_uid",
    "write_csv",
    "write_ocsf",
]
