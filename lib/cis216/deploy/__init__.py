"""Deployment: our strict model of s.yaml, the function role's RAM policy, and the builder of the
FC code package (`python -m cis216.deploy.package`, `make package`).

Development-time only (not imported by the function, not in the package). See docs/deployment.md.
"""

from __future__ import annotations

from .model import RUNTIMES, SFile, check_cron, is_daily, validate_s_file
from .policy import PLACEHOLDERS, PolicyDocument, load_policy, render
from .sfile import PLACEHOLDER_ACCOUNT_ID, SFileError, load_s_yaml, resolve

__all__ = [
    "PLACEHOLDERS",
    "PLACEHOLDER_ACCOUNT_ID",
    "RUNTIMES",
    "PolicyDocument",
    "SFile",
    "SFileError",
    "check_cron",
    "is_daily",
    "load_policy",
    "load_s_yaml",
    "render",
    "resolve",
    "validate_s_file",
]
