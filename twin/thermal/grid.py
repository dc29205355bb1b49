"""Voxelise a layout's solver geometry onto a uniform staggered (MAC) grid with patches.

Cells are fluid or solid (racks, cooling units, obstacles); a panel thinner
than a cell closes the faces it covers instead. Velocities live on cell faces:
u on x-faces (nx+1, ny, nz), v on y-faces, w on z-faces. Every face that is not
between two fluid cells, or is closed, has a fixed normal velocity: zero on
walls, the imposed value on a patch (tiles, rack fronts and rears, unit
returns and in-row supplies).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from twin.model import limits
from twin.model.errors import LayoutError
from twin.geometry import (EQUIPMENT, FlowPatch, GeometryError, Solid, SolverGeometry, solver_geometry,
                           tile_inflows)
from twin.model.layout import Layout

PATCH_KINDS = ("tile", "rack_front", "rack_rear", "unit_return", "unit_supply")


class GridError(GeometryError):
    """The layout cannot be put on the grid (message is user-facing)."""


@dataclass
class Patch:
    """A set of boundary faces with one imposed flow rate.

    `faces` index the face array of `axis` (u for 0, v for 1, w for 2);
    `cells` are the fluid cells the faces touch. `velocity_ms` is the signed
    normal velocity along +axis written into the face array.
    """
    kind: str
    owner: str
    axis: int
    faces: np.ndarray
    cells: np.ndarray
    velocity_ms: float
    face_area_m2: float
    supply_temp_c: float = float("nan")      # inflows at a fixed temperature (tiles, in-row supply)

    @property
    def area_m2(self) -> float:
        return self.face_area_m2 * len(self.faces)

    @property
    def flow_m3s(self) -> float:
        return abs(self.velocity_ms) * self.area_m2

    @property
    def inflow(self) -> bool:
        """True when air enters the fluid through this patch."""
        side = _fluid_side(self.faces, self.cells, self.axis)
        return bool(np.sign(self.velocity_ms) == side)


def _fluid_side(faces: np.ndarray, cells: np.ndarray, axis: int) -> int:
    """+1 when the fluid cell lies on the + side of the faces, else -1."""
    if len(faces) == 0:
        return 1
    return 1 if cells[0, axis] == faces[0, axis] else -1


@dataclass
class Grid:
    shape: tuple[int, int, int]
    spacing_m: tuple[float, float, float]
    fluid: np.ndarray                      # bool (nx, ny, nz)
    patches: list[Patch] = field(default_factory=list)
    boxes: dict[str, tuple[slice, slice, slice]] = field(default_factory=dict)
    blocked: list = field(default_factory=list)   # per axis: faces closed by thin panels
    geometry: SolverGeometry | None = None

    @property
    def cell_volume_m3(self) -> float:
        dx, dy, dz = self.spacing_m
        return dx * dy * dz

    @property
    def fluid_cells(self) -> int:
        return int(self.fluid.sum())

    def face_area_m2(self, axis: int) -> float:
        dx, dy, dz = self.spacing_m
        return (dy * dz, dx * dz, dx * dy)[axis]

    def cell_centres_m(self, axis: int) -> np.ndarray:
        h = self.spacing_m[axis]
        return (np.arange(self.shape[axis]) + 0.5) * h

    def patches_of(self, kind: str) -> list[Patch]:
        return [p for p in self.patches if p.kind == kind]

    def patch(self, kind: str, owner: str) -> Patch:
        return next(p for p in self.patches if p.kind == kind and p.owner == owner)

    def face_bc(self):
        """Fixed-face masks and imposed velocities for u, v, w.

        A face is free (solved) only when both neighbouring cells are fluid. A
        face that two patches share (on a coarse grid a narrow in-row unit and
        its neighbour rack can snap onto the same cells) carries the sum of
        their velocities, so every patch keeps its whole flow.
        """
        nx, ny, nz = self.shape
        fl = self.fluid
        free = []
        for axis in range(3):
            shp = list(self.shape)
            shp[axis] += 1
            f = np.zeros(shp, dtype=bool)
            lo = [slice(None)] * 3
            hi = [slice(None)] * 3
            inner = [slice(None)] * 3
            lo[axis] = slice(0, -1)
            hi[axis] = slice(1, None)
            inner[axis] = slice(1, -1)
            f[tuple(inner)] = fl[tuple(lo)] & fl[tuple(hi)]
            if self.blocked:
                f &= ~self.blocked[axis]
            free.append(f)
        values = [np.zeros(f.shape) for f in free]
        for p in self.patches:
            values[p.axis][tuple(p.faces.T)] += p.velocity_ms
        return free, values


def _snap(a_m: float, b_m: float, h: float, n: int) -> tuple[int, int]:
    """Index range [i0, i1) covering [a, b], snapped to the nearest grid lines.

    Exact halves round towards the inside of the box, so mirrored boxes stay
    mirrored and boxes that touch never share a cell.
    """
    i0 = int(np.clip(np.ceil(a_m / h - 0.5 - 1e-9), 0, n))
    i1 = int(np.clip(np.floor(b_m / h + 0.5 - 1e-9), 0, n))
    if i1 <= i0:
        i1 = min(i0 + 1, n)
        i0 = i1 - 1
    return i0, i1


def _snap_open(a_m: float, b_m: float, h: float, n: int) -> tuple[int, int]:
    """Like `_snap`, but an extent that covers no cell centre gives an empty range."""
    i0 = int(np.clip(np.ceil(a_m / h - 0.5 - 1e-9), 0, n))
    i1 = int(np.clip(np.floor(b_m / h + 0.5 - 1e-9), 0, n))
    return i0, max(i0, i1)


def _box_slices(box_m, spacing, shape, open_below: bool = False):
    """Cell slices of a box (at least one cell along every axis)."""
    ranges = [_snap(lo, hi, h, n) for (lo, hi), h, n in zip(box_m, spacing, shape)]
    if open_below and box_m[2][0] > 0 and ranges[2][0] == 0 and ranges[2][1] > 1:
        ranges[2] = (1, ranges[2][1])        # keep the gap under a door open
    return tuple(slice(a, b) for a, b in ranges)


def _side_faces(box, axis: int, side: int, shape, fluid):
    """Faces on one side of a box that open onto fluid, with those fluid cells."""
    sl = list(box)
    if side > 0:
        face_idx = box[axis].stop
        cell_idx = face_idx
    else:
        face_idx = box[axis].start
        cell_idx = face_idx - 1
    if cell_idx < 0 or cell_idx >= shape[axis]:
        return np.zeros((0, 3), int), np.zeros((0, 3), int)
    sl[axis] = slice(face_idx, face_idx + 1)
    grids = np.meshgrid(*[np.arange(s.start, s.stop) for s in sl], indexing="ij")
    faces = np.stack([g.ravel() for g in grids], axis=1)
    cells = faces.copy()
    cells[:, axis] = cell_idx
    ok = fluid[tuple(cells.T)]
    return faces[ok], cells[ok]


def build_grid(layout: Layout, cell_m: float = 0.2) -> Grid:
    """Voxelise the room's solver geometry (`twin.geometry`) on a grid of about `cell_m`."""
    shape = grid_shape(layout, cell_m)
    try:
        geo = solver_geometry(layout)
    except GeometryError as exc:          # a plenum whose supply reaches no tile
        raise GridError(str(exc)) from None
    size = geo.room_m
    spacing = tuple(s / n for s, n in zip(size, shape))
    blocked = []
    for axis in range(3):
        shp = list(shape)
        shp[axis] += 1
        blocked.append(np.zeros(shp, dtype=bool))
    grid = Grid(shape, spacing, np.ones(shape, dtype=bool), blocked=blocked, geometry=geo)
    for solid in geo.solids:
        if solid.kind in EQUIPMENT:
            grid.boxes[solid.id] = _box_slices(solid.box_m, spacing, shape)
            grid.fluid[grid.boxes[solid.id]] = False
        else:
            _add_obstacle(grid, solid)
    for patch in geo.patches:
        _add_patch(grid, patch)
    _add_tile_patch(grid, geo)
    return grid


