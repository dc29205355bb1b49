"""Pressure projection: make staggered face velocities divergence-free.

The Poisson operator depends only on the geometry, so its algebraic-multigrid
hierarchy is built once per grid and reused every iteration.
"""
from __future__ import annotations

import numpy as np
import pyamg
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from twin.thermal.grid import Grid


def net_outflow_m3s(grid: Grid, u, v, w) -> np.ndarray:
    """Volume flux leaving each cell through its six faces (m3/s)."""
    ax, ay, az = (grid.face_area_m2(a) for a in range(3))
    return (np.diff(u, axis=0) * ax + np.diff(v, axis=1) * ay + np.diff(w, axis=2) * az)


def fluid_laplacian(grid: Grid, free):
    """Graph Laplacian sum_f A_f/d_f (phi_P - phi_nb) over free faces; (matrix, cell index).

    `cell_index` maps (i, j, k) to the row of a fluid cell (-1 for solid).
    One cell per connected fluid region is pinned so the matrix is definite.
    """
    index = -np.ones(grid.shape, dtype=np.int64)
    index[grid.fluid] = np.arange(grid.fluid_cells)
    rows, cols, vals = [], [], []
    for axis in range(3):
        inner = [slice(None)] * 3
        inner[axis] = slice(1, -1)
        f = free[axis][tuple(inner)]
        lo = [slice(None)] * 3
        hi = [slice(None)] * 3
        lo[axis], hi[axis] = slice(0, -1), slice(1, None)
        a = index[tuple(lo)][f]
        b = index[tuple(hi)][f]
        g = grid.face_area_m2(axis) / grid.spacing_m[axis]
        rows += [a, b]
        cols += [b, a]
        vals += [np.full(len(a), -g), np.full(len(a), -g)]
    n = grid.fluid_cells
    off = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                        shape=(n, n))
    diag = -np.asarray(off.sum(axis=1)).ravel()
    ncomp, labels = connected_components(off, directed=False)
    first = np.unique(labels, return_index=True)[1]
    diag[first] += np.maximum(diag[first], 1e-12)
    return (off + sp.diags(diag)).tocsr(), index


class Projector:
    """Holds the multigrid hierarchy of one grid and projects velocities onto div-free."""

    def __init__(self, grid: Grid, free, tol: float = 1e-6, maxiter: int = 25):
        self.grid = grid
        self.free = free
        self.matrix, self.index = fluid_laplacian(grid, free)
        self.amg = pyamg.ruge_stuben_solver(self.matrix, max_coarse=200)
        self.tol = tol
        self.maxiter = maxiter

    def project(self, u, v, w, dt: float):
        """Correct free faces in place; return the pressure increment field (m2/s2)."""
        grid = self.grid
        rhs = -net_outflow_m3s(grid, u, v, w)[grid.fluid] / dt
        scale = max(np.abs(rhs).max(), 1e-30)
        phi_f = self.amg.solve(rhs, tol=self.tol, maxiter=self.maxiter, accel="cg") if scale > 1e-20 \
            else np.zeros_like(rhs)
        phi = np.zeros(grid.shape)
        phi[grid.fluid] = phi_f
        for axis, vel in enumerate((u, v, w)):
            inner = [slice(None)] * 3
            inner[axis] = slice(1, -1)
            grad = np.diff(phi, axis=axis) / grid.spacing_m[axis]
            f = self.free[axis][tuple(inner)]
            vel[tuple(inner)] -= dt * np.where(f, grad, 0.0)
        return phi
