"""Turn a finished case into `dctwin simulate --json` figures and uniform-grid T/U arrays."""
from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np

from twin.cfd.foamio import read_internal_field
from twin.cfd.geometry import Grid, Patch
from twin.model.objects import door_heat_kw


def latest_time_dir(case: Path) -> Path:
    """The highest-numbered time directory (the written average)."""
    times = [p for p in case.iterdir() if p.is_dir() and _is_number(p.name) and float(p.name) > 0]
    if not times:
        raise FileNotFoundError(f"{case}: no solution time directory")
    return max(times, key=lambda p: float(p.name))


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def read_fields(case: Path, grid: Grid) -> tuple[np.ndarray, np.ndarray, Path]:
    """Averaged T (nx,ny,nz, NaN in solids) and U (nx,ny,nz,3) on the grid, from the latest time."""
    tdir = latest_time_dir(case)
    centres = read_internal_field(tdir / "C")
    n = centres.shape[0]
    t_name = "TMean" if (tdir / "TMean").exists() else "T"
    u_name = "UMean" if (tdir / "UMean").exists() else "U"
    t_cells = read_internal_field(tdir / t_name, n)
    u_cells = read_internal_field(tdir / u_name, n)
    idx = np.floor(centres / grid.cell_m).astype(int)
    i, j, k = (np.clip(idx[:, a], 0, grid.shape[a] - 1) for a in range(3))
    t_grid = np.full(grid.shape, np.nan, np.float32)
    u_grid = np.full(grid.shape + (3,), np.nan, np.float32)
    t_grid[i, j, k] = t_cells
    u_grid[i, j, k] = u_cells
    return t_grid, u_grid, tdir


def _third_weights(patch: Patch, grid: Grid) -> list[np.ndarray]:
    """Per face, the fraction of its height inside the lower, middle and upper third of the patch
    (the rack's whole face, or its air zone, which need not start at the floor)."""
    k = patch.fluid_cells()[2].astype(float)
    h = grid.cell_m
    z_lo, z_top = patch.lo[1] * h, patch.hi[1] * h   # vertical faces: second tangential axis is z
    third = (z_top - z_lo) / 3
    weights = []
    for n in range(3):
        a, b = z_lo + n * third, z_lo + (n + 1) * third
        weights.append(np.clip(np.minimum((k + 1) * h, b) - np.maximum(k * h, a), 0, None) / h)
    return weights


def rack_figures(t_grid: np.ndarray, grid: Grid, layout) -> dict:
    """Per-rack intake mean/max/thirds and exhaust from the front-face cells."""
    out = {}
    rears = {p.owner: p for p in grid.by_kind("rear")}
    for p in grid.by_kind("front"):
        rack = layout.rack(p.owner)
        t = t_grid[p.fluid_cells()].astype(float)
        thirds = [float((w * t).sum() / w.sum()) for w in _third_weights(p, grid)]
        mean = float(t.mean())
        q = float(rack.airflow(layout.air))
        door_kw = door_heat_kw(mean, rears[p.owner].delta_t_k, q, layout.air.rho_cp, rack.rear_door)
        drop_k = door_kw * 1000.0 / (layout.air.rho_cp * q) if q > 0 else 0.0
        out[p.owner] = {
            "inlet_mean_c": mean, "inlet_max_c": float(t.max()),
            "inlet_lower_c": thirds[0], "inlet_middle_c": thirds[1], "inlet_upper_c": thirds[2],
            "exhaust_mean_c": mean + rears[p.owner].delta_t_k - drop_k,
            "power_kw": float(rack.power_kw), "airflow_m3s": q,
        }
        if rack.rear_door is not None:
            out[p.owner]["door_kw"] = door_kw
    return out


def unit_figures(t_grid: np.ndarray, grid: Grid, layout) -> dict:
    """Per cooling unit: state, return-face mean temperature and heat removed."""
    returns = {p.owner: p for p in grid.by_kind("return")}
    tiles = grid.by_kind("tile")
    tiles_c = tiles[0].supply_temp_c if tiles else grid.supply_temp_c   # floor units' mixed supply
    out = {}
    for unit in layout.cooling_units:
        if unit.id not in returns:
            out[unit.id] = {"state": unit.state, "return_temp_c": None, "load_kw": 0.0}
            continue
        t_ret = float(t_grid[returns[unit.id].fluid_cells()].astype(float).mean())
        supply_c = unit.supply_temp_c if unit.inrow else tiles_c
        load_kw = layout.air.rho_cp * unit.airflow_m3s * (t_ret - supply_c) / 1000.0
        out[unit.id] = {"state": unit.state, "return_temp_c": t_ret, "load_kw": load_kw}
    return out


def result_dict(layout, grid: Grid, t_grid: np.ndarray, solve_seconds: float, extra: dict) -> dict:
    """The `dctwin simulate --json` shape, with model "openfoam" and a `cfd` section of run details."""
    racks = rack_figures(t_grid, grid, layout)
    units = unit_figures(t_grid, grid, layout)
    it_kw = float(sum(r.power_kw for r in layout.racks))
    removed_kw = float(sum(u["load_kw"] for u in units.values()))
    removed_kw += float(sum(r.get("door_kw", 0.0) for r in racks.values()))   # rear doors
    err = 100.0 * (removed_kw - it_kw) / it_kw if it_kw > 0 else 0.0
    out = {
        "layout": layout.name or Path(str(layout.source_path or "layout")).stem,
        "solve_seconds": round(solve_seconds, 2),
        "grid": {"cell_m": grid.cell_m, "cells": grid.fluid_cells},
        "racks": racks,
        "cooling_units": units,
        "energy_balance": {"it_power_kw": it_kw, "removed_kw": removed_kw, "error_pct": err},
        "model": "openfoam",
        "cfd": extra,
    }
    if grid.plenum is not None:             # the tile flows the case imposed
        from twin.thermal.export import tiles_to_list
        out["tiles"] = tiles_to_list(grid.plenum.tiles)
    return out


def write_outputs(out_dir: Path, result: dict, t_grid: np.ndarray, u_grid: np.ndarray, grid: Grid) -> None:
    """fields.npz (compressed float32 T, U on the uniform grid), then result.json; each atomically,
    so a reader never finds half a file."""
    from twin.files import write_bytes_atomic, write_text_atomic
    out_dir.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, T=t_grid, U=u_grid, cell_size=grid.cell_m,
                        note="index [i,j,k] = cell centre ((i+.5)h, (j+.5)h, (k+.5)h); NaN in solids")
    write_bytes_atomic(out_dir / "fields.npz", buffer.getvalue())
    write_text_atomic(out_dir / "result.json", json.dumps(_clean(result), indent=1) + "\n")


def _clean(obj):
    """JSON-safe copy: NaN and inf become null."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
