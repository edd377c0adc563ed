"""The emulator's view of one HTTP request, and helpers to build answers."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from requests import PreparedRequest
from requests.structures import CaseInsensitiveDict

# What a `responses` callback returns: status, headers, body.
Answer = tuple[int, dict[str, str], bytes]


@dataclass
class EmuRequest:
    """A request as the server sees it: built only from what went over the (emulated) wire."""

    method: str
    url: str
    host: str  # lower-case, without port; from the Host header when the client set one
    raw_path: str  # path as sent (percent-encoded); RPC signatures are computed over it
    path: str  # decoded path; SLS signatures and routing use it
    query_pairs: list[tuple[str, str]]
    headers: CaseInsensitiveDict[str]
    body: bytes

    @property
    def query(self) -> dict[str, str]:
        return dict(self.query_pairs)

    @classmethod
    def from_prepared(cls, prepared: PreparedRequest) -> EmuRequest:
        url = str(prepared.url)
        parts = urlsplit(url)
        headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(
            {
                k: v.decode("latin-1") if isinstance(v, bytes) else v
                for k, v in (prepared.headers or {}).items()
            }
        )
        # SDKs set Host themselves (SLS puts the project there even for IP endpoints).
        host = str(headers.get("Host") or parts.netloc)
        host = host.rsplit("@", 1)[-1].split(":", 1)[0].lower()
        body = _body_bytes(prepared.body)
        raw_path = parts.path or "/"
        return cls(
            method=str(prepared.method).upper(),
            url=url,
            host=host,
            raw_path=raw_path,
            path=unquote(raw_path),
            query_pairs=parse_qsl(parts.query, keep_blank_values=True),
            headers=headers,
            body=body,
        )


def _body_bytes(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    read = getattr(body, "read", None)
    return bytes(read()) if callable(read) else bytes(body)  # type: ignore[call-overload]


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


def sls_request_id() -> str:
    # SLS request ids are 24 upper-case hex digits.
    return uuid.uuid4().hex[:24].upper()


def json_answer(status: int, payload: Any, headers: dict[str, str] | None = None) -> Answer:
    out = {"Content-Type": "application/json;charset=utf-8"}
    out.update(headers or {})
    return status, out, json.dumps(payload).encode("utf-8")
