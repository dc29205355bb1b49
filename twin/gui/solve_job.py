"""What one background solve does, without Qt: preview first, then the accurate model live.

`run_job` is a plain function so it can be tested and timed on its own; the
Qt worker (`twin.gui.solver`) only runs it on a thread and forwards what it
reports. Physics stays in `twin.thermal`; this module only sequences calls.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from threadpoolctl import threadpool_limits

from twin.model import Layout
from twin.thermal import SolveCancelled, metrics as room_metrics, solve
from twin.thermal.rans import RansState, prepare_rans

# Preview grids that keep the preview solve near 0.1-0.2 s: the finest of these
# cell sizes whose grid has at most `preview_max_cells` cells.
PREVIEW_CELLS_M = (0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)


@dataclass(frozen=True)
class SolveSettings:
    """How the app solves: `model` "accurate" streams the accurate model after the preview."""
    model: str = "accurate"
    accurate_cell_m: float = 0.2
    preview_max_cells: int = 12_000
    debounce_ms: int = 40
    snapshot_every_s: float = 0.5


@dataclass(frozen=True)
class SolveUpdate:
    """A result on its way to the views. phase: "preview", "running" or "final"."""
    job_id: int
    phase: str
    result: object             # ThermalResult
    metrics: object            # thermal.metrics.Metrics
    layout: Layout             # the copy that was solved
    elapsed_s: float           # since the job was submitted
    iterations: int = 0
    warm_started: bool = False # accurate model started from an earlier solve's fields

    def cold_settled(self) -> bool:
        """Whether the result is what a cold solve of the layout gives (`dctwin simulate`):
        settled and not warm-started, so a study may use it as its baseline."""
        return self.phase in ("preview", "final") and not self.warm_started \
            and bool(getattr(self.result, "converged", False))


@dataclass
class Job:
    """One request: a private copy of the layout and a cancel flag set by newer edits."""
    job_id: int
    layout: Layout
    settings: SolveSettings
    submitted_s: float = field(default_factory=time.perf_counter)
    cancel: threading.Event = field(default_factory=threading.Event)
    state: Optional[RansState] = None      # the accurate model's fields, even when cancelled

    def cancelled(self) -> bool:
        return self.cancel.is_set()

    def elapsed_s(self) -> float:
        return time.perf_counter() - self.submitted_s


def preview_cell_m(layout: Layout, max_cells: int, floor_m: float = 0.2) -> float:
    """The finest preview cell size (not below floor_m) whose grid stays within max_cells."""
    lx, ly, lz = layout.room.size_m
    for cell in PREVIEW_CELLS_M:
        if cell < floor_m - 1e-9:
            continue
        cells = max(round(lx / cell), 1) * max(round(ly / cell), 1) * max(round(lz / cell), 1)
        if cells <= max_cells:
            return cell
    return PREVIEW_CELLS_M[-1]


Emit = Callable[[SolveUpdate], None]
Progress = Callable[[float, str], None]


def run_job(job: Job, emit: Emit, progress: Progress,
            warm_from: Optional[RansState] = None) -> None:
    """Solve a job, calling emit() for the preview, live snapshots and the final result.

    Raises SolveCancelled (when job.cancel is set) and SolverError. Leaves the
    accurate model's state on `job.state` (also when cancelled) for warm starts.
    """
    with threadpool_limits(limits=1):
        run_preview(job, emit)
        if job.settings.model == "accurate":
            run_accurate(job, emit, progress, warm_from)


def _update(job: Job, phase: str, result, iterations: int = 0) -> SolveUpdate:
    metrics = room_metrics.compute(result, job.layout)
    warm = bool(job.state is not None and job.state.warm and result.model == "accurate")
    return SolveUpdate(job.job_id, phase, result, metrics, job.layout, job.elapsed_s(), iterations,
                       warm)


def run_preview(job: Job, emit: Emit) -> None:
    """The preview model on a coarse grid: final when the job asks for the preview only."""
    cell = preview_cell_m(job.layout, job.settings.preview_max_cells,
                          min(job.settings.accurate_cell_m, PREVIEW_CELLS_M[0]))
    result = solve(job.layout, cell_m=cell, model="preview", cancel=job.cancelled)
    if job.cancelled():
        raise SolveCancelled()
    final = job.settings.model != "accurate"
    emit(_update(job, "final" if final else "preview", result))


def run_accurate(job: Job, emit: Emit, progress: Progress,
                 warm_from: Optional[RansState] = None) -> None:
    """The accurate model, live snapshots every `snapshot_every_s`, warm-started when it can be."""
    state = job.state = prepare_rans(job.layout, job.settings.accurate_cell_m)
    if warm_from is not None and warm_from.grid.shape == state.grid.shape \
            and warm_from.layout.room.size_m == job.layout.room.size_m:
        state.warm_start(warm_from)
    started = time.perf_counter()
    last = [started]

    def on_iteration(iteration: int) -> None:
        if job.cancelled():
            raise SolveCancelled()
        now = time.perf_counter()
        if now - last[0] >= job.settings.snapshot_every_s:
            last[0] = now
            emit(_update(job, "running", state.result(now - started, iteration), iteration))

    iterations = state.run(progress, job.cancelled, on_iteration)
    final = state.result(time.perf_counter() - started, iterations, final=True)
    emit(_update(job, "final", final, iterations))
