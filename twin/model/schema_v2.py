"""The keys layout format 2 adds: obstacles, containment, in-row units, air zones, rear doors, sensors.

Same `Key` tables as format 1 (`schema.py`): one table reads, checks and
writes each object. Sub-mappings (boxes, zones, doors) have kind None in
their parent's table and their own table here.
"""
from __future__ import annotations

from typing import Any

from twin.model.objects import CONTAINMENT_KINDS, DOOR_SIDES, SENSOR_KINDS
from twin.model.schema import (POSITIVE, Choice, Interval, Key, Number, Problem, Text, Vector,
                               show)


class Flag:
    """true or false."""

    def problem(self, value: Any) -> Problem:
        return None if isinstance(value, bool) else ("", f"must be true or false (got {show(value)})")

    def convert(self, value: Any) -> bool:
        return value


class Sides:
    """A list of distinct sides such as `[-x, +x]`."""

    def problem(self, value: Any) -> Problem:
        options = ", ".join(DOOR_SIDES)
        if not isinstance(value, (list, tuple)):
            return "", f"must be a list of sides from {options} (got {show(value)})"
        for i, item in enumerate(value):
            if item not in DOOR_SIDES:
                return f"[{i}]", f"must be one of {options} (got {show(item)})"
            if item in value[:i]:
                return f"[{i}]", f'"{item}" is listed twice'
        return None

    def convert(self, value: Any) -> list:
        return list(value)


VERSION = 2
NON_NEGATIVE = Number(0.0)

BOX_KEYS = (
    Key("x", Interval(), attr="x_m"),
    Key("y", Interval(), attr="y_m"),
    Key("z", Interval(), attr="z_m"),
)
OBSTACLE_KEYS = (
    Key("id", Text(nonempty=True)),
    Key("box_m", None, required=False),   # required: read by parse_v2.box
)
CONTAINMENT_KEYS = (
    Key("id", Text(nonempty=True)),
    Key("kind", Choice(CONTAINMENT_KINDS), required=False, default="hot"),
    Key("aisle_m", None, required=False),   # required: read by parse_v2.containment
    Key("height_m", POSITIVE),
    Key("roof", Flag(), required=False, default=True),
    Key("doors", Sides(), required=False),
    Key("door_gap_m", NON_NEGATIVE, required=False, default=0.0),
)
ZONE_KEYS = (
    Key("z", Interval(), attr="z_m"),
    Key("width_m", POSITIVE),
    Key("offset_m", Number(), required=False),
)
DOOR_KEYS = (
    Key("capacity_kw", NON_NEGATIVE),
    Key("water_supply_c", Number()),
    Key("approach_k", NON_NEGATIVE, required=False),
)
RAISED_FLOOR_KEYS = (
    Key("height_m", Number(0.0, strict=True, upper=3.0)),   # plenum depth
)
SENSOR_KEYS = (
    Key("id", Text(nonempty=True)),
    Key("kind", Choice(SENSOR_KINDS), required=False, default="air_temperature"),
    Key("position_m", Vector(3, Number())),
)

