"""Resource Directory endpoint: resourcemanager.aliyuncs.com (the SDK's `central` rule, every region)."""

from __future__ import annotations

import re

from ..protocols import RpcProtocol
from ..router import ServiceSpec
from . import responses

SERVICE = ServiceSpec(
    name="resourcemanager",
    protocol=RpcProtocol("resourcemanager.aliyuncs.com"),
    hosts=(re.compile(r"^resourcemanager(?:-vpc)?(?:\.(?P<region>[a-z]{2}-[a-z0-9-]+))?\.aliyuncs\.com$"),),
    actions={
        "ListAccounts": responses.list_accounts,
        "ListAccountsForParent": responses.list_accounts_for_parent,
        "GetResourceDirectory": responses.get_resource_directory,
        "GetAccount": responses.get_account,
    },
    default_region="cn-hangzhou",
)
