"""Layout format 2 objects: obstacles, containment, air zones, rear doors, sensors.

Plain mutable dataclasses like the rest of the layout (the GUI edits them
through undoable commands). Boxes are metres in room coordinates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

CONTAINMENT_KINDS = ("hot", "cold")
DOOR_SIDES = ("-x", "+x", "-y", "+y")
UNIT_KINDS = ("crah", "inrow")
SUPPLIES = ("front",)
SENSOR_KINDS = ("air_temperature",)
PANEL_M = 0.1          # containment panels are this thick, just outside the aisle
TILE_OPEN_PCT = 25.0   # a perforated tile's open area when the file gives none


@dataclass
class Box:
    """An axis-aligned box `{x: [x0, x1], y: [y0, y1], z: [z0, z1]}` in metres."""
    x_m: tuple[float, float]
    y_m: tuple[float, float]
    z_m: tuple[float, float]

    def extents(self) -> tuple[tuple[float, float], ...]:
        return (tuple(self.x_m), tuple(self.y_m), tuple(self.z_m))


@dataclass
class RaisedFloor:
    """A plenum of `height_m` under the floor that feeds the tiles (floor z = 0, plenum below)."""
    height_m: float


@dataclass
class Obstacle:
    """A solid, impermeable, adiabatic box (a beam, a duct, a containment panel)."""
    id: str
    box_m: Box

    @property
    def under_floor(self) -> bool:
        """True for a box that reaches below the floor (z < 0): it blocks the plenum, not the room."""
        return self.box_m.z_m[0] < -1e-6


@dataclass
class Aisle:
    """The floor rectangle of a contained aisle."""
    x_m: tuple[float, float]
    y_m: tuple[float, float]


@dataclass
class Containment:
    """An enclosed aisle; the solvers see it as panels (roof and doors), see `panels()`."""
    id: str
    aisle_m: Aisle
    height_m: float
    kind: str = "hot"
    roof: bool = True
    doors: list[str] = field(default_factory=list)
    door_gap_m: float = 0.0


@dataclass
class FaceZone:
    """Part of a vertical face: a z range and a width centred on the face (plus an offset).

    `offset_m` moves the zone's centre along the face, towards +x or +y.
    """
    z_m: tuple[float, float]
    width_m: float
    offset_m: Optional[float] = None


@dataclass
class RearDoor:
    """A rack's rear-door heat exchanger (capacity-limited, water-cooled).

    `approach_k` None (a door built in a script without one) means 0 K, as an
    omitted `approach_k` does in a file; it is stored as 0.0 whenever it is set.
    """
    capacity_kw: float
    water_supply_c: float
    approach_k: float = 0.0

    def __setattr__(self, name: str, value) -> None:
        if name == "approach_k" and value is None:
            value = 0.0
        object.__setattr__(self, name, value)

    @property
    def floor_c(self) -> float:
        """The coldest exhaust the door can deliver: water supply + approach."""
        return float(self.water_supply_c) + float(self.approach_k)


@dataclass
class Sensor:
    """A point where the model reports its value (and where measurements may be bound)."""
    id: str
    position_m: tuple[float, float, float]
    kind: str = "air_temperature"


def door_heat_kw(intake_c: float, rise_k: float, flow_m3s: float, rho_cp: float,
                 door: Optional[RearDoor]) -> float:
    """Heat a rear door takes from the exhaust: capacity-limited, never below water + approach."""
    if door is None or flow_m3s <= 0:
        return 0.0
    exhaust_c = intake_c + rise_k
    room_kw = rho_cp * flow_m3s * max(exhaust_c - door.floor_c, 0.0) / 1000.0
    return min(float(door.capacity_kw), room_kw)


def containment_panels(c: Containment, room_size_m=None) -> list[tuple[str, Box]]:
    """The panels an aisle's containment stands for, as the reference CFD builds them.

    0.1 m thick, just outside the aisle: a door across each closed end from the
    door gap up to the roof's top (or `height_m` without a roof), and a roof on
    top of the aisle from door to door. Parts outside the room are cut off.
    """
    aisle = [tuple(c.aisle_m.x_m), tuple(c.aisle_m.y_m)]
    top = c.height_m + (PANEL_M if c.roof else 0.0)
    out = []
    roof = [list(a) for a in aisle]
    for side in c.doors:
        axis = 0 if side[1] == "x" else 1
        span = list(aisle)
        lo, hi = aisle[axis]
        span[axis] = (lo - PANEL_M, lo) if side[0] == "-" else (hi, hi + PANEL_M)
        roof[axis][0 if side[0] == "-" else 1] = span[axis][0 if side[0] == "-" else 1]
        out.append((f"door {side}", Box(span[0], span[1], (c.door_gap_m, top))))
    if c.roof:
        out.append(("roof", Box(tuple(roof[0]), tuple(roof[1]), (c.height_m, top))))
    if room_size_m is None:
        return out
    clipped = []
    for name, b in out:
        ext = [(max(lo, 0.0), min(hi, size)) for (lo, hi), size in zip(b.extents(), room_size_m)]
        if all(hi - lo > 1e-9 for lo, hi in ext):
            clipped.append((name, Box(*ext)))
    return clipped
