"""A layout snapped to a uniform grid: solid cells and the boundary patches the CFD case needs.

Every patch is a rectangle of cell faces on a grid plane, so the OpenFOAM
patches, the imposed flow rates and the extracted results all use the same
snapped geometry.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

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
    kind: str                      # tile | front | rear | return
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


def _box_cells(pos_m, size_m, cell_m) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    lo = tuple(snap(p, cell_m) for p in (pos_m[0], pos_m[1], 0.0))
    hi = tuple(snap(p + s, cell_m) for p, s in zip((pos_m[0], pos_m[1], 0.0), size_m))
    return lo, hi


def _check_cell_count(layout, cell_m: float) -> None:
    """The mesh must fit the same cell limit as the solver grids, checked before allocating."""
    from twin.thermal.grid import GridError, grid_shape
    try:
        grid_shape(layout, cell_m)
    except GridError as exc:
        raise LayoutError(str(exc)) from None


def build_grid(layout, cell_m: float = 0.1) -> Grid:
    """Snap the layout to a `cell_m` grid; raise LayoutError where the case would be ill-posed."""
    _check_cell_count(layout, cell_m)
    shape = tuple(max(1, snap(s, cell_m)) for s in layout.room.size_m)
    solid = np.zeros(shape, bool)
    boxes = []
    for eq in list(layout.racks) + list(layout.cooling_units):
        lo, hi = _box_cells(eq.position_m, eq.size_m, cell_m)
        if any(h <= l for l, h in zip(lo, hi)):
            raise LayoutError(f"{eq.id}: smaller than one {cell_m} m cell after snapping")
        if any(l < 0 or h > n for l, h, n in zip(lo, hi, shape)):
            raise LayoutError(f"{eq.id}: outside the room after snapping to {cell_m} m")
        box = solid[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
        if box.any():
            raise LayoutError(f"{eq.id}: overlaps another rack or cooling unit after snapping")
        box[...] = True
        boxes.append((eq.id, lo, hi))
    grid = Grid(cell_m, shape, solid, boxes)
    _add_rack_patches(grid, layout)
    _add_unit_patches(grid, layout)
    _add_tile_patch(grid, layout)
    _check_patches(grid)
    return grid


def _facing(facing: str) -> tuple[int, int]:
    """(axis, sign) of the direction a rack front looks."""
    return AXIS[facing[1]], (1 if facing[0] == "+" else -1)


def _add_rack_patches(grid: Grid, layout) -> None:
    for rack, (_, lo, hi) in zip(layout.racks, grid.boxes):
        axis, sign = _facing(rack.facing)
        others = [a for a in range(3) if a != axis]
        rect_lo, rect_hi = (lo[others[0]], lo[others[1]]), (hi[others[0]], hi[others[1]])
        area = (rect_hi[0] - rect_lo[0]) * (rect_hi[1] - rect_lo[1]) * grid.cell_m ** 2
        q = rack.airflow(layout.air)
        vel = [0.0, 0.0, 0.0]
        vel[axis] = -sign * q / area           # into the rack at the front, out of it at the rear
        front_plane, rear_plane = (hi[axis], lo[axis]) if sign > 0 else (lo[axis], hi[axis])
        name = safe_name(rack.id)
        grid.patches.append(Patch(f"front_{name}", "front", rack.id, axis, front_plane, sign,
                                  rect_lo, rect_hi, q, tuple(vel)))
        grid.patches.append(Patch(f"rear_{name}", "rear", rack.id, axis, rear_plane, -sign,
                                  rect_lo, rect_hi, q, tuple(vel), delta_t_k=rack.delta_t(layout.air)))


def _add_unit_patches(grid: Grid, layout) -> None:
    running = [u for u in layout.cooling_units if u.running]
    if not running:
        raise LayoutError("no running cooling unit: a closed room with heat sources has no steady state")
    boxes = {b[0]: b for b in grid.boxes}
    for unit in running:
        _, lo, hi = boxes[unit.id]
        area = (hi[0] - lo[0]) * (hi[1] - lo[1]) * grid.cell_m ** 2
        grid.patches.append(Patch(f"return_{safe_name(unit.id)}", "return", unit.id, 2, hi[2], 1,
                                  (lo[0], lo[1]), (hi[0], hi[1]), unit.airflow_m3s,
                                  (0.0, 0.0, -unit.airflow_m3s / area)))
    grid.supply_m3s = sum(u.airflow_m3s for u in running)
    grid.supply_temp_c = sum(u.airflow_m3s * u.supply_temp_c for u in running) / grid.supply_m3s


def _add_tile_patch(grid: Grid, layout) -> None:
    nx, ny, _ = grid.shape
    mask = np.zeros((nx, ny), bool)
    for tile in layout.tiles:
        i0, i1 = snap(tile.x_m[0], grid.cell_m), snap(tile.x_m[1], grid.cell_m)
        j0, j1 = snap(tile.y_m[0], grid.cell_m), snap(tile.y_m[1], grid.cell_m)
        mask[max(i0, 0):min(i1, nx), max(j0, 0):min(j1, ny)] = True
    mask &= ~grid.solid[:, :, 0]              # tiles under equipment are blocked
    if not mask.any():
        raise LayoutError("no open tile area: the running units' supply has nowhere to enter")
    area = mask.sum() * grid.cell_m ** 2
    grid.patches.append(Patch("tiles", "tile", "", 2, 0, 1, (0, 0), (nx, ny), grid.supply_m3s,
                              (0.0, 0.0, grid.supply_m3s / area), mask=mask))


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
