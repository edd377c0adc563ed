"""The emulator's POP SLS DescribeApp, seeded from an organisation snapshot's `log_audit`: the
central account sees its configuration, any other account AppNotExist."""

from __future__ import annotations

import json

from cis216.adapters import logaudit
from cis216.adapters.credentials import Credentials
from cis216.emulator import DEFAULT_CREDENTIALS, EmulatedCloud
from cis216.emulator.credentials import Credentials as Key
from tests.org_builders import LOG_ARCHIVE, MANAGEMENT, organization

TIMEOUT = 5.0


def test_the_central_account_sees_its_configuration_and_no_other_account_does():
    document = organization()
    document["organization"]["log_audit"] = {
        "central_account_id": MANAGEMENT,
        "region": "cn-hangzhou",
        "type": "custom",
        "members": [LOG_ARCHIVE],
        "actiontrail_enabled": False,
    }
    other = Key("EMUotheraccount00001", "other-secret", account_id=LOG_ARCHIVE)
    cloud = EmulatedCloud(credentials=[DEFAULT_CREDENTIALS, other])
    cloud.seed_organization(document)
    app = cloud.slsapp.app(MANAGEMENT, "audit")
    assert app is not None
    param = json.loads(app.config)["initParam"]
    # As Terraform's provider writes it: the scope a JSON text inside the JSON text.
    assert json.loads(param["resource_directory"]) == {"type": "custom", "multi_account": [LOG_ARCHIVE]}
    assert param["actiontrail_enabled"] == "false"
    with cloud:
        own = Credentials(DEFAULT_CREDENTIALS.access_key_id, DEFAULT_CREDENTIALS.access_key_secret, None, "t")
        found = logaudit.describe_app(own, "cn-hangzhou", MANAGEMENT, TIMEOUT)
        theirs = Credentials(other.access_key_id, other.access_key_secret, None, "t")
        assert logaudit.describe_app(theirs, "cn-hangzhou", LOG_ARCHIVE, TIMEOUT) is None
    assert found is not None and found.members == {LOG_ARCHIVE} and not found.actiontrail_enabled
