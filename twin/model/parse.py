"""Turns the line-aware YAML tree into `Layout` dataclasses, checking as it goes.

Checks here are per value (structure, unknown and missing keys, types,
ranges, enums) and stop at the first problem, since later values are often
meaningless after one is wrong. Whole-layout checks live in `checks.py`.
"""
from __future__ import annotations

from typing import Any, Optional

from twin.model import (parse_liquid, parse_network, parse_power, parse_telemetry, parse_v2,
                        scenarios, schema)
from twin.model.checks_v2 import format2_fields
from twin.model.layout import Air, Layout, Room, TileArea
from twin.model.reader import Reader as _Reader, items, kind_of
from twin.model.schema import FORMAT_VERSION, show
from twin.model.yamlio import YMap

BASE_VERSION = 1     # what a new file says unless it uses a format-2 section


def _version(r: _Reader, doc: YMap) -> int:
    """Refuse a missing, malformed or newer format version before anything else."""
    if "dctwin" not in doc:
        raise r.fail(doc.line, "dctwin", 'missing required key "dctwin" '
                     f'(the format version; start the file with "dctwin: {BASE_VERSION}")')
    value, line = doc["dctwin"], doc.value_lines["dctwin"]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise r.fail(line, "dctwin", f"must be an integer format version such as "
                     f"{BASE_VERSION} (got {show(value)})")
    if value > FORMAT_VERSION:
        raise r.fail(line, "dctwin", f"this file uses layout format version {value}, but this "
                     f"program reads only up to version {FORMAT_VERSION}; update dctwin to open it")
    r.lines["dctwin"] = line
    return value


def _items(r: _Reader, doc: YMap, key: str, what: str):
    """Yield (field, line, mapping) for each item of a top-level list section."""
    return items(r, doc, key, "", what)


def _tile(r: _Reader, item: YMap, field: str) -> TileArea:
    extras = r.values(item, schema.TILE_KEYS, field)
    sub = f"{field}.area_m"
    if "area_m" not in item:
        raise r.fail(item.line, sub, 'missing required key "area_m" (e.g. {x: [2.4, 6.0], y: [3.0, 4.2]})')
    area = r.mapping(item["area_m"], item.value_lines["area_m"], sub, "x and y extents")
    return TileArea(**r.values(area, schema.AREA_KEYS, sub), **extras)


def build_layout(doc: Any, path: Optional[str]) -> tuple[Layout, dict[str, int]]:
    """The Layout for one composed document, and the line of every field path."""
    r = _Reader(path)
    if doc is None:
        raise r.fail(1, "", f'the file is empty; a layout starts with "dctwin: {BASE_VERSION}"')
    if not isinstance(doc, YMap):
        raise r.fail(getattr(doc, "line", 1), "", "must be a mapping with keys dctwin, room, "
                     f"racks, ... (got {kind_of(doc)})")
    version = _version(r, doc)
    top = r.values(doc, schema.TOP_KEYS, "")
    if "room" not in doc:
        raise r.fail(doc.line, "room", 'missing required key "room" (e.g. room: {size_m: [10.8, 7.2, 3.0]})')
    room_map = r.mapping(doc["room"], doc.value_lines["room"], "room", "size_m and tile_m")
    room = Room(**r.values(room_map, schema.ROOM_KEYS, "room"))
    room.raised_floor = parse_v2.raised_floor(r, room_map)
    air = Air()
    if doc.get("air") is not None:
        air_map = r.mapping(doc["air"], doc.value_lines["air"], "air", "density_kgm3 and cp_jkgk")
        air = Air(**r.values(air_map, schema.AIR_KEYS, "air"))
    units = [parse_v2.unit(r, m, f) for f, _, m in _items(r, doc, "cooling_units", "cooling units")]
    tiles = [_tile(r, m, f) for f, _, m in _items(r, doc, "tiles", "tile areas")]
    own_types = parse_power.equipment_types(r, doc)
    types = parse_power.catalog(own_types)
    racks = [parse_v2.rack_extras(r, m, f, parse_power.rack(r, m, f, types))
             for f, _, m in _items(r, doc, "racks", "racks")]
    layout = Layout(room=room, name=top.get("name", ""), air=air, cooling_units=units,
                    tiles=tiles, racks=racks, ashrae_class=top.get("ashrae_class", "A1"),
                    version=version, equipment_types=own_types, power=parse_power.power(r, doc))
    layout.scenarios = scenarios.parse(r, doc)
    layout.telemetry = parse_telemetry.telemetry(r, doc)
    layout.network = parse_network.network(r, doc, version)
    layout.liquid = parse_liquid.liquid(r, doc, version)
    layout.obstacles = parse_v2.obstacles(r, doc)
    layout.containment = parse_v2.containment(r, doc)
    layout.sensors = parse_v2.sensors(r, doc)
    _require_version(r, layout)
    return layout, r.lines


def _require_version(r: _Reader, layout: Layout) -> None:
    """A file that uses a format-2 key must say so (older programs would misread it)."""
    for field, version in format2_fields(layout):
        if layout.version < version:
            line = r.lines.get(field)
            raise r.fail(line, field, f"is a layout format {version} key, but the file says "
                         f'"dctwin: {layout.version}"; change the first line to "dctwin: {version}"')
