"""Containing an aisle: the rectangle between two facing rows becomes one containment object.

A hot aisle lies between rack rears, a cold aisle between rack fronts. The
selected racks (and in-row units) give the rows; when only one row is
selected, the nearest row across the aisle that faces it completes it.
The result is one `AddObject` command (one undo step), checked like any edit.
"""
from __future__ import annotations

from typing import Any

from twin.commands import ROUND_DIGITS, CommandError
from twin.model import Layout
from twin.model.objects import CONTAINMENT_KINDS, PANEL_M, Aisle, Containment
from twin.object_edits import AddObject, fresh_id

DOOR_GAP_M = 0.1          # a new containment's doors leave this gap underneath (leakage)
PREFIXES = {"hot": "HAC-", "cold": "CAC-"}
EPS_M = 1e-6


def _axis(facing: str) -> int:
    """0 when the front looks along x, 1 along y."""
    return 0 if facing[1] == "x" else 1


def _span(obj: Any, axis: int) -> tuple[float, float]:
    lo = float(obj.position_m[axis])
    return lo, lo + float(obj.size_m[axis])


def _side(facing: str, kind: str) -> int:
    """+1 when the aisle of this kind lies on the rack's high side (along its facing axis)."""
    sign = 1 if facing[0] == "+" else -1
    return sign if kind == "cold" else -sign


def _refuse(message: str) -> CommandError:
    return CommandError(f"contain aisle refused: {message}")


def _partners(layout: Layout, row: list, kind: str, axis: int, want: int) -> list:
    """The nearest racks across the aisle from `row` whose side is `want`, overlapping it along."""
    along = 1 - axis
    lo = min(_span(r, along)[0] for r in row)
    hi = max(_span(r, along)[1] for r in row)
    edge = (max(_span(r, axis)[1] for r in row) if want < 0 else min(_span(r, axis)[0] for r in row))
    found = []
    for r in layout.racks:
        if _axis(r.facing) != axis or _side(r.facing, kind) != want or r in row:
            continue
        a0, a1 = _span(r, along)
        if min(a1, hi) - max(a0, lo) <= EPS_M:
            continue
        b0, b1 = _span(r, axis)
        if (want < 0 and b0 >= edge - EPS_M) or (want > 0 and b1 <= edge + EPS_M):
            found.append(r)
    if not found:
        return []
    near = (min(_span(r, axis)[0] for r in found) if want < 0 else
            max(_span(r, axis)[1] for r in found))
    key = 0 if want < 0 else 1
    return [r for r in found if abs(_span(r, axis)[key] - near) < EPS_M]


def _rows(layout: Layout, ids: list[str], kind: str) -> tuple[int, list, list, list]:
    """(axis across the aisle, racks below it, racks above it, selected in-row units)."""
    racks = [r for r in layout.racks if r.id in ids]
    units = [u for u in layout.cooling_units if u.id in ids and u.inrow and u.facing]
    if not racks:
        raise _refuse("select racks on one or both sides of the aisle")
    axes = {_axis(r.facing) for r in racks}
    if len(axes) > 1:
        raise _refuse("the selected racks face along both x and y; select the rows either side "
                      "of one aisle")
    axis = axes.pop()
    low = [r for r in racks if _side(r.facing, kind) > 0]
    high = [r for r in racks if _side(r.facing, kind) < 0]
    low = low or _partners(layout, high, kind, axis, +1)
    high = high or _partners(layout, low, kind, axis, -1)
    ends = "fronts" if kind == "cold" else "rears"
    if not low or not high:
        raise _refuse(f"no row across the aisle turns its {ends} to the selected racks")
    return axis, low, high, units


def aisle_between(layout: Layout, ids: list[str], kind: str) -> tuple[Aisle, float, list[str]]:
    """(aisle rectangle, enclosure height m, closed ends) of the aisle the selection borders."""
    if kind not in CONTAINMENT_KINDS:
        raise _refuse(f'the kind must be one of {", ".join(CONTAINMENT_KINDS)} (got "{kind}")')
    axis, low, high, units = _rows(layout, ids, kind)
    edge_lo = max(_span(r, axis)[1] for r in low)
    edge_hi = min(_span(r, axis)[0] for r in high)
    if edge_hi - edge_lo <= EPS_M:
        other = "hot" if kind == "cold" else "cold"
        ends = "fronts" if kind == "cold" else "rears"
        raise _refuse(f"the selected rows do not turn their {ends} to one aisle between them "
                      f"(is it a {other} aisle?)")
    along = 1 - axis
    members = low + high + [u for u in units
                            if abs(_span(u, axis)[1] - edge_lo) < EPS_M
                            or abs(_span(u, axis)[0] - edge_hi) < EPS_M]
    a0 = min(_span(m, along)[0] for m in members)
    a1 = max(_span(m, along)[1] for m in members)
    spans = [None, None]
    spans[axis] = (round(edge_lo, ROUND_DIGITS), round(edge_hi, ROUND_DIGITS))
    spans[along] = (round(a0, ROUND_DIGITS), round(a1, ROUND_DIGITS))
    height = max(float(m.size_m[2]) for m in members)
    room = layout.room.size_m
    name = "xy"[along]
    doors = ([f"-{name}"] if a0 >= PANEL_M - EPS_M else []) + \
            ([f"+{name}"] if a1 <= room[along] - PANEL_M + EPS_M else [])
    return Aisle(*spans), height, doors


def contain_aisle(layout: Layout, ids: list[str], kind: str) -> AddObject:
    """One containment of the aisle the selected racks border: roof at the racks' top when it
    fits under the ceiling, a door across each end not at a wall, doors `DOOR_GAP_M` off the floor."""
    aisle, height, doors = aisle_between(layout, ids, kind)
    for other in layout.containment:
        dx = min(aisle.x_m[1], other.aisle_m.x_m[1]) - max(aisle.x_m[0], other.aisle_m.x_m[0])
        dy = min(aisle.y_m[1], other.aisle_m.y_m[1]) - max(aisle.y_m[0], other.aisle_m.y_m[0])
        if min(dx, dy) > EPS_M:
            raise _refuse(f'containment "{other.id}" encloses this aisle already')
    roof = height + PANEL_M <= layout.room.size_m[2] + EPS_M
    c = Containment(fresh_id(layout, PREFIXES[kind]), aisle, height, kind, roof, doors,
                    DOOR_GAP_M)
    return AddObject(c, label=f"contain {kind} aisle {c.id}")
