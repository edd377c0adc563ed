"""Function Compute entry points: `handler(event, context)` and the initializer `initialize(context)`.

Thin on purpose (cold start): everything, SDKs included, is imported when first needed.
The event arrives as bytes: a timer event, or a direct invocation (see cis216/shell/events.py).
Returns the scan summary as JSON text; raises (FC marks the invocation failed, and retries
asynchronous ones) when the configuration or event is invalid or findings cannot be written.
"""

import json
import os
import sys

# The package lives in ../lib when the function's code is this repository (not pip-installed).
_LIB = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib")
if os.path.isdir(os.path.join(_LIB, "cis216")) and _LIB not in sys.path:
    sys.path.insert(0, _LIB)


def initialize(context):
    from cis216.shell.scan import initialize as _initialize

    _initialize(context)


def handler(event, context):
    from cis216.shell.scan import handle

    return json.dumps(handle(event, context), ensure_ascii=False, sort_keys=True)
