"""Alibaba's ready-made alerts for this control: what each stands for, recognised by identity.

An alert made from a template (`configuration.type` `tpl`) names the template in
`templateConfiguration {id, type, lang, tokens}`; its tokens bind the project, the logstore and
the action policy. Listed without an expanded queryList, it is judged on the query, trigger and
window the template documents (below, with where each fact comes from); with an expanded
queryList, on that. Binding, state, schedule and notification are still checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...aliyun import LOG_AUDIT_LOGSTORE
from ...inventory import Alert

ACTIONTRAIL_TEMPLATE_ID = "sls.app.actiontrail.cis.at.unauth_apicall"
LOG_AUDIT_ALERT_NAME = "sls_app_audit_cis_at_unauth_apicall"
# Every ActionTrail alert template notifies through this action policy unless a token names another.
ACTIONTRAIL_DEFAULT_ACTION_POLICY = "sls.app.actiontrail.builtin"

_CODES = (
    "event.errorCode: NoPermission or event.errorCode: NoPermission.* or event.errorCode: Forbidden or "
    "event.errorCode: Forbbiden or event.errorCode: Forbidden.* or event.errorCode: InvalidAccessKeyId or "
    "event.errorCode: InvalidAccessKeyId.* or event.errorCode: InvalidSecurityToken or "
    "event.errorCode: InvalidSecurityToken.* or event.errorCode: SignatureDoesNotMatch or "
    "event.errorCode: InvalidAuthorization or event.errorCode: AccessForbidden or event.errorCode: NotAuthorized"
)


@dataclass(frozen=True)
class TemplateRule:
    """One ready-made rule: what it is, what it runs, and which tokens bind it."""

    identity: str  # how findings name it
    query: str
    condition: str  # its documented trigger, used when the alert lists none
    window: tuple[str, str]  # (start, end) of its query
    default_action_policy: str | None
    project_token: str | None
    logstore_token: str | None
    policy_token: str | None


# ActionTrail's CIS template (Alibaba's landing-zone Terraform module creates it with tokens
# default.project / default.logstore / default.action_policy; its expanded form there counts the
# unauthorized calls per account, service and source address over 30 minutes, fires at
# `cnt > 5`, every 15 minutes, through action policy sls.app.actiontrail.builtin).
ACTIONTRAIL_TEMPLATE = TemplateRule(
    identity="actiontrail template",
    query=(
        f"event.eventType: ApiCall and ({_CODES}) | select "
        '"event.userIdentity.accountId" as account_id, "event.serviceName" as service_name, '
        '"event.sourceIpAddress" as source_ip, count(1) as cnt '
        "group by account_id, service_name, source_ip order by cnt desc limit 10000"
    ),
    condition="cnt > 5",
    window=("-30m", "now"),
    default_action_policy=ACTIONTRAIL_DEFAULT_ACTION_POLICY,
    project_token="default.project",
    logstore_token="default.logstore",
    policy_token="default.action_policy",
)

# Log Audit's built-in rule (SLS documentation, "API calls" alert rules): every minute over the
# last 2 minutes of the central actiontrail_log, more than "Maximum times of unauthorized api call"
# (default 5) calls from one address to one service; an address whitelist may be configured.
LOG_AUDIT_RULE = TemplateRule(
    identity="log audit built-in",
    query=(
        f"event.eventType: ApiCall and ({_CODES}) | select "
        '"event.sourceIpAddress" as source_ip, "event.serviceName" as service_name, count(1) as cnt '
        "group by source_ip, service_name"
    ),
    condition="cnt > 5",
    window=("-2m", "now"),
    default_action_policy=None,
    project_token=None,
    logstore_token=None,
    policy_token=None,
)

RULES = {rule.identity: rule for rule in (ACTIONTRAIL_TEMPLATE, LOG_AUDIT_RULE)}

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
    template = template_configuration(alert)
    if template.get("id") == ACTIONTRAIL_TEMPLATE_ID:
        return ACTIONTRAIL_TEMPLATE.identity
    if alert.name == LOG_AUDIT_ALERT_NAME:
        return LOG_AUDIT_RULE.identity
    return None


def template_rule(alert: Alert) -> TemplateRule | None:
    identity = template_identity(alert)
    return RULES[identity] if identity else None


def template_configuration(alert: Alert) -> dict[str, Any]:
    config = alert.configuration
    template = config.template_configuration if config else None
    return template if isinstance(template, dict) else {}


def token(alert: Alert, name: str | None) -> str | None:
    """A template token's value (`default.logstore`, ...), when set."""
    tokens = template_configuration(alert).get("tokens")
    value = tokens.get(name) if isinstance(tokens, dict) and name else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def template_policy(alert: Alert) -> tuple[str, bool] | None:
    """(action policy, taken from the template's default) for an ActionTrail template alert."""
    template = template_configuration(alert)
    template_id = template.get("id")
    if not isinstance(template_id, str) or not template_id.startswith("sls.app.actiontrail."):
        return None
    named = token(alert, ACTIONTRAIL_TEMPLATE.policy_token)
    return (named, False) if named else (ACTIONTRAIL_DEFAULT_ACTION_POLICY, True)


def identity_target(alert: Alert, project: str) -> tuple[str, str] | None:
    """(project, logstore) a template alert watches when its queryList is not expanded."""
    identity = template_identity(alert)
    if identity == LOG_AUDIT_RULE.identity:
        return (project, LOG_AUDIT_LOGSTORE)
    if identity == ACTIONTRAIL_TEMPLATE.identity:
        logstore = token(alert, ACTIONTRAIL_TEMPLATE.logstore_token)
        if logstore:
            return (token(alert, ACTIONTRAIL_TEMPLATE.project_token) or project, logstore)
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
