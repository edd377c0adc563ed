"""Findings for the report tests: the bundled samples evaluated, and larger sets built from them."""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

from cis216.core import evaluate
from cis216.inventory import load_inventory
from tests.paths import SAMPLES


@functools.cache
def _sample(name: str, profile: str) -> tuple[str, ...]:
    findings = evaluate(load_inventory(SAMPLES / name), profile)
    return tuple(json.dumps(f.model_dump(mode="json"), ensure_ascii=False) for f in findings)


def sample_findings(name: str = "sample-account.json", profile: str = "strict") -> list[dict[str, Any]]:
    """The findings `cis216 evaluate SAMPLE --format jsonl` prints, as dicts."""
    return [json.loads(line) for line in _sample(name, profile)]


def jsonl(findings: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in findings)


def organisation(accounts: int = 100, trails: int = 8) -> list[dict[str, Any]]:
    """An organisation-sized scan built from the sample's findings: per account its account
    finding, `trails` trail findings and one failed read (100 x 10 = 1,000 findings)."""
    base = sample_findings() + sample_findings("cis-text-account.json")
    account = [f for f in base if f["scope"] == "account"]
    trail = [f for f in base if f["scope"] == "trail"]
    failed = [f for f in base if f["scope"] == "scan"]
    out = []
    for number in range(accounts):
        member = f"{1_000_000_000_000_000 + number}"
        out.append({**copy.deepcopy(account[number % len(account)]), "account_id": member})
        for index in range(trails):
            item = copy.deepcopy(trail[(number + index) % len(trail)])
            item.update(account_id=member, resource=f"{item['resource']}-{index}")
            out.append(item)
        out.append({**copy.deepcopy(failed[0]), "account_id": member})
    return out
