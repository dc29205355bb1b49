"""Voxelise a layout onto a uniform staggered (MAC) grid with boundary patches.

Cells are fluid or solid (racks and cooling units). Velocities live on cell
faces: u on x-faces (nx+1, ny, nz), v on y-faces, w on z-faces. Every face that
is not between two fluid cells has a fixed normal velocity: zero on walls, the
imposed value on a patch (tiles, rack fronts and rears, unit returns).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from twin.model import limits
from twin.model.errors import LayoutError
from twin.model.layout import Layout

PATCH_KINDS = ("tile", "rack_front", "rack_rear", "unit_return")
_AXIS = {"x": 0, "y": 1}


class GridError(ValueError):
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

        A face is free (solved) only when both neighbouring cells are fluid.
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
            free.append(f)
        values = [np.zeros(f.shape) for f in free]
        for p in self.patches:
            values[p.axis][tuple(p.faces.T)] = p.velocity_ms
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


def _box_slices(pos, size, spacing, shape):
    x0, y0 = pos
    sx, sy, sz = size
    ix = _snap(x0, x0 + sx, spacing[0], shape[0])
    iy = _snap(y0, y0 + sy, spacing[1], shape[1])
    iz = _snap(0.0, sz, spacing[2], shape[2])
    return tuple(slice(a, b) for a, b in (ix, iy, iz))


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
    """Voxelise the room, its boxes and its patches on a grid of about `cell_m`."""
    size = layout.room.size_m
    shape = grid_shape(layout, cell_m)
    spacing = tuple(s / n for s, n in zip(size, shape))
    fluid = np.ones(shape, dtype=bool)
    boxes = {}
    for item in list(layout.racks) + list(layout.cooling_units):
        box = _box_slices(item.position_m, item.size_m, spacing, shape)
        boxes[item.id] = box
        fluid[box] = False
    grid = Grid(shape, spacing, fluid, boxes=boxes)
    _add_rack_patches(grid, layout)
    running = [u for u in layout.cooling_units if u.running]
    _add_return_patches(grid, running)
    _add_tile_patch(grid, layout, sum(u.airflow_m3s for u in running))
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


def _add_rack_patches(grid: Grid, layout: Layout) -> None:
    for rack in layout.racks:
        axis = _AXIS[rack.facing[1]]
        front_side = 1 if rack.facing[0] == "+" else -1
        q = rack.airflow(layout.air)
        for kind, side in (("rack_front", front_side), ("rack_rear", -front_side)):
            faces, cells = _side_faces(grid.boxes[rack.id], axis, side, grid.shape, grid.fluid)
            if len(faces) == 0 and q > 0:
                where = "front" if kind == "rack_front" else "rear"
                raise GridError(
                    f"rack {rack.id}: its {where} face is blocked (wall or another box): "
                    "air cannot pass through it")
            area = grid.face_area_m2(axis)
            # Air crosses the rack from front to rear, i.e. against `facing`.
            vel = -front_side * q / (area * max(len(faces), 1))
            grid.patches.append(Patch(kind, rack.id, axis, faces, cells, vel, area))


def _add_return_patches(grid: Grid, running) -> None:
    for unit in running:
        faces, cells = _side_faces(grid.boxes[unit.id], 2, 1, grid.shape, grid.fluid)
        if len(faces) == 0:
            raise GridError(f"cooling unit {unit.id}: its top (return) face is blocked")
        area = grid.face_area_m2(2)
        vel = -unit.airflow_m3s / (area * len(faces))
        grid.patches.append(Patch("unit_return", unit.id, 2, faces, cells, vel, area))


def _add_tile_patch(grid: Grid, layout: Layout, supply_m3s: float) -> None:
    if supply_m3s <= 0:
        return
    xc, yc = grid.cell_centres_m(0), grid.cell_centres_m(1)
    covered = np.zeros(grid.shape[:2], dtype=bool)
    for t in layout.tiles:
        covered |= ((xc[:, None] >= t.x_m[0]) & (xc[:, None] <= t.x_m[1])
                    & (yc[None, :] >= t.y_m[0]) & (yc[None, :] <= t.y_m[1]))
    covered &= grid.fluid[:, :, 0]
    ij = np.argwhere(covered)
    if len(ij) == 0:
        raise GridError("no open perforated tile area: the cooling units' supply has nowhere to enter")
    faces = np.column_stack([ij, np.zeros(len(ij), int)])
    area = grid.face_area_m2(2)
    vel = supply_m3s / (area * len(ij))
    grid.patches.append(Patch("tile", "tiles", 2, faces, faces.copy(), vel, area))
