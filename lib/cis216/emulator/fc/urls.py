"""FC 3.0 endpoints: <account>.<region>.fc.aliyuncs.com, fc.<region>.aliyuncs.com and
fcv3.<region>.aliyuncs.com (the FC SDK's built-in endpoint)."""

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
        re.compile(r"^fc(?:v3)?(?:-vpc)?\.(?P<region>[a-z]{2}-[a-z0-9-]+)\.aliyuncs\.com$"),
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
