"""Turn solver fields into per-rack and per-unit figures (shared by every model)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from twin.model.layout import Layout
from twin.model.objects import door_heat_kw
from twin.thermal.grid import Grid, Patch
from twin.thermal.results import RackResult, SensorResult, ThermalResult, UnitResult


def patch_mean(field: np.ndarray, patch: Patch) -> float:
    """Area mean of a cell field over the fluid cells a patch touches (equal face areas)."""
    if len(patch.cells) == 0:
        return float("nan")
    return float(field[tuple(patch.cells.T)].mean())


def thirds_weights(patch: Patch, grid: Grid, height_m: float, bottom_m: float = 0.0) -> np.ndarray:
    """(n, 3) overlap of each face's z-extent with the lower/middle/upper third of bottom..height."""
    dz = grid.spacing_m[2]
    z0 = patch.faces[:, 2] * dz if patch.axis != 2 else np.zeros(len(patch.faces))
    z1 = z0 + dz
    third = (height_m - bottom_m) / 3
    edges = np.array([bottom_m, bottom_m + third, bottom_m + 2 * third, height_m])
    w = np.empty((len(z0), 3))
    for t in range(3):
        w[:, t] = np.clip(np.minimum(z1, edges[t + 1]) - np.maximum(z0, edges[t]), 0, None)
    return w


def rack_figures(T: np.ndarray, grid: Grid, layout: Layout) -> dict[str, RackResult]:
    """Intake mean/max/thirds (over the air zone, if any), door heat and exhaust per rack."""
    out = {}
    air = layout.air
    for rack in layout.racks:
        front = grid.patch("rack_front", rack.id)
        vals = T[tuple(front.cells.T)]
        mean = float(vals.mean()) if len(vals) else float("nan")
        zone = rack.air_zone_m
        z0, z1 = (zone.z_m if zone is not None else (0.0, rack.size_m[2]))
        w = thirds_weights(front, grid, z1, z0)
        q = rack.airflow(air)
        door_kw = door_heat_kw(mean, rack.delta_t(air), q, air.rho_cp, rack.rear_door) \
            if np.isfinite(mean) else 0.0
        drop_k = door_kw * 1000.0 / (air.rho_cp * q) if q > 0 else 0.0
        thirds = [float((vals * w[:, t]).sum() / w[:, t].sum()) if w[:, t].sum() > 0 else mean
                  for t in range(3)]
        out[rack.id] = RackResult(
            id=rack.id, inlet_mean_c=mean,
            inlet_max_c=float(vals.max()) if len(vals) else float("nan"),
            inlet_lower_c=thirds[0], inlet_middle_c=thirds[1], inlet_upper_c=thirds[2],
            exhaust_mean_c=mean + rack.delta_t(air) - drop_k,
            power_kw=float(rack.power_kw), airflow_m3s=q, door_kw=door_kw)
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
                                  float(unit.airflow_m3s) if unit.running else 0.0,
                                  kind="inrow" if unit.inrow else "crah")
    return out


def sensor_values(T: np.ndarray, grid: Grid, layout: Layout) -> dict[str, SensorResult]:
    """Each sensor's modelled value: trilinear interpolation of the cell field, air cells only.

    Solid cells get no weight (the weights of the air cells are renormalised);
    a point with no air cell around it takes the nearest air cell. Outside the
    first and last cell centres the field is held constant.
    """
    out = {}
    for sensor in layout.sensors:
        out[sensor.id] = SensorResult(sensor.id, sensor.kind, tuple(sensor.position_m),
                                      interpolate(T, grid, sensor.position_m))
    return out


def interpolate(T: np.ndarray, grid: Grid, point_m) -> float:
    """Trilinear value of a cell-centred field at a point (see `sensor_values`)."""
    idx, frac = [], []
    for a in range(3):
        f = float(point_m[a]) / grid.spacing_m[a] - 0.5
        i0 = int(np.clip(np.floor(f), 0, grid.shape[a] - 2))
        idx.append(i0)
        frac.append(float(np.clip(f - i0, 0.0, 1.0)))
    total, weight = 0.0, 0.0
    for corner in np.ndindex(2, 2, 2):
        cell = tuple(i + c for i, c in zip(idx, corner))
        w = float(np.prod([t if c else 1.0 - t for t, c in zip(frac, corner)]))
        if w > 0 and grid.fluid[cell] and np.isfinite(T[cell]):
            total += w * float(T[cell])
            weight += w
    if weight > 0:
        return total / weight
    centres = np.argwhere(grid.fluid)
    if len(centres) == 0:
        return float("nan")
    d2 = (((centres + 0.5) * np.array(grid.spacing_m) - np.asarray(point_m, float)) ** 2).sum(axis=1)
    return float(T[tuple(centres[int(np.argmin(d2))])])


def mixed_supply_temp_c(layout: Layout) -> float:
    """Flow-weighted supply temperature of the running units."""
    running = [u for u in layout.cooling_units if u.running]
    q = sum(u.airflow_m3s for u in running)
    return sum(u.airflow_m3s * u.supply_temp_c for u in running) / q


def cell_velocities(u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Cell-centred velocity (nx, ny, nz, 3) from MAC face velocities."""
    return np.stack([0.5 * (u[1:] + u[:-1]), 0.5 * (v[:, 1:] + v[:, :-1]),
                     0.5 * (w[:, :, 1:] + w[:, :, :-1])], axis=-1)


def _tile_flows(grid: Grid) -> tuple:
    """The plenum model's tile flows (empty without a raised floor)."""
    plenum = grid.geometry.plenum if grid.geometry is not None else None
    return plenum.tiles if plenum is not None else ()


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
    door_kw = float(sum(r.door_kw for r in racks.values()))
    return ThermalResult(
        layout_name=layout.name, model=model, cell_m=round(float(np.mean(grid.spacing_m)), 9),
        fluid_cells=grid.fluid_cells, solve_seconds=seconds,
        racks=racks, cooling_units=units,
        it_power_kw=float(layout.it_power_kw),
        removed_kw=float(sum(u.load_kw for u in units.values())) + door_kw, door_kw=door_kw,
        sensors=sensor_values(T, grid, layout), tiles=_tile_flows(grid),
        temperature_c=T_out, velocity_ms=vel_out, iterations=iterations,
        converged=converged, notes=tuple(notes), stop_reason=stop_reason)
