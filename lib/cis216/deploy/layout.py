"""The two ways s.yaml's `code` can be built, and where FC finds the handler and the package in each.

FC unpacks the code into /code and resolves a Python handler `file.method` from there; a folder
of the code reaches the import path through `PYTHONPATH`.

* `ZIP` (s.yaml as committed): `code: dist/cis216-fc.zip`, built by `make package` without Docker
  (package.py): index.py at the root, the package and its dependencies under python/.
* `SOURCE` (the alternative, docs/deployment.md): `code: ./`, the repository minus .fcignore, with
  `fc3 build` installing requirements.txt into ./python inside the runtime's image (Docker).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CODE_ROOT = "/code"
PACKAGE_PATH = "dist/cis216-fc.zip"
PYTHON_DIR = "python"
HANDLER_MODULE = "index"


@dataclass(frozen=True)
class CodeLayout:
    name: str
    handler_module: str
    # The folders of the code package the import path needs, as FC sees them.
    pythonpath: tuple[str, ...]
    # The pre-deploy step that produces `code`, as an error message names it.
    build_step: str

    @property
    def handler(self) -> str:
        return f"{self.handler_module}.handler"

    @property
    def initializer(self) -> str:
        return f"{self.handler_module}.initialize"


ZIP = CodeLayout(
    name=f"the code package {PACKAGE_PATH} (`make package`)",
    handler_module=HANDLER_MODULE,
    pythonpath=(f"{CODE_ROOT}/{PYTHON_DIR}",),
    build_step="`run: make package`",
)
SOURCE = CodeLayout(
    name="the repository root built by `fc3 build`",
    handler_module="handler.index",
    pythonpath=(f"{CODE_ROOT}/python", f"{CODE_ROOT}/lib"),
    build_step="`component: fc3 build`, or `run:` pip install -t ./python -r requirements.txt",
)
_PACKAGE_COMMAND = re.compile(
    r"^\s*(?:make\s+(?:\S+=\S+\s+)*package|\S*python\S*\s+-m\s+cis216\.deploy\.package)(?:\s|$)"
)


def layout_of(code: str) -> CodeLayout:
    """The layout s.yaml's `code` value means; ValueError for anything else."""
    if code.removeprefix("./") == PACKAGE_PATH:
        return ZIP
    if code.startswith(("/", "..")) or code.endswith(".zip"):
        raise ValueError(
            f"code {code!r}: either {PACKAGE_PATH} (built by `make package`) or a directory inside "
            "the project such as './' (built by `fc3 build`)"
        )
    return SOURCE


def is_package_command(command: str) -> bool:
    """Whether a `run:` action builds the code package (`make package`)."""
    return _PACKAGE_COMMAND.match(command) is not None
