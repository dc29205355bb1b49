"""Picking planes and points out of a result's cell fields for display (Qt-free, no physics).

Cell (i, j, k) of an (nx, ny, nz) field has its centre at ((i+.5)dx, (j+.5)dy,
(k+.5)dz) with dx = room_x / nx; values are the cell's own (no interpolation).
"""
from __future__ import annotations

import math

import numpy as np

TEMPERATURE_LEVELS_C = (15.0, 45.0)     # fixed colour scale: a colour means the same degC everywhere


def cell_index(coord_m: float, length_m: float, n: int) -> int:
    """Index of the cell containing coord_m along an axis of n cells (clamped)."""
    return int(min(max(math.floor(coord_m / length_m * n), 0), n - 1))


def horizontal_plane(field: np.ndarray, room_m, z_m: float) -> np.ndarray:
    """The (nx, ny, ...) layer of a field at height z_m."""
    return field[:, :, cell_index(z_m, room_m[2], field.shape[2])]


def vertical_plane(field: np.ndarray, room_m, axis: str, at_m: float) -> np.ndarray:
    """The plane at y = at_m (axis "x": shape (nx, nz)) or x = at_m (axis "y": (ny, nz))."""
    if axis == "x":
        return field[:, cell_index(at_m, room_m[1], field.shape[1]), :]
    return field[cell_index(at_m, room_m[0], field.shape[0]), :, :]


def value_at(field: np.ndarray, room_m, x_m: float, y_m: float, z_m: float) -> float:
    """The cell value at a point (NaN inside solids); NaN outside the room."""
    if not (0 <= x_m <= room_m[0] and 0 <= y_m <= room_m[1] and 0 <= z_m <= room_m[2]):
        return float("nan")
    i = cell_index(x_m, room_m[0], field.shape[0])
    j = cell_index(y_m, room_m[1], field.shape[1])
    k = cell_index(z_m, room_m[2], field.shape[2])
    return float(field[i, j, k])


def arrow_samples(velocity_ms: np.ndarray, room_m, z_m: float, spacing_m: float):
    """Points (n, 2) and horizontal velocities (n, 2) on a coarse grid of the plane at z_m.

    Solid cells (NaN) are left out.
    """
    plane = horizontal_plane(velocity_ms, room_m, z_m)[..., :2]
    nx, ny = plane.shape[:2]
    step_x = max(1, round(spacing_m / (room_m[0] / nx)))
    step_y = max(1, round(spacing_m / (room_m[1] / ny)))
    ii = np.arange(step_x // 2, nx, step_x)
    jj = np.arange(step_y // 2, ny, step_y)
    I, J = np.meshgrid(ii, jj, indexing="ij")
    vel = plane[I, J].reshape(-1, 2)
    pts = np.stack([(I.ravel() + 0.5) * room_m[0] / nx, (J.ravel() + 0.5) * room_m[1] / ny], axis=1)
    keep = np.isfinite(vel).all(axis=1)
    return pts[keep], vel[keep]
