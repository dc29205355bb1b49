"""Where a study's solves run: in this process, one after another, or on a Dask cluster.

    runner = Runner(0.3, "preview", executor=DaskExecutor(workers=2))
    results = runner.solve_many([(layout_a, "CRAH-1 fails"), (layout_b, "CRAH-2 fails")])
    runner.executor.close()

`LocalExecutor` (the default, and what the desktop app uses) solves in
process, serially, with the solver's own progress and cancel. `DaskExecutor`
starts a `distributed.LocalCluster` of N worker processes, or connects to a
running scheduler (`scheduler="tcp://host:port"`), and submits each case as a
pure function of (layout YAML, model, cell size, warm-start fields), so a
remote worker needs nothing but dctwin installed. The runner puts every
result in its ResultCache by layout hash, so nothing is solved twice, whichever
backend solved it. Each worker process imports the solvers and loads the numba
kernels (compiled once, then cached on disk) before its first case: a few
seconds per worker, paid once per cluster and started as soon as the cluster
is (while this process solves the baseline). Dask is imported only here, only
when a DaskExecutor is made. A LocalCluster starts its workers by spawning
Python: a script that makes one needs the usual `if __name__ == "__main__":`.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Callable, Optional

from twin.thermal import SolveCancelled, SolverError
from twin.wording import count

Progress = Optional[Callable[[float, str], None]]
POLL_S = 0.2                   # how often the client checks cancel while cases run
WORKER_CANCEL_POLL_S = 0.5     # how often a worker asks whether the study was cancelled


class ExecutorError(Exception):
    """The backend cannot be used (Dask missing, scheduler unreachable); message is one line."""


class CaseError(RuntimeError):
    """A case failed on a worker for a reason other than the room itself; names the case."""


@dataclass
class Case:
    """One solve to run: the layout (and its text), label, model, cell size and cache key."""
    layout: object
    label: str
    model: str
    cell_m: float
    key: str


@dataclass
class WarmFields:
    """The fields an accurate solve warm-starts from (what RansState.warm_start reads), as arrays."""
    grid: object                 # has .shape and .fluid, like a Grid
    T: object
    k: object
    eps: object
    p: object
    vel: list

    @classmethod
    def from_state(cls, state) -> "WarmFields":
        from types import SimpleNamespace
        grid = SimpleNamespace(shape=state.grid.shape, fluid=state.grid.fluid.copy())
        return cls(grid, state.T.copy(), state.k.copy(), state.eps.copy(), state.p.copy(),
                   [v.copy() for v in state.vel])


def solve_case(layout_yaml: str, model: str, cell_m: float, warm: Optional[WarmFields] = None,
               source_path: Optional[str] = None, cancel_event: Optional[str] = None):
    """Solve one case from its layout text: the function a Dask worker runs (pure)."""
    from twin.model import loads_layout
    from twin.scenario.runner import solve_layout
    layout = loads_layout(layout_yaml, source_path or "<case>")
    layout.source_path = source_path
    return solve_layout(layout, model, cell_m, warm, cancel=_event_poller(cancel_event))


def prepare_worker() -> str:
    """Import the solvers (scipy, pyamg, numba kernels) on a worker before its first case."""
    import twin.thermal.preview  # noqa: F401
    import twin.thermal.rans  # noqa: F401
    return "ready"


def _event_poller(name: Optional[str]):
    """cancel() for a worker: whether the study's Dask Event is set, asked at most every 0.5 s."""
    if name is None:
        return None
    from distributed import Event
    event, state = Event(name), {"at": float("-inf"), "set": False}

    def cancelled() -> bool:
        now = time.monotonic()
        if now - state["at"] >= WORKER_CANCEL_POLL_S:
            state["at"], state["set"] = now, event.is_set()
        return state["set"]
    return cancelled


