"""Unreadable answers: items the inventory model rejects, taken out of a collected snapshot."""

from __future__ import annotations

from typing import Any

from .logs import redact


def quarantine(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot minus the items the inventory model cannot read, each one an `errors` entry.

    One odd trail, alert or index in an account must not fail the whole scan (no findings written,
    FC retrying in vain): like a failed call, it becomes an `error` finding and the rest goes on.
    Each item is checked on its own, so this is only worth doing when the whole snapshot failed."""
    from ..inventory import InventoryError, parse_inventory

    head = {key: snapshot[key] for key in ("version", "account_id", "collected_at")}

    def problem(region: str, body: dict[str, Any]) -> str | None:
        try:
            parse_inventory({**head, "regions": {region: body}}, source="answer")
        except InventoryError as error:
            return redact(str(error))[:1000]
        return None

    def unreadable(api: str, what: str, why: str, project: str | None = None, logstore: str | None = None):
        return {
            "api": api,
            "project": project,
            "logstore": logstore,
            "code": "MalformedResponse",
            "message": f"{what} could not be read, so it was left out: {why}",
        }

    regions: dict[str, Any] = {}
    for region, data in snapshot["regions"].items():
        errors = list(data.get("errors") or [])
        trails = []
        for trail in data.get("trails") or []:
            why = problem(region, {"trails": [trail]})
            if why is None:
                trails.append(trail)
            else:
                name = trail.get("Name") if isinstance(trail, dict) else None
                errors.append(unreadable("DescribeTrails", f"trail {name!r}", why))
        projects: dict[str, Any] = {}
        for project, content in (data.get("sls_projects") or {}).items():
            alerts = []
            for alert in content.get("alerts") or []:
                why = problem(region, {"sls_projects": {project: {"alerts": [alert]}}})
                if why is None:
                    alerts.append(alert)
                else:
                    name = alert.get("name") if isinstance(alert, dict) else None
                    errors.append(unreadable("ListAlerts", f"alert {name!r}", why, project))
            logstores = {}
            for logstore, store in (content.get("logstores") or {}).items():
                why = problem(region, {"sls_projects": {project: {"logstores": {logstore: store}}}})
                if why is None:
                    logstores[logstore] = store
                else:
                    errors.append(unreadable("GetIndex", f"the index of {logstore}", why, project, logstore))
            projects[project] = {"alerts": alerts, "logstores": logstores}
        regions[region] = {"trails": trails, "sls_projects": projects, "errors": errors}
    return {**snapshot, "regions": regions}
