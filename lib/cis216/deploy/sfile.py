"""Reading a Serverless Devs `s.yaml` and resolving its `${...}` expressions the way `s` would.

Only what this project's s.yaml uses is understood: `${vars.a.b}`, `${env('NAME')}` /
`${env('NAME', 'default')}` and `${config('AccountID')}`. Anything else is an error, so an
expression we cannot check is never passed along as a literal string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

# What `${config('AccountID')}` stands for when validating: no real account is known offline.
PLACEHOLDER_ACCOUNT_ID = "1234567890123456"

_EXPR = re.compile(r"\$\{([^{}]*)\}")
_VARS = re.compile(r"^vars\.([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)$")
_ENV = re.compile(r"""^env\(\s*['"]([A-Za-z_]\w*)['"]\s*(?:,\s*['"]([^'"]*)['"]\s*)?\)$""")
_CONFIG = re.compile(r"""^config\(\s*['"](AccountID|AccessKeyID)['"]\s*\)$""")


class SFileError(ValueError):
    """An s.yaml that cannot be read or resolved; the message names the path inside the file."""


def load_s_yaml(path: str | Path) -> dict[str, Any]:
    text = Path(path).read_text(encoding="utf-8")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SFileError(f"{path}: not YAML: {error}") from None
    if not isinstance(document, dict):
        raise SFileError(f"{path}: expected a mapping at the top level")
    return document


def _lookup(variables: Mapping[str, Any], dotted: str, where: str) -> Any:
    value: Any = variables
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            raise SFileError(f"{where}: ${{vars.{dotted}}} is not defined in the vars block")
        value = value[part]
    return value


def _resolve_expression(
    expr: str,
    variables: Mapping[str, Any],
    environ: Mapping[str, str],
    config: Mapping[str, str],
    where: str,
    depth: int,
) -> Any:
    expr = expr.strip()
    match = _VARS.match(expr)
    if match:
        value = _lookup(variables, match.group(1), where)
        return _resolve(value, variables, environ, config, where, depth + 1)
    match = _ENV.match(expr)
    if match:
        name, default = match.group(1), match.group(2)
        if name in environ:
            return environ[name]
        if default is None:
            raise SFileError(f"{where}: ${{env('{name}')}} has no default and {name} is not set")
        return default
    match = _CONFIG.match(expr)
    if match:
        key = match.group(1)
        if key not in config:
            raise SFileError(f"{where}: ${{config('{key}')}} is not known offline")
        return config[key]
    raise SFileError(f"{where}: unsupported expression ${{{expr}}}")


def _resolve(
    value: Any,
    variables: Mapping[str, Any],
    environ: Mapping[str, str],
    config: Mapping[str, str],
    where: str,
    depth: int = 0,
) -> Any:
    if depth > 10:
        raise SFileError(f"{where}: ${{vars...}} references nest too deep (a cycle?)")
    if isinstance(value, dict):
        return {k: _resolve(v, variables, environ, config, f"{where}.{k}", depth) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, variables, environ, config, f"{where}[{i}]", depth) for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value
    whole = _EXPR.fullmatch(value.strip())
    if whole:  # the whole string is one expression: keep the referenced value's type
        return _resolve_expression(whole.group(1), variables, environ, config, where, depth)

    def substitute(match: re.Match[str]) -> str:
        resolved = _resolve_expression(match.group(1), variables, environ, config, where, depth)
        if isinstance(resolved, (dict, list)):
            raise SFileError(f"{where}: ${{{match.group(1)}}} is not a scalar but is used inside a string")
        if isinstance(resolved, bool):
            return "true" if resolved else "false"
        return str(resolved)

    out = _EXPR.sub(substitute, value)
    if "${" in out:
        raise SFileError(f"{where}: unresolved expression left in {out!r}")
    return out


def resolve(
    document: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    config: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The document with every `${...}` replaced (the vars block itself included).

    `environ` defaults to an empty mapping (so the defaults written in s.yaml are what is checked,
    not whatever the developer's shell holds); `config` defaults to a placeholder account id.
    """
    environ = {} if environ is None else environ
    config = {"AccountID": PLACEHOLDER_ACCOUNT_ID} if config is None else config
    variables = document.get("vars") or {}
    if not isinstance(variables, Mapping):
        raise SFileError("vars: expected a mapping")
    resolved: dict[str, Any] = _resolve(dict(document), variables, environ, config, "s.yaml")
    return resolved
