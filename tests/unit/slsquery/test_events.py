from __future__ import annotations

from cis216.slsquery import DEFAULT_REQUIRED_CODES, negative_controls, representative_events


def test_every_family_has_realistic_events() -> None:
    events = representative_events()
    families = {e.family for e in events if not e.negative}
    assert families == set(DEFAULT_REQUIRED_CODES)
    codes = {e.error_code for e in events}
    for real in (
        "Forbidden.RAM",
        "InvalidAccessKeyId.NotFound",
        "InvalidSecurityToken.Expired",
        "NoPermission",
        "SignatureDoesNotMatch",
        "NotAuthorized",
    ):
        assert real in codes
    for e in events:
        if e.negative:
            continue
        assert e.event["event.eventType"] == "ApiCall"
        assert e.event["event.errorCode"] == e.error_code
        for f in (
            "event.serviceName",
            "event.eventName",
            "event.acsRegion",
            "event.sourceIpAddress",
            "event.userIdentity.type",
            "event.userIdentity.accessKeyId",
            "event.errorMessage",
        ):
            assert e.event[f], f
        if e.family.endswith(".*"):
            stem = e.family[:-2]
            assert e.error_code.startswith(stem + ".") and e.error_code != stem


def test_forbbiden_typo_is_not_required() -> None:
    assert "Forbbiden" not in DEFAULT_REQUIRED_CODES


def test_negative_controls() -> None:
    negs = negative_controls()
    assert [n.negative for n in negs] == [True, True, True]
    ok, signin, other = (n.event for n in negs)
    assert ok["event.eventType"] == "ApiCall" and "event.errorCode" not in ok
    assert signin["event.eventType"] == "ConsoleSignin" and signin["event.errorMessage"]
    # A call that failed for another reason than authorization (an alert on every error fires on it).
    assert other["event.eventType"] == "ApiCall" and other["event.errorCode"] == "InvalidParameter"


def test_custom_codes() -> None:
    events = representative_events(["Throttling", "Custom.*"])
    fams = [(e.family, e.error_code) for e in events if not e.negative]
    assert fams == [("Throttling", "Throttling"), ("Custom.*", "Custom.Denied")]
