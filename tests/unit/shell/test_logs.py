from __future__ import annotations

import io
import json
import logging

import pytest

from cis216.adapters.calls import CallError
from cis216.shell import logs


@pytest.fixture
def logger():
    """A Logger of its own writing into a buffer (as powertools' tests pass a StringIO)."""
    logger = logs.Logger(stream=io.StringIO())
    logger.configure("INFO")
    yield logger
    logs.LOGGER.configure("INFO")  # the process's logger takes the handlers back


def lines(logger: logs.Logger) -> list[dict]:
    return [json.loads(line) for line in logger.stream.getvalue().splitlines()]  # type: ignore[attr-defined]


def test_json_lines_with_request_id_and_extras(logger):
    logger.append_keys(request_id="req-42")
    logging.getLogger("cis216.test").info("hello %s", "world", extra={"region": "cn-hangzhou"})
    [entry] = lines(logger)
    assert list(entry)[:5] == ["time", "level", "logger", "request_id", "message"]
    assert entry["message"] == "hello world" and entry["request_id"] == "req-42"
    assert entry["region"] == "cn-hangzhou" and entry["level"] == "INFO"


def test_a_line_carries_request_id_even_before_one_is_known(logger):
    logs.get("cis216.test").info("early")
    [entry] = lines(logger)
    assert entry["request_id"] is None and entry["logger"] == "cis216.test"


def test_get_names_module_loggers_under_cis216():
    assert logs.get("cis216.shell.scan").name == "cis216.shell.scan"
    assert logs.get("scan").name == "cis216.scan"
    assert logs.get("cis216").name == "cis216"


def test_start_invocation_forgets_the_previous_keys_and_secrets(logger):
    logger.start_invocation("req-1", "INFO")
    logger.add_secrets("first-invocation-secret")
    logger.append_keys(extra_key="x")
    logger.start_invocation("req-2", "INFO")
    logs.get("cis216.test").info("first-invocation-secret")
    [entry] = lines(logger)
    assert entry["request_id"] == "req-2" and "extra_key" not in entry
    assert entry["message"] == "first-invocation-secret"  # no longer a secret of this invocation


def test_level_applies_and_an_unknown_level_counts_as_info(logger):
    logger.configure("WARNING")
    logs.get("cis216.test").info("hidden")
    logs.get("cis216.test").warning("shown")
    logger.configure("chatty")
    logs.get("cis216.test").info("shown too")
    assert [e["message"] for e in lines(logger)] == ["shown", "shown too"]


def test_registered_secrets_and_key_shapes_are_redacted(logger):
    logger.add_secrets("s3cr3t-value-xyz", "tok-abcdef")
    log = logging.getLogger("cis216.test")
    log.warning("leak s3cr3t-value-xyz and tok-abcdef", extra={"nested": {"k": "s3cr3t-value-xyz"}})
    log.warning("ids LTAI5tFAKEKEY1 and STS.NUabcdefgh1234 token CAISxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
    log.warning('{"AccessKeySecret": "plain-text-secret", "SecurityToken": "also-secret"}')
    log.warning("Authorization: LOG LTAIkey:c2lnbmF0dXJl")
    try:
        raise ValueError("boom with s3cr3t-value-xyz")
    except ValueError:
        log.exception("failed")
    text = logger.stream.getvalue()
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
    assert text.count(logs.REDACTED) >= 8


def test_sdk_loggers_are_redacted_too(logger):
    logger.add_secrets("sdk-secret-123")
    logging.getLogger("aliyun.log.logclient").warning("request failed sdk-secret-123")
    assert "sdk-secret-123" not in logger.stream.getvalue()
    assert logs.REDACTED in logger.stream.getvalue()


def test_writing_to_puts_the_stream_back():
    logger = logs.Logger()
    other = io.StringIO()
    with logger.writing_to(other):
        assert logger.stream is other
    assert logger.stream is not other


def test_redact_leaves_error_codes_alone():
    text = 'event.errorCode: SignatureDoesNotMatch or event.errorCode: "InvalidSecurityToken.*"'
    assert logs.redact(text) == text


def test_scrub_redacts_an_error_its_message_and_its_causes():
    call = CallError("PutLogs", "Unauthorized", "key LTAI5tFAKEKEY1 denied")
    try:
        try:
            raise call
        except CallError as inner:
            raise RuntimeError("token CAISxxxxxxxxxxxxxxxxxxxxxxxxxxxx") from inner
    except RuntimeError as outer:
        logs.scrub(outer)
        assert "CAISxxxx" not in str(outer) and "LTAI5tFAKEKEY1" not in str(call)
        assert str(call) == "PutLogs: Unauthorized: key [REDACTED] denied"
