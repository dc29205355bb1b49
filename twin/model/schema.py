"""The keys of layout format v1 (and the format-2 keys of its objects): their value kinds, ranges, defaults, order.

One table serves three jobs: reading a file (type and range checks with
lines), checking an in-memory layout before saving, and writing keys back in
contract order. A kind's `problem(value)` returns None when the value is
fine, else `(suffix, message)` where suffix points inside the value (`[1]`).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Optional

from twin.model.layout import ASHRAE_CLASSES, FACINGS, UNIT_STATES
from twin.model.objects import SUPPLIES, UNIT_KINDS
from twin.model.limits import MAX_INT_DIGITS, clip_text

FORMAT_VERSION = 2
# Sections a layout may hold only from format 2 on; a layout without them is written as 1.
FORMAT_2_SECTIONS = ("network", "liquid")
RETURNS = ("top", "rear")

Problem = Optional[tuple[str, str]]


def show(value: Any, depth: int = 0) -> str:
    """A short YAML-like spelling of a value for error messages.

    Bounded whatever the value: long text is cut and only short, flat lists are
    spelled out, so a list shared through YAML aliases is never expanded.
    """
    if isinstance(value, str):
        return json.dumps(clip_text(value), ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        if len(value) > 6 or depth >= 2:
            return "a list"
        return "[" + ", ".join(show(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, int) and abs(value) >= 10 ** MAX_INT_DIGITS:
        return f"an integer of {len(str(abs(value))):,} digits"
    return clip_text(str(value))


def is_number(value: Any) -> bool:
    """True for finite ints and floats (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:          # an int beyond any float: not a usable number
        return False


class Number:
    """A finite number, optionally bounded below (`> lower` or `>= lower`) and above (`<= upper`)."""

    def __init__(self, lower: Optional[float] = None, strict: bool = False,
                 upper: Optional[float] = None):
        self.lower = lower
        self.strict = strict
        self.upper = upper

    def expect(self) -> str:
        bounds = []
        if self.lower is not None:
            bounds.append(f"{'>' if self.strict else '>='} {self.lower:g}")
        if self.upper is not None:
            bounds.append(f"<= {self.upper:g}")
        return "a number" + (" " + " and ".join(bounds) if bounds else "")

    def ok(self, value: Any) -> bool:
        if not is_number(value):
            return False
        if self.upper is not None and value > self.upper:
            return False
        if self.lower is None:
            return True
        return value > self.lower if self.strict else value >= self.lower

    def problem(self, value: Any) -> Problem:
        return None if self.ok(value) else ("", f"must be {self.expect()} (got {show(value)})")

    def convert(self, value: Any) -> Any:
        return value


class Integer(Number):
    """A whole number (written without a decimal point), optionally bounded like Number."""

    def expect(self) -> str:
        return "a whole number" + super().expect()[len("a number"):]

    def ok(self, value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and super().ok(value)


class Vector:
    """A fixed-length list of numbers, e.g. `size_m: [0.6, 1.2, 2.0]`."""

    def __init__(self, length: int, item: Number):
        self.length = length
        self.item = item

    def problem(self, value: Any) -> Problem:
        expect = f"a list of {self.length} numbers"
        if self.item.lower is not None:
            expect += self.item.expect()[len("a number"):]
        if not isinstance(value, (list, tuple)) or len(value) != self.length:
            return "", f"must be {expect} (got {show(value)})"
        for index, item in enumerate(value):
            if not self.item.ok(item):
                return f"[{index}]", f"must be {self.item.expect()} (got {show(item)})"
        return None

    def convert(self, value: Any) -> tuple:
        return tuple(value)


class Interval:
    """A `[low, high]` pair of numbers with low < high (tile area extents)."""

    def problem(self, value: Any) -> Problem:
        bad = Vector(2, Number()).problem(value)
        if bad is not None:
            return bad
        if not value[0] < value[1]:
            return "", f"must be [low, high] with low < high (got {show(list(value))})"
        return None

    def convert(self, value: Any) -> tuple:
        return tuple(value)


class Curve:
    """Points `[[x, y], ...]` with x increasing, e.g. efficiency against load."""

    def __init__(self, x_name: str, x: Number, y_name: str, y: Number, min_points: int = 2):
        self.x_name, self.x, self.y_name, self.y = x_name, x, y_name, y
        self.min_points = min_points

    def problem(self, value: Any) -> Problem:
        pair = f"[{self.x_name}, {self.y_name}]"
        if not isinstance(value, (list, tuple)) or len(value) < self.min_points:
            return "", (f"must be a list of at least {self.min_points} {pair} points "
                        f"(got {show(value)})")
        for i, point in enumerate(value):
            if not isinstance(point, (list, tuple)) or len(point) != 2:
                return f"[{i}]", f"must be a {pair} pair (got {show(point)})"
            for j, (name, kind) in enumerate(((self.x_name, self.x), (self.y_name, self.y))):
                if not kind.ok(point[j]):
                    return f"[{i}][{j}]", f"{name} must be {kind.expect()} (got {show(point[j])})"
            if i and not point[0] > value[i - 1][0]:
                return f"[{i}][0]", (f"{self.x_name} must increase from point to point "
                                     f"(got {show(point[0])} after {show(value[i - 1][0])})")
        return None

    def convert(self, value: Any) -> tuple:
        return tuple((p[0], p[1]) for p in value)


class IdList:
    """A list of ids such as `[A1, A2]`, none repeated (e.g. the racks a PDU feeds)."""

    def problem(self, value: Any) -> Problem:
        if not isinstance(value, (list, tuple)):
            return "", f"must be a list of ids such as [A1, A2] (got {show(value)})"
        seen = set()
        for i, item in enumerate(value):
            bad = Text(nonempty=True).problem(item)
            if bad is not None:
                return f"[{i}]", bad[1]
            if item in seen:
                return f"[{i}]", f'"{item}" is listed twice'
            seen.add(item)
        return None

    def convert(self, value: Any) -> list:
        return list(value)


class Text:
    """A string; `nonempty` for ids. Numbers must be quoted to count as text."""

    def __init__(self, nonempty: bool = False):
        self.nonempty = nonempty

    def problem(self, value: Any) -> Problem:
        if not isinstance(value, str):
            hint = f'; quote it: "{value}"' if is_number(value) or isinstance(value, bool) else ""
            return "", f"must be text (got {show(value)}{hint})"
        if self.nonempty and not value.strip():
            return "", "must be non-empty text"
        return None

    def convert(self, value: Any) -> str:
        return value


class Choice:
    """One of a fixed set of words."""

    def __init__(self, choices: tuple[str, ...]):
        self.choices = choices

    def problem(self, value: Any) -> Problem:
        if isinstance(value, str) and value in self.choices:
            return None
        options = ", ".join(f'"{c}"' for c in self.choices)
        return "", f"must be one of {options} (got {show(value)})"

    def convert(self, value: Any) -> str:
        return value


@dataclass(frozen=True)
class Key:
    """One key of a section: YAML name, kind, whether required, default, attribute."""

    name: str
    kind: Any
    required: bool = True
    default: Any = None
    attr: Optional[str] = None

    @property
    def attribute(self) -> str:
        return self.attr or self.name


POSITIVE = Number(0.0, strict=True)
# Physical ranges: values outside these are typos or unit slips in any room (docs/layout-format.md).
SUPPLY_TEMP_C = Number(0.0, upper=50.0)
AIR_DENSITY_KGM3 = Number(0.5, upper=2.0)           # 5,500 m altitude .. cold sea-level air
AIR_CP_JKGK = Number(900.0, upper=1200.0)           # dry to saturated warm air is 1,005..1,030
UNIT_AIRFLOW_M3S = Number(0.0, strict=True, upper=100.0)
RACK_AIRFLOW_M3S = Number(0.0, strict=True, upper=20.0)
RACK_POWER_KW = Number(0.0, upper=1000.0)
RACK_DELTA_T_K = Number(1.0, upper=60.0)
FAN_POWER_KW = Number(0.0, upper=500.0)
HEIGHT_U = Integer(1.0, upper=100.0)

ROOM_KEYS = (
    Key("size_m", Vector(3, POSITIVE)),
    Key("tile_m", Number(0.0, strict=True, upper=10.0), required=False, default=0.6),
    Key("raised_floor", None, required=False),
)
AIR_KEYS = (
    Key("density_kgm3", AIR_DENSITY_KGM3, required=False, default=1.19),
    Key("cp_jkgk", AIR_CP_JKGK, required=False, default=1006.0),
)
UNIT_KEYS = (
    Key("id", Text(nonempty=True)),
    Key("kind", Choice(UNIT_KINDS), required=False),
    Key("position_m", Vector(2, Number())),
    Key("size_m", Vector(3, POSITIVE)),
    Key("airflow_m3s", UNIT_AIRFLOW_M3S),
    Key("supply_temp_c", SUPPLY_TEMP_C),
    Key("return", Choice(RETURNS), required=False, default="top", attr="return_"),
    Key("state", Choice(UNIT_STATES), required=False, default="running"),
    Key("fan_power_kw", FAN_POWER_KW, required=False),
    Key("facing", Choice(FACINGS), required=False),
    Key("supply", Choice(SUPPLIES), required=False),
    Key("supply_zone_m", None, required=False),
)
TILE_KEYS = (Key("area_m", None), Key("open_pct", Number(0.0, strict=True, upper=100.0),
                                      required=False))
AREA_KEYS = (
    Key("x", Interval(), attr="x_m"),
    Key("y", Interval(), attr="y_m"),
)
RACK_KEYS = (
    Key("id", Text(nonempty=True)),
    Key("position_m", Vector(2, Number())),
    Key("size_m", Vector(3, POSITIVE)),
    Key("facing", Choice(FACINGS)),
    Key("power_kw", RACK_POWER_KW),
    Key("delta_t_k", RACK_DELTA_T_K, required=False),
    Key("airflow_m3s", RACK_AIRFLOW_M3S, required=False),
    Key("height_u", HEIGHT_U, required=False),
    Key("equipment", None, required=False),
    Key("air_zone_m", None, required=False),
    Key("rear_door", None, required=False),
)
TOP_KEYS = (
    Key("dctwin", None),
    Key("name", Text(), required=False, default=""),
    Key("ashrae_class", Choice(ASHRAE_CLASSES), required=False, default="A1"),
    Key("room", None),
    Key("air", None, required=False),
    Key("cooling_units", None, required=False),
    Key("tiles", None, required=False),
    Key("racks", None, required=False),
    Key("equipment_types", None, required=False),
    Key("power", None, required=False),
    Key("network", None, required=False),
    Key("liquid", None, required=False),
    Key("telemetry", None, required=False),
    Key("scenarios", None, required=False),
    Key("obstacles", None, required=False),
    Key("containment", None, required=False),
    Key("sensors", None, required=False),
)


def format_version(layout: Any) -> int:
    """The lowest format version that holds everything in `layout` (1 unless it uses format 2)."""
    return 2 if any(getattr(layout, name, None) is not None for name in FORMAT_2_SECTIONS) else 1


def names(keys: tuple[Key, ...]) -> list[str]:
    """The YAML key names of a section, in contract order."""
    return [k.name for k in keys]
