"""Accepted risk (issue 14.6): entries mark matching findings muted, never hide them or change a
status; an expired entry stops muting and says so; a bad list is refused naming the JSON path."""

from __future__ import annotations

from datetime import date

import pytest

from cis216.findings import Finding, Mute
from cis216.mute import MutelistError, apply_mutelist, mutelist_from_text, parse_mutelist, unmuted
from tests.builders import ACCOUNT, alert, run_strict, snapshot, trail

TODAY = date(2026, 11, 29)
TRAIL = f"acs:actiontrail:cn-hangzhou:{ACCOUNT}:actiontrail/main"


def entry(**changes):
    return {
        "account": ACCOUNT,
        "resource": "acs:actiontrail:*:*:actiontrail/main",
        "justification": "sandbox account, accepted by the CISO",
        "expires": "2026-12-31",
        **changes,
    }


def muted(findings, *entries, on=TODAY):
    return apply_mutelist(findings, parse_mutelist({"entries": list(entries)}, "mutelist.json"), on)


def disabled_alert_findings():
    return run_strict(snapshot(alerts=[alert(status="DISABLED")]))


def trail_of(findings) -> Finding:
    (found,) = [f for f in findings if f.resource == TRAIL]
    return found


def test_a_matching_entry_mutes_without_changing_the_status():
    before = disabled_alert_findings()
    after = muted(before, entry(reason_codes=["ALERT_DISABLED"]))
    found = trail_of(after)
    assert (found.status, found.muted) == ("alarm", True)
    assert found.mute == Mute(
        justification="sandbox account, accepted by the CISO", expires=date(2026, 12, 31), entry="entries[0]"
    )
    assert found.model_dump(mode="json")["mute"] == {
        "justification": "sandbox account, accepted by the CISO",
        "expires": "2026-12-31",
        "entry": "entries[0]",
    }
    assert len(after) == len(before)  # nothing hidden
    assert trail_of(before).muted is False  # a pure step: the input is unchanged
    assert TRAIL not in [f.resource for f in unmuted(after)]


def test_the_entry_mutes_on_its_last_day_and_not_after():
    assert trail_of(muted(disabled_alert_findings(), entry(), on=date(2026, 12, 31))).muted
    found = trail_of(muted(disabled_alert_findings(), entry(), on=date(2027, 1, 1)))
    assert (found.muted, found.mute) == (False, None)
    assert found.advisories[-1] == "MUTE_EXPIRED: entries[0] expired on 2026-12-31"


def test_a_live_entry_wins_over_an_expired_one_and_then_no_expiry_advisory():
    found = trail_of(muted(disabled_alert_findings(), entry(expires="2020-01-01"), entry()))
    assert found.muted and found.mute is not None and found.mute.entry == "entries[1]"
    assert not any(a.startswith("MUTE_EXPIRED") for a in found.advisories)


@pytest.mark.parametrize(
    "changes, mutes",
    [
        ({}, True),
        ({"account": "*"}, True),
        ({"account": "9999999999999999"}, False),
        ({"resource": "acs:actiontrail:*:*:actiontrail/ma?n"}, True),
        ({"resource": "acs:actiontrail:*:*:actiontrail/MAIN"}, False),  # ARNs are case-sensitive
        ({"resource": "*"}, True),
        ({"reason_codes": ["ALERT_DISABLED", "ALERT_MUTED"]}, True),
        ({"reason_codes": ["ALERT_MUTED"]}, False),
    ],
)
def test_what_an_entry_matches(changes, mutes):
    assert trail_of(muted(disabled_alert_findings(), entry(**changes))).muted is mutes


def test_every_reason_code_must_be_accepted():
    # A trail that stopped logging and has a disabled alert: accepting the alert is not enough.
    findings = run_strict(snapshot(trails=[trail(status="Disable")], alerts=[alert(status="DISABLED")]))
    codes = trail_of(findings).reason_codes
    assert "TRAIL_NOT_ENABLED" in codes
    assert not trail_of(muted(findings, entry(reason_codes=["ALERT_DISABLED"]))).muted
    assert trail_of(muted(findings, entry(reason_codes=codes))).muted


def test_ok_findings_are_never_muted():
    findings = run_strict(snapshot())
    assert not any(f.muted for f in muted(findings, entry(resource="*")))


def test_a_finding_without_reason_codes_matches_only_an_entry_without_them():
    row = Finding(
        resource=TRAIL,
        status="alarm",
        reason="x",
        account_id=ACCOUNT,
        region="cn-hangzhou",
        profile="powerpipe",
    )
    assert not muted([row], entry(reason_codes=["ALERT_DISABLED"]))[0].muted
    assert muted([row], entry())[0].muted


@pytest.mark.parametrize(
    "document, message",
    [
        ([], "mutelist.json: (document): Input should be a valid dictionary or instance of Mutelist"),
        ({}, "mutelist.json: entries: Field required"),
        ({"entries": [], "extra": 1}, "mutelist.json: extra: unknown key"),
        (
            {"entries": [entry(account="acme")]},
            "mutelist.json: entries[0].account: 'acme' is not an account id",
        ),
        ({"entries": [entry(resource=" ")]}, "mutelist.json: entries[0].resource: must not be blank"),
        (
            {"entries": [entry(justification="")]},
            "mutelist.json: entries[0].justification: must not be blank",
        ),
        (
            {"entries": [entry(expires="2026-13-01")]},
            "mutelist.json: entries[0].expires: '2026-13-01' is not an ISO date",
        ),
        (
            {"entries": [entry(expires=20261231)]},
            "mutelist.json: entries[0].expires: expected an ISO date string",
        ),
        ({"entries": [entry(reason_codes=[])]}, "mutelist.json: entries[0].reason_codes: "),
        ({"entries": [entry(), {"account": "*"}]}, "mutelist.json: entries[1].resource: Field required"),
    ],
)
def test_a_bad_mutelist_is_refused_naming_the_path(document, message):
    with pytest.raises(MutelistError) as caught:
        parse_mutelist(document, "mutelist.json")
    assert str(caught.value).startswith(message), str(caught.value)


def test_not_json_is_refused_naming_the_source():
    with pytest.raises(MutelistError, match=r"^MUTELIST: not JSON"):
        mutelist_from_text("{nope", "MUTELIST")
    assert mutelist_from_text('{"entries": []}', "MUTELIST").entries == ()