def grid_shape(layout: Layout, cell_m: float) -> tuple[int, int, int]:
    """Cells along x, y, z for `cell_m`; GridError before anything is allocated when the
    grid would exceed limits.max_cells() (a 500 m room, sizes typed in millimetres)."""
    if not (cell_m > 0 and math.isfinite(cell_m)):
        raise GridError(f"cell size must be a finite number > 0 m (got {cell_m})")
    counts = [s / cell_m for s in layout.room.size_m]
    counts = [max(2.0, float(round(c))) if math.isfinite(c) else math.inf for c in counts]
    try:
        cells, limit = math.prod(counts), limits.max_cells()
    except limits.InputLimitError as exc:
        raise GridError(str(exc)) from None
    if cells > limit:
        lx, ly, lz = layout.room.size_m
        need = f"{cells:,.0f}" if cells < 1e18 else "more than 10^18"
        lines = getattr(layout, "lines", None) or {}
        raise GridError(str(LayoutError(
            getattr(layout, "source_path", None), lines.get("room.size_m"), "room.size_m",
            f"a {lx:g} x {ly:g} x {lz:g} m room at {cell_m:g} m cells needs {need} grid cells; "
            f"the limit is {limit:,} (sizes are in metres; a larger --cell-m, --max-cells N or "
            f"{limits.MAX_CELLS_ENV} raise it)")))
    return tuple(int(c) for c in counts)


