"""The JSON Schema of one finding, generated from the models (docs/finding.schema.json).

Regenerate after changing a model: `python -m cis216.findings.schema > docs/finding.schema.json`
(a test fails while the shipped file differs).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from . import Finding

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def finding_schema() -> dict[str, Any]:
    # Validation mode: it states which evidence keys may be absent (serialization mode would
    # call every field with a default "always written").
    return {"$schema": DIALECT, **Finding.model_json_schema(mode="validation")}


def schema_text() -> str:
    return json.dumps(finding_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(schema_text())
