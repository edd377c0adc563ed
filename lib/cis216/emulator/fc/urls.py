"""FC 3.0 endpoints: <account>.<region>.fc.aliyuncs.com and fc.<region>.aliyuncs.com."""

from __future__ import annotations

import re

from ..protocols import RpcProtocol
from ..router import ServiceSpec, path
from . import responses

SERVICE = ServiceSpec(
    name="fc",
    protocol=RpcProtocol("fc.aliyuncs.com"),
    hosts=(
        re.compile(r"^\d+\.(?P<region>[a-z]{2}-[a-z0-9-]+?)(?:-internal)?\.fc\.aliyuncs\.com$"),
        re.compile(r"^fc(?:-vpc)?\.(?P<region>[a-z]{2}-[a-z0-9-]+)\.aliyuncs\.com$"),
    ),
    paths=(
        path(
            "POST",
            r"^/2023-03-30/functions/(?P<function>[^/]+)/invocations/?$",
            "InvokeFunction",
            responses.invoke_function,
            writes=True,
        ),
    ),
)
