"""The raised-floor plenum: under-floor pressure and the flow of every perforated tile (Qt-free).

A depth-averaged 2-D flow over the plenum area (docs/thermal.md, "Raised
floor"). The floor units blow their supply down into the plenum under their
footprint; each tile lets air up by the orifice law
`Q = Cd * A_open * sqrt(2 * p / rho)` at the static pressure `p` under it
(the room above is at uniform pressure, as in Karki, Radmehr & Patankar 2003).
Between them the air loses total pressure to wall friction (Darcy-Weisbach,
laminar 96/Re or Blasius), and its static pressure is the total pressure less
`rho |u|^2 / 2`: tiles where the plenum air runs fast (near a unit's discharge,
over an under-floor obstacle) or that lie behind an obstacle deliver less.
The plenum pressure is iterated so that the tile flows add up to the units'
supply exactly, in each part of the plenum that obstacles close off.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import ndimage
from scipy.optimize import brentq
from scipy.sparse.linalg import spsolve

from twin.model.layout import Layout

CD_TILE = 0.65            # discharge coefficient of a perforated tile (docs/thermal.md)
AIR_VISCOSITY_PAS = 1.81e-5   # dynamic viscosity of air near 20 degC
MAX_CELLS = 120_000       # plenum cells at most (the cell grows in very large halls)
MAX_ITERATIONS = 200
TOLERANCE = 1e-9          # largest change of a tile flow between iterations / supply
RELAX = 0.7


class PlenumError(ValueError):
    """A plenum whose supply cannot reach any tile (message is user-facing)."""


@dataclass(frozen=True)
class TileFlow:
    """One physical tile of a tile area and the air it lets into the room."""
    area: int                         # index of its tile area in layout.tiles
    x_m: tuple[float, float]
    y_m: tuple[float, float]
    open_pct: float
    open_m2: float                    # open area left uncovered by equipment
    flow_m3s: float
    pressure_pa: float                # plenum static pressure under it, above the room's

    @property
    def centre_m(self) -> tuple[float, float]:
        return 0.5 * sum(self.x_m), 0.5 * sum(self.y_m)


@dataclass(frozen=True)
class PlenumResult:
    tiles: tuple[TileFlow, ...]
    supply_m3s: float                 # the running floor units' supply into the plenum
    cell_m: float
    iterations: int
    converged: bool

    @property
    def flow_m3s(self) -> float:
        return float(sum(t.flow_m3s for t in self.tiles))


def split_tiles(layout: Layout) -> list[tuple[int, tuple, tuple]]:
    """Each tile area cut into tiles of about `room.tile_m`: (area index, x span, y span)."""
    pitch, out = float(layout.room.tile_m), []
    for a, area in enumerate(layout.tiles):
        (x0, x1), (y0, y1) = area.x_m, area.y_m
        nx, ny = (max(1, int(round((hi - lo) / pitch))) for lo, hi in ((x0, x1), (y0, y1)))
        xs, ys = np.linspace(x0, x1, nx + 1), np.linspace(y0, y1, ny + 1)
        out += [(a, (float(xs[i]), float(xs[i + 1])), (float(ys[j]), float(ys[j + 1])))
                for i in range(nx) for j in range(ny)]
    return out


def _overlap(a, b) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def _floor_boxes(layout: Layout) -> list[tuple]:
    """(x, y) footprints of what stands on the floor and covers tiles: racks, units, obstacles."""
    out = [((r.position_m[0], r.position_m[0] + r.size_m[0]),
            (r.position_m[1], r.position_m[1] + r.size_m[1]))
           for r in list(layout.racks) + list(layout.cooling_units)]
    out += [(tuple(o.box_m.x_m), tuple(o.box_m.y_m)) for o in layout.obstacles
            if abs(o.box_m.z_m[0]) <= 1e-6]
    return out


class _Plenum:
    """The plenum cells, their free depth and the tiles' and units' cells on them."""

    def __init__(self, layout: Layout):
        lx, ly, _ = (float(s) for s in layout.room.size_m)
        self.depth_m = float(layout.room.raised_floor.height_m)
        self.rho = float(layout.air.density_kgm3)
        h = max(float(layout.room.tile_m) / 2, (lx * ly / MAX_CELLS) ** 0.5)
        self.shape = (max(1, int(round(lx / h))), max(1, int(round(ly / h))))
        self.h = (lx / self.shape[0], ly / self.shape[1])
        self.xc = (np.arange(self.shape[0]) + 0.5) * self.h[0]
        self.yc = (np.arange(self.shape[1]) + 0.5) * self.h[1]
        self.free_m = self._free_depth(layout)
        self.labels, _ = ndimage.label(self.free_m > 0)

    def _free_depth(self, layout: Layout) -> np.ndarray:
        """Plenum depth left open by under-floor obstacles at each cell centre."""
        spans = [[[] for _ in range(self.shape[1])] for _ in range(self.shape[0])]
        for ob in layout.obstacles:
            if not ob.under_floor:
                continue
            z0, z1 = max(ob.box_m.z_m[0], -self.depth_m), min(ob.box_m.z_m[1], 0.0)
            for i, j in zip(*np.nonzero(self.inside(ob.box_m.x_m, ob.box_m.y_m))):
                spans[i][j].append((z0, z1))
        free = np.full(self.shape, self.depth_m)
        for i in range(self.shape[0]):
            for j in range(self.shape[1]):
                if spans[i][j]:
                    free[i, j] = self.depth_m - _union_m(spans[i][j])
        return np.where(free > 1e-6, free, 0.0)

    def inside(self, x_m, y_m) -> np.ndarray:
        """Cells whose centres lie in the rectangle."""
        return (((self.xc >= x_m[0]) & (self.xc <= x_m[1]))[:, None]
                & ((self.yc >= y_m[0]) & (self.yc <= y_m[1]))[None, :])

    def cells_of(self, x_m, y_m) -> np.ndarray:
        """Open cells under a rectangle (the nearest cell when no centre falls inside)."""
        mask = self.inside(x_m, y_m)
        if not mask.any():
            i = int(np.argmin(abs(self.xc - 0.5 * sum(x_m))))
            j = int(np.argmin(abs(self.yc - 0.5 * sum(y_m))))
            mask[i, j] = True
        return np.argwhere(mask & (self.free_m > 0))


def _union_m(spans: list) -> float:
    """Total length covered by a list of (lo, hi) intervals."""
    total, end = 0.0, -np.inf
    for lo, hi in sorted(spans):
        lo = max(lo, end)
        if hi > lo:
            total += hi - lo
            end = hi
    return total


def _friction_conductivity(depth_m: np.ndarray, speed_ms: np.ndarray, rho: float) -> np.ndarray:
    """k in u = -k grad(P) for a wide channel of `depth_m`: Darcy-Weisbach friction,
    laminar (96/Re) or Blasius (0.3164 Re^-0.25), whichever is larger."""
    d_h = 2.0 * np.maximum(depth_m, 1e-9)
    nu = AIR_VISCOSITY_PAS / rho
    lam_u = np.maximum(96.0 * nu / d_h, 0.3164 * speed_ms ** 0.75 * (nu / d_h) ** 0.25)
    return 2.0 * d_h / (rho * lam_u)


class _Flow:
    """One linearised plenum solve: total pressure, velocities and static pressure per cell."""

    def __init__(self, pl: _Plenum):
        self.pl = pl
        self.index = -np.ones(pl.shape, int)
        self.open = np.argwhere(pl.free_m > 0)
        self.index[tuple(self.open.T)] = np.arange(len(self.open))
        self.pins = [int(self.index[tuple(np.argwhere(pl.labels == k)[0])])
                     for k in range(1, pl.labels.max() + 1)]
        self.speed = np.zeros(pl.shape)
        self.face_flux = [None, None]      # last solve's flow through each face, +axis, m3/s

    def _with_step_loss(self, axis: int, g: np.ndarray, depth_a, depth_b) -> np.ndarray:
        """Add, in series with friction, the loss where the free depth steps (an under-floor
        obstacle): sudden contraction 0.5 (1 - s) or expansion (1 - s)^2 velocity heads of
        the shallow side (s = shallow / deep depth), linearised on the last solve's flows."""
        flux = self.face_flux[axis]
        if flux is None:
            return g
        shallow = np.minimum(depth_a, depth_b)
        s = shallow / np.maximum(np.maximum(depth_a, depth_b), 1e-300)
        into_shallow = np.where(flux >= 0, depth_b < depth_a, depth_a < depth_b)
        k = np.where(into_shallow, 0.5 * (1 - s), (1 - s) ** 2)
        section = np.maximum(shallow * self.pl.h[1 - axis], 1e-300)
        r_step = k * self.pl.rho * np.abs(flux) / (2 * section ** 2)
        return np.where(g > 0, g / (1 + g * r_step), 0.0)

    def solve(self, source_m3s: np.ndarray) -> np.ndarray:
        """Static pressure per cell (up to a constant per part) for net inflows per cell."""
        pl = self.pl
        trans = pl.free_m * _friction_conductivity(pl.free_m, self.speed, pl.rho)
        rows, cols, vals, faces = [], [], [], []
        for axis in (0, 1):
            a = [slice(None)] * 2
            b = [slice(None)] * 2
            a[axis], b[axis] = slice(0, -1), slice(1, None)
            ia, ib = self.index[tuple(a)], self.index[tuple(b)]
            ta, tb = trans[tuple(a)], trans[tuple(b)]
            ok = (ia >= 0) & (ib >= 0)
            # friction: harmonic mean of the two cells' transmissivity, times width / distance
            g = np.where(ok, 2 * ta * tb / np.maximum(ta + tb, 1e-300), 0.0)
            g = g * pl.h[1 - axis] / pl.h[axis]
            g = self._with_step_loss(axis, g, pl.free_m[tuple(a)], pl.free_m[tuple(b)])[ok]
            i, j = ia[ok], ib[ok]
            rows += [i, j, i, j]
            cols += [i, j, j, i]
            vals += [g, g, -g, -g]
            faces.append((axis, ok, g))
        n = len(self.open)
        lap = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                            shape=(n, n))
        pin = np.zeros(n)      # each closed-off part of the plenum is held at 0 in one cell
        pin[self.pins] = 1e6 * max(float(lap.diagonal().max()), 1e-30)
        total = spsolve((lap + sp.diags(pin)).tocsc(), source_m3s[tuple(self.open.T)])
        p_total = np.zeros(pl.shape)
        p_total[tuple(self.open.T)] = total
        self.speed = 0.5 * (self.speed + self._speeds(p_total, faces))
        return p_total - 0.5 * pl.rho * self.speed ** 2

    def _speeds(self, p_total: np.ndarray, faces) -> np.ndarray:
        """Cell speed: the mean of each axis's two face flows over the cell's open section."""
        pl = self.pl
        comps = []
        for axis, ok, g in faces:
            flux = np.zeros([n + 1 if a == axis else n for a, n in enumerate(pl.shape)])
            inner = [slice(None)] * 2
            inner[axis] = slice(1, -1)
            a = [slice(None)] * 2
            b = [slice(None)] * 2
            a[axis], b[axis] = slice(0, -1), slice(1, None)
            drop = p_total[tuple(a)] - p_total[tuple(b)]
            face = np.zeros(drop.shape)
            face[ok] = g * drop[ok]
            flux[tuple(inner)] = face
            # A law dp ~ |F| F linearised on the last flow alone swings back and forth;
            # linearising on the mean of the last two converges (the Newton step for it).
            last = self.face_flux[axis]
            self.face_flux[axis] = face if last is None else 0.5 * (last + face)
            lo, hi = [slice(None)] * 2, [slice(None)] * 2
            lo[axis], hi[axis] = slice(0, -1), slice(1, None)
            section = pl.free_m * pl.h[1 - axis]
            comps.append(0.5 * (flux[tuple(lo)] + flux[tuple(hi)]) / np.maximum(section, 1e-300))
        return np.where(pl.free_m > 0, np.hypot(*comps), 0.0)


