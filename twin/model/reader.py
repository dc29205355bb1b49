"""The line-aware reader that turns YAML mappings into checked values.

Shared by the sections of a layout file (and by catalog files): each check
stops at the first problem and raises a LayoutError naming file, line and field.
"""
from __future__ import annotations

import difflib
from typing import Any, Optional

from twin.model import schema
from twin.model.errors import LayoutError
from twin.model.schema import Key, show
from twin.model.yamlio import YMap, YSeq


def suggest(key: str, known: list[str]) -> str:
    """`unknown key "x"` plus the nearest known key, or the list of known keys."""
    near = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.6)
    if near:
        return f'unknown key "{key}"; did you mean "{near[0]}"?'
    return f'unknown key "{key}"; known keys here: {", ".join(known)}'


def kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return show(value)


class Reader:
    """Walks one document, raising LayoutError at the first bad value."""

    def __init__(self, path: Optional[str]):
        self.path = path
        self.lines: dict[str, int] = {}

    def fail(self, line: Optional[int], field: str, message: str) -> LayoutError:
        return LayoutError(self.path, line, field, message)

    def mapping(self, value: Any, line: int, field: str, what: str) -> YMap:
        if not isinstance(value, YMap):
            raise self.fail(line, field, f"must be a mapping of {what} (got {kind_of(value)})")
        self.lines.setdefault(field, value.line)
        return value

    def sequence(self, value: Any, line: int, field: str, what: str) -> YSeq:
        if value is None:
            return YSeq(line)
        if not isinstance(value, YSeq):
            raise self.fail(line, field, f"must be a list of {what} (got {kind_of(value)})")
        return value

    def no_unknown(self, m: YMap, keys: tuple[Key, ...], field: str) -> None:
        known = schema.names(keys)
        for key in m:
            if key not in known:
                raise self.fail(m.key_lines[key], join(field, key), suggest(key, known))

    def values(self, m: YMap, keys: tuple[Key, ...], field: str) -> dict[str, Any]:
        """Check and convert the plain-valued keys of one mapping; attr -> value."""
        self.no_unknown(m, keys, field)
        out: dict[str, Any] = {}
        for key in keys:
            if key.kind is None:
                continue
            sub = join(field, key.name)
            value = m.get(key.name)
            if value is None and not key.required:
                if key.default is not None:
                    out[key.attribute] = key.default
                continue
            if key.name not in m:
                raise self.fail(m.line, sub, f'missing required key "{key.name}"')
            line = m.value_lines[key.name]
            self.lines[sub] = line
            if isinstance(value, YSeq):      # items of flow or block lists keep their lines
                for index, item_line in enumerate(value.item_lines):
                    self.lines[f"{sub}[{index}]"] = item_line
            bad = key.kind.problem(value)
            if bad is not None:
                suffix, message = bad
                if suffix and isinstance(value, YSeq):
                    line = value.item_lines[int(suffix[1:suffix.index("]")])]
                raise self.fail(line, sub + suffix, message)
            out[key.attribute] = key.kind.convert(value)
        return out


def join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def items(r: Reader, m: YMap, key: str, parent: str, what: str):
    """Yield (field, line, mapping) for each item of the list `m[key]`; fields are
    `parent.key[i]` (or `key[i]` at the top level)."""
    name = join(parent, key)
    seq = r.sequence(m.get(key), m.value_lines.get(key, m.line), name, what)
    if key in m.key_lines:
        r.lines[name] = m.key_lines[key]
    for index, item in enumerate(seq):
        field, line = f"{name}[{index}]", seq.item_lines[index]
        r.lines[field] = line
        yield field, line, r.mapping(item, line, field, "keys")
