"""Function Compute entry points (s.yaml: `handler.index.handler`, initializer `handler.index.initialize`).

Kept to a delegation on purpose: FC imports this module on every cold start, so cis216, pydantic and
the SDKs are imported on the first call, not here. The package is found through s.yaml's
`PYTHONPATH` (/code/python:/code/lib), and locally through the installed package (pip install -e .).
"""


def initialize(context):
    from cis216.shell.fc import initialize

    initialize(context)


def handler(event, context):
    from cis216.shell.fc import handler

    return handler(event, context)
