"""One call from a layout to CFD results: write the case, mesh, solve, extract."""
from __future__ import annotations

import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Optional

from twin.cfd import extract, run
from twin.cfd.case import CaseSettings, write_case
from twin.cfd.run import SolveProgress, StopRule


def simulate(layout, out_dir, settings: CaseSettings = CaseSettings(), rule: Optional[StopRule] = None,
             progress: Optional[Callable[[SolveProgress], None]] = None, cancel=None,
             keep_case: bool = True, stage: Optional[Callable[[str], None]] = None) -> dict:
    """Run the OpenFOAM reference method on `layout`; write result.json + fields.npz to out_dir.

    The case itself goes to out_dir/case (removed afterwards unless keep_case).
    Raises run.OpenFOAMNotFound, run.CFDError, run.CFDCancelled, geometry.LayoutError.
    """
    rule = rule or StopRule(start_avg_iter=settings.start_avg_iter)
    env = run.openfoam_env()
    out = Path(out_dir)
    case = out / "case"
    shutil.rmtree(case, ignore_errors=True)
    say = stage or (lambda _msg: None)
    grid = write_case(layout, case, settings)
    say(f"meshing {grid.shape[0]}x{grid.shape[1]}x{grid.shape[2]} at {settings.cell_m} m "
        f"({grid.fluid_cells} fluid cells)")
    t0 = time.monotonic()
    run.mesh(case, env, cancel)
    t_mesh = time.monotonic() - t0
    say(f"solving with {run.SOLVER} on {settings.n_procs} process(es)")
    means = run.solve(case, env, settings, rule, progress, cancel, supply_temp_c=grid.supply_temp_c)
    t_solve = time.monotonic() - t0 - t_mesh
    t_grid, u_grid, tdir = extract.read_fields(case, grid)
    extra = {
        "solver": f"{run.SOLVER} (OpenFOAM), k-epsilon, Boussinesq",
        "iterations": int(float(tdir.name)),
        "averaged_from_iter": settings.start_avg_iter,
        "averaged_iters": means.count,
        "converged": means.settled(rule),
        "n_procs": settings.n_procs,
        "mesh_seconds": round(t_mesh, 1),
        "iterate_std_k": {k: round(v, 4) for k, v in means.stds().items()},
        "settings": asdict(settings),
    }
    result = extract.result_dict(layout, grid, t_grid, t_mesh + t_solve, extra)
    extract.write_outputs(out, result, t_grid, u_grid, grid)
    if not keep_case:
        shutil.rmtree(case, ignore_errors=True)
    return result
