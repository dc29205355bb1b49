"""Turns the line-aware YAML tree into `Layout` dataclasses, checking as it goes.

Checks here are per value (structure, unknown and missing keys, types,
ranges, enums) and stop at the first problem, since later values are often
meaningless after one is wrong. Whole-layout checks live in `checks.py`.
"""
from __future__ import annotations

import difflib
from typing import Any, Optional

from twin.model import schema
from twin.model.errors import LayoutError
from twin.model.layout import Air, CoolingUnit, Layout, Rack, Room, TileArea
from twin.model.schema import FORMAT_VERSION, Key, show
from twin.model.yamlio import YMap, YSeq


def suggest(key: str, known: list[str]) -> str:
    """`unknown key "x"` plus the nearest known key, or the list of known keys."""
    near = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.6)
    if near:
        return f'unknown key "{key}"; did you mean "{near[0]}"?'
    return f'unknown key "{key}"; known keys here: {", ".join(known)}'


def _kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return show(value)


class _Reader:
    """Walks one document, raising LayoutError at the first bad value."""

    def __init__(self, path: Optional[str]):
        self.path = path
        self.lines: dict[str, int] = {}

    def fail(self, line: Optional[int], field: str, message: str) -> LayoutError:
        return LayoutError(self.path, line, field, message)

    def mapping(self, value: Any, line: int, field: str, what: str) -> YMap:
        if not isinstance(value, YMap):
            raise self.fail(line, field, f"must be a mapping of {what} (got {_kind_of(value)})")
        self.lines.setdefault(field, value.line)
        return value

    def sequence(self, value: Any, line: int, field: str, what: str) -> YSeq:
        if value is None:
            return YSeq(line)
        if not isinstance(value, YSeq):
            raise self.fail(line, field, f"must be a list of {what} (got {_kind_of(value)})")
        return value

    def no_unknown(self, m: YMap, keys: tuple[Key, ...], field: str) -> None:
        known = schema.names(keys)
        for key in m:
            if key not in known:
                raise self.fail(m.key_lines[key], _join(field, key), suggest(key, known))

    def values(self, m: YMap, keys: tuple[Key, ...], field: str) -> dict[str, Any]:
        """Check and convert the plain-valued keys of one mapping; attr -> value."""
        self.no_unknown(m, keys, field)
        out: dict[str, Any] = {}
        for key in keys:
            if key.kind is None:
                continue
            sub = _join(field, key.name)
            value = m.get(key.name)
            if value is None and not key.required:
                if key.default is not None:
                    out[key.attribute] = key.default
                continue
            if key.name not in m:
                raise self.fail(m.line, sub, f'missing required key "{key.name}"')
            line = m.value_lines[key.name]
            self.lines[sub] = line
            bad = key.kind.problem(value)
            if bad is not None:
                suffix, message = bad
                if suffix and isinstance(value, YSeq):
                    line = value.item_lines[int(suffix[1:-1])]
                raise self.fail(line, sub + suffix, message)
            out[key.attribute] = key.kind.convert(value)
        return out


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def _version(r: _Reader, doc: YMap) -> int:
    """Refuse a missing, malformed or newer format version before anything else."""
    if "dctwin" not in doc:
        raise r.fail(doc.line, "dctwin", 'missing required key "dctwin" '
                     f'(the format version; start the file with "dctwin: {FORMAT_VERSION}")')
    value, line = doc["dctwin"], doc.value_lines["dctwin"]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise r.fail(line, "dctwin", f"must be an integer format version such as "
                     f"{FORMAT_VERSION} (got {show(value)})")
    if value > FORMAT_VERSION:
        raise r.fail(line, "dctwin", f"this file uses layout format version {value}, but this "
                     f"program reads only up to version {FORMAT_VERSION}; update dctwin to open it")
    r.lines["dctwin"] = line
    return value


def _items(r: _Reader, doc: YMap, key: str, what: str):
    """Yield (field, line, mapping) for each item of a top-level list section."""
    seq = r.sequence(doc.get(key), doc.value_lines.get(key, doc.line), key, what)
    if key in doc.key_lines:
        r.lines[key] = doc.key_lines[key]
    for index, item in enumerate(seq):
        field, line = f"{key}[{index}]", seq.item_lines[index]
        r.lines[field] = line
        yield field, line, r.mapping(item, line, field, "keys")


def _tile(r: _Reader, item: YMap, field: str) -> TileArea:
    r.values(item, schema.TILE_KEYS, field)
    sub = f"{field}.area_m"
    if "area_m" not in item:
        raise r.fail(item.line, sub, 'missing required key "area_m" (e.g. {x: [2.4, 6.0], y: [3.0, 4.2]})')
    area = r.mapping(item["area_m"], item.value_lines["area_m"], sub, "x and y extents")
    return TileArea(**r.values(area, schema.AREA_KEYS, sub))


def build_layout(doc: Any, path: Optional[str]) -> tuple[Layout, dict[str, int]]:
    """The Layout for one composed document, and the line of every field path."""
    r = _Reader(path)
    if doc is None:
        raise r.fail(1, "", f'the file is empty; a layout starts with "dctwin: {FORMAT_VERSION}"')
    if not isinstance(doc, YMap):
        raise r.fail(getattr(doc, "line", 1), "", "must be a mapping with keys dctwin, room, "
                     f"racks, ... (got {_kind_of(doc)})")
    version = _version(r, doc)
    top = r.values(doc, schema.TOP_KEYS, "")
    if "room" not in doc:
        raise r.fail(doc.line, "room", 'missing required key "room" (e.g. room: {size_m: [10.8, 7.2, 3.0]})')
    room_map = r.mapping(doc["room"], doc.value_lines["room"], "room", "size_m and tile_m")
    room = Room(**r.values(room_map, schema.ROOM_KEYS, "room"))
    air = Air()
    if doc.get("air") is not None:
        air_map = r.mapping(doc["air"], doc.value_lines["air"], "air", "density_kgm3 and cp_jkgk")
        air = Air(**r.values(air_map, schema.AIR_KEYS, "air"))
    units = [CoolingUnit(**r.values(m, schema.UNIT_KEYS, f))
             for f, _, m in _items(r, doc, "cooling_units", "cooling units")]
    tiles = [_tile(r, m, f) for f, _, m in _items(r, doc, "tiles", "tile areas")]
    racks = [Rack(**r.values(m, schema.RACK_KEYS, f)) for f, _, m in _items(r, doc, "racks", "racks")]
    layout = Layout(room=room, name=top.get("name", ""), air=air, cooling_units=units,
                    tiles=tiles, racks=racks, ashrae_class=top.get("ashrae_class", "A1"),
                    version=version)
    return layout, r.lines
