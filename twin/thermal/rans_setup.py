"""Static geometry of the accurate model: staggered fluxes, walls, patch bookkeeping."""
from __future__ import annotations

import numpy as np

from twin.model.layout import Layout
from twin.thermal import terms
from twin.thermal.grid import Grid


def _sl(axis: int, s: slice):
    out = [slice(None)] * 3
    out[axis] = s
    return tuple(out)


def _pad_ab(arr, a: int, b: int, mode: str, value=None):
    pad = [(0, 0)] * 3
    pad[a] = (1, 1)
    pad[b] = (1, 1)
    if mode == "constant":
        return np.pad(arr, pad, mode="constant", constant_values=value)
    return np.pad(arr, pad, mode=mode)


def _four(arr_p, a: int, b: int, op):
    """Combine the four cells around every a-b edge of a padded cell array."""
    n = arr_p.shape
    lo = lambda ax: slice(0, n[ax] - 1)
    hi = lambda ax: slice(1, n[ax])
    out = None
    for sa in (lo(a), hi(a)):
        for sb in (lo(b), hi(b)):
            idx = [slice(None)] * 3
            idx[a], idx[b] = sa, sb
            v = arr_p[tuple(idx)]
            out = v if out is None else op(out, v)
    return out


class Geometry:
    """Everything about the grid the iterations reuse."""

    def __init__(self, grid: Grid, layout: Layout):
        self.grid = grid
        free, _ = grid.face_bc()
        self.free = free
        fl = grid.fluid
        self.mom_wall = [[None] * 3 for _ in range(3)]
        self.wall_count = [[None] * 3 for _ in range(3)]
        for a in range(3):
            for b in range(3):
                if a == b:
                    continue
                all4 = _four(_pad_ab(fl, a, b, "constant", False), a, b, np.logical_and)
                self.mom_wall[a][b] = ~all4 | _panel_edges(grid, a, b)
        self.zero_bounds = []
        for a in range(3):
            shp = list(grid.shape)
            shp[a] += 1
            self.zero_bounds.append(tuple(np.zeros(_bshape(shp, ax)) for ax in range(3)))
        self._patch_books(layout)
        self._patch_edges()
        self._wall_faces()

    # -- patches -------------------------------------------------------------
    def _patch_books(self, layout: Layout):
        g = self.grid
        rack_ids = [r.id for r in layout.racks]
        self.n_racks = len(rack_ids)
        fronts = [g.patch("rack_front", r) for r in rack_ids]
        rears = [g.patch("rack_rear", r) for r in rack_ids]
        supplies = g.patches_of("unit_supply")
        self.front_cells, self.front_owner = _cat([p.cells for p in fronts])
        # Inflows blow in from a ghost cell inside their box: rack rears first, then in-row supplies.
        self.rear_solid_cells, self.rear_owner = _cat([_ghost_cells(p) for p in rears + supplies])
        self.supply_temp_c = np.array([p.supply_temp_c for p in supplies])
        self.rack_rise_k = np.array([r.delta_t(layout.air) for r in layout.racks])
        self._doors(layout)
        self.rear_speed_ms = np.array([abs(p.velocity_ms) for p in rears + supplies])
        returns = g.patches_of("unit_return")
        self.n_units = len(returns)
        self.return_cells, self.return_owner = _cat([p.cells for p in returns])
        units = {u.id: u for u in layout.cooling_units}
        self.return_flow_m3s = np.array([p.flow_m3s for p in returns])
        self.return_supply_c = np.array([units[p.owner].supply_temp_c for p in returns])
        tiles = g.patches_of("tile")
        # one patch, or one per tile over a raised floor: their mean speed sets the inflow k
        self.tile_speed_ms = (abs(tiles[0].velocity_ms) if len(tiles) == 1 else
                              sum(p.flow_m3s for p in tiles) / sum(p.area_m2 for p in tiles)
                              if tiles else 0.0)
        self.tile_temp_c = tiles[0].supply_temp_c if tiles else None
        self.patch_face = [np.zeros(f.shape, dtype=bool) for f in self.free]
        for p in g.patches:
            self.patch_face[p.axis][tuple(p.faces.T)] = True

    def _doors(self, layout: Layout):
        """Rear doors: capacity (W), coldest exhaust (degC) and rho cp Q (W/K) per rack."""
        rho_cp = layout.air.rho_cp
        self.door_cap_w = np.array([r.rear_door.capacity_kw * 1000.0 if r.rear_door else 0.0
                                    for r in layout.racks])
        self.door_floor_c = np.array([r.rear_door.floor_c if r.rear_door else 0.0
                                      for r in layout.racks])
        self.rack_wk = np.array([rho_cp * r.airflow(layout.air) for r in layout.racks])

    def door_heat_w(self, intake_c):
        """Heat each rack's rear door removes (W): capacity-limited, never below water + approach."""
        hot = intake_c + self.rack_rise_k - self.door_floor_c
        return np.clip(self.rack_wk * hot, 0.0, self.door_cap_w)

    def inflow_temps(self, intake_c):
        """Ghost-cell temperatures of the inflows: rack exhausts (after doors), then supplies."""
        drop = self.door_heat_w(intake_c) / np.maximum(self.rack_wk, 1e-30)
        return np.concatenate([intake_c + self.rack_rise_k - drop, self.supply_temp_c])

    def inflow_turbulence(self, intensity: float, length_m: float, c_mu: float):
        """k and epsilon carried in by tiles, rack exhausts and in-row supplies."""
        def k_of(u):
            return 1.5 * (intensity * u) ** 2
        k_t, k_r = k_of(self.tile_speed_ms), k_of(self.rear_speed_ms)
        e = lambda k: c_mu ** 0.75 * np.asarray(k) ** 1.5 / length_m
        return {"tile": k_t, "rear": k_r}, {"tile": float(e(k_t)), "rear": e(k_r)}

    def scalar_bounds(self, tile_value: float):
        """Boundary values for cell scalars: the floor carries the tile inflow value."""
        nx, ny, nz = self.grid.shape
        bz = np.zeros((nx, ny, 2))
        bz[:, :, 0] = tile_value
        return np.zeros((2, ny, nz)), np.zeros((nx, 2, nz)), bz

    # -- cell fluxes -------------------------------------------------------
    def cell_fluxes(self, vel):
        return [vel[a] * self.grid.face_area_m2(a) for a in range(3)]

    def cell_conductances(self, gamma):
        """gamma (m2/s) times area / h on every free cell face, 0 on the others."""
        g = self.grid
        out = []
        for a in range(3):
            d = np.empty(self.free[a].shape)
            terms.face_conductance(gamma, self.free[a], a, g.face_area_m2(a), g.spacing_m[a], d)
            out.append(d)
        return out

    def _patch_edges(self):
        """Per control volume of velocity component a: how many of its edges are walls (log-law
        shear) and how much of them lies on a patch, a rack face, tile, return or supply
        (no-slip shear, as the reference CFD's fixed-velocity patches); and per face, 0 on
        patches, 1 elsewhere (the convected flux of a tangential component skips patches)."""
        g = self.grid
        self.patch_count = [[None] * 3 for _ in range(3)]
        for a in range(3):
            for b in range(3):
                if a == b:
                    continue
                share = np.empty(_edge_shape(g.shape, a, b))   # patch share of each edge: 0, 1/2, 1
                terms.staggered_flux(self.patch_face[b].astype(float), a, 1.0, share)
                wall = self.mom_wall[a][b] & (share == 0.0)
                self.wall_count[a][b] = (wall[_sl(b, slice(0, -1))].astype(float)
                                         + wall[_sl(b, slice(1, None))])
                self.patch_count[a][b] = share[_sl(b, slice(0, -1))] + share[_sl(b, slice(1, None))]
        self.not_patch = [(~f).astype(float) for f in self.patch_face]

    # -- walls -------------------------------------------------------------
    def _wall_faces(self):
        """Per cell, which of its six faces are walls (solid or boundary, not a patch)."""
        g = self.grid
        self.cell_walls = []
        count = np.zeros(g.shape)
        for a in range(3):
            for side in (0, 1):
                fl_p = np.pad(g.fluid, [(1, 1) if ax == a else (0, 0) for ax in range(3)],
                              constant_values=False)
                nb = fl_p[_sl(a, slice(0, -2))] if side == 0 else fl_p[_sl(a, slice(2, None))]
                pf = self.patch_face[a][_sl(a, slice(0, -1))] if side == 0 else \
                    self.patch_face[a][_sl(a, slice(1, None))]
                wall = g.fluid & ~nb & ~pf
                if g.blocked:
                    closed = g.blocked[a][_sl(a, slice(0, -1))] if side == 0 else \
                        g.blocked[a][_sl(a, slice(1, None))]
                    wall |= g.fluid & closed
                self.cell_walls.append((a, wall))
                count += wall
        self.wall_cell = count > 0
        self.wall_face_count = count


