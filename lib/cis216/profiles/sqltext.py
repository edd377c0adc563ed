"""PostgreSQL text semantics the reference query relies on, reproduced in Python.

The reference SQL judges an alert by `ilike` patterns over `query_obj ->> 'Query'`,
`query_obj ->> 'query'` or `query_obj::text`. Parity needs the same strings and the same matching.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

# Steampipe's alicloud tables read a trail's `SlsProjectArn` with `substring(arn from '<regex>')`:
# the first match anywhere, no anchoring, nothing checked. Parity needs exactly that looseness, so
# these stay here, apart from the strict `aliyun.SlsProjectArn` everything else uses.
ARN_REGION = re.compile(r"acs:log:([^:]+):")
ARN_PROJECT = re.compile(r"project/([^/]+)")


def _jsonb_string(value: str) -> str:
    # PostgreSQL escapes only these; everything else (non-ASCII included) is written as is.
    out = ['"']
    for char in value:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\b":
            out.append("\\b")
        elif char == "\f":
            out.append("\\f")
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _jsonb_number(value: Any) -> str:
    if isinstance(value, float):
        if value == 0:
            value = 0.0  # numeric has no negative zero: '-0.0'::jsonb::text is '0.0'
        if value.is_integer() and abs(value) < 1e16:
            # jsonb keeps numeric scale: 1.0 stays "1.0"; Python already lost 1.50 -> 1.5.
            return repr(value)
        return format(Decimal(repr(value)), "f")
    return str(value)


def jsonb_text(value: Any) -> str:
    """`value::text` for a jsonb value: keys ordered by length then bytes, ', ' and ': ' separators."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _jsonb_string(value)
    if isinstance(value, (int, float)):
        return _jsonb_number(value)
    if isinstance(value, list):
        return "[" + ", ".join(jsonb_text(item) for item in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode("utf-8")), k.encode("utf-8")))
        return "{" + ", ".join(f"{_jsonb_string(k)}: {jsonb_text(value[k])}" for k in keys) + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def json_field_text(obj: Any, key: str) -> str | None:
    """`obj ->> key`: NULL unless obj is an object holding a non-null `key`; strings unquoted."""
    if not isinstance(obj, dict) or key not in obj or obj[key] is None:
        return None
    value = obj[key]
    return value if isinstance(value, str) else jsonb_text(value)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def pg_lower(value: str) -> str:
    """`lower(x)` in the C locale Steampipe's database is initialised with (initdb under LC_ALL=C):
    ASCII letters only. Python's `str.lower()` would also fold e.g. the KELVIN SIGN to 'k'."""
    return value.translate(_ASCII_LOWER)


def ilike_contains_in_order(text: str, *parts: str) -> bool:
    """`text ilike '%p1%p2%...%'` for literal parts (no `_` or `%` inside them), C locale."""
    haystack = pg_lower(text)
    position = 0
    for part in parts:
        found = haystack.find(pg_lower(part), position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def pg_trim(value: str) -> str:
    """`trim(x)` strips spaces only, not tabs or newlines."""
    return value.strip(" ")


def sql_substring(text: str, pattern: re.Pattern[str]) -> str | None:
    """`substring(text from pattern)`: the first parenthesised group of the first match, or NULL."""
    match = pattern.search(text)
    return match.group(1) if match else None


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
