"""Writing the format-2 keys, in key-table order; nothing is written for a format-1 layout."""
from __future__ import annotations

from typing import Any, Optional

from twin.model import dump, schema, schema_v2 as keys


def _flow_map(obj: Any, table: tuple) -> str:
    """A flow mapping on one line: `{z: [0.3, 1.77], width_m: 0.45}`."""
    parts = [f"{k.name}: {dump._value(k, getattr(obj, k.attribute))}" for k in table
             if getattr(obj, k.attribute) is not None]
    return "{" + ", ".join(parts) + "}"


def _sub(name: str, obj: Optional[Any], table: tuple, indent: str = "    ") -> list[str]:
    return [] if obj is None else [f"{indent}{name}: {_flow_map(obj, table)}"]


def room_lines(room: Any) -> list[str]:
    """The room's raised floor (nothing without one)."""
    return _sub("raised_floor", room.raised_floor, keys.RAISED_FLOOR_KEYS, indent="  ")


def unit_lines(unit: Any) -> list[str]:
    return dump._item(unit, schema.UNIT_KEYS) + _sub("supply_zone_m", unit.supply_zone_m,
                                                     keys.ZONE_KEYS)


def rack_lines(rack: Any) -> list[str]:
    """A rack's air zone and rear door (nothing for a format-1 rack)."""
    return (_sub("air_zone_m", rack.air_zone_m, keys.ZONE_KEYS)
            + _sub("rear_door", rack.rear_door, keys.DOOR_KEYS))


def sections(layout: Any) -> list[str]:
    """The obstacles, containment and sensors sections, when the layout has them."""
    out = []
    if layout.obstacles:
        out.append("obstacles:")
        for ob in layout.obstacles:
            out += dump._item(ob, keys.OBSTACLE_KEYS) + _sub("box_m", ob.box_m, keys.BOX_KEYS)
    if layout.containment:
        out.append("containment:")
        for c in layout.containment:
            lines = dump._item(c, keys.CONTAINMENT_KEYS)
            out += lines[:1] + _sub("aisle_m", c.aisle_m, schema.AREA_KEYS) + lines[1:]
    if layout.sensors:
        out.append("sensors:")
        for s in layout.sensors:
            out += dump._item(s, keys.SENSOR_KEYS)
    return out
