"""One call from a layout to CFD results: write the case, mesh, solve, extract."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Callable, Optional

from twin.cfd import extract, run
from twin.cfd.case import CaseSettings, write_case
from twin.cfd.run import SolveProgress, StopRule


DAMPED_START = {"k0_m2s2": 0.1, "epsilon0_m2s3": 0.01}    # nu_t0 0.09 m2/s
START_AS_SET = "as set"                                   # cfd.start.note of a run that kept its start


def fallback_note(cfd: dict) -> str | None:
    """Why a stored run did not keep the start it asked for (None when it did, or predates `cfd.start`)."""
    note = (cfd.get("start") or {}).get("note", START_AS_SET)
    return None if note == START_AS_SET else note


def default_rule(settings: CaseSettings) -> StopRule:
    """The stop rule a run uses when none is given: averaging from the settings' start."""
    return StopRule(start_avg_iter=settings.start_avg_iter)


def simulate(layout, out_dir, settings: CaseSettings = CaseSettings(), rule: Optional[StopRule] = None,
             progress: Optional[Callable[[SolveProgress], None]] = None, cancel=None,
             keep_case: bool = True, stage: Optional[Callable[[str], None]] = None,
             restart_if_diverged: bool = True) -> dict:
    """Run the OpenFOAM reference method on `layout`; write result.json + fields.npz to out_dir.

    The case is built in a folder of this run's own (out_dir/.case-*.run), so
    two runs into one out_dir never remove each other's case; afterwards it
    becomes out_dir/case (also after a failure, for its logs) or, without
    keep_case, is removed. result.json and fields.npz are written atomically.
    A run that diverges from its start is run once more from the damped
    start (DAMPED_START); `cfd.start` in the result says which start it took.
    Raises run.OpenFOAMNotFound, run.CFDError (run.CFDDiverged), run.CFDCancelled,
    geometry.LayoutError.
    """
    rule = rule or default_rule(settings)
    env = run.openfoam_env()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    say = stage or (lambda _msg: None)
    case = Path(tempfile.mkdtemp(prefix=".case-", suffix=".run", dir=out))
    try:
        result = _simulate_in(layout, out, case, settings, rule, env, progress, cancel, say,
                              restart_if_diverged)
    finally:
        _keep_or_remove(case, out / "case", keep_case, say)
    return result


def _simulate_in(layout, out: Path, case: Path, settings: CaseSettings, rule: StopRule, env: dict,
                 progress, cancel, say, restart_if_diverged: bool) -> dict:
    """simulate() with the run's own case folder `case`; outputs go to `out`."""
    start = {"k0_m2s2": settings.k0_m2s2, "epsilon0_m2s3": settings.epsilon0_m2s3, "note": START_AS_SET}
    try:
        grid, means, t_mesh, t_solve = _mesh_and_solve(layout, case, settings, rule, env,
                                                       progress, cancel, say)
        used = settings
    except run.CFDDiverged as exc:
        damped = replace(settings, **DAMPED_START)
        if not restart_if_diverged or damped == settings:
            raise
        say(f"diverged at iteration {exc.iteration} from its start; "
            f"starting again from the damped start (k0 {damped.k0_m2s2:g}, epsilon0 {damped.epsilon0_m2s3:g})")
        grid, means, t_mesh, t_solve = _mesh_and_solve(layout, case, damped, rule, env,
                                                       progress, cancel, say)
        used = damped
        start = {**DAMPED_START, "note": f"the start as set diverged at iteration {exc.iteration}"}
    t_grid, u_grid, tdir = extract.read_fields(case, grid)
    extra = {
        "solver": f"{run.SOLVER} (OpenFOAM), k-epsilon, Boussinesq",
        "iterations": int(float(tdir.name)),
        "averaged_from_iter": used.start_avg_iter,
        "averaged_iters": means.count,
        "converged": means.settled(rule),
        "n_procs": used.n_procs,
        "mesh_seconds": round(t_mesh, 1),
        "iterate_std_k": {k: round(v, 4) for k, v in means.stds().items()},
        "settings": asdict(settings),          # as requested: the method a result belongs to
        "start": start,                        # the initial k and epsilon the kept run used
    }
    result = extract.result_dict(layout, grid, t_grid, t_mesh + t_solve, extra)
    extract.write_outputs(out, result, t_grid, u_grid, grid)
    return result


def _keep_or_remove(case: Path, kept: Path, keep: bool, say) -> None:
    """Rename this run's case to `kept` (an older one there is replaced), or delete it."""
    if not keep:
        shutil.rmtree(case, ignore_errors=True)
        return
    old = None
    try:
        os.chmod(case, 0o755)
        if kept.exists():
            old = Path(tempfile.mkdtemp(prefix=".case-", suffix=".old", dir=kept.parent))
            os.replace(kept, old)     # onto an empty folder: allowed
        os.replace(case, kept)
    except OSError:                   # another run put its case there meanwhile: keep ours beside it
        say(f"the case of this run is in {case}")
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _mesh_and_solve(layout, case: Path, settings: CaseSettings, rule: StopRule, env: dict,
                    progress, cancel, say):
    """Write, mesh and solve one case from scratch; (grid, running means, mesh s, solve s)."""
    shutil.rmtree(case, ignore_errors=True)
    grid = write_case(layout, case, settings)
    say(f"meshing {grid.shape[0]}x{grid.shape[1]}x{grid.shape[2]} at {settings.cell_m} m "
        f"({grid.fluid_cells} fluid cells)")
    t0 = time.monotonic()
    run.mesh(case, env, cancel)
    t_mesh = time.monotonic() - t0
    say(f"solving with {run.SOLVER} on {settings.n_procs} process(es)")
    means = run.solve(case, env, settings, rule, progress, cancel, supply_temp_c=grid.supply_temp_c,
                      budget=run.HeatBudget.of_grid(grid, after_iter=rule.start_avg_iter,
                                                      rho_cp=layout.air.rho_cp))
    return grid, means, t_mesh, time.monotonic() - t0 - t_mesh
