"""STS endpoints: sts.aliyuncs.com (global) and sts[-vpc].<region>.aliyuncs.com."""

from __future__ import annotations

import re

from ..protocols import RpcProtocol
from ..router import ServiceSpec
from . import responses

SERVICE = ServiceSpec(
    name="sts",
    protocol=RpcProtocol("sts.aliyuncs.com"),
    hosts=(re.compile(r"^sts(?:-vpc)?(?:\.(?P<region>[a-z]{2}-[a-z0-9-]+))?\.aliyuncs\.com$"),),
    actions={
        "GetCallerIdentity": responses.get_caller_identity,
        "AssumeRole": responses.assume_role,
    },
    writes=("AssumeRole",),
    default_region="cn-hangzhou",
)
