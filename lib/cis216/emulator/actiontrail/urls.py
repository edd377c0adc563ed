"""ActionTrail endpoints: actiontrail.<region>.aliyuncs.com, actions by x-acs-action."""

from __future__ import annotations

import re

from ..protocols import RpcProtocol
from ..router import ServiceSpec
from . import responses

SERVICE = ServiceSpec(
    name="actiontrail",
    protocol=RpcProtocol("actiontrail.aliyuncs.com"),
    hosts=(re.compile(r"^actiontrail(?:-vpc)?\.(?P<region>[a-z0-9-]+)\.aliyuncs\.com$"),),
    actions={
        "DescribeTrails": responses.describe_trails,
        "DescribeRegions": responses.describe_regions,
        "GetTrailStatus": responses.get_trail_status,
    },
)
