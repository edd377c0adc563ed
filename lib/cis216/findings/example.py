"""The README's example finding, generated from the models: the benchmark's own query (every
value quoted) in an alert on a complete trail, judged with SLS defaults.

`python -m cis216.findings.example` prints it; `python -m cis216.findings.example README.md`
rewrites the README's block (a test fails while the README differs).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..core import evaluate
from ..inventory import parse_inventory
from ..settings import CIS_REQUIRED_CODES
from . import Finding

ACCOUNT = "1234567890123456"
REGION = "cn-hangzhou"
TRAIL = "org-trail"
PROJECT = "audit"

# CIS Alibaba Cloud 2.16's query as the benchmark prints it: every value in double quotes.
CIS_TEXT_QUERY = (
    '"event.eventType": ApiCall and ('
    + " or ".join(f'"event.errorCode": "{code}"' for code in CIS_REQUIRED_CODES)
    + ") | select count(1) as cnt"
)

README_HEADING = "### Example finding"
_FENCE_OPEN, _FENCE_CLOSE = "```json\n", "\n```"


def example_snapshot() -> dict[str, Any]:
    trail = {
        "Name": TRAIL,
        "Status": "Enable",
        "HomeRegion": REGION,
        "TrailRegion": "All",
        "Region": REGION,
        "EventRW": "All",
        "SlsProjectArn": f"acs:log:{REGION}:{ACCOUNT}:project/{PROJECT}",
        "IsOrganizationTrail": False,
    }
    alert = {
        "name": "unauth",
        "displayName": "unauth",
        "type": "Alert",
        "status": "ENABLED",
        "schedule": {"type": "FixedRate", "interval": "15m"},
        "configuration": {
            "version": "2.0",
            "type": "default",
            "queryList": [
                {"query": CIS_TEXT_QUERY, "store": f"actiontrail_{TRAIL}", "start": "-15m", "end": "now"}
            ],
            "severityConfigurations": [{"severity": 6, "evalCondition": {"condition": "cnt > 0"}}],
            "policyConfiguration": {"actionPolicyId": "sls.app.actiontrail.builtin"},
            "threshold": 1,
        },
    }
    region = {"trails": [trail], "sls_projects": {PROJECT: {"alerts": [alert]}}, "errors": []}
    return {
        "version": 1,
        "account_id": ACCOUNT,
        "collected_at": "2026-11-29T02:00:00Z",
        "regions": {REGION: region},
    }


def example_finding() -> Finding:
    """The trail's finding (`alarm`: the quoted `X.*` values are literals, not wildcards)."""
    findings = evaluate(parse_inventory(example_snapshot()), "strict")
    (found,) = [f for f in findings if f.scope == "trail"]
    return found


def example_json() -> str:
    """As `cis216 evaluate --format json` writes one finding."""
    return json.dumps(example_finding().model_dump(mode="json"), indent=2, ensure_ascii=False)


def _block_span(readme: str) -> tuple[int, int]:
    start = readme.index(_FENCE_OPEN, readme.index(README_HEADING)) + len(_FENCE_OPEN)
    return start, readme.index(_FENCE_CLOSE, start)


def readme_example(readme: str) -> str:
    """The JSON block under the README's example heading."""
    start, end = _block_span(readme)
    return readme[start:end]


def with_example(readme: str) -> str:
    start, end = _block_span(readme)
    return readme[:start] + example_json() + readme[end:]


if __name__ == "__main__":
    if len(sys.argv) > 1:
        path = Path(sys.argv[1])
        path.write_text(with_example(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        sys.stdout.write(example_json() + "\n")
