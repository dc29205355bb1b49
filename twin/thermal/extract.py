"""Turn solver fields into per-rack and per-unit figures (shared by every model)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from twin.model.layout import Layout
from twin.thermal.grid import Grid, Patch
from twin.thermal.results import RackResult, ThermalResult, UnitResult


def patch_mean(field: np.ndarray, patch: Patch) -> float:
    """Area mean of a cell field over the fluid cells a patch touches (equal face areas)."""
    if len(patch.cells) == 0:
        return float("nan")
    return float(field[tuple(patch.cells.T)].mean())


def thirds_weights(patch: Patch, grid: Grid, height_m: float) -> np.ndarray:
    """(n, 3) overlap fractions of each face's z-extent with the lower/middle/upper third."""
    dz = grid.spacing_m[2]
    z0 = patch.faces[:, 2] * dz if patch.axis != 2 else np.zeros(len(patch.faces))
    z1 = z0 + dz
    edges = np.array([0.0, height_m / 3, 2 * height_m / 3, height_m])
    w = np.empty((len(z0), 3))
    for t in range(3):
        w[:, t] = np.clip(np.minimum(z1, edges[t + 1]) - np.maximum(z0, edges[t]), 0, None)
    return w


def rack_figures(T: np.ndarray, grid: Grid, layout: Layout) -> dict[str, RackResult]:
    """Intake mean/max/thirds and exhaust for every rack from a temperature field."""
    out = {}
    air = layout.air
    for rack in layout.racks:
        front = grid.patch("rack_front", rack.id)
        vals = T[tuple(front.cells.T)]
        mean = float(vals.mean()) if len(vals) else float("nan")
        w = thirds_weights(front, grid, rack.size_m[2])
        thirds = [float((vals * w[:, t]).sum() / w[:, t].sum()) if w[:, t].sum() > 0 else mean
                  for t in range(3)]
        out[rack.id] = RackResult(
            id=rack.id, inlet_mean_c=mean,
            inlet_max_c=float(vals.max()) if len(vals) else float("nan"),
            inlet_lower_c=thirds[0], inlet_middle_c=thirds[1], inlet_upper_c=thirds[2],
            exhaust_mean_c=mean + rack.delta_t(air),
            power_kw=float(rack.power_kw), airflow_m3s=rack.airflow(air))
    return out


def unit_figures(T: np.ndarray, grid: Grid, layout: Layout) -> dict[str, UnitResult]:
    """Return temperature and heat removed for every cooling unit."""
    out = {}
    rho_cp = layout.air.rho_cp
    for unit in layout.cooling_units:
        if unit.running:
            t_ret = patch_mean(T, grid.patch("unit_return", unit.id))
            load_kw = rho_cp * unit.airflow_m3s * (t_ret - unit.supply_temp_c) / 1000.0
        else:
            t_ret, load_kw = float("nan"), 0.0
        out[unit.id] = UnitResult(unit.id, unit.state, t_ret, load_kw,
                                  float(unit.supply_temp_c),
                                  float(unit.airflow_m3s) if unit.running else 0.0)
    return out


def mixed_supply_temp_c(layout: Layout) -> float:
    """Flow-weighted supply temperature of the running units."""
    running = [u for u in layout.cooling_units if u.running]
    q = sum(u.airflow_m3s for u in running)
    return sum(u.airflow_m3s * u.supply_temp_c for u in running) / q


def cell_velocities(u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Cell-centred velocity (nx, ny, nz, 3) from MAC face velocities."""
    return np.stack([0.5 * (u[1:] + u[:-1]), 0.5 * (v[:, 1:] + v[:, :-1]),
                     0.5 * (w[:, :, 1:] + w[:, :, :-1])], axis=-1)


def assemble_result(layout: Layout, grid: Grid, T: np.ndarray, vel: np.ndarray, *,
                    model: str, seconds: float, iterations: int = 0,
                    converged: bool = True, notes=(), uncertainty_k=None,
                    stop_reason: str = "") -> ThermalResult:
    """Package fields into an immutable ThermalResult (solid cells become NaN).

    uncertainty_k maps rack and unit ids to the standard error of their means.
    """
    T_out = np.where(grid.fluid, T, np.nan).astype(np.float32)
    vel_out = np.where(grid.fluid[..., None], vel, np.nan).astype(np.float32)
    T_out.setflags(write=False)
    vel_out.setflags(write=False)
    units = unit_figures(T, grid, layout)
    racks = rack_figures(T, grid, layout)
    if uncertainty_k:
        racks = {k: replace(r, inlet_mean_se_k=float(uncertainty_k.get(k, np.nan)))
                 for k, r in racks.items()}
        units = {k: replace(u, return_se_k=float(uncertainty_k.get(k, np.nan)))
                 for k, u in units.items()}
    return ThermalResult(
        layout_name=layout.name, model=model, cell_m=round(float(np.mean(grid.spacing_m)), 9),
        fluid_cells=grid.fluid_cells, solve_seconds=seconds,
        racks=racks, cooling_units=units,
        it_power_kw=float(layout.it_power_kw),
        removed_kw=float(sum(u.load_kw for u in units.values())),
        temperature_c=T_out, velocity_ms=vel_out, iterations=iterations,
        converged=converged, notes=tuple(notes), stop_reason=stop_reason)
