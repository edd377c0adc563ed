"""Findings: one for the account (the control's answer) and one per trail (its part in it)."""

from __future__ import annotations

from typing import Any

from ...findings import Finding
from ...inventory import Inventory
from . import codes as C
from .alerts import describe
from .feedresult import FeedResult, hiding_errors
from .feeds import Feed, TrailView

PROFILE = "strict"

_TRAIL_FIX = {
    C.TRAIL_NOT_ENABLED: "start logging on it",
    C.TRAIL_NOT_DELIVERING_TO_SLS: "set an SLS project for delivery",
    C.TRAIL_NOT_ALL_REGIONS: "set its TrailRegion to All",
    C.TRAIL_NOT_ALL_EVENTS: "set its EventRW to All",
}


def _finding(inventory: Inventory, **fields: Any) -> Finding:
    codes = C.ordered(fields.pop("reason_codes", []))
    status = fields.pop("status", None) or C.status_for(codes)
    advisories = [a for a in C.ordered(fields.pop("advisories", [])) if a not in codes]
    return Finding(
        account_id=inventory.account_id,
        profile=PROFILE,
        status=status,
        reason_codes=codes,
        advisories=advisories,
        **fields,
    )


def feed_summary(result: FeedResult) -> dict[str, Any]:
    feed = result.feed
    return {
        "kind": feed.kind,
        "name": feed.name,
        "project": feed.project,
        "region": feed.region,
        "logstore": feed.logstore,
        "complete": feed.complete,
        "gaps": list(feed.gaps),
        "counts_for_account": feed.counts,
        "other_account": feed.other_account,
        "codes": result.codes(),
        # Short form of every alert on the feed, best first; the best one's full evidence is the
        # finding's top-level `alert`.
        "alerts": [
            {
                "alert": j.alert.name,
                "project": j.target.alert_project,
                "query_entry": j.target.entry,
                "codes": j.codes,
                "advisories": j.advisories,
            }
            for j in result.judgements
        ],
        "alerts_on_other_logstores": [
            {
                "alert": t.alert.name,
                "project": t.alert_project,
                "store": t.store,
                "store_project": t.project,
                "region": t.region,
            }
            for t in result.stray
        ],
    }


def feed_sentence(result: FeedResult) -> str:
    """What stands between this feed and an effective alert, or which alert is effective."""
    feed, best = result.feed, result.best
    where = f"logstore {feed.label}"
    if result.covered and best is not None:
        notes = f" ({'; '.join(best.notes)})" if best.notes else ""
        notify = best.evidence.get("notification") or {}
        labels = {"actionPolicyId": "action policy", "alertPolicyId": "alert policy", "notificationList": ""}
        who = ", ".join(f"{labels.get(k, k)} {v}".strip() for k, v in notify.items())
        who = f"through {who}" if who else "nobody (notification not required)"
        return (
            f"alert '{best.alert.name}' (project {best.target.alert_project}) on {where} fires on every "
            f"required error code and notifies {who}{notes}"
        )
    if feed.other_account:
        return (
            f"{where} belongs to account {feed.other_account}: its alerts cannot be seen from this "
            "account; scan that account"
        )
    if not result.scanned and best is None:
        return (
            f"the snapshot has no region {feed.region}, so alerts on {where} were not seen; scan that region"
        )
    if best is not None:
        notes = f" (also: {'; '.join(best.notes)})" if best.notes else ""
        return f"on {where}, {describe(best.target)} " + "; ".join(best.problems) + notes
    if result.stray:
        names = ", ".join(
            f"'{t.alert.name}' (project {t.alert_project}) on {t.project}/{t.store}" for t in result.stray
        )
        return (
            f"no alert watches {where}; unauthorized-call alerts exist on other logstores: {names}; point "
            f"a query entry at store {feed.logstore} in project {feed.project}"
        )
    return (
        f"no alert watches {where}; create one from Alibaba's template "
        "sls.app.actiontrail.cis.at.unauth_apicall on it"
    )


