"""A layout snapped to a uniform grid: solid cells and the boundary patches the CFD case needs.

The objects come from `twin.geometry` (the same description the thermal
grid reads); obstacles and containment panels are solid cells, at least one
cell thick (the reference builds its panels 0.1 m thick).

Every patch is a rectangle of cell faces on a grid plane, so the OpenFOAM
patches, the imposed flow rates and the extracted results all use the same
snapped geometry.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from twin.geometry import EQUIPMENT, FlowPatch, GeometryError, SolverGeometry, solver_geometry, tile_inflows

AXIS = {"x": 0, "y": 1, "z": 2}
C_MU = 0.09


class LayoutError(ValueError):
    """A layout the CFD case cannot represent (blocked faces, no running unit...)."""


def snap(value_m: float, cell_m: float) -> int:
    """Grid index nearest to a coordinate (halves round up, unlike round())."""
    return int(math.floor(value_m / cell_m + 0.5 + 1e-9))


def safe_name(text: str) -> str:
    """An OpenFOAM- and expression-safe word for an equipment id, distinct for distinct ids.

    Letters and digits stay; `_` becomes `__` and any other character `_<hex>_`
    (its code point), so `A-1` is `A_2d_1` and `A_1` is `A__1`: the mapping can
    be undone, hence two ids never share a patch (docs/cfd.md).
    """
    return "".join(ch if ch.isascii() and ch.isalnum() else "__" if ch == "_" else f"_{ord(ch):x}_"
                   for ch in text)


@dataclass
class Patch:
    """A rectangle of cell faces: plane `axis`=`plane` (grid index), cells `lo`..`hi` on the other axes."""
    name: str
    kind: str                      # tile | front | rear | return | supply
    owner: str                     # equipment id ("" for tiles)
    axis: int
    plane: int
    fluid_side: int                # +1: fluid cells at index `plane`; -1: at `plane - 1`
    lo: tuple[int, int]
    hi: tuple[int, int]
    flow_m3s: float                # volume flow through the patch (>0)
    velocity_ms: tuple[float, float, float] = (0.0, 0.0, 0.0)
    mask: np.ndarray | None = None  # tiles only: which faces of the rectangle are patch faces
    delta_t_k: float = 0.0          # rear only: imposed temperature rise
    rear_door: object = None        # rear only: the rack's RearDoor (None without one)
    supply_temp_c: float = 0.0      # tiles and in-row supplies: the inflow temperature

    def fluid_cells(self) -> tuple:
        """Index arrays (i, j, k) of the fluid cells that own the patch faces."""
        others = [a for a in range(3) if a != self.axis]
        grids = np.meshgrid(np.arange(self.lo[0], self.hi[0]), np.arange(self.lo[1], self.hi[1]), indexing="ij")
        keep = np.ones(grids[0].shape, bool) if self.mask is None else self.mask
        idx = [None, None, None]
        idx[others[0]], idx[others[1]] = grids[0][keep], grids[1][keep]
        idx[self.axis] = np.full(int(keep.sum()), self.plane if self.fluid_side > 0 else self.plane - 1)
        return tuple(idx)

    def face_count(self) -> int:
        return int(self.mask.sum()) if self.mask is not None else (self.hi[0] - self.lo[0]) * (self.hi[1] - self.lo[1])


@dataclass
class Grid:
    """The snapped room: cell size, cell counts, solid mask and patches."""
    cell_m: float
    shape: tuple[int, int, int]
    solid: np.ndarray
    boxes: list[tuple[str, tuple[int, int, int], tuple[int, int, int]]]
    patches: list[Patch] = field(default_factory=list)
    supply_temp_c: float = 0.0
    supply_m3s: float = 0.0
    plenum: object = None          # raised floor: the plenum model's PlenumResult

    @property
    def size_m(self) -> tuple[float, float, float]:
        return tuple(n * self.cell_m for n in self.shape)

    @property
    def fluid_cells(self) -> int:
        return int(self.solid.size - self.solid.sum())

    def patch_area_m2(self, patch: Patch) -> float:
        return patch.face_count() * self.cell_m ** 2

    def by_kind(self, kind: str) -> list[Patch]:
        return [p for p in self.patches if p.kind == kind]


def inflow_turbulence(speed_ms: float, intensity: float = 0.05, length_m: float = 0.1) -> tuple[float, float]:
    """k (m2/s2) and epsilon (m2/s3) of an inflow of given turbulence intensity and mixing length."""
    k = max(1.5 * (intensity * speed_ms) ** 2, 1e-6)
    return k, C_MU ** 0.75 * k ** 1.5 / length_m


KINDS = {"rack_front": "front", "rack_rear": "rear", "unit_return": "return",
         "unit_supply": "supply"}


def _box_cells(box_m, cell_m: float, at_least_one: bool = False, open_below: bool = False):
    """Snapped (lo, hi) cell corners of a box; obstacles keep at least one cell along each axis."""
    lo = [snap(a, cell_m) for a, _ in box_m]
    hi = [snap(b, cell_m) for _, b in box_m]
    if at_least_one:
        for a, (x0, x1) in enumerate(box_m):
            if hi[a] <= lo[a]:
                lo[a] = int(math.floor(0.5 * (x0 + x1) / cell_m))
                hi[a] = lo[a] + 1
        if open_below and box_m[2][0] > 0 and lo[2] == 0 and hi[2] > 1:
            lo[2] = 1                    # keep the gap under a door open
    return tuple(lo), tuple(hi)


def _check_cell_count(layout, cell_m: float) -> None:
    """The mesh must fit the same cell limit as the solver grids, checked before allocating."""
    from twin.thermal.grid import GridError, grid_shape
    try:
        grid_shape(layout, cell_m)
    except GridError as exc:
        raise LayoutError(str(exc)) from None


def build_grid(layout, cell_m: float = 0.1) -> Grid:
    """Snap the layout's solver geometry (`twin.geometry`) to a `cell_m` grid; raise
    LayoutError where the case would be ill-posed."""
    _check_cell_count(layout, cell_m)
    try:
        geo = solver_geometry(layout)
    except GeometryError as exc:          # a plenum whose supply reaches no tile
        raise LayoutError(str(exc)) from None
    shape = tuple(max(1, snap(s, cell_m)) for s in geo.room_m)
    solid = np.zeros(shape, bool)
    boxes = []
    for item in geo.solids:
        equipment = item.kind in EQUIPMENT
        lo, hi = _box_cells(item.box_m, cell_m, not equipment, item.open_below)
        lo = tuple(max(v, 0) for v in lo)
        hi = tuple(min(v, n) for v, n in zip(hi, shape))
        if any(h <= l for l, h in zip(lo, hi)):
            raise LayoutError(f"{item.id}: smaller than one {cell_m} m cell after snapping")
        box = solid[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
        if equipment and box.any():
            raise LayoutError(f"{item.id}: overlaps another rack or cooling unit after snapping")
        box[...] = True
        boxes.append((item.id, lo, hi))
    grid = Grid(cell_m, shape, solid, boxes, plenum=geo.plenum)
    if not any(u.running for u in layout.cooling_units):
        raise LayoutError("no running cooling unit: a closed room with heat sources has no steady state")
    air = layout.air
    for p in geo.patches:
        grid.patches.append(_patch(grid, p, layout, air))
    grid.supply_m3s = geo.tile_flow_m3s
    running = [u for u in layout.cooling_units if u.running]
    q = sum(u.airflow_m3s for u in running)
    grid.supply_temp_c = sum(u.airflow_m3s * u.supply_temp_c for u in running) / q
    if geo.tile_flow_m3s > 0:
        _add_tile_patch(grid, geo)
    _check_patches(grid)
    return grid


def _patch(grid: Grid, p: FlowPatch, layout, air) -> Patch:
    """One flow patch of the solver geometry snapped onto its owner's box."""
    _, lo, hi = next(b for b in grid.boxes if b[0] == p.owner)
    others = [a for a in range(3) if a != p.axis]
    rect = []
    for a in others:
        r0, r1 = max(snap(p.box_m[a][0], grid.cell_m), lo[a]), min(snap(p.box_m[a][1], grid.cell_m), hi[a])
        rect.append((r0, r1) if r1 > r0 else (lo[a], hi[a]))
    area = (rect[0][1] - rect[0][0]) * (rect[1][1] - rect[1][0]) * grid.cell_m ** 2
    vel = [0.0, 0.0, 0.0]
    vel[p.axis] = p.velocity_sign * p.flow_m3s / area
    plane = hi[p.axis] if p.side > 0 else lo[p.axis]
    kind = KINDS[p.kind]
    out = Patch(f"{kind}_{safe_name(p.owner)}", kind, p.owner, p.axis, plane, p.side,
                (rect[0][0], rect[1][0]), (rect[0][1], rect[1][1]), p.flow_m3s, tuple(vel))
    if kind == "rear":
        rack = layout.rack(p.owner)
        out.delta_t_k = rack.delta_t(air)
        out.rear_door = rack.rear_door
    elif kind == "supply":
        out.supply_temp_c = float(p.supply_temp_c)
    return out


