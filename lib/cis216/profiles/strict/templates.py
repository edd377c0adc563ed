"""Alibaba's ready-made alerts for this control, recognised by identity.

Template-made alerts (`configuration.type` `tpl`) may come back with an unexpanded queryList;
Powerpipe then misses them. Identity tells us what the alert is; binding (which logstore) and
schedule are still checked by the caller, and an expanded query is still judged by meaning.
"""

from __future__ import annotations

from ...aliyun import LOG_AUDIT_LOGSTORE
from ...inventory import Alert

ACTIONTRAIL_TEMPLATE_ID = "sls.app.actiontrail.cis.at.unauth_apicall"
LOG_AUDIT_ALERT_NAME = "sls_app_audit_cis_at_unauth_apicall"

# Words that make a query "about" unauthorized calls even when it is wrong (used to tell
# ALERT_WRONG_LOGSTORE from ALERT_MISSING: the team tried, on the wrong logstore).
_CODE_WORDS = (
    "nopermission",
    "forbidden",
    "forbbiden",
    "invalidaccesskeyid",
    "invalidsecuritytoken",
    "signaturedoesnotmatch",
    "invalidauthorization",
    "accessforbidden",
    "notauthorized",
)


def template_identity(alert: Alert) -> str | None:
    """'actiontrail template' / 'log audit built-in' when the alert is one of Alibaba's rules."""
    config = alert.configuration
    template = (config.template_configuration or {}) if config else {}
    if isinstance(template, dict) and template.get("id") == ACTIONTRAIL_TEMPLATE_ID:
        return "actiontrail template"
    if alert.name == LOG_AUDIT_ALERT_NAME:
        return "log audit built-in"
    return None


def identity_target(alert: Alert, project: str) -> tuple[str, str] | None:
    """(project, logstore) a template alert watches when its queryList is not expanded."""
    identity = template_identity(alert)
    if identity == "log audit built-in":
        return (project, LOG_AUDIT_LOGSTORE)
    if identity == "actiontrail template":
        tokens = (alert.configuration.template_configuration or {}).get("tokens") or {}  # type: ignore[union-attr]
        logstore = tokens.get("default.logstore") if isinstance(tokens, dict) else None
        target_project = tokens.get("default.project") if isinstance(tokens, dict) else None
        if isinstance(logstore, str) and logstore:
            return (
                target_project if isinstance(target_project, str) and target_project else project,
                logstore,
            )
    return None


def looks_like_unauthorized_call_alert(alert: Alert) -> bool:
    if template_identity(alert):
        return True
    texts: list[str] = [q.query or "" for q in (alert.configuration.queries if alert.configuration else [])]
    for text in texts:
        lowered = text.lower()
        if "errorcode" in lowered and any(word in lowered for word in _CODE_WORDS):
            return True
    return False
