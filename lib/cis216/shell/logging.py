"""Structured logs: one JSON object per line on stdout, with the request id; secrets never pass.

`configure(level, stream)` installs the handler on the `cis216` logger (and on the SDKs' loggers,
whose warnings may quote requests); `set_request_id()` is called per invocation (a python FC
instance runs one invocation at a time). Every formatted line goes through `redact()`: the
registered secrets of this invocation (`add_secret`) and anything shaped like an access key,
an STS token, a signature or an Authorization header are replaced by `[REDACTED]`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from datetime import datetime, timezone
from typing import Any, TextIO

REDACTED = "[REDACTED]"
_PATTERNS = (
    re.compile(r"LTAI[A-Za-z0-9]{8,40}"),  # RAM user access key ids
    re.compile(r"STS\.[A-Za-z0-9]{8,}"),  # STS access key ids
    re.compile(r"CAIS[A-Za-z0-9+/=_-]{20,}"),  # STS security tokens
    re.compile(
        r"(?i)(\"?(?:access_?key_?secret|accesskeysecret|secret|security_?token|securitytoken|"
        r"x-acs-security-token|signature|password)\"?\s*[:=]\s*\"?)[^\s\",;&}]+"
    ),
    re.compile(r"(?i)(authorization\"?\s*[:=]\s*\"?)(?:LOG|ACS3-HMAC-SHA256|acs)\s+[^\",}]+"),
    # SLS answers a bad signature with "signature <base64> not match": that is the request's signature.
    re.compile(r"(?i)(\bsignature\s+)[A-Za-z0-9+/_-]{16,}={0,2}"),
)
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

_lock = threading.Lock()
_secrets: set[str] = set()
_request_id: str | None = None
_stream: TextIO | None = None


def add_secret(*values: str | None) -> None:
    with _lock:
        for value in values:
            if value and len(value) >= 4:
                _secrets.add(value)


def clear_secrets() -> None:
    with _lock:
        _secrets.clear()


def redact(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        if pattern.groups:
            text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
        else:
            text = pattern.sub(REDACTED, text)
    return text


def set_request_id(request_id: str | None) -> None:
    global _request_id
    _request_id = request_id


def get_request_id() -> str | None:
    return _request_id


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": _request_id,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_") and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, default=str, ensure_ascii=False))


class _StdoutHandler(logging.StreamHandler):
    """Resolves the stream at emit time (so a replaced sys.stdout, e.g. pytest's, is honoured)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = _stream or sys.stdout
        super().emit(record)


class RedactingFilter(logging.Filter):
    """For handlers we do not own: scrubs the message (and args) of records passing through."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        record.msg, record.args = redact(message), None
        return True


_LOGGERS = ("cis216", "aliyun", "alibabacloud_credentials", "darabonba", "Tea")


def configure(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Idempotent: one JSON handler per logger of ours; SDK loggers at WARNING at least."""
    global _stream
    if stream is not None:
        _stream = stream
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(h, _StdoutHandler) for h in logger.handlers):
            handler = _StdoutHandler()
            handler.setFormatter(JsonFormatter())
            handler.addFilter(RedactingFilter())
            logger.addHandler(handler)
        logger.propagate = False
        wanted = getattr(logging, level.upper(), logging.INFO)
        wanted = wanted if isinstance(wanted, int) else logging.INFO
        logger.setLevel(wanted if name == "cis216" else max(wanted, logging.WARNING))
    root_filter_installed = any(
        isinstance(f, RedactingFilter) for h in logging.getLogger().handlers for f in h.filters
    )
    if not root_filter_installed:
        for handler in logging.getLogger().handlers:  # e.g. the FC runtime's own handler
            handler.addFilter(RedactingFilter())


def set_stream(stream: TextIO | None) -> TextIO | None:
    """Where log lines go (None: stdout, resolved at each line); returns the previous setting."""
    global _stream
    previous, _stream = _stream, stream
    return previous


def get(name: str) -> logging.Logger:
    return logging.getLogger(f"cis216.{name}" if not name.startswith("cis216") else name)


def dumps(value: Any) -> str:
    return redact(json.dumps(value, default=str, ensure_ascii=False))
