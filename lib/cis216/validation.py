"""One formatter for pydantic validation errors: one line per problem, naming where it is.

Every reader of outside input (a snapshot, the environment, an event, settings, s.yaml) reports a
`ValidationError` through `describe`, so the messages have one shape, `<source>: <path>: <message>`,
and differ only where the reader says so: how the path is written, how an unknown key is worded,
and any message of pydantic's that a user would not understand as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from pydantic import ValidationError

Loc = Sequence[str | int]

# `raw` is the verbatim input the inventory models keep, not a key of the user's document; `[key]`
# marks a bad dict key, and the path already ends with that key.
_INTERNAL = ("raw", "[key]")
# Keys printed bare in a JSON path; any other is quoted: regions['evil.com/x'].
_SIMPLE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def json_path(loc: Loc) -> str:
    """`regions.cn-hangzhou.trails[0]`, with keys that are not plain words quoted."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _SIMPLE_KEY.fullmatch(part):
            out += f"[{part!r}]"
        else:
            out += ("." if out else "") + part
    return out


def dotted_path(loc: Loc) -> str:
    """`settings.required_codes.0`: every part joined with dots."""
    return ".".join(str(part) for part in loc)


def variable_path(loc: Loc) -> str:
    """`PROFILE_SETTINGS: max_threshold`: the first part is a variable, the rest a path in its value."""
    if not loc:
        return ""
    head, *rest = loc
    return f"{head}: {dotted_path(rest)}" if rest else str(head)


def describe(
    error: ValidationError,
    source: str | None = None,
    *,
    path: Callable[[Loc], str] = json_path,
    whole: str | None = "(document)",
    unknown_field: str | Callable[[Loc], str] | None = None,
    messages: Mapping[str, str] | None = None,
    separator: str = "\n",
) -> str:
    """Each problem as `<source>: <path>: <message>`, joined by `separator`.

    `source` names the document ("snapshot", a file, "timer payload"), None leaves it out; `path`
    writes the location; `whole` names an empty location (None leaves it out); `unknown_field`
    words an extra key (a callable gets the key's location); `messages` rewords pydantic's messages
    by error type, as templates over the error's `input` and context (`{input!r} is not a boolean`).
    """
    lines = []
    for item in error.errors(include_url=False):
        loc = tuple(part for part in item["loc"] if part not in _INTERNAL)
        where = path(loc) or whole
        lines.append(
            ": ".join(part for part in (source, where, _message(item, loc, unknown_field, messages)) if part)
        )
    return separator.join(lines)


def _message(
    item: Mapping[str, object],
    loc: Loc,
    unknown_field: str | Callable[[Loc], str] | None,
    messages: Mapping[str, str] | None,
) -> str:
    kind = str(item["type"])
    if kind == "extra_forbidden" and unknown_field is not None:
        return unknown_field if isinstance(unknown_field, str) else unknown_field(loc)
    if messages and kind in messages:
        context = item.get("ctx")
        return messages[kind].format(
            input=item.get("input"), **(context if isinstance(context, dict) else {})
        )
    return str(item["msg"]).removeprefix("Value error, ")
