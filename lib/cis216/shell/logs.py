"""Structured logs: one JSON object per line, with the invocation's keys; secrets never pass.

One object holds the state, `LOGGER` (a `Logger`, as in aws-powertools): where lines go (`stream`;
default stdout, looked up at each line so a replaced `sys.stdout` is honoured), the keys every line
carries (`append_keys(request_id=...)`), and the secrets of this invocation (`add_secrets`).
`LOGGER.configure(level)` installs its handler on the `cis216` logger and on the SDKs' loggers
(their warnings may quote requests). Modules log through a standard logger, `log = logs.get(__name__)`.

Every formatted line goes through `redact()`: the registered secrets and anything shaped like an
access key, an STS token, a signature or an Authorization header become `[REDACTED]`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import threading
from collections.abc import Iterator
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
# Ours, and the SDKs' (folded in at WARNING at least: their messages may quote a request).
_LOGGERS = ("cis216", "aliyun", "alibabacloud_credentials", "darabonba", "Tea")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class Logger:
    """The log state of the process; FC's python runtime runs one invocation at a time per instance."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._lock = threading.Lock()
        self._stream = stream
        self._keys: dict[str, Any] = {"request_id": None}
        self._secrets: set[str] = set()

    # -- state of the invocation ----------------------------------------------------------------

    def append_keys(self, **keys: Any) -> None:
        """Fields every following line carries (after `time`, `level`, `logger`)."""
        with self._lock:
            self._keys.update(keys)

    @property
    def keys(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._keys)

    def add_secrets(self, *values: str | None) -> None:
        with self._lock:
            self._secrets.update(v for v in values if v and len(v) >= 4)

    def clear_state(self) -> None:
        """Forget the previous invocation's keys and secrets."""
        with self._lock:
            self._keys = {"request_id": None}
            self._secrets.clear()

    def redact(self, text: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        for pattern in _PATTERNS:
            if pattern.groups:
                text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
            else:
                text = pattern.sub(REDACTED, text)
        return text

    # -- output ---------------------------------------------------------------------------------

    @property
    def stream(self) -> TextIO:
        return self._stream or sys.stdout

    def set_stream(self, stream: TextIO | None) -> TextIO | None:
        """Where lines go (None: stdout, looked up at each line); returns the previous setting."""
        previous, self._stream = self._stream, stream
        return previous

    @contextlib.contextmanager
    def writing_to(self, stream: TextIO) -> Iterator[None]:
        previous = self.set_stream(stream)
        try:
            yield
        finally:
            self.set_stream(previous)

    def configure(self, level: str = "INFO") -> None:
        """Idempotent: this logger's JSON handler on ours and the SDKs' loggers, and its redacting
        filter on the root handlers (e.g. the FC runtime's own). An unknown level counts as INFO."""
        name = level.strip().upper()
        wanted: int = getattr(logging, name) if name in LEVELS else logging.INFO
        for logger_name in _LOGGERS:
            logger = logging.getLogger(logger_name)
            for handler in [h for h in logger.handlers if isinstance(h, _Handler) and h.owner is not self]:
                logger.removeHandler(handler)
            if not any(isinstance(h, _Handler) for h in logger.handlers):
                logger.addHandler(_Handler(self))
            logger.propagate = False
            logger.setLevel(wanted if logger_name == "cis216" else max(wanted, logging.WARNING))
        for foreign in logging.getLogger().handlers:
            for old in [f for f in foreign.filters if isinstance(f, RedactingFilter)]:
                foreign.removeFilter(old)
            foreign.addFilter(RedactingFilter(self))

    def start_invocation(self, request_id: str | None, level: str) -> None:
        """Once per scan: a clean state carrying `request_id`, handlers installed at `level`."""
        self.clear_state()
        self.append_keys(request_id=request_id)
        self.configure(level)

    def format(self, record: logging.LogRecord, exception: str | None = None) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "level": record.levelname,
            "logger": record.name,
            **self.keys,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_") and key not in entry:
                entry[key] = value
        if exception:
            entry["exception"] = exception
        return self.redact(json.dumps(entry, default=str, ensure_ascii=False))


class _JsonFormatter(logging.Formatter):
    def __init__(self, owner: Logger) -> None:
        super().__init__()
        self.owner = owner

    def format(self, record: logging.LogRecord) -> str:
        exception = self.formatException(record.exc_info) if record.exc_info else None
        return self.owner.format(record, exception)


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]  # generic only from 3.11
    """Writes to its owner's stream as it is when the line is written."""

    def __init__(self, owner: Logger) -> None:
        super().__init__(owner.stream)
        self.owner = owner
        self.setFormatter(_JsonFormatter(owner))
        self.addFilter(RedactingFilter(owner))

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = self.owner.stream
        super().emit(record)


class RedactingFilter(logging.Filter):
    """For handlers we do not own: scrubs the message (and args) of records passing through."""

    def __init__(self, owner: Logger) -> None:
        super().__init__()
        self.owner = owner

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        record.msg, record.args = self.owner.redact(message), None
        return True


LOGGER = Logger()


def get(name: str) -> logging.Logger:
    """The module's logger: `log = logs.get(__name__)` (names outside `cis216` are put under it)."""
    return logging.getLogger(name if name == "cis216" or name.startswith("cis216.") else f"cis216.{name}")


def redact(text: str) -> str:
    return LOGGER.redact(text)


def scrub(error: BaseException) -> BaseException:
    """Redact what a raised error would print, its causes included, in place.

    The log lines are redacted by the formatter, but an error that leaves the handler is printed by
    FC itself (the invocation's error and its log) and by `cis216 invoke`: an SDK message quoting
    the access key id, a signature or a token must not get out that way either."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        message = getattr(current, "message", None)
        if isinstance(message, str):  # CallError prints its `message`, not its args
            with contextlib.suppress(AttributeError, TypeError):
                current.message = redact(message)  # type: ignore[attr-defined]
        with contextlib.suppress(AttributeError, TypeError):  # an exception type with read-only args
            current.args = tuple(redact(a) if isinstance(a, str) else a for a in current.args)
        inner = getattr(current, "cause", None)
        pending.extend(
            [inner if isinstance(inner, BaseException) else None, current.__cause__, current.__context__]
        )
    return error