def _tile_setup(layout: Layout, pl: _Plenum):
    """Per tile: its spans, open area (uncovered share), plenum cells and plenum part."""
    boxes, out = _floor_boxes(layout), []
    for a, xs, ys in split_tiles(layout):
        area = (xs[1] - xs[0]) * (ys[1] - ys[0])
        covered = min(area, sum(_overlap(xs, bx) * _overlap(ys, by) for bx, by in boxes))
        cells = pl.cells_of(xs, ys)
        part = 0
        if len(cells):
            labels = pl.labels[tuple(cells.T)]
            part = int(np.bincount(labels).argmax())
            cells = cells[labels == part]
        uncovered = area - covered if area - covered > 1e-9 * area else 0.0
        open_m2 = layout.tiles[a].open_share * uncovered if len(cells) else 0.0
        out.append((a, xs, ys, open_m2, cells, part))
    return out


def _unit_sources(layout: Layout, pl: _Plenum):
    """Net inflow per cell from the running floor units, and the supply of each plenum part."""
    source, supply = np.zeros(pl.shape), np.zeros(int(pl.labels.max()) + 1)
    for u in layout.cooling_units:
        if not u.running or u.inrow:
            continue
        (x, y), (sx, sy, _) = u.position_m, u.size_m
        cells = pl.cells_of((x, x + sx), (y, y + sy))
        if not len(cells):
            raise PlenumError(f"cooling unit {u.id}: under-floor obstacles fill the plenum "
                              "under it; its supply has nowhere to go")
        share = float(u.airflow_m3s) / len(cells)
        np.add.at(source, tuple(cells.T), share)
        np.add.at(supply, pl.labels[tuple(cells.T)], share)
    return source, supply


