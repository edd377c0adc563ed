"""The JSON Schema of a finding and the README's example are generated from the models, and every
finding fits the schema."""

from __future__ import annotations

import pytest

from cis216.core import PROFILES, evaluate
from cis216.findings import Finding
from cis216.findings.example import example_finding, example_json, readme_example
from cis216.findings.schema import schema_text
from cis216.inventory import load_inventory
from tests.paths import README, SAMPLES
from tests.unit.profiles.schema_check import SCHEMA_FILE, assert_fit_the_schema, validator


def test_shipped_schema_is_the_one_the_models_generate():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "regenerate: python -m cis216.findings.schema > docs/finding.schema.json"
    )


def test_readme_example_is_the_one_the_models_generate():
    assert readme_example(README.read_text(encoding="utf-8")) == example_json(), (
        "regenerate: python -m cis216.findings.example README.md"
    )


def test_readme_example_is_the_documented_case():
    found = example_finding()
    assert (found.status, found.scope, found.reason_codes, found.advisories) == (
        "alarm",
        "trail",
        ["ALERT_QUERY_INCOMPLETE"],
        [],
    )
    assert found.evidence.alert.missed_codes == [
        "NoPermission.*",
        "Forbidden.*",
        "InvalidAccessKeyId.*",
        "InvalidSecurityToken.*",
    ]
    assert found.evidence.alert.index_source == "SLS defaults"


FINDINGS_OF_THE_SAMPLES = {
    ("sample-account.json", "strict"): 7,
    ("sample-account.json", "powerpipe"): 9,
    ("cis-text-account.json", "strict"): 2,
    ("cis-text-account.json", "powerpipe"): 2,
}


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("sample", ["sample-account.json", "cis-text-account.json"])
def test_every_finding_of_the_samples_fits_the_schema(sample, profile):
    findings = evaluate(load_inventory(SAMPLES / sample), profile)
    assert len(findings) == FINDINGS_OF_THE_SAMPLES[sample, profile]
    assert_fit_the_schema(findings)


def test_the_schema_rejects_what_a_finding_never_holds():
    found = example_finding().model_dump(mode="json")
    assert validator().is_valid(found)
    for broken in (
        {**found, "scope": "alert"},  # never produced
        {**found, "status": "none"},
        {**found, "evidence": {**found["evidence"], "surprise": 1}},
        {key: value for key, value in found.items() if key != "advisories"},
        {**found, "evidence": {**found["evidence"], "alert": {**found["evidence"]["alert"], "window": None}}},
    ):
        assert not validator().is_valid(broken)


def test_a_finding_reads_back_from_its_json():
    found = example_finding()
    assert Finding.model_validate(found.model_dump(mode="json")) == found
