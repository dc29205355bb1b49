"""Room air temperature and velocity (Qt-free).

Public face:
- `solve(layout, cell_m=0.2, model="accurate", progress=None, cancel=None)`
  returns a `ThermalResult`.
- `metrics.compute(result, layout)` returns the ASHRAE/RCI/RTI/SHI metrics.
"""
from threadpoolctl import threadpool_limits

from twin.thermal.results import RackResult, ThermalResult, UnitResult

__all__ = ["RackResult", "ThermalResult", "UnitResult", "solve", "SolveCancelled", "SolverError"]


class SolverError(Exception):
    """A room the solver cannot handle (e.g. no running cooling unit); message is user-facing."""


class SolveCancelled(Exception):
    """The caller's cancel() returned True."""


def solve(layout, cell_m: float = 0.2, model: str = "accurate", progress=None, cancel=None, **options):
    """Solve the steady room air field.

    progress(fraction: float, message: str) is called now and then from the
    solving thread; cancel() -> bool is polled and stops the solve with
    SolveCancelled.
    """
    if model == "preview":
        from twin.thermal.preview import solve_preview as run
    elif model == "accurate":
        from twin.thermal.rans import solve_rans as run
    else:
        raise ValueError(f"unknown thermal model {model!r} (expected 'accurate' or 'preview')")
    # Vectors here are small: BLAS thread pools only add contention (10x slower measured).
    with threadpool_limits(limits=1):
        return run(layout, cell_m=cell_m, progress=progress, cancel=cancel, **options)
