"""Function Compute's entry points, called by handler/index.py (s.yaml names those).

`handler(event, context)` runs the scan and returns its summary as JSON text; it raises (FC marks the
invocation failed, and retries asynchronous ones) when the configuration or event is invalid,
credentials are missing, or findings cannot be written. The error is redacted and logged by
`scan.run` before it leaves. `initialize(context)` is the FC initializer.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from . import logs
from .config import load_config
from .org import entry

log = logs.get(__name__)

# What the first invocation would import anyway: the initializer pays it before the first event.
SDK_MODULES = ("alibabacloud_actiontrail20200706.client", "aliyun.log")


def handler(event: Any, context: Any) -> str:
    # MODE=account: scan.run, as always; otherwise the organisation coordinator or worker.
    return entry.answer(entry.run(event, context, os.environ))


def initialize(context: Any) -> None:
    """Validate the configuration and import the SDKs before the first event."""
    logs.LOGGER.append_keys(request_id=getattr(context, "request_id", None))
    config = load_config(os.environ)
    logs.LOGGER.configure(config.log_level)
    for module in SDK_MODULES:
        importlib.import_module(module)
    log.info("initialized", extra={"profile": config.profile, "findings_region": config.findings_region})
