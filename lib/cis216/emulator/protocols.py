"""How each family of services authenticates and shapes its answers and errors.

RPC/ROA services (ActionTrail, STS, FC 3.0) answer ``{"Code","Message","RequestId"}``;
SLS answers ``{"errorCode","errorMessage"}`` with an ``x-log-requestid`` header. Faults
are rendered here too, so a fault plan is service-agnostic.
"""

from __future__ import annotations

import json
from typing import Any

from .auth import AuthFailure, AuthOk, verify_acs3, verify_sls
from .credentials import CredentialStore
from .faults import Fault, gateway_answer
from .http import Answer, EmuRequest, json_answer, new_request_id, sls_request_id


def json_body(fault: Fault, headers: dict[str, str] | None = None) -> Answer:
    """An answer whose body is the fault's `body`: well-formed JSON, of whatever shape the test wants."""
    content = {"Content-Type": "application/json;charset=utf-8", **(headers or {})}
    return fault.status or 200, content, json.dumps(fault.body).encode()


class Protocol:
    def authenticate(self, req: EmuRequest, store: CredentialStore) -> AuthOk | AuthFailure:
        raise NotImplementedError

    def error(self, status: int, code: str, message: str) -> Answer:
        raise NotImplementedError

    def ok(self, payload: Any) -> Answer:
        raise NotImplementedError

    def auth_error(self, failure: AuthFailure) -> Answer:
        raise NotImplementedError

    def fault_answer(self, fault: Fault, api: str, is_write: bool) -> Answer:
        raise NotImplementedError


class RpcProtocol(Protocol):
    """ACS3-HMAC-SHA256 signed OpenAPI services (RPC and ROA styles answer errors alike)."""

    _auth_status = {"InvalidAccessKeyId.NotFound": 404}
    _code_status = {
        "Throttling.User": 400,
        "Throttling": 400,
        "InternalError": 500,
        "ServiceUnavailable": 503,
        "NoPermission": 403,
        "Forbidden.RAM": 403,
        "Forbidden": 403,
        "InvalidAccessKeyId.NotFound": 404,
    }

    def __init__(self, host_id: str = "aliyuncs.com") -> None:
        self.host_id = host_id

    def authenticate(self, req: EmuRequest, store: CredentialStore) -> AuthOk | AuthFailure:
        return verify_acs3(req, store)

    def error(self, status: int, code: str, message: str) -> Answer:
        return json_answer(
            status,
            {
                "RequestId": new_request_id(),
                "HostId": self.host_id,
                "Code": code,
                "Message": message,
                "Recommend": f"https://api.aliyun.com/troubleshoot?q={code}",
            },
        )

    def ok(self, payload: Any) -> Answer:
        if isinstance(payload, tuple):
            return payload
        body: dict[str, Any] = {"RequestId": new_request_id()}
        body.update(payload)
        return json_answer(200, body)

    def auth_error(self, failure: AuthFailure) -> Answer:
        return self.error(self._auth_status.get(failure.code, 400), failure.code, failure.message)

    def fault_answer(self, fault: Fault, api: str, is_write: bool) -> Answer:
        if fault.kind == "json_body":
            return json_body(fault)
        if fault.kind == "html502":
            return gateway_answer(fault)
        if fault.kind == "malformed":
            # Cut mid-document: JSON parsing in the SDK fails the way a truncated answer would.
            return (
                200,
                {"Content-Type": "application/json;charset=utf-8"},
                b'{"RequestId": "MALFORMED", "Data": [{"',
            )
        code, status, message = {
            "throttle": ("Throttling.User", 400, "Request was denied due to user flow control."),
            "error500": (
                "InternalError",
                500,
                "The request processing has failed due to some unknown error.",
            ),
            "error503": (
                "ServiceUnavailable",
                503,
                "The request has failed due to a temporary failure of the server.",
            ),
            "expired_token": ("InvalidSecurityToken.Expired", 400, "Specified SecurityToken is expired."),
            "bad_signature": (
                "SignatureDoesNotMatch",
                400,
                "Specified signature is not matched with our calculation.",
            ),
            "access_denied": (
                "NoPermission",
                403,
                f"You are not authorized to do this action. You should be authorized by RAM. (action: {api})",
            ),
        }.get(fault.kind, (fault.code or "InternalError", 0, ""))
        code = fault.code or code
        status = fault.status or status or self._code_status.get(code, 403)
        return self.error(status, code, fault.message or message or f"Injected fault {code} on {api}.")


class SlsProtocol(Protocol):
    """SLS classic REST API, signed with the SLS v1 scheme."""

    _code_status = {
        "Unauthorized": 401,
        "SignatureNotMatch": 401,
        "SecurityTokenExpired": 401,
        "InvalidAccessKeyId": 401,
        "ProjectNotExist": 404,
        "LogStoreNotExist": 404,
        "IndexConfigNotExist": 404,
        "JobNotExist": 404,
        "WriteQuotaExceed": 403,
        "ReadQuotaExceed": 403,
        "ProjectForbidden": 403,
        "InternalServerError": 500,
        "ServerBusy": 503,
        "RequestTimeout": 500,
        "ParameterInvalid": 400,
        "PostBodyTooLarge": 400,
        "InvalidLogSize": 400,
        "PostBodyInvalid": 400,
    }

    def authenticate(self, req: EmuRequest, store: CredentialStore) -> AuthOk | AuthFailure:
        return verify_sls(req, store)

    def error(self, status: int, code: str, message: str) -> Answer:
        return json_answer(
            status, {"errorCode": code, "errorMessage": message}, {"x-log-requestid": sls_request_id()}
        )

    def ok(self, payload: Any) -> Answer:
        if isinstance(payload, tuple):
            return payload
        return json_answer(200, payload, {"x-log-requestid": sls_request_id()})

    def auth_error(self, failure: AuthFailure) -> Answer:
        return self.error(self._code_status.get(failure.code, 401), failure.code, failure.message)

    def status_for(self, code: str) -> int:
        return self._code_status.get(code, 403)

    def fault_answer(self, fault: Fault, api: str, is_write: bool) -> Answer:
        if fault.kind == "json_body":
            return json_body(fault, {"x-log-requestid": sls_request_id()})
        if fault.kind == "html502":
            return gateway_answer(fault)
        if fault.kind == "malformed":
            return (
                200,
                {"Content-Type": "application/json", "x-log-requestid": sls_request_id()},
                b'{"count": 1, "total": ',
            )
        if fault.kind == "throttle":
            code = fault.code or ("WriteQuotaExceed" if is_write else "ReadQuotaExceed")
            message = "Write quota is exceeded." if is_write else "Read quota is exceeded."
            return self.error(fault.status or 403, code, fault.message or message)
        code, status, message = {
            "error500": ("InternalServerError", 500, "Internal server error."),
            "error503": ("ServerBusy", 503, "The server is busy, please try again later."),
            "expired_token": ("SecurityTokenExpired", 401, "the security token you provided is expired"),
            "bad_signature": ("SignatureNotMatch", 401, "signature is not matched"),
            "access_denied": ("Unauthorized", 401, f"denied by sts or ram, action: log:{api}"),
        }.get(fault.kind, (fault.code or "InternalServerError", 0, ""))
        code = fault.code or code
        status = fault.status or status or self.status_for(code)
        return self.error(status, code, fault.message or message or f"Injected fault {code} on {api}.")