def account_finding(
    inventory: Inventory, trails: list[TrailView], results: list[FeedResult], unaccepted: list[Feed]
) -> Finding:
    account = inventory.account_id
    advisories = [C.LOG_AUDIT_NOT_ACCEPTED] if unaccepted else []
    evidence: dict[str, Any] = {
        "trails": [t.trail.name for t in trails],
        "feeds": [feed_summary(r) for r in results],
        "log_audit_not_accepted": [f.project for f in unaccepted],
    }
    base = {
        "resource": f"acs:actiontrail::{account}:*",
        "region": None,
        "scope": "account",
        "evidence": evidence,
    }
    covering = sorted((r for r in results if r.feed.counts and r.covered), key=lambda r: r.rank())
    if covering:
        best = covering[0]
        evidence.update(feed=best.feed.label, alert=best.best.evidence)  # type: ignore[union-attr]
        kind = (
            f"trail {best.feed.name}" if best.feed.kind == "trail" else f"Log Audit project {best.feed.name}"
        )
        return _finding(
            inventory,
            reason_codes=[],
            advisories=advisories + best.best.advisories,  # type: ignore[union-attr]
            reason=f"Unauthorized API calls in account {account} are alerted on: {kind} records every "
            f"region's events into SLS, and {feed_sentence(best)}.",
            **base,
        )
    if not trails and not results:
        codes, reason = (
            [C.NO_TRAIL],
            (
                f"Account {account} has no ActionTrail trail (and no Log Audit central logstore counts), so "
                "unauthorized API calls are recorded nowhere an alert could see them; create a trail for all "
                "regions and all events delivering to SLS, and an alert from template "
                "sls.app.actiontrail.cis.at.unauth_apicall on its logstore."
            ),
        )
    elif not results:
        codes = [C.TRAIL_NOT_DELIVERING_TO_SLS]
        if any(C.TRAIL_NOT_ENABLED in t.problems for t in trails):
            codes.append(C.TRAIL_NOT_ENABLED)
        states = "; ".join(
            f"{t.trail.name} {' and '.join(_state_text(c) for c in t.problems)}" for t in trails
        )
        reason = (
            f"No trail of account {account} is enabled and delivering to SLS ({states}), so no alert "
            "can see unauthorized API calls; enable a trail for all regions and all events with an SLS "
            "project, and alert on its logstore."
        )
    else:
        best = sorted(results, key=lambda r: r.rank())[0]
        evidence.update(feed=best.feed.label, alert=best.best.evidence if best.best else None)
        advisories += best.best.advisories if best.best else []
        gaps = (
            sorted({g for r in results for g in r.feed.gaps})
            if not any(r.feed.counts for r in results)
            else []
        )
        codes = gaps + best.codes()
        if gaps:
            partial = "; ".join(
                f"trail {r.feed.name}: {', '.join(r.feed.gaps)}" for r in results if r.feed.gaps
            )
            reason = (
                f"Account {account} has no complete feed (every region, every event) of ActionTrail into "
                f"SLS ({partial}); even an effective alert on a partial feed misses calls. "
                f"Best feed: {feed_sentence(best)}."
            )
        else:
            # The codes stay those of the closest feed (an unverifiable one keeps the account at
            # `info`), but the reason names every other complete feed that fails too.
            others = [r.feed.label for r in results if r is not best and r.feed.counts]
            more = (
                f" Other complete feeds without an effective alert: {', '.join(others)} "
                "(their trail findings say why)."
                if others
                else ""
            )
            reason = (
                f"No complete ActionTrail feed of account {account} has an effective alert on "
                f"unauthorized API calls: {feed_sentence(best)}.{more}"
            )
    errors = hiding_errors(inventory, [r.feed for r in results])
    if errors and C.status_for(codes) != "ok":
        evidence["scan_errors"] = errors
        codes = [C.SCAN_ERROR, *codes]
        calls = ", ".join(
            sorted(
                {f"{e['api']} ({e['region']}{', ' + e['project'] if e['project'] else ''})" for e in errors}
            )
        )
        reason = (
            f"The scan could not read everything ({calls}): what it missed could hold the trail or alert "
            f"that would make this account compliant, so no confident verdict is given. Seen so far: "
            + reason[0].lower()
            + reason[1:]
        )
    return _finding(inventory, reason_codes=codes, advisories=advisories, reason=reason, **base)


