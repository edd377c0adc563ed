"""Signature verification, recomputed from the request as it arrived.

Two schemes: ACS3-HMAC-SHA256 (ActionTrail, STS, FC; what alibabacloud_tea_openapi's
``Utils.get_authorization`` signs) and SLS v1 ``LOG <ak>:<sig>`` (aliyun/log/auth.py AuthV1).
Each verifier returns None when the request is authentic, else an AuthFailure whose code
the service renders in its own error shape.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote

from .credentials import Credentials, CredentialStore
from .http import EmuRequest

ACS3 = "ACS3-HMAC-SHA256"


@dataclass(frozen=True)
class AuthFailure:
    code: str
    message: str


@dataclass(frozen=True)
class AuthOk:
    credentials: Credentials


@dataclass(frozen=True)
class TokenCodes:
    missing: str
    mismatch: str
    expired: str


RPC_TOKEN_CODES = TokenCodes(
    missing="MissingSecurityToken",
    mismatch="InvalidSecurityToken.MismatchWithAccessKey",
    expired="InvalidSecurityToken.Expired",
)
SLS_TOKEN_CODES = TokenCodes(missing="Unauthorized", mismatch="Unauthorized", expired="SecurityTokenExpired")


def _check_token(cred: Credentials, token: str | None, codes: TokenCodes) -> AuthFailure | None:
    if cred.security_token:
        if not token:
            return AuthFailure(codes.missing, "SecurityToken is mandatory for this access key.")
        if token != cred.security_token:
            return AuthFailure(codes.mismatch, "The SecurityToken does not match the AccessKeyId.")
        if cred.expired:
            return AuthFailure(codes.expired, "The SecurityToken has expired.")
    elif token:
        # A token sent with a long-term key: the service cannot pair them.
        return AuthFailure(codes.mismatch, "The SecurityToken does not match the AccessKeyId.")
    return None


def _same_signature(expected: str, given: str) -> bool:
    # As bytes: hmac.compare_digest refuses str with non-ASCII characters (TypeError), and a
    # header may carry any; such a signature is simply wrong.
    return hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8", "surrogatepass"))


# ---- ACS3-HMAC-SHA256 -------------------------------------------------------------------


def _parse_acs3(header: str) -> tuple[str, str, str] | None:
    if not header.startswith(ACS3 + " "):
        return None
    fields = {}
    for part in header[len(ACS3) + 1 :].split(","):
        key, _, value = part.strip().partition("=")
        fields[key] = value
    try:
        return fields["Credential"], fields["SignedHeaders"], fields["Signature"]
    except KeyError:
        return None


def acs3_canonical_request(req: EmuRequest, signed_headers: str, payload_hash: str) -> str:
    # Same construction as alibabacloud_tea_openapi.utils.Utils.get_authorization, but
    # from the wire: the query is decoded from the URL and re-encoded the SDK's way.
    query: dict[str, str] = {}
    for key, value in req.query_pairs:
        query[key] = value
    canon_query = "&".join(f"{key}={quote(query[key], safe='~', encoding='utf-8')}" for key in sorted(query))
    lines = []
    for name in signed_headers.split(";"):
        header = req.headers.get(name)
        lines.append(f"{name}:{'' if header is None else str(header).strip()}\n")
    return (
        f"{req.method}\n{req.raw_path or '/'}\n{canon_query}\n"
        f"{''.join(lines)}\n{signed_headers}\n{payload_hash}"
    )


def verify_acs3(req: EmuRequest, store: CredentialStore) -> AuthOk | AuthFailure:
    parsed = _parse_acs3(req.headers.get("Authorization", ""))
    if parsed is None:
        return AuthFailure(
            "IncompleteSignature", "The request signature does not conform to Aliyun standards."
        )
    access_key_id, signed_headers, signature = parsed
    cred = store.get(access_key_id)
    if cred is None:
        return AuthFailure("InvalidAccessKeyId.NotFound", "Specified access key is not found.")
    failure = _check_token(cred, req.headers.get("x-acs-security-token"), RPC_TOKEN_CODES)
    if failure:
        return failure
    payload_hash = hashlib.sha256(req.body).hexdigest()
    if req.headers.get("x-acs-content-sha256", payload_hash) != payload_hash:
        return AuthFailure("SignatureDoesNotMatch", "The body does not match x-acs-content-sha256.")
    canonical = acs3_canonical_request(req, signed_headers, payload_hash)
    to_sign = f"{ACS3}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"
    expected = hmac.new(
        cred.access_key_secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    if not _same_signature(expected, signature):
        return AuthFailure(
            "SignatureDoesNotMatch",
            f"The request signature does not conform to Aliyun standards. server string to sign is:{to_sign}",
        )
    return AuthOk(cred)


# ---- SLS v1 -----------------------------------------------------------------------------


def _is_signed_log_header(key: str) -> bool:
    lower = key.lower()
    # x-log-date is added by the SDK after signing (a proxy workaround), so it is not signed.
    if lower == "x-log-date":
        return False
    return lower.startswith("x-acs-") or (lower.startswith("x-log-") and not lower.startswith("x-log-meta-"))


def sls_string_to_sign(req: EmuRequest) -> str:
    headers = req.headers
    content = req.method + "\n"
    content += headers.get("Content-MD5", "") + "\n"
    content += headers.get("Content-Type", "") + "\n"
    content += (headers.get("Date") or headers.get("x-log-date", "")) + "\n"
    for key, value in sorted((k, v) for k, v in headers.items() if _is_signed_log_header(k)):
        content += f"{key}:{value}\n"
    content += req.path
    if req.query_pairs:
        content += "?" + "&".join(f"{k}={v}" for k, v in sorted(req.query_pairs))
    return content


def verify_sls(req: EmuRequest, store: CredentialStore) -> AuthOk | AuthFailure:
    header = req.headers.get("Authorization", "")
    if not header.startswith("LOG ") or ":" not in header:
        if header.startswith("SLS4-HMAC-SHA256"):
            return AuthFailure("Unauthorized", "The emulator verifies SLS v1 signatures only.")
        return AuthFailure("Unauthorized", "The request is not signed (no LOG authorization).")
    access_key_id, _, signature = header[4:].rpartition(":")
    cred = store.get(access_key_id)
    if cred is None:
        return AuthFailure("Unauthorized", f"AccessKeyId not found: {access_key_id}")
    failure = _check_token(cred, req.headers.get("x-acs-security-token"), SLS_TOKEN_CODES)
    if failure:
        return failure
    if req.body and req.headers.get("Content-MD5") != hashlib.md5(req.body).hexdigest().upper():
        return AuthFailure("SignatureNotMatch", "Content-MD5 does not match the body.")
    to_sign = sls_string_to_sign(req)
    digest = hmac.new(cred.access_key_secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha1).digest()
    expected = base64.b64encode(digest).decode("ascii")
    if not _same_signature(expected, signature):
        return AuthFailure("SignatureNotMatch", f"signature {signature} not match")
    return AuthOk(cred)
