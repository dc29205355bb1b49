"""Solving many variants of one room: a result cache by layout hash, warm starts, progress.

    runner = Runner(cell_m=0.3, model="preview")
    result = runner.solve(layout)        # solved once; the same layout again is a cache hit

The cache key is a SHA-256 of the layout text as dctwin writes it (scenarios
left out) plus the model and cell size, so two layouts that save to the same
file share one solve. Accurate solves start from the first accurate solve of
the same room (its fields), which shortens the start-up; `warm_start=False`
gives answers independent of the order of solves (equal to `dctwin simulate`).
"""
from __future__ import annotations

import copy
import hashlib
import threading
import time
from collections import OrderedDict
from typing import Callable, Optional

from twin.model import Layout, dump_layout

Progress = Optional[Callable[[float, str], None]]


def layout_hash(layout: Layout) -> str:
    """SHA-256 (hex) of the layout as written, without its scenarios."""
    bare = copy.copy(layout)
    bare.scenarios = []
    return hashlib.sha256(dump_layout(bare).encode("utf-8")).hexdigest()


def file_hash(path: str) -> str:
    """SHA-256 (hex) of a file's bytes."""
    with open(path, "rb") as stream:
        return hashlib.sha256(stream.read()).hexdigest()


class ResultCache:
    """Thermal results by (layout hash, model, cell size); least recently used dropped first.

    Safe to share between threads (the app's solver feeds it while a study
    reads it on a worker): every access holds one lock.
    """

    def __init__(self, max_entries: int = 64):
        self.max_entries = max_entries
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(layout: Layout, model: str, cell_m: float) -> str:
        return f"{layout_hash(layout)}:{model}:{cell_m:g}"

    def get(self, key: str):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
            return None

    def put(self, key: str, result) -> None:
        with self._lock:
            self._items[key] = result
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


class Runner:
    """Solves layouts of one study: cached, warm-started, with progress and cancel.

    `executor` decides where `solve_many` runs its cases (twin.scenario.executor):
    in this process by default, or on Dask workers. `solve` always runs here.
    """

    def __init__(self, cell_m: float = 0.2, model: str = "accurate",
                 cache: Optional[ResultCache] = None, progress: Progress = None,
                 cancel: Optional[Callable[[], bool]] = None, warm_start: bool = True,
                 executor=None):
        from twin.scenario.executor import LocalExecutor
        self.cell_m, self.model = float(cell_m), model
        self.warm_start = warm_start
        self.cache = cache if cache is not None else ResultCache()
        self.progress, self.cancel = progress, cancel
        self.executor = executor if executor is not None else LocalExecutor()
        self.solves = 0
        self.solve_seconds = 0.0
        self._warm = None            # RansState of the first accurate solve

    @property
    def warm_state(self):
        """The RansState accurate solves start from (None until the first accurate solve)."""
        return self._warm

    def solve(self, layout: Layout, label: str = "", model: Optional[str] = None):
        """The ThermalResult of `layout` (from the cache when already solved)."""
        model = model or self.model
        key = ResultCache.key(layout, model, self.cell_m)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        t0 = time.perf_counter()
        result = self.solve_uncached(layout, label, model)
        self.solves += 1
        self.solve_seconds += time.perf_counter() - t0
        self.cache.put(key, result)
        return result

    def solve_many(self, items, model: Optional[str] = None, progress: Progress = None) -> list:
        """Results of many (layout, label) pairs, in order; the misses go to the executor.

        A layout already in the cache, or equal to an earlier one in `items`, is
        not solved again. With the accurate model and warm starts, the first
        miss is solved here when no accurate state exists yet, so that every
        backend starts the others from the same fields. `progress(fraction,
        message)` reports cases (the runner's own progress reports solves).
        """
        from twin.scenario.executor import Case
        model = model or self.model
        keys = [ResultCache.key(layout, model, self.cell_m) for layout, _ in items]
        found = {key: self.cache.get(key) for key in dict.fromkeys(keys)}
        misses, seen = [], set()
        for (layout, label), key in zip(items, keys):
            if found[key] is None and key not in seen:
                seen.add(key)
                misses.append(Case(layout, label, model, self.cell_m, key))
        if misses and model == "accurate" and self.warm_start and self._warm is None:
            first = misses.pop(0)
            found[first.key] = self.solve(first.layout, first.label, model)
        if misses:
            t0 = time.perf_counter()
            try:
                for case, result in zip(misses, self.executor.run(self, misses, progress)):
                    found[case.key] = result
            finally:
                self.solve_seconds += time.perf_counter() - t0
        return [found[key] for key in keys]

    def store(self, case, result) -> None:
        """Count a solved case and cache it (executors call this as each case completes)."""
        self.solves += 1
        self.cache.put(case.key, result)

    def solve_uncached(self, layout: Layout, label: str = "", model: Optional[str] = None):
        """Solve here and now, without the cache (the local executor's work)."""
        model = model or self.model
        progress = self._labelled(label)
        if model == "accurate" and self.warm_start:
            result, state = solve_accurate_warm(layout, self.cell_m, self._warm, progress, self.cancel)
            if self._warm is None and state is not None:
                self._warm = state
            return result
        return solve_layout(layout, model, self.cell_m, None, progress, self.cancel)

    def _labelled(self, label: str) -> Progress:
        if self.progress is None:
            return None
        return lambda fraction, message="": self.progress(fraction, f"{label}: {message}".strip(": "))


def solve_layout(layout: Layout, model: str, cell_m: float, warm=None, progress: Progress = None,
                 cancel: Optional[Callable[[], bool]] = None):
    """One solve: accurate ones start from `warm` (a RansState or WarmFields) when given."""
    if model == "accurate" and warm is not None:
        return solve_accurate_warm(layout, cell_m, warm, progress, cancel)[0]
    from twin.thermal import solve
    return solve(layout, cell_m=cell_m, model=model, progress=progress, cancel=cancel)


def solve_accurate_warm(layout: Layout, cell_m: float, warm, progress: Progress = None,
                        cancel: Optional[Callable[[], bool]] = None):
    """(result, state): an accurate solve from `warm`'s fields (cold when None).

    When the warm-started iterates diverge, a plain solve (which retries with a
    smaller step) answers instead, and the state is None.
    """
    import numpy as np
    from threadpoolctl import threadpool_limits
    from twin.thermal import solve
    from twin.thermal.rans import Diverged, prepare_rans
    state = prepare_rans(layout, cell_m)
    if warm is not None:
        state.warm_start(warm)
    try:
        with threadpool_limits(limits=1), np.errstate(over="ignore", invalid="ignore"):
            result = state.solve(progress, cancel)
    except Diverged:
        return solve(layout, cell_m=cell_m, model="accurate", progress=progress, cancel=cancel), None
    return result, state
