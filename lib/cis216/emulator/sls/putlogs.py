"""PutLogs body decoding and the service's limits, separate from HTTP handling."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import lz4.block
from aliyun.log.proto import LogGroupRaw
from google.protobuf.message import DecodeError

from ..errors import ServiceError
from ..records import StoredLog


@dataclass(frozen=True)
class PutLogsLimits:
    """Per-request limits. Defaults are the documented per-call PutLogs limits (the SDK
    itself only stops at 512,000 lines / 30 MB, so the service is what refuses). Set lower ones
    (`cloud.putlogs_limits = PutLogsLimits(max_lines=100)`) to emulate a service that enforces
    less than documented: a refusal states the limit as SLS words it, "logItems' length exceeds
    maximum limitation: 100 lines. now: 4096" (InvalidLogSize) or "... exceeds maximum
    limitation: N bytes. now: M" (PostBodyTooLarge)."""

    max_body_bytes: int = 10 * 1024 * 1024  # body as sent (compressed)
    max_raw_bytes: int = 5 * 1024 * 1024  # LogGroup after decompression
    max_lines: int = 4096


def _text(value: bytes) -> str:
    # Values travel as bytes; keep them exact when they are UTF-8 (the normal case).
    return value.decode("utf-8", errors="surrogateescape")


def decode_body(body: bytes, headers: Mapping[str, str], limits: PutLogsLimits) -> list[StoredLog]:
    if len(body) > limits.max_body_bytes:
        raise ServiceError(
            400,
            "PostBodyTooLarge",
            f"body size exceeds maximum limitation: {limits.max_body_bytes} bytes. now: {len(body)}",
        )
    compress = (headers.get("x-log-compresstype") or "").lower()
    try:
        raw_size = int(headers.get("x-log-bodyrawsize") or len(body))
    except ValueError:
        raise ServiceError(400, "ParameterInvalid", "x-log-bodyrawsize is not a number") from None
    if raw_size < 0:
        raise ServiceError(400, "ParameterInvalid", f"x-log-bodyrawsize {raw_size} is negative")
    if raw_size > limits.max_raw_bytes:
        raise ServiceError(
            400,
            "PostBodyTooLarge",
            f"raw body size exceeds maximum limitation: {limits.max_raw_bytes} bytes. now: {raw_size}",
        )
    if compress == "lz4":
        try:
            raw = lz4.block.decompress(body, uncompressed_size=raw_size)
        except (lz4.block.LZ4BlockError, ValueError):
            raise ServiceError(400, "PostBodyInvalid", "lz4 body cannot be decompressed") from None
    elif compress in ("", "none"):
        raw = body
    else:
        raise ServiceError(400, "PostBodyInvalid", f"compress type {compress} is not supported here")
    if len(raw) != raw_size:
        raise ServiceError(
            400, "PostBodyInvalid", f"body raw size {len(raw)} != x-log-bodyrawsize {raw_size}"
        )
    group = LogGroupRaw()
    try:
        group.ParseFromString(raw)
    except DecodeError:
        raise ServiceError(400, "PostBodyInvalid", "body is not a LogGroup") from None
    if len(group.Logs) > limits.max_lines:
        raise ServiceError(
            400,
            "InvalidLogSize",
            f"logItems' length exceeds maximum limitation: {limits.max_lines} lines. now: {len(group.Logs)}",
        )
    tags = {tag.Key: _text(tag.Value) if isinstance(tag.Value, bytes) else tag.Value for tag in group.LogTags}
    logs = []
    for log in group.Logs:
        contents = {c.Key: _text(c.Value) if isinstance(c.Value, bytes) else c.Value for c in log.Contents}
        logs.append(
            StoredLog(
                time=log.Time,
                topic=group.Topic,
                source=group.Source,
                tags=dict(tags),
                contents=contents,
                time_ns=log.Time_ns if log.HasField("Time_ns") else None,
            )
        )
    return logs
