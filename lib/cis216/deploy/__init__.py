"""Deployment checks: our strict model of s.yaml and the function role's RAM policy.

Development-time only (not imported by the function). See docs/deployment.md.
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