def _balance(p_tile, open_m2, parts, supply, rho):
    """Tile flows by the orifice law with each part's pressure level set so they add up to
    its supply; returns the flows and each part's level (Pa)."""
    flows, level = np.zeros(len(p_tile)), np.zeros(len(supply))
    for k, s_k in enumerate(supply):
        mine = (parts == k) & (open_m2 > 0)
        if s_k <= 0 or not mine.any():
            continue
        p, a = p_tile[mine], open_m2[mine] * CD_TILE

        def excess(c):
            return float(np.sum(a * np.sqrt(2.0 * np.maximum(p + c, 0.0) / rho))) - s_k
        hi = -p.min() + 0.5 * rho * (s_k / a.sum()) ** 2
        level[k] = brentq(excess, -p.max(), hi, xtol=1e-14, rtol=1e-15, maxiter=500)
        flows[mine] = a * np.sqrt(2.0 * np.maximum(p + level[k], 0.0) / rho)
    return flows, level


def solve_plenum(layout: Layout) -> PlenumResult:
    """The flow of every tile of a raised-floor room (see the module doc)."""
    pl = _Plenum(layout)
    source, supply = _unit_sources(layout, pl)
    tiles = _tile_setup(layout, pl)
    open_m2 = np.array([t[3] for t in tiles])
    parts = np.array([t[5] for t in tiles])
    for k in np.nonzero(supply > 0)[0]:
        if not open_m2[parts == k].sum() > 0:
            raise PlenumError("the cooling units' supply reaches no open tile: under-floor "
                              "obstacles close it off, or equipment covers every tile")
    flows = np.zeros(len(tiles))
    for k in np.nonzero(supply > 0)[0]:
        mine = parts == k
        flows[mine] = supply[k] * open_m2[mine] / open_m2[mine].sum()
    flow, total = _Flow(pl), max(float(supply.sum()), 1e-30)
    converged, iteration = False, 0
    while not converged and iteration < MAX_ITERATIONS:
        iteration += 1
        net = source.copy()
        for (_, _, _, _, cells, _), q in zip(tiles, flows):
            if len(cells):
                np.add.at(net, tuple(cells.T), -q / len(cells))
        p_static = flow.solve(net)
        p_tile = np.array([p_static[tuple(t[4].T)].mean() if len(t[4]) else 0.0 for t in tiles])
        new, level = _balance(p_tile, open_m2, parts, supply, pl.rho)
        converged = float(np.max(np.abs(new - flows), initial=0.0)) <= TOLERANCE * total
        flows = new if converged else flows + RELAX * (new - flows)
    for k in np.nonzero(supply > 0)[0]:     # exact sums: the root solve leaves ~1e-15
        mine = parts == k
        flows[mine] *= supply[k] / flows[mine].sum()
    out = tuple(TileFlow(t[0], t[1], t[2], 100.0 * layout.tiles[t[0]].open_share, float(t[3]),
                         float(q), float(p + level[t[5]]) if t[3] > 0 else float("nan"))
                for t, q, p in zip(tiles, flows, p_tile))
    return PlenumResult(out, float(supply.sum()), float(min(pl.h)), iteration, converged)
