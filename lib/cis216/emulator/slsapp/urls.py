"""POP SLS endpoints: sls.<region>.aliyuncs.com (the SDK's map), sls.aliyuncs.com (its `central` rule)."""

from __future__ import annotations

import re

from ..protocols import RpcProtocol
from ..router import ServiceSpec
from . import responses

SERVICE = ServiceSpec(
    name="slsapp",
    protocol=RpcProtocol("sls.aliyuncs.com"),
    hosts=(re.compile(r"^sls(?:-vpc)?(?:\.(?P<region>[a-z]{2}-[a-z0-9-]+))?\.aliyuncs\.com$"),),
    actions={"DescribeApp": responses.describe_app},
    default_region="cn-hangzhou",
)
