"""Layout objects as solver geometry: solids, panels and flow patches (see the package doc)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from twin.geometry.plenum import PlenumError, PlenumResult, solve_plenum
from twin.model.layout import Layout
from twin.model.objects import FaceZone, containment_panels

Span = tuple[float, float]
Box3 = tuple[Span, Span, Span]
AXIS = {"x": 0, "y": 1, "z": 2}
# Patch kinds: air leaves the room through fronts and returns, enters through rears, supplies, tiles.
OUTFLOWS = ("rack_front", "unit_return")
INFLOWS = ("rack_rear", "unit_supply")
EQUIPMENT = ("rack", "unit", "cdu")   # solids snapped whole to cells (never thinner than one)


class GeometryError(ValueError):
    """A layout the solvers cannot represent (message is user-facing)."""


@dataclass(frozen=True)
class Solid:
    """A box the air cannot enter: rack, cooling unit, CDU, obstacle or containment panel.

    `open_below` keeps at least one cell of air under it on a coarse grid (a
    containment door's gap is the aisle's leakage path and must not vanish).
    """
    id: str
    kind: str                 # rack | unit | cdu | obstacle | panel
    box_m: Box3
    owner: str = ""           # the containment a panel belongs to
    open_below: bool = False

    @property
    def thin_axis(self) -> Optional[int]:
        """The axis along which the box is thinnest (panels may be thinner than a cell)."""
        sizes = [hi - lo for lo, hi in self.box_m]
        return min(range(3), key=lambda a: sizes[a])


@dataclass(frozen=True)
class FlowPatch:
    """A rectangle on one face of a solid box through which air leaves or enters the room.

    `box_m` is the rectangle (zero thickness along `axis`); `side` is +1 when the
    room air lies on the + side of it. Inflows carry `supply_temp_c` (in-row
    supplies) or get their temperature from the owner rack's intake (rears).
    """
    kind: str                 # rack_front | rack_rear | unit_return | unit_supply
    owner: str
    axis: int
    side: int
    box_m: Box3
    flow_m3s: float
    supply_temp_c: Optional[float] = None

    @property
    def inflow(self) -> bool:
        return self.kind in INFLOWS

    @property
    def velocity_sign(self) -> int:
        """Sign of the normal velocity along +axis: into the room for inflows."""
        return self.side if self.inflow else -self.side


@dataclass
class SolverGeometry:
    room_m: tuple[float, float, float]
    solids: list[Solid] = field(default_factory=list)
    patches: list[FlowPatch] = field(default_factory=list)
    tiles: list[tuple[Span, Span]] = field(default_factory=list)   # (x, y) floor rectangles
    tile_flow_m3s: float = 0.0            # floor units' supply through the tiles
    tile_temp_c: float = 0.0              # their flow-weighted supply temperature
    enclosures: list[tuple[str, Box3]] = field(default_factory=list)   # contained aisles
    # With a raised floor: every tile's flow from the plenum model (None: uniform split).
    plenum: Optional[PlenumResult] = None

    def solids_of(self, *kinds: str) -> list[Solid]:
        return [s for s in self.solids if s.kind in kinds]

    def patches_of(self, kind: str) -> list[FlowPatch]:
        return [p for p in self.patches if p.kind == kind]

    def patch(self, kind: str, owner: str) -> FlowPatch:
        return next(p for p in self.patches if p.kind == kind and p.owner == owner)


def _footprint(item) -> Box3:
    x, y = item.position_m
    sx, sy, sz = item.size_m
    return ((x, x + sx), (y, y + sy), (0.0, sz))


def face_box(box: Box3, axis: int, sign: int, zone: Optional[FaceZone] = None) -> Box3:
    """The rectangle of a box's face looking along `sign`*axis, or the zone of it.

    A zone is a z range and a width centred on the face (plus `offset_m`).
    """
    out = list(box)
    out[axis] = (box[axis][1],) * 2 if sign > 0 else (box[axis][0],) * 2
    if zone is not None and axis != 2:
        across = 1 - axis           # the horizontal axis along the face
        lo, hi = box[across]
        centre = 0.5 * (lo + hi) + float(zone.offset_m or 0.0)
        out[across] = (centre - zone.width_m / 2, centre + zone.width_m / 2)
        out[2] = (float(zone.z_m[0]), float(zone.z_m[1]))
    return tuple(out)


def _facing(facing: str) -> tuple[int, int]:
    return AXIS[facing[1]], (1 if facing[0] == "+" else -1)


def _rack_patches(geo: SolverGeometry, layout: Layout) -> None:
    for rack in layout.racks:
        box, (axis, sign) = _footprint(rack), _facing(rack.facing)
        q = rack.airflow(layout.air)
        geo.patches.append(FlowPatch("rack_front", rack.id, axis, sign,
                                     face_box(box, axis, sign, rack.air_zone_m), q))
        geo.patches.append(FlowPatch("rack_rear", rack.id, axis, -sign,
                                     face_box(box, axis, -sign, rack.air_zone_m), q))


def _unit_patches(geo: SolverGeometry, layout: Layout) -> None:
    """Running units: a return face (top or rear); in-row units also a supply face."""
    for unit in layout.cooling_units:
        if not unit.running:
            continue
        box, q = _footprint(unit), float(unit.airflow_m3s)
        if unit.inrow:
            axis, sign = _facing(unit.facing)
            geo.patches.append(FlowPatch("unit_supply", unit.id, axis, sign,
                                         face_box(box, axis, sign, unit.supply_zone_m), q,
                                         float(unit.supply_temp_c)))
            if unit.return_ == "rear":
                geo.patches.append(FlowPatch("unit_return", unit.id, axis, -sign,
                                             face_box(box, axis, -sign), q))
                continue
        geo.patches.append(FlowPatch("unit_return", unit.id, 2, 1, face_box(box, 2, 1), q))


def _solids(geo: SolverGeometry, layout: Layout) -> None:
    geo.solids += [Solid(r.id, "rack", _footprint(r)) for r in layout.racks]
    geo.solids += [Solid(u.id, "unit", _footprint(u)) for u in layout.cooling_units]
    if layout.liquid is not None:          # CDU cabinets stand in the room and block its air
        geo.solids += [Solid(c.id, "cdu", _footprint(c)) for c in layout.liquid.cdus]
    geo.solids += [Solid(o.id, "obstacle", o.box_m.extents()) for o in layout.obstacles
                   if not o.under_floor]      # under-floor ones shape the plenum flow only
    for c in layout.containment:
        for name, b in containment_panels(c, layout.room.size_m):
            geo.solids.append(Solid(f"{c.id} {name}", "panel", b.extents(), owner=c.id,
                                    open_below=name.startswith("door") and c.door_gap_m > 0))
        geo.enclosures.append((c.id, (tuple(c.aisle_m.x_m), tuple(c.aisle_m.y_m),
                                      (0.0, c.height_m))))


def solver_geometry(layout: Layout) -> SolverGeometry:
    """Every layout object as solver geometry, in metres (no grid yet)."""
    geo = SolverGeometry(tuple(float(s) for s in layout.room.size_m))
    _solids(geo, layout)
    _rack_patches(geo, layout)
    _unit_patches(geo, layout)
    floor = [u for u in layout.cooling_units if u.running and not u.inrow]
    geo.tile_flow_m3s = sum(float(u.airflow_m3s) for u in floor)
    if floor:
        geo.tile_temp_c = sum(u.airflow_m3s * u.supply_temp_c for u in floor) / geo.tile_flow_m3s
    geo.tiles = [(tuple(t.x_m), tuple(t.y_m)) for t in layout.tiles]
    if layout.room.raised_floor is not None and geo.tile_flow_m3s > 0 and layout.tiles:
        try:
            geo.plenum = solve_plenum(layout)
        except PlenumError as exc:
            raise GeometryError(str(exc)) from None
    return geo


def tile_inflows(geo: SolverGeometry, xc_m: np.ndarray, yc_m: np.ndarray,
                 open_floor: np.ndarray) -> list[tuple[int, np.ndarray, float]]:
    """A raised floor's tiles on a grid's floor cells: (tile index, cell mask, flow m3/s).

    A tile takes the open floor cells whose centres lie in it. A tile with none
    (a grid coarser than the tiles, or equipment over it) gives its flow to the
    nearest tile that has cells, so the supply still enters in full and where
    the plenum sends it.
    """
    taken = np.zeros(open_floor.shape, bool)
    out, orphans = [], []
    for k, t in enumerate(geo.plenum.tiles):
        inside = (((xc_m >= t.x_m[0]) & (xc_m < t.x_m[1]))[:, None]
                  & ((yc_m >= t.y_m[0]) & (yc_m < t.y_m[1]))[None, :]) & open_floor & ~taken
        if inside.any():
            taken |= inside
            out.append((k, inside, t.flow_m3s))
        elif t.flow_m3s > 0:
            orphans.append(t)
    if not out:
        raise GeometryError("no open perforated tile on the grid: the cooling units' supply "
                            "has nowhere to enter")
    centres = np.array([geo.plenum.tiles[k].centre_m for k, _, _ in out])
    for t in orphans:
        near = int(np.argmin(np.hypot(*(centres - np.array(t.centre_m)).T)))
        k, mask, q = out[near]
        out[near] = (k, mask, q + t.flow_m3s)
    return [item for item in out if item[2] > 0]
