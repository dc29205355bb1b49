"""Instant preview thermal model: potential flow plus upwind advection-diffusion.

1. Velocity: u = grad(phi) on free faces, imposed velocities on patch faces,
   with div u = 0 in every fluid cell (a Poisson problem for phi, pyamg).
2. Temperature: steady, conservative upwind advection plus a constant eddy
   diffusivity. Rack rears blow in at (area-mean front temperature + P/(rho cp Q)),
   coupled into the same sparse system through one extra unknown per rack, so
   the whole temperature field is one linear solve.
Equations, assumptions, timings and accuracy: docs/thermal-preview.md.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pyamg
import scipy.sparse as sp

from twin.model.layout import Layout
from twin.model.objects import door_heat_kw
from twin.thermal import SolveCancelled, SolverError
from twin.thermal.extract import assemble_result, cell_velocities, mixed_supply_temp_c
from twin.thermal.grid import Grid, GridError, build_grid
from twin.thermal.results import ThermalResult
from twin.thermal.regions import check_region_balance, patch_cells, stagnant_cells
from twin.thermal.sparse import (FreeFaces, cell_index, components, fixed_outflow_m3s,
                                 free_faces, laplacian_from_faces, pin_rows)

# Turbulent (eddy) diffusivity of heat in a ventilated room, m2/s: nu_t / Pr_t
# with nu_t ~ 0.02-0.03 m2/s (k-epsilon estimates for ~1-2 m/s room jets over
# metre scales) and Pr_t = 0.85. Upwind advection adds numerical diffusion of
# about |u| h / 2 on top of it.
EDDY_DIFFUSIVITY_M2S = 0.03

FLOW_TOL = 1e-10         # relative residual of the potential solve
TEMPERATURE_TOL = 1e-10  # relative residual of the temperature solve
MAX_KRYLOV_ITERATIONS = 400


@dataclass
class PotentialFlow:
    """Face velocities (u, v, w) in m/s, the potential per fluid cell and the region labels."""
    u: np.ndarray
    v: np.ndarray
    w: np.ndarray
    phi: np.ndarray
    labels: np.ndarray
    iterations: int


def solve_preview(layout: Layout, cell_m: float = 0.2, progress=None, cancel=None,
                  diffusivity_m2s: float = EDDY_DIFFUSIVITY_M2S) -> ThermalResult:
    """Preview air temperature and velocity of `layout` on a grid of about `cell_m`."""
    t0 = time.perf_counter()
    report = _reporter(progress, cancel)
    grid, T, flow, iterations = preview_fields(layout, cell_m, diffusivity_m2s, report)
    report(0.9, "collecting results")
    vel = cell_velocities(flow.u, flow.v, flow.w)
    notes = ("preview: potential flow, no buoyancy or recirculation",)
    result = assemble_result(layout, grid, T, vel, model="preview",
                             seconds=time.perf_counter() - t0, iterations=iterations,
                             notes=notes)
    report(1.0, "done")
    return result


def preview_fields(layout: Layout, cell_m: float = 0.2,
                   diffusivity_m2s: float = EDDY_DIFFUSIVITY_M2S, report=None):
    """(grid, float64 temperature (nx, ny, nz) with NaN in solids, PotentialFlow, iterations)."""
    report = report or (lambda fraction, message: None)
    if not any(u.running for u in layout.cooling_units):
        raise SolverError("no running cooling unit: the room has no supply air, "
                          "so there is no steady temperature to preview")
    if not diffusivity_m2s >= 0:
        raise ValueError(f"diffusivity_m2s must be >= 0 (got {diffusivity_m2s})")
    report(0.0, "building grid")
    try:
        grid = build_grid(layout, cell_m)
    except GridError as exc:
        raise SolverError(str(exc)) from exc
    index = cell_index(grid)
    faces = free_faces(grid, index)
    report(0.1, "potential flow")
    flow = potential_flow(grid, faces, index)
    report(0.5, "temperature")
    matrix, rhs, door_columns = temperature_system(grid, layout, flow, faces, index,
                                                   mixed_supply_temp_c(layout), diffusivity_m2s)
    T_cells, iterations = solve_with_doors(layout, matrix, rhs, door_columns, grid.fluid_cells)
    T = np.full(grid.shape, np.nan)
    T[grid.fluid] = T_cells[:grid.fluid_cells]
    return grid, T, flow, flow.iterations + iterations


def _reporter(progress, cancel):
    """One call that reports progress and raises SolveCancelled when asked to stop."""
    def report(fraction: float, message: str) -> None:
        if cancel is not None and cancel():
            raise SolveCancelled()
        if progress is not None:
            progress(fraction, message)
    return report


def potential_flow(grid: Grid, faces: list[FreeFaces], index: np.ndarray) -> PotentialFlow:
    """Divergence-free face velocities: u = grad(phi) on free faces, patch values elsewhere."""
    lap = laplacian_from_faces(grid.fluid_cells, faces)
    rhs = fixed_outflow_m3s(grid)
    _, labels = components(lap)
    check_region_balance(grid, index, labels)
    pins = np.unique(labels, return_index=True)[1]
    rhs[pins] = 0.0
    matrix = pin_rows(lap, pins)
    ml = pyamg.ruge_stuben_solver(matrix, interpolation="direct")
    residuals: list[float] = []
    phi = ml.solve(rhs, tol=FLOW_TOL, accel="cg", maxiter=MAX_KRYLOV_ITERATIONS,
                   residuals=residuals)
    _check_converged("flow", residuals, FLOW_TOL)
    _, values = grid.face_bc()
    vel = [v.copy() for v in values]
    for f in faces:
        vel[f.axis][f.faces] = (phi[f.hi] - phi[f.lo]) / f.dist_m
    return PotentialFlow(*vel, phi=phi, labels=labels, iterations=len(residuals))






class _Triplets:
    """Accumulates COO entries and a separate diagonal for an (m, m) matrix."""

    def __init__(self, m: int):
        self.m = m
        self.diag = np.zeros(m)
        self.rows, self.cols, self.vals = [], [], []

    def add_diag(self, rows: np.ndarray, vals: np.ndarray) -> None:
        self.diag += np.bincount(rows, vals, self.m)

    def add(self, rows, cols, vals) -> None:
        self.rows.append(np.asarray(rows))
        self.cols.append(np.asarray(cols))
        self.vals.append(np.asarray(vals, dtype=float))

    def matrix(self) -> sp.csr_matrix:
        rows = np.concatenate(self.rows + [np.arange(self.m)])
        cols = np.concatenate(self.cols + [np.arange(self.m)])
        vals = np.concatenate(self.vals + [self.diag])
        return sp.csr_matrix((vals, (rows, cols)), shape=(self.m, self.m))


def temperature_system(grid: Grid, layout: Layout, flow: PotentialFlow, faces: list[FreeFaces],
                       index: np.ndarray, t_supply_c: float, diffusivity_m2s: float):
    """Sparse matrix, right-hand side and rear-door columns for cell temperatures plus one
    rack-intake unknown per rack.

    Rows are heat balances in W/(rho cp): upwind advection on free faces,
    diffusion between fluid cells only, outflow at the cell temperature on
    patch faces, inflow at the supply (tiles, in-row supplies) or at rack
    intake + rise (rears). Column k of the door matrix times the door's
    temperature drop (K) is taken off the right-hand side.
    """
    n = grid.fluid_cells
    rack_no = {r.id: k for k, r in enumerate(layout.racks)}
    rise_k = {r.id: r.delta_t(layout.air) for r in layout.racks}
    acc = _Triplets(n + len(rack_no))
    rhs = np.zeros(acc.m)
    door_rows, door_cols, door_vals = [], [], []   # rhs per K that a rear door cools an exhaust
    face_vel = (flow.u, flow.v, flow.w)
    for f in faces:
        flux = face_vel[f.axis][f.faces] * f.area_m2
        g = diffusivity_m2s * f.area_m2 / f.dist_m
        f_pos, f_neg = np.maximum(flux, 0.0) + g, np.maximum(-flux, 0.0) + g
        acc.add_diag(f.lo, f_pos)
        acc.add_diag(f.hi, f_neg)
        acc.add(np.concatenate([f.lo, f.hi]), np.concatenate([f.hi, f.lo]),
                -np.concatenate([f_neg, f_pos]))
    for p, cells, q in patch_cells(grid, index):
        if not p.inflow:
            acc.add_diag(cells, q)
        elif p.kind in ("tile", "unit_supply"):
            rhs += np.bincount(cells, q * p.supply_temp_c, acc.m)
        elif p.kind == "rack_rear":
            r = n + rack_no[p.owner]
            acc.add(cells, np.full(len(cells), r), -q)
            rhs += np.bincount(cells, q * rise_k[p.owner], acc.m)
            door_rows.append(cells)
            door_cols.append(np.full(len(cells), rack_no[p.owner]))
            door_vals.append(q)
        else:
            raise SolverError(f"{p.kind} {p.owner} blows air in; the preview cannot handle it")
    _add_rack_intake_rows(acc, grid, index, rack_no)
    matrix = acc.matrix()
    cat = lambda parts, dtype: np.concatenate(parts) if parts else np.zeros(0, dtype)  # noqa: E731
    doors = sp.csr_matrix((cat(door_vals, float), (cat(door_rows, int), cat(door_cols, int))),
                          shape=(acc.m, len(rack_no)))
    stagnant = stagnant_cells(grid, index, flow.labels)
    if len(stagnant):
        matrix = _fix_rows(matrix, stagnant)
        rhs[stagnant] = t_supply_c
        keep = np.ones(acc.m)
        keep[stagnant] = 0.0
        doors = (sp.diags(keep) @ doors).tocsr()
    return matrix, rhs, doors


def _add_rack_intake_rows(acc: _Triplets, grid: Grid, index: np.ndarray, rack_no: dict) -> None:
    """Row n + k: Q_k T_intake,k - sum over front faces of q_f T_cell = 0 (flow-weighted mean)."""
    n = grid.fluid_cells
    for p in grid.patches_of("rack_front"):
        r = n + rack_no[p.owner]
        cells = index[tuple(p.cells.T)]
        q = np.full(len(cells), abs(p.velocity_ms) * p.face_area_m2)
        if q.sum() <= 0:   # no airflow: plain area mean, scaled like a small rack
            q = np.full(len(cells), 1.0 / max(len(cells), 1))
        acc.add_diag(np.array([r]), np.array([q.sum()]))
        acc.add(np.full(len(cells), r), cells, -q)
    have_front = {n + rack_no[p.owner] for p in grid.patches_of("rack_front") if len(p.cells)}
    for r in set(range(n, acc.m)) - have_front:
        acc.add_diag(np.array([r]), np.array([1.0]))




def _fix_rows(matrix: sp.csr_matrix, rows: np.ndarray) -> sp.csr_matrix:
    """Turn `rows` into identity rows (their values are then set by the right-hand side)."""
    keep = np.ones(matrix.shape[0])
    keep[rows] = 0.0
    one = 1.0 - keep
    return (sp.diags(keep) @ matrix + sp.diags(one)).tocsr()


DOOR_TOL_KW = 1e-6
MAX_DOOR_ROUNDS = 60


def solve_with_doors(layout: Layout, matrix, rhs, door_columns, n_cells: int):
    """Solve, then repeat with each rear door's heat from the intakes until it settles.

    A door's heat depends on its rack's intake (capacity and water-temperature
    limits), which the solve gives; without doors this is a single solve.
    """
    doors = [r.rear_door for r in layout.racks]
    if not any(doors):
        return solve_temperature(matrix, rhs)
    air = layout.air
    ml = pyamg.ruge_stuben_solver(matrix, interpolation="direct")
    flow = np.array([r.airflow(air) for r in layout.racks])
    rise = np.array([r.delta_t(air) for r in layout.racks])
    door_kw = np.zeros(len(doors))
    total = 0
    for _ in range(MAX_DOOR_ROUNDS):
        drop_k = np.where(flow > 0, door_kw * 1000.0 / (air.rho_cp * np.maximum(flow, 1e-30)), 0.0)
        x, iterations = solve_temperature(matrix, rhs - door_columns @ drop_k, ml)
        total += iterations
        intake = x[n_cells:]
        new = np.array([door_heat_kw(t, dt, q, air.rho_cp, d)
                        for t, dt, q, d in zip(intake, rise, flow, doors)])
        if np.abs(new - door_kw).max(initial=0.0) < DOOR_TOL_KW:
            return x, total
        door_kw = new
    raise SolverError("the rear-door heat did not settle in the preview")


def solve_temperature(matrix: sp.csr_matrix, rhs: np.ndarray, ml=None) -> tuple[np.ndarray, int]:
    """Classical AMG + GMRES on the non-symmetric M-matrix; returns (values, iterations)."""
    ml = ml or pyamg.ruge_stuben_solver(matrix, interpolation="direct")
    residuals: list[float] = []
    x = ml.solve(rhs, tol=TEMPERATURE_TOL, accel="gmres", maxiter=MAX_KRYLOV_ITERATIONS,
                 residuals=residuals)
    _check_converged("temperature", residuals, TEMPERATURE_TOL)
    return x, len(residuals)


def _check_converged(what: str, residuals: list[float], tol: float) -> None:
    """SolverError when a Krylov solve stopped short of its tolerance (10x slack)."""
    if residuals and residuals[-1] > 10 * tol * max(residuals[0], 1e-300):
        raise SolverError(f"the preview {what} solve did not converge "
                          f"(relative residual {residuals[-1] / residuals[0]:.1e})")