def _add_plenum_tiles(grid: Grid, geo: SolverGeometry) -> None:
    """A raised floor: one inlet patch per tile at the plenum model's flow (docs/cfd.md)."""
    nx, ny, _ = grid.shape
    centres = [(np.arange(n) + 0.5) * grid.cell_m for n in (nx, ny)]
    try:
        inflows = tile_inflows(geo, *centres, ~grid.solid[:, :, 0])
    except GeometryError as exc:
        raise LayoutError(str(exc)) from None
    for k, mask, flow_m3s in inflows:
        area = mask.sum() * grid.cell_m ** 2
        grid.patches.append(Patch(f"tiles_{k}", "tile", "", 2, 0, 1, (0, 0), (nx, ny), flow_m3s,
                                  (0.0, 0.0, flow_m3s / area), mask=mask,
                                  supply_temp_c=geo.tile_temp_c))


def _add_tile_patch(grid: Grid, geo: SolverGeometry) -> None:
    if geo.plenum is not None:
        _add_plenum_tiles(grid, geo)
        return
    nx, ny, _ = grid.shape
    mask = np.zeros((nx, ny), bool)
    for (x0, x1), (y0, y1) in geo.tiles:
        i0, i1 = snap(x0, grid.cell_m), snap(x1, grid.cell_m)
        j0, j1 = snap(y0, grid.cell_m), snap(y1, grid.cell_m)
        mask[max(i0, 0):min(i1, nx), max(j0, 0):min(j1, ny)] = True
    mask &= ~grid.solid[:, :, 0]              # tiles under equipment are blocked
    if not mask.any():
        raise LayoutError("no open tile area: the running units' supply has nowhere to enter")
    area = mask.sum() * grid.cell_m ** 2
    grid.patches.append(Patch("tiles", "tile", "", 2, 0, 1, (0, 0), (nx, ny), grid.supply_m3s,
                              (0.0, 0.0, grid.supply_m3s / area), mask=mask,
                              supply_temp_c=geo.tile_temp_c))


def _check_patches(grid: Grid) -> None:
    """Every patch face must sit between the room air and its box (not a wall or another box),
    and every patch has a name of its own."""
    names = [p.name for p in grid.patches]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise LayoutError(f"two patches would be named {twice[0]}: equipment ids must differ")
    for p in grid.patches:
        idx = p.fluid_cells()
        ax_idx = idx[p.axis]
        if ax_idx.size == 0 or ax_idx.min() < 0 or ax_idx.max() >= grid.shape[p.axis]:
            raise LayoutError(f"{p.owner or 'tiles'}: {p.kind} face lies on the room boundary")
        if grid.solid[idx].any():
            raise LayoutError(f"{p.owner or 'tiles'}: {p.kind} face is blocked by another box")