def _add_obstacle(grid: Grid, solid: Solid) -> None:
    """Solid cells; or, for a panel thinner than a cell, the faces it covers are closed."""
    ranges = [_snap_open(lo, hi, h, n)
              for (lo, hi), h, n in zip(solid.box_m, grid.spacing_m, grid.shape)]
    thin = [a for a in range(3) if ranges[a][1] <= ranges[a][0]]
    if len(thin) != 1:
        grid.fluid[_box_slices(solid.box_m, grid.spacing_m, grid.shape, solid.open_below)] = False
        return
    axis = thin[0]
    sl = list(_box_slices(solid.box_m, grid.spacing_m, grid.shape, solid.open_below))
    mid = 0.5 * sum(solid.box_m[axis])
    plane = int(np.clip(np.floor(mid / grid.spacing_m[axis] + 0.5), 0, grid.shape[axis]))
    sl[axis] = slice(plane, plane + 1)
    grid.blocked[axis][tuple(sl)] = True


def _patch_faces(grid: Grid, p: FlowPatch):
    """Face and fluid-cell indices of a flow patch, snapped onto its owner's box."""
    box = grid.boxes[p.owner]
    sl = list(box)
    for a in range(3):
        if a == p.axis:
            continue
        i0, i1 = _snap(*p.box_m[a], grid.spacing_m[a], grid.shape[a])
        i0, i1 = max(i0, box[a].start), min(i1, box[a].stop)
        sl[a] = slice(i0, i1) if i1 > i0 else box[a]
    return _side_faces(tuple(sl), p.axis, p.side, grid.shape, grid.fluid)


def _blocked_message(p: FlowPatch) -> str:
    if p.kind.startswith("rack"):
        where = "front" if p.kind == "rack_front" else "rear"
        return (f"rack {p.owner}: its {where} face is blocked (wall or another box): "
                "air cannot pass through it")
    if p.kind == "unit_return" and p.axis == 2:
        return f"cooling unit {p.owner}: its top (return) face is blocked"
    where = "supply (front)" if p.kind == "unit_supply" else "rear (return)"
    return f"cooling unit {p.owner}: its {where} face is blocked (wall or another box)"


def _add_patch(grid: Grid, p: FlowPatch) -> None:
    faces, cells = _patch_faces(grid, p)
    if len(faces):
        ok = ~grid.blocked[p.axis][tuple(faces.T)]
        faces, cells = faces[ok], cells[ok]
    if len(faces) == 0 and p.flow_m3s > 0:
        raise GridError(_blocked_message(p))
    area = grid.face_area_m2(p.axis)
    vel = p.velocity_sign * p.flow_m3s / (area * max(len(faces), 1))
    temp = float("nan") if p.supply_temp_c is None else p.supply_temp_c
    grid.patches.append(Patch(p.kind, p.owner, p.axis, faces, cells, vel, area, temp))


def _add_tile_patch(grid: Grid, geo: SolverGeometry) -> None:
    supply_m3s = geo.tile_flow_m3s
    if supply_m3s <= 0:
        return
    xc, yc = grid.cell_centres_m(0), grid.cell_centres_m(1)
    if geo.plenum is not None:
        _add_plenum_tiles(grid, geo, xc, yc)
        return
    covered = np.zeros(grid.shape[:2], dtype=bool)
    for (x0, x1), (y0, y1) in geo.tiles:
        covered |= ((xc[:, None] >= x0) & (xc[:, None] <= x1)
                    & (yc[None, :] >= y0) & (yc[None, :] <= y1))
    covered &= grid.fluid[:, :, 0]
    ij = np.argwhere(covered)
    if len(ij) == 0:
        raise GridError("no open perforated tile area: the cooling units' supply has nowhere to enter")
    faces = np.column_stack([ij, np.zeros(len(ij), int)])
    area = grid.face_area_m2(2)
    vel = supply_m3s / (area * len(ij))
    grid.patches.append(Patch("tile", "tiles", 2, faces, faces.copy(), vel, area, geo.tile_temp_c))


def _add_plenum_tiles(grid: Grid, geo: SolverGeometry, xc, yc) -> None:
    """A raised floor: one inflow patch per tile, at the flow the plenum model gives it."""
    area = grid.face_area_m2(2)
    try:
        inflows = tile_inflows(geo, xc, yc, grid.fluid[:, :, 0])
    except GeometryError as exc:
        raise GridError(str(exc)) from None
    for k, mask, flow_m3s in inflows:
        ij = np.argwhere(mask)
        faces = np.column_stack([ij, np.zeros(len(ij), int)])
        grid.patches.append(Patch("tile", f"tile {k}", 2, faces, faces.copy(),
                                  flow_m3s / (area * len(ij)), area, geo.tile_temp_c))
