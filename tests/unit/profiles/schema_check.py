"""Every finding a test produces can be checked against the shipped JSON Schema of a finding."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache

from jsonschema import Draft202012Validator

from cis216.findings import Finding
from tests.paths import REPO_ROOT

SCHEMA_FILE = REPO_ROOT / "docs" / "finding.schema.json"


@cache
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def assert_fit_the_schema(findings: Iterable[Finding]) -> None:
    for finding in findings:
        document = finding.model_dump(mode="json")
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(document)
        ]
        assert not errors, (finding.resource, errors)
