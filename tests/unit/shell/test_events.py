from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from cis216.settings import Settings
from cis216.shell.events import EventError, Invocation, Overrides, parse_event
from tests.paths import EVENTS


def timer(payload: str = "") -> bytes:
    return json.dumps(
        {"triggerTime": "2026-11-29T02:00:00Z", "triggerName": "daily", "payload": payload}
    ).encode()


def test_timer_event_as_fc_sends_it():
    invocation = parse_event(timer())
    assert invocation.kind == "timer" and invocation.trigger_name == "daily"
    assert invocation.trigger_time == datetime(2026, 11, 29, 2, tzinfo=timezone.utc)
    assert invocation.overrides.regions is None and invocation.overrides.profile is None


def test_timer_payload_overrides():
    payload = json.dumps(
        {
            "regions": ["cn-hangzhou", "cn-beijing"],
            "profile": "powerpipe",
            "dry_run": True,
            "settings": {"max_threshold": 5},
        }
    )
    overrides = parse_event(timer(payload)).overrides
    assert overrides.regions == ("cn-hangzhou", "cn-beijing")
    assert (overrides.profile, overrides.dry_run, overrides.settings) == (
        "powerpipe",
        True,
        Settings(max_threshold=5),
    )
    assert parse_event(timer('{"regions": "all"}')).overrides.regions == "all"
    assert parse_event(timer('{"regions": "cn-hangzhou, cn-beijing"}')).overrides.regions == (
        "cn-hangzhou",
        "cn-beijing",
    )


@pytest.mark.parametrize(
    "payload, words",
    [
        ('{"region": ["cn-hangzhou"]}', "timer payload: region: unknown key"),
        ('{"profile": "loose"}', "timer payload: profile: "),
        ('{"regions": ["cn-hangzhou", "evil.com/x"]}', "not a region id"),
        ('{"regions": []}', "non-empty"),
        ('{"dry_run": "perhaps"}', "timer payload: dry_run"),
        ('{"settings": {"max_threshold": 0}}', "settings.max_threshold"),
        ('{"settings": {"nope": 1}}', "settings.nope"),
        ("not json", "timer payload: not JSON"),
        ("[1, 2]", "timer payload: expected a JSON object"),
    ],
)
def test_bad_payloads_are_rejected(payload, words):
    with pytest.raises(EventError) as caught:
        parse_event(timer(payload))
    assert words in str(caught.value)


def test_bad_timer_fields():
    with pytest.raises(EventError, match="triggerTime"):
        parse_event(b'{"triggerTime": "yesterday", "triggerName": "t"}')
    with pytest.raises(EventError, match="extra"):
        parse_event(b'{"triggerTime": "2026-11-29T02:00:00Z", "triggerName": "t", "extra": 1}')


def test_direct_invocations():
    assert parse_event(b"").kind == "direct"
    assert parse_event(b"{}").overrides.profile is None
    direct = parse_event(b'{"profile": "powerpipe", "scan_time": "2026-11-29T02:00:00"}')
    assert direct.kind == "direct" and direct.overrides.profile == "powerpipe"
    assert direct.trigger_time == datetime(2026, 11, 29, 2, tzinfo=timezone.utc)
    assert parse_event({"dry_run": True}).overrides.dry_run is True
    with pytest.raises(EventError, match="event: profil: unknown key"):
        parse_event(b'{"profil": "strict"}')
    with pytest.raises(EventError, match="not UTF-8"):
        parse_event(b"\xff\xfe")


BUNDLED_AT = datetime(2026, 11, 29, 2, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(
            "timer.json",
            Invocation(kind="timer", trigger_time=BUNDLED_AT, trigger_name="daily-cis216-scan"),
            id="timer.json",
        ),
        pytest.param(
            "timer-with-payload.json",
            Invocation(
                kind="timer",
                trigger_time=BUNDLED_AT,
                trigger_name="daily-cis216-scan",
                overrides=Overrides(
                    regions=("cn-hangzhou", "cn-shanghai", "ap-southeast-1"),
                    profile="powerpipe",
                    dry_run=False,
                ),
            ),
            id="timer-with-payload.json",
        ),
        pytest.param(
            "direct.json",
            Invocation(
                kind="direct", trigger_time=BUNDLED_AT, overrides=Overrides(regions="all", profile="strict")
            ),
            id="direct.json",
        ),
        pytest.param(
            "org-timer.json",
            Invocation(
                kind="timer",
                trigger_time=BUNDLED_AT,
                trigger_name="daily-cis216-org-scan",
                overrides=Overrides(mode="organization"),
            ),
            id="org-timer.json",
        ),
    ],
)
def test_bundled_events_parse(name, expected):
    assert parse_event((EVENTS / name).read_bytes()) == expected


def test_every_bundled_event_is_pinned():
    assert sorted(path.name for path in EVENTS.glob("*.json")) == [
        "direct.json",
        "org-timer.json",
        "timer-with-payload.json",
        "timer.json",
    ]


@pytest.mark.parametrize("region", ["cn-hangzhou\n", "cn-hangzhou.evil.com", "CN-HANGZHOU"])
def test_region_overrides_must_be_whole_region_ids(region):
    # '$' in a regex also matches before a trailing newline: the whole value must be a region id.
    with pytest.raises(EventError, match="is not a region id"):
        parse_event(timer(json.dumps({"regions": [region]})))
    with pytest.raises(EventError, match="is not a region id"):
        parse_event(json.dumps({"regions": [region]}).encode())


def test_settings_are_validated_once_into_settings():
    overrides = parse_event(timer('{"settings": {"accept_log_audit": false}}')).overrides
    assert overrides.settings == Settings(accept_log_audit=False)
    direct = parse_event(b'{"settings": {"max_threshold": 2}, "scan_time": "2026-11-29T02:00:00Z"}')
    assert direct.overrides.settings == Settings(max_threshold=2)
    # `{}` asks for nothing: PROFILE_SETTINGS of the configuration still applies.
    assert parse_event(timer('{"settings": {}}')).overrides.settings is None


@pytest.mark.parametrize(
    "event, message",
    [
        (
            timer('{"settings": {"nope": 1}}'),
            "timer payload: settings.nope: unknown setting (see README, Settings)",
        ),
        (
            timer('{"settings": 5}'),
            "timer payload: settings: expected a JSON object of strict-profile settings",
        ),
        (timer('{"dry_run": "perhaps"}'), "timer payload: dry_run: 'perhaps' is not a boolean (true/false)"),
        (
            b'{"triggerTime": "2026-11-29T02:00:00Z", "triggerName": "t", "extra": 1}',
            "timer event: extra: unknown key (allowed: triggerTime, triggerName, payload)",
        ),
        (
            b'{"profil": "strict"}',
            "event: profil: unknown key (allowed: regions, profile, dry_run, settings, mode, scan_time)",
        ),
    ],
)
def test_messages_name_the_path_and_the_allowed_keys(event, message):
    with pytest.raises(EventError) as caught:
        parse_event(event)
    assert str(caught.value) == message
