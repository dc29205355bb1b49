"""In-row cooling units snap into rack rows (Qt-free).

An in-row unit dragged near a row takes a free spot beside one of the row's
racks: its front flush with the rack fronts, its supply facing the way they
do, its footprint turned so its depth runs along the facing. Spots beside
every rack are candidates, so the unit lands in a gap of the row or at its
end, on the row's rack pitch.
"""
from __future__ import annotations

import math
from typing import Iterator, Optional

from twin.commands import ROUND_DIGITS, CommandError, SetFields, find_item, placement_problem
from twin.model import CoolingUnit, Layout

SNAP_REACH_M = 0.45       # a unit whose centre comes this close to a spot jumps into it

Spot = tuple[tuple[float, float], str, tuple[float, float, float]]   # corner, facing, size


def oriented_size(unit: CoolingUnit, facing: str) -> tuple[float, float, float]:
    """The unit's size turned so its depth (along its current facing) runs along `facing`."""
    sx, sy, sz = (float(v) for v in unit.size_m)
    along_y_now = (unit.facing or "+y")[1] == "y"
    depth, width = (sy, sx) if along_y_now else (sx, sy)
    return (width, depth, sz) if facing[1] == "y" else (depth, width, sz)


def _round(v: float) -> float:
    return round(v, ROUND_DIGITS) + 0.0


def row_spots(layout: Layout, unit: CoolingUnit) -> Iterator[Spot]:
    """Free spots beside each rack where the unit would stand in that rack's row."""
    for rack in layout.racks:
        size = oriented_size(unit, rack.facing)
        axis = 1 if rack.facing[1] == "y" else 0
        along = 1 - axis
        lo, hi = rack.position_m[axis], rack.position_m[axis] + rack.size_m[axis]
        front = hi - size[axis] if rack.facing[0] == "+" else lo
        a0 = rack.position_m[along]
        for start in (a0 - size[along], a0 + rack.size_m[along]):
            corner = [0.0, 0.0]
            corner[axis], corner[along] = _round(front), _round(start)
            if placement_problem(layout, unit.id, size, corner) is None:
                yield (corner[0], corner[1]), rack.facing, size


def nearest_spot(layout: Layout, unit: CoolingUnit, corner_m,
                 reach_m: float = SNAP_REACH_M) -> Optional[Spot]:
    """The row spot nearest the centre of `unit` with its corner at corner_m, or None."""
    cx = corner_m[0] + unit.size_m[0] / 2
    cy = corner_m[1] + unit.size_m[1] / 2
    best, best_d = None, reach_m
    for spot in row_spots(layout, unit):
        (x, y), _, size = spot
        d = math.hypot(x + size[0] / 2 - cx, y + size[1] / 2 - cy)
        if d <= best_d:
            best, best_d = spot, d
    return best


def snap_inrow(layout: Layout, unit_id: str, corner_m,
               reach_m: float = SNAP_REACH_M) -> Optional[Spot]:
    """The row spot nearest a dragged in-row unit's centre, or None when no row is near."""
    kind, unit, _ = find_item(layout, unit_id)
    if kind != "unit" or not unit.inrow:
        return None
    return nearest_spot(layout, unit, corner_m, reach_m)


def place_inrow(layout: Layout, unit_id: str, spot: Spot, merge_id: Optional[str] = None) -> SetFields:
    """Move an in-row unit into a row spot: position, facing and (turned) footprint in one edit."""
    kind, unit, _ = find_item(layout, unit_id)
    if kind != "unit" or not unit.inrow:
        raise CommandError(f"place in row refused: {unit_id} is not an in-row cooling unit")
    corner, facing, size = spot
    changes = {"position_m": tuple(corner)}
    if facing != unit.facing:
        changes["facing"] = facing
    if tuple(size) != tuple(unit.size_m):
        changes["size_m"] = tuple(size)
    return SetFields(unit_id, changes, f"move {unit_id}", merge_id)