def _edge_shape(shape, a: int, b: int) -> tuple:
    """Shape of the edge arrays of component a's control volumes normal to b."""
    out = list(shape)
    out[a] += 1
    out[b] += 1
    return tuple(out)


def _panel_edges(grid: Grid, a: int, b: int):
    """Edges of velocity component a's control volumes that lie on a thin panel (closed b-face)."""
    if not grid.blocked:
        return False
    pad = [(0, 0)] * 3
    pad[a] = (1, 1)
    closed = np.pad(grid.blocked[b], pad, constant_values=False)
    return closed[_sl(a, slice(0, -1))] | closed[_sl(a, slice(1, None))]


def _ghost_cells(p):
    """The solid cells just behind a patch's faces (inside its box)."""
    c = p.faces.copy()
    if len(c) and p.cells[0, p.axis] == p.faces[0, p.axis]:
        c[:, p.axis] -= 1
    return c


def _bshape(shp, ax):
    s = list(shp)
    s[ax] = 2
    return tuple(s)


def _cat(arrays):
    """Concatenate per-owner index arrays and return (cells, owner index)."""
    if not arrays:
        return np.zeros((0, 3), dtype=np.int64), np.zeros(0, dtype=np.int64)
    cells = np.concatenate(arrays).astype(np.int64)
    owner = np.concatenate([np.full(len(c), i) for i, c in enumerate(arrays)]).astype(np.int64)
    return cells, owner
