"""Where a contained aisle's surplus air goes: the net flow of the faces that open into it
and the open area it can leave through (door gaps, open ends, gaps in its rows, an open top).

A roofed aisle whose racks blow much more air in than its coolers draw out has to pass
the difference through its leakage gaps; when that takes gale speeds the room has no
realistic steady state, and the solvers struggle. `aisle_leaks` measures it so the layout
checks can say so before a solve (docs/layout-format.md, "Format-2 checks").
"""
from __future__ import annotations

from dataclasses import dataclass

from twin.geometry.solver import SolverGeometry, solver_geometry
from twin.model.layout import Layout

TOLERANCE_M = 1e-6
# Back-pressure server fans still hold their airflow against, Pa (a few tens of pascals of
# static-pressure margin is typical); rho v^2 / 2 above it means the fixed rack flows fail.
FAN_MARGIN_PA = 50.0


@dataclass(frozen=True)
class AisleLeak:
    containment: str
    net_in_m3s: float        # faces opening into the aisle: air blown in minus air drawn out
    open_m2: float           # area the surplus can leave (or the deficit enter) through

    @property
    def speed_ms(self) -> float:
        """Mean speed of the surplus through the openings (inf with no opening)."""
        if abs(self.net_in_m3s) < 1e-12:
            return 0.0
        return abs(self.net_in_m3s) / self.open_m2 if self.open_m2 > 0 else float("inf")


def back_pressure_pa(leak: AisleLeak, density_kgm3: float) -> float:
    """Dynamic pressure of the surplus through the openings, rho v^2 / 2."""
    return 0.5 * density_kgm3 * leak.speed_ms ** 2


def _span_overlap(a: tuple, b: tuple) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def _boundaries(aisle: tuple):
    """(axis, coordinate, side of the aisle interior, span along the other horizontal axis)."""
    for axis in (0, 1):
        other = aisle[1 - axis]
        yield axis, aisle[axis][0], +1, other, "-" + "xy"[axis]
        yield axis, aisle[axis][1], -1, other, "+" + "xy"[axis]


def _on_boundary(box, axis: int, coord: float, span: tuple) -> float:
    """Length along the boundary that a solid's face touching it covers."""
    lo, hi = box[axis]
    if abs(lo - coord) > TOLERANCE_M and abs(hi - coord) > TOLERANCE_M:
        return 0.0
    return _span_overlap(box[1 - axis], span)


def _net_in_m3s(geo: SolverGeometry, aisle: tuple, height_m: float) -> float:
    net = 0.0
    for p in geo.patches:
        if p.axis == 2:
            continue
        for axis, coord, inside, span, _ in _boundaries(aisle):
            plane = p.box_m[axis][0]
            if p.axis != axis or abs(plane - coord) > TOLERANCE_M or p.side != inside:
                continue
            area = ((p.box_m[1 - axis][1] - p.box_m[1 - axis][0])
                    * (p.box_m[2][1] - p.box_m[2][0]))
            shared = _span_overlap(p.box_m[1 - axis], span) * _span_overlap(p.box_m[2], (0.0, height_m))
            if area > 0:
                net += (1 if p.inflow else -1) * p.flow_m3s * shared / area
    return net


def _tiles_in_m3s(geo: SolverGeometry, aisle: tuple) -> float:
    """Supply through the floor tiles inside the aisle (plenum flows, else shared by area)."""
    if geo.plenum is not None:
        rects = [((t.x_m, t.y_m), t.flow_m3s) for t in geo.plenum.tiles]
    else:
        total_m2 = sum((x[1] - x[0]) * (y[1] - y[0]) for x, y in geo.tiles)
        rects = [((x, y), geo.tile_flow_m3s * (x[1] - x[0]) * (y[1] - y[0]) / total_m2)
                 for x, y in geo.tiles] if total_m2 > 0 else []
    net = 0.0
    for (x, y), q in rects:
        area = (x[1] - x[0]) * (y[1] - y[0])
        if area > 0:
            net += q * _span_overlap(x, aisle[0]) * _span_overlap(y, aisle[1]) / area
    return net


def _open_m2(geo: SolverGeometry, c, aisle: tuple) -> float:
    """Door gaps, open ends and uncovered stretches of the sides, and the top without a roof."""
    room = geo.room_m
    solids = [s.box_m for s in geo.solids if s.kind in ("rack", "unit", "cdu")]
    area = 0.0 if c.roof else (aisle[0][1] - aisle[0][0]) * (aisle[1][1] - aisle[1][0])
    for axis, coord, _, span, name in _boundaries(aisle):
        if coord <= TOLERANCE_M or coord >= room[axis] - TOLERANCE_M:
            continue                                    # the room's wall closes this side
        length = span[1] - span[0]
        if name in c.doors:
            area += c.door_gap_m * length
            continue
        covered = sum(_on_boundary(b, axis, coord, span) * min(b[2][1], c.height_m) / c.height_m
                      for b in solids)
        area += max(0.0, length - covered) * c.height_m
    return area


def aisle_leaks(layout: Layout) -> list[AisleLeak]:
    """For each containment: net flow into the aisle and the open area it leaves through."""
    if not layout.containment:
        return []
    geo = solver_geometry(layout)
    out = []
    for c in layout.containment:
        aisle = (tuple(c.aisle_m.x_m), tuple(c.aisle_m.y_m))
        net = _net_in_m3s(geo, aisle, c.height_m) + _tiles_in_m3s(geo, aisle)
        out.append(AisleLeak(c.id, net, _open_m2(geo, c, aisle)))
    return out