def trail_finding(
    inventory: Inventory,
    view: TrailView,
    result: FeedResult | None,
    covering: FeedResult | None,
    results: list[FeedResult],
) -> Finding:
    trail = view.trail
    home = view.home_region
    evidence: dict[str, Any] = {
        "trail": trail.name,
        "home_region": home,
        "listed_in": view.listed_in,
        "status": trail.status,
        "trail_region": trail.trail_region,
        "event_rw": trail.event_rw,
        "sls_project_arn": trail.sls_project_arn,
        "feed": feed_summary(result) if result else None,
        "alert": result.best.evidence if result and result.best else None,
    }
    base = {
        "resource": f"acs:actiontrail:{home}:{inventory.account_id}:actiontrail/{trail.name}",
        "region": home,
        "scope": "trail",
        "evidence": evidence,
    }
    covered_elsewhere = covering is not None and covering is not result
    if covered_elsewhere:
        evidence["covered_by"] = {"feed": covering.feed.label, "alert": covering.best.alert.name}  # type: ignore
    other = _covering_text(covering) if covering else ""
    if view.problems:
        state = " and ".join(_state_text(c) for c in view.problems)
        fix = " and ".join(_TRAIL_FIX[c] for c in view.problems)
        if covered_elsewhere:
            return _finding(
                inventory,
                status="skip",
                reason_codes=[],
                advisories=[*view.problems, C.COVERED_BY_OTHER_FEED],
                reason=f"Trail {trail.name} {state}; it needs no alert of its own because {other}.",
                **base,
            )
        return _finding(
            inventory,
            reason_codes=view.problems,
            reason=f"Trail {trail.name} {state}, so no alert can see the calls it would record; {fix}.",
            **base,
        )
    assert result is not None
    gaps = list(result.feed.gaps)
    judged = result.best
    if result.covered and judged is not None:
        scope = "" if not gaps else f" (but it covers only {_gap_text(gaps)})"
        if not gaps or covered_elsewhere:
            extra = f"; the account is covered because {other}" if gaps and covered_elsewhere else ""
            return _finding(
                inventory,
                reason_codes=[],
                advisories=gaps + judged.advisories,
                reason=f"Trail {trail.name}: {feed_sentence(result)}{scope}{extra}.",
                **base,
            )
        fixes = " and ".join(_TRAIL_FIX[g] for g in gaps)
        return _finding(
            inventory,
            reason_codes=gaps,
            advisories=judged.advisories,
            reason=f"Trail {trail.name}: {feed_sentence(result)}, but the trail covers only "
            f"{_gap_text(gaps)}, so calls outside it are never alerted on; {fixes}.",
            **base,
        )
    alert_codes = result.codes()
    if covered_elsewhere:
        return _finding(
            inventory,
            status="skip",
            reason_codes=[],
            advisories=gaps + alert_codes + [C.COVERED_BY_OTHER_FEED] + (judged.advisories if judged else []),
            reason=f"Trail {trail.name} has no effective alert of its own ({feed_sentence(result)}); "
            f"it needs no alert of its own because {other}.",
            **base,
        )
    codes = gaps + alert_codes
    reason = f"Trail {trail.name}: {feed_sentence(result)}."
    if gaps:
        reason += f" The trail also covers only {_gap_text(gaps)}."
    errors = hiding_errors(inventory, [r.feed for r in results], alerts_only=True)
    if errors and C.status_for(codes) != "ok":
        evidence["scan_errors"] = errors
        codes = [C.SCAN_ERROR, *codes]
        reason = (
            "Some alert listings failed during the scan, so an effective alert may exist unseen. " + reason
        )
    return _finding(
        inventory, reason_codes=codes, advisories=judged.advisories if judged else [], reason=reason, **base
    )


def _covering_text(result: FeedResult) -> str:
    best = result.best
    return (
        f"alert '{best.alert.name}' (project {best.target.alert_project}) on complete feed "  # type: ignore[union-attr]
        f"{result.feed.label} is effective"
    )


def _state_text(code: str) -> str:
    return {C.TRAIL_NOT_ENABLED: "is not enabled", C.TRAIL_NOT_DELIVERING_TO_SLS: "does not deliver to SLS"}[
        code
    ]


def _gap_text(gaps: list[str]) -> str:
    parts = []
    if C.TRAIL_NOT_ALL_REGIONS in gaps:
        parts.append("one region")
    if C.TRAIL_NOT_ALL_EVENTS in gaps:
        parts.append("read-only or write-only events")
    return " and ".join(parts)
