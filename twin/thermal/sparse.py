"""Sparse-matrix building blocks on the fluid cells of a `Grid`.

Cells are numbered in C order over the fluid mask; solid cells get -1. A
"free face" joins two fluid cells (see `Grid.face_bc`); all other faces carry
a fixed normal velocity and appear only on right-hand sides.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from twin.thermal.grid import Grid


@dataclass(frozen=True)
class FreeFaces:
    """The free faces normal to one axis.

    `faces` is a tuple of index arrays into that axis's face array; `lo`/`hi`
    are the cell numbers on the - and + side. `area_m2` and `dist_m` are the
    face area and the centre-to-centre distance.
    """
    axis: int
    faces: tuple[np.ndarray, np.ndarray, np.ndarray]
    lo: np.ndarray
    hi: np.ndarray
    area_m2: float
    dist_m: float


def cell_index(grid: Grid) -> np.ndarray:
    """(nx, ny, nz) int array: fluid cell number in C order, -1 in solids."""
    idx = np.full(grid.shape, -1, dtype=np.int64)
    idx[grid.fluid] = np.arange(grid.fluid_cells)
    return idx


def free_faces(grid: Grid, index: np.ndarray) -> list[FreeFaces]:
    """Free faces per axis (0, 1, 2) with the cell numbers on both sides."""
    free, _ = grid.face_bc()
    out = []
    for axis in range(3):
        f = np.nonzero(free[axis])
        lo = list(f)
        lo[axis] = f[axis] - 1
        out.append(FreeFaces(axis, f, index[tuple(lo)], index[f],
                             grid.face_area_m2(axis), grid.spacing_m[axis]))
    return out


def fixed_outflow_m3s(grid: Grid) -> np.ndarray:
    """Net volume flow out of each fluid cell through its fixed (patch) faces, m3/s."""
    _, values = grid.face_bc()
    div = np.zeros(grid.shape)
    for axis, val in enumerate(values):
        lo = [slice(None)] * 3
        hi = [slice(None)] * 3
        lo[axis] = slice(0, -1)
        hi[axis] = slice(1, None)
        div += grid.face_area_m2(axis) * (val[tuple(hi)] - val[tuple(lo)])
    return div[grid.fluid]


def laplacian_from_faces(n: int, faces: list[FreeFaces]) -> sp.csr_matrix:
    """Graph Laplacian D - W with weights area / distance (symmetric, PSD)."""
    lo = np.concatenate([f.lo for f in faces])
    hi = np.concatenate([f.hi for f in faces])
    w = np.concatenate([np.full(len(f.lo), f.area_m2 / f.dist_m) for f in faces])
    off = sp.coo_matrix((np.concatenate([-w, -w]), (np.concatenate([lo, hi]),
                                                     np.concatenate([hi, lo]))), shape=(n, n))
    diag = np.bincount(lo, w, n) + np.bincount(hi, w, n)
    return (off + sp.diags(diag)).tocsr()


def fluid_laplacian(grid: Grid) -> tuple[sp.csr_matrix, np.ndarray]:
    """Graph Laplacian of the fluid cells (weights face area / distance) and `cell_index`.

    (L phi)_c = sum over free faces of w (phi_c - phi_nb); its null space holds
    one constant per connected fluid region.
    """
    index = cell_index(grid)
    return laplacian_from_faces(grid.fluid_cells, free_faces(grid, index)), index


def components(laplacian: sp.spmatrix) -> tuple[int, np.ndarray]:
    """Connected fluid regions: (count, label per cell)."""
    return connected_components(laplacian, directed=False)


def pin_rows(matrix: sp.csr_matrix, rows: np.ndarray) -> sp.csr_matrix:
    """Replace `rows` (and the matching columns) by identity rows; keeps symmetry."""
    keep = np.ones(matrix.shape[0])
    keep[rows] = 0.0
    k = sp.diags(keep)
    one = np.zeros(matrix.shape[0])
    one[rows] = 1.0
    return (k @ matrix @ k + sp.diags(one)).tocsr()
