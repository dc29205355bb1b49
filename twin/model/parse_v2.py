"""Reading the format-2 keys: obstacles, containment, in-row units, air zones, rear doors,
sensors, the raised floor.

Same reader as format 1: the first bad value stops with `file:line: field: message`.
"""
from __future__ import annotations

from typing import Optional

from twin.model import schema, schema_v2 as keys
from twin.model.layout import CoolingUnit, Rack
from twin.model.objects import (Aisle, Box, Containment, FaceZone, Obstacle, RaisedFloor, RearDoor,
                                Sensor)
from twin.model.reader import Reader, items
from twin.model.yamlio import YMap

BOX_EXAMPLE = "{x: [2.5, 2.75], y: [0, 4.8], z: [2.65, 3.0]}"
ZONE_EXAMPLE = "{z: [0.3, 1.77], width_m: 0.45}"


def _sub(r: Reader, m: YMap, key: str, field: str, what: str) -> Optional[YMap]:
    """The sub-mapping `m[key]` (None when absent), checked to be a mapping."""
    if m.get(key) is None:
        return None
    return r.mapping(m[key], m.value_lines[key], f"{field}.{key}", what)


def box(r: Reader, m: YMap, key: str, field: str) -> Box:
    sub = _sub(r, m, key, field, f"x, y and z extents such as {BOX_EXAMPLE}")
    if sub is None:
        raise r.fail(m.line, f"{field}.{key}", f'missing required key "{key}" (e.g. {BOX_EXAMPLE})')
    return Box(**r.values(sub, keys.BOX_KEYS, f"{field}.{key}"))


def zone(r: Reader, m: YMap, key: str, field: str) -> Optional[FaceZone]:
    sub = _sub(r, m, key, field, f"z and width_m such as {ZONE_EXAMPLE}")
    return None if sub is None else FaceZone(**r.values(sub, keys.ZONE_KEYS, f"{field}.{key}"))


def unit(r: Reader, m: YMap, field: str) -> CoolingUnit:
    out = CoolingUnit(**r.values(m, schema.UNIT_KEYS, field))
    out.supply_zone_m = zone(r, m, "supply_zone_m", field)
    return out


def rack_extras(r: Reader, m: YMap, field: str, rack: Rack) -> Rack:
    """Add a rack's air zone and rear door (format 2) to the rack read by format 1 rules."""
    rack.air_zone_m = zone(r, m, "air_zone_m", field)
    door = _sub(r, m, "rear_door", field, "capacity_kw, water_supply_c and approach_k")
    if door is not None:
        rack.rear_door = RearDoor(**r.values(door, keys.DOOR_KEYS, f"{field}.rear_door"))
    return rack


def obstacles(r: Reader, doc: YMap) -> list[Obstacle]:
    out = []
    for f, _, m in items(r, doc, "obstacles", "", "obstacles"):
        values = r.values(m, keys.OBSTACLE_KEYS, f)
        out.append(Obstacle(box_m=box(r, m, "box_m", f), **values))
    return out


def containment(r: Reader, doc: YMap) -> list[Containment]:
    out = []
    for f, _, m in items(r, doc, "containment", "", "contained aisles"):
        values = r.values(m, keys.CONTAINMENT_KEYS, f)
        sub = _sub(r, m, "aisle_m", f, "x and y extents such as {x: [1.5, 6.3], y: [2.4, 3.6]}")
        if sub is None:
            raise r.fail(m.line, f"{f}.aisle_m", 'missing required key "aisle_m" '
                         "(e.g. {x: [1.5, 6.3], y: [2.4, 3.6]})")
        out.append(Containment(aisle_m=Aisle(**r.values(sub, schema.AREA_KEYS, f"{f}.aisle_m")),
                               **values))
    return out


def sensors(r: Reader, doc: YMap) -> list[Sensor]:
    return [Sensor(**r.values(m, keys.SENSOR_KEYS, f))
            for f, _, m in items(r, doc, "sensors", "", "sensors")]


def raised_floor(r: Reader, room: YMap) -> Optional[RaisedFloor]:
    """`room.raised_floor: {height_m: 0.6}`: the plenum under the floor (None without one)."""
    sub = _sub(r, room, "raised_floor", "room", "height_m such as {height_m: 0.6}")
    if sub is None:
        return None
    return RaisedFloor(**r.values(sub, keys.RAISED_FLOOR_KEYS, "room.raised_floor"))
