from __future__ import annotations

import io
import json
import logging

import pytest

from cis216.shell import logging as slog


@pytest.fixture
def stream():
    buffer = io.StringIO()
    previous = slog.set_stream(buffer)
    slog.configure("INFO")
    yield buffer
    slog.set_stream(previous)
    slog.clear_secrets()
    slog.set_request_id(None)


def test_json_lines_with_request_id_and_extras(stream):
    slog.set_request_id("req-42")
    logging.getLogger("cis216.test").info("hello %s", "world", extra={"region": "cn-hangzhou"})
    entry = json.loads(stream.getvalue().strip())
    assert entry["message"] == "hello world" and entry["request_id"] == "req-42"
    assert entry["region"] == "cn-hangzhou" and entry["level"] == "INFO"


def test_registered_secrets_and_key_shapes_are_redacted(stream):
    slog.add_secret("s3cr3t-value-xyz", "tok-abcdef")
    log = logging.getLogger("cis216.test")
    log.warning("leak s3cr3t-value-xyz and tok-abcdef", extra={"nested": {"k": "s3cr3t-value-xyz"}})
    log.warning("ids LTAI5tFAKEKEY1 and STS.NUabcdefgh1234 token CAISxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
    log.warning('{"AccessKeySecret": "plain-text-secret", "SecurityToken": "also-secret"}')
    log.warning("Authorization: LOG LTAIkey:c2lnbmF0dXJl")
    try:
        raise ValueError("boom with s3cr3t-value-xyz")
    except ValueError:
        log.exception("failed")
    text = stream.getvalue()
    for secret in (
        "s3cr3t-value-xyz",
        "tok-abcdef",
        "LTAI5tFAKEKEY1",
        "STS.NUabcdefgh1234",
        "CAISxxxx",
        "plain-text-secret",
        "also-secret",
        "c2lnbmF0dXJl",
    ):
        assert secret not in text, secret
    assert text.count(slog.REDACTED) >= 8


def test_sdk_loggers_are_redacted_too(stream):
    slog.add_secret("sdk-secret-123")
    logging.getLogger("aliyun.log.logclient").warning("request failed sdk-secret-123")
    assert "sdk-secret-123" not in stream.getvalue()
    assert slog.REDACTED in stream.getvalue()


def test_redact_leaves_error_codes_alone():
    text = 'event.errorCode: SignatureDoesNotMatch or event.errorCode: "InvalidSecurityToken.*"'
    assert slog.redact(text) == text
