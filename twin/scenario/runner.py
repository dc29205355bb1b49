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
    """Thermal results by (layout hash, model, cell size); least recently used dropped first."""

    def __init__(self, max_entries: int = 64):
        self.max_entries = max_entries
        self._items: OrderedDict = OrderedDict()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(layout: Layout, model: str, cell_m: float) -> str:
        return f"{layout_hash(layout)}:{model}:{cell_m:g}"

    def get(self, key: str):
        if key in self._items:
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]
        self.misses += 1
        return None

    def put(self, key: str, result) -> None:
        self._items[key] = result
        self._items.move_to_end(key)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class Runner:
    """Solves layouts of one study: cached, warm-started, with progress and cancel."""

    def __init__(self, cell_m: float = 0.2, model: str = "accurate",
                 cache: Optional[ResultCache] = None, progress: Progress = None,
                 cancel: Optional[Callable[[], bool]] = None, warm_start: bool = True):
        self.cell_m, self.model = float(cell_m), model
        self.warm_start = warm_start
        self.cache = cache if cache is not None else ResultCache()
        self.progress, self.cancel = progress, cancel
        self.solves = 0
        self.solve_seconds = 0.0
        self._warm = None            # RansState of the first accurate solve

    def solve(self, layout: Layout, label: str = "", model: Optional[str] = None):
        """The ThermalResult of `layout` (from the cache when already solved)."""
        model = model or self.model
        key = ResultCache.key(layout, model, self.cell_m)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        t0 = time.perf_counter()
        progress = self._labelled(label)
        if model == "accurate" and self.warm_start:
            result = self._solve_accurate(layout, progress)
        else:
            result = self._solve_plain(layout, model, progress)
        self.solves += 1
        self.solve_seconds += time.perf_counter() - t0
        self.cache.put(key, result)
        return result

    def _labelled(self, label: str) -> Progress:
        if self.progress is None:
            return None
        return lambda fraction, message="": self.progress(fraction, f"{label}: {message}".strip(": "))

    def _solve_plain(self, layout: Layout, model: str, progress: Progress):
        from twin.thermal import solve
        return solve(layout, cell_m=self.cell_m, model=model, progress=progress, cancel=self.cancel)

    def _solve_accurate(self, layout: Layout, progress: Progress):
        """Warm-started from the first accurate state of this room; a plain solve if that fails."""
        from threadpoolctl import threadpool_limits
        from twin.thermal.rans import Diverged, prepare_rans
        import numpy as np
        state = prepare_rans(layout, self.cell_m)
        if self._warm is not None:
            state.warm_start(self._warm)
        try:
            with threadpool_limits(limits=1), np.errstate(over="ignore", invalid="ignore"):
                result = state.solve(progress, self.cancel)
        except Diverged:
            return self._solve_plain(layout, "accurate", progress)
        if self._warm is None:
            self._warm = state
        return result
