"""How a logstore's index tokenises each field: built from a GetIndex answer, or SLS defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# SLS default delimiters. `.` `-` `_` `*` are NOT among them: `Forbidden.RAM` is one token.
DEFAULT_DELIMITERS: frozenset[str] = frozenset(", '\";=()[]{}?@&<>/:\n\t\r")

SOURCE_LOGSTORE = "logstore index"
SOURCE_DEFAULTS = "SLS defaults"

# Some serialisations spell control characters as two-character escapes.
_ESCAPED = {"\\n": "\n", "\\t": "\t", "\\r": "\r"}


@dataclass(frozen=True)
class FieldIndex:
    """Index settings for one field (or the full-text ``line`` index)."""

    type: str = "text"  # text | long | double | json
    delimiters: frozenset[str] = DEFAULT_DELIMITERS
    case_sensitive: bool = False


def _delimiters(tokens: Any) -> frozenset[str]:
    if tokens is None:
        return DEFAULT_DELIMITERS
    out: set[str] = set()
    if isinstance(tokens, str):
        tokens = [tokens]
    for item in tokens:
        if not isinstance(item, str):
            continue
        if item in _ESCAPED:
            out.add(_ESCAPED[item])
        else:
            out.update(item)
    return frozenset(out)


def _field_index(d: dict[str, Any], parent: FieldIndex | None = None) -> FieldIndex:
    base = parent or FieldIndex()
    return FieldIndex(
        type=str(d.get("type") or "text").lower(),
        delimiters=_delimiters(d["token"]) if "token" in d else base.delimiters,
        case_sensitive=bool(d["caseSensitive"]) if "caseSensitive" in d else base.case_sensitive,
    )


@dataclass(frozen=True)
class _JsonKey:
    index: FieldIndex
    sub_keys: dict[str, FieldIndex]
    index_all: bool
    max_depth: int


@dataclass(frozen=True)
class IndexConfig:
    """Tokenisation and searchability of fields.

    ``source`` says where the settings came from (``'logstore index'`` or ``'SLS defaults'``)
    so findings can state it as evidence. With defaults every field is indexed as text; with a
    real index, a field not covered by it cannot be field-searched (such a search matches
    nothing in SLS).
    """

    line: FieldIndex | None = FieldIndex()
    keys: dict[str, FieldIndex] = field(default_factory=dict)
    json_keys: dict[str, _JsonKey] = field(default_factory=dict)
    line_include: frozenset[str] | None = None
    line_exclude: frozenset[str] = frozenset()
    is_default: bool = True
    source: str = SOURCE_DEFAULTS

    @classmethod
    def default(cls) -> IndexConfig:
        return cls()

    @classmethod
    def from_get_index(cls, d: dict[str, Any] | None) -> IndexConfig:
        """Build from a GetIndex answer; None, ``{}`` or a non-dict give the defaults.

        (SLS answers GetIndex with an error when a logstore has no index, so an empty dict
        carries no information: it is treated as "index unknown", not "nothing indexed".)
        """
        if not isinstance(d, dict) or not (d.get("line") or d.get("keys")):
            return cls.default()
        line = d.get("line")
        line_idx = _field_index(line) if isinstance(line, dict) else None
        include = exclude = None
        if isinstance(line, dict):
            if line.get("include_keys"):
                include = frozenset(line["include_keys"])
            if line.get("exclude_keys"):
                exclude = frozenset(line["exclude_keys"])
        keys: dict[str, FieldIndex] = {}
        json_keys: dict[str, _JsonKey] = {}
        for name, spec in (d.get("keys") or {}).items():
            if not isinstance(spec, dict):
                continue
            idx = _field_index(spec)
            keys[name] = idx
            if idx.type == "json":
                subs = {}
                for sub, sub_spec in (spec.get("json_keys") or {}).items():
                    sub_spec = sub_spec if isinstance(sub_spec, dict) else {}
                    # JSON leaves inherit the parent's delimiters and case setting.
                    subs[sub] = FieldIndex(
                        type=str(sub_spec.get("type") or "text").lower(),
                        delimiters=idx.delimiters,
                        case_sensitive=idx.case_sensitive,
                    )
                max_depth = spec.get("max_depth")
                json_keys[name] = _JsonKey(
                    index=idx,
                    sub_keys=subs,
                    # Undocumented default when absent: the console creates JSON indexes with
                    # "index all text leaves" on, so we assume True (and say so in the docs).
                    index_all=bool(spec.get("index_all", True)),
                    max_depth=int(max_depth) if isinstance(max_depth, int) else -1,
                )
        return cls(
            line=line_idx,
            keys=keys,
            json_keys=json_keys,
            line_include=include,
            line_exclude=exclude or frozenset(),
            is_default=False,
            source=SOURCE_LOGSTORE,
        )

    # -- lookups ---------------------------------------------------------------------------
    def field_index(self, name: str) -> FieldIndex | None:
        """Settings used for ``name: value``; None when the field is not indexed.

        Field names are matched case-sensitively (see docs/slsquery.md).
        """
        if self.is_default:
            return FieldIndex(delimiters=self.line.delimiters if self.line else DEFAULT_DELIMITERS)
        if name in self.keys:
            return self.keys[name]
        # JSON sub-key: longest json parent that prefixes the dotted path.
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            parent = ".".join(parts[:cut])
            jk = self.json_keys.get(parent)
            if jk is None:
                continue
            rest = ".".join(parts[cut:])
            if rest in jk.sub_keys:
                return jk.sub_keys[rest]
            depth = len(parts) - cut
            if jk.index_all and (jk.max_depth <= 0 or depth <= jk.max_depth):
                return FieldIndex("text", jk.index.delimiters, jk.index.case_sensitive)
            return None
        return None

    def is_indexed(self, name: str) -> bool:
        return self.field_index(name) is not None

    def full_text_index(self, name: str) -> FieldIndex | None:
        """Settings used when a bare term is searched in field ``name``; None if not searched.

        A field index takes precedence over the full-text index for its field; without a
        full-text (``line``) index, bare terms search only text-type field indexes.
        """
        own = self.field_index(name)
        if own is not None and own.type in ("text", "json"):
            return own
        if self.line is None:
            return None
        top = name.split(".", 1)[0]
        if self.line_include is not None and name not in self.line_include and top not in self.line_include:
            return None
        if name in self.line_exclude or top in self.line_exclude:
            return None
        return self.line