class LocalExecutor:
    """Solves in this process, one case after another (the solver's progress and cancel)."""
    name = "local"
    workers = 1

    def run(self, runner, cases: list[Case], progress: Progress = None) -> list:
        out = []
        for n, case in enumerate(cases):
            if progress:
                progress(n / len(cases), f"case {n + 1}/{len(cases)}: {case.label}")
            out.append(runner.solve_uncached(case.layout, case.label, case.model))
            runner.store(case, out[-1])
        return out

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class DaskExecutor(LocalExecutor):
    """Solves cases on Dask workers: a LocalCluster of `workers` processes, or `scheduler`."""
    name = "dask"

    def __init__(self, workers: Optional[int] = None, scheduler: Optional[str] = None,
                 connect_timeout_s: float = 5.0):
        try:
            import distributed
        except ImportError:
            raise ExecutorError("running on several processes needs Dask: pip install "
                                "'dask[distributed]' (the dctwin 'cluster' extra)") from None
        if workers is not None and workers < 1:
            raise ExecutorError(f"--workers must be at least 1, got {workers}")
        self.cluster = None
        self.submitted = 0               # cases sent to workers, over the executor's life
        if scheduler:
            try:
                self.client = distributed.Client(scheduler, timeout=connect_timeout_s)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler}: "
                                    f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                                    ) from None
        else:
            import logging
            self.cluster = distributed.LocalCluster(
                n_workers=workers or 2, threads_per_worker=1, processes=True,
                dashboard_address=":0", silence_logs=logging.ERROR)   # any free port, quietly
            self.client = distributed.Client(self.cluster)
        self.address = self.client.scheduler.address
        self.closed = False
        self._warm_sent = (None, None)   # (RansState, its scattered fields)
        self._prepared = [self.client.submit(prepare_worker, workers=[worker], pure=False,
                                             key=f"dctwin-prepare-{uuid.uuid4().hex[:12]}")
                          for worker in self.client.scheduler_info().get("workers", {})]

    @property
    def workers(self) -> int:
        if self.closed:
            return 0
        return max(len(self.client.scheduler_info().get("workers", {})), 1)

    def run(self, runner, cases: list[Case], progress: Progress = None) -> list:
        from distributed import Event, wait
        from twin.model import dump_layout
        if self.closed:
            raise ExecutorError("the Dask executor is closed")
        progress = progress or runner.progress      # the solves' own progress stays on the workers
        event_name = f"dctwin-cancel-{uuid.uuid4().hex}"
        cancel_event = Event(event_name, client=self.client)
        warm = self._scatter_warm(runner) if any(c.model == "accurate" for c in cases) else None
        futures = {}
        for case in cases:
            text = dump_layout(_bare(case.layout))
            future = self.client.submit(
                solve_case, text, case.model, case.cell_m,
                warm if case.model == "accurate" else None,
                case.layout.source_path and str(case.layout.source_path), event_name,
                key=f"dctwin-{case.label or 'case'}-{uuid.uuid4().hex[:12]}", pure=False)
            futures[future] = case
        self.submitted += len(futures)
        results, pending = {}, set(futures)
        try:
            while pending:
                if runner.cancel is not None and runner.cancel():
                    cancel_event.set()
                    self.client.cancel(list(pending))
                    self.close()
                    raise SolveCancelled(f"cancelled with {len(pending)} of {count(len(cases), 'case')} left")
                try:
                    done, pending = wait(list(pending), timeout=POLL_S,
                                         return_when="FIRST_COMPLETED")
                except (TimeoutError, asyncio.TimeoutError):     # nothing finished within POLL_S
                    continue
                for future in done:
                    case = futures[future]
                    results[case.key] = self._collect(future, case)
                    runner.store(case, results[case.key])
                    if progress:
                        progress(len(results) / len(cases),
                                 f"{len(results)}/{count(len(cases), 'case')} solved on "
                                 f"{count(self.workers, 'worker')}, last: {case.label}")
        except BaseException:                # a failed case, or Ctrl-C: stop the others too
            if not self.closed:
                cancel_event.set()
                self.client.cancel(list(pending))
            raise
        return [results[c.key] for c in cases]

    @staticmethod
    def _collect(future, case: Case):
        """The case's result, or its error naming the case."""
        if future.status == "error":
            exc = future.exception()
            if isinstance(exc, (SolverError, SolveCancelled)):
                raise type(exc)(f'case "{case.label}": {exc}') from None
            hint = " (the workers need dctwin installed)" if isinstance(exc, ImportError) else ""
            raise CaseError(f'case "{case.label}" failed on a worker: '
                            f"{type(exc).__name__}: {exc}{hint}") from None
        if future.status == "cancelled":
            raise CaseError(f'case "{case.label}" was cancelled on the cluster')
        return future.result()

    def _scatter_warm(self, runner):
        """The runner's warm-start fields, sent once to every worker (None when it has none)."""
        state = runner.warm_state if runner.warm_start else None
        if state is None:
            return None
        if self._warm_sent[0] is not state:
            fields = WarmFields.from_state(state)
            self._warm_sent = (state, self.client.scatter(fields, broadcast=True))
        return self._warm_sent[1]

    def close(self) -> None:
        """Close the client, and the cluster when this executor started it."""
        if self.closed:
            return
        self.closed = True
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _bare(layout):
    import copy
    bare = copy.copy(layout)
    bare.scenarios = []
    return bare


def make_executor(workers: Optional[int] = None, scheduler: Optional[str] = None):
    """LocalExecutor when neither is given; else a DaskExecutor (ExecutorError when unusable)."""
    if workers is None and not scheduler:
        return LocalExecutor()
    return DaskExecutor(workers=workers, scheduler=scheduler)
