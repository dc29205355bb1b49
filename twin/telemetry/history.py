"""Bounded memory for telemetry: fixed-size ring buffers of (time, value) per GPU metric."""
from __future__ import annotations

import threading
from typing import Iterable

import numpy as np

from twin.telemetry.sample import Frame

DEFAULT_CAPACITY = 900          # 30 minutes at the default 2 s interval
TRACKED = ("power_w", "temperature_c")


class RingBuffer:
    """The last `capacity` (time, value) pairs; memory never grows past it."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY):
        if capacity < 1:
            raise ValueError(f"capacity must be >= 1 (got {capacity})")
        self.capacity = int(capacity)
        self._times = np.zeros(self.capacity)
        self._values = np.zeros(self.capacity)
        self._next = 0
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def append(self, time_s: float, value: float) -> None:
        self._times[self._next] = time_s
        self._values[self._next] = value
        self._next = (self._next + 1) % self.capacity
        self._count = min(self._count + 1, self.capacity)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of (times, values), oldest first."""
        if self._count < self.capacity:
            return self._times[:self._count].copy(), self._values[:self._count].copy()
        order = np.roll(np.arange(self.capacity), -self._next)
        return self._times[order], self._values[order]

    def last_time(self) -> float:
        """Time of the newest value; -inf when empty."""
        return float(self._times[(self._next - 1) % self.capacity]) if self._count else -float("inf")

    def clear(self) -> None:
        self._next = self._count = 0

    def last(self) -> float:
        if not self._count:
            raise IndexError("empty ring buffer")
        return float(self._values[(self._next - 1) % self.capacity])


class History:
    """Ring buffers of power and temperature for every GPU seen; thread-safe.

    At most `max_gpus` GPUs are tracked (the first seen), so a file or driver
    reporting ever-new GPUs cannot grow memory either.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY, metrics: Iterable[str] = TRACKED,
                 max_gpus: int = 4096):
        self.capacity, self.metrics, self.max_gpus = capacity, tuple(metrics), max_gpus
        self._buffers: dict[tuple[str, int], dict[str, RingBuffer]] = {}
        self._lock = threading.Lock()

    def add(self, frame: Frame) -> None:
        """Record the fresh samples of a frame (stale values are not new measurements)."""
        with self._lock:
            for sample in frame.samples:
                if sample.stale:
                    continue
                buffers = self._buffers.get(sample.key)
                if buffers is None:
                    if len(self._buffers) >= self.max_gpus:
                        continue
                    buffers = {m: RingBuffer(self.capacity) for m in self.metrics}
                    self._buffers[sample.key] = buffers
                for metric, ring in buffers.items():
                    if sample.timestamp_s < ring.last_time():
                        ring.clear()         # time went back (a replay looped): start afresh
                    value = getattr(sample, metric)
                    if value is not None:
                        ring.append(sample.timestamp_s, float(value))

    def keys(self) -> list[tuple[str, int]]:
        with self._lock:
            return sorted(self._buffers)

    def series(self, key: tuple[str, int], metric: str) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) of one GPU's metric, oldest first; empty if never seen."""
        with self._lock:
            ring = self._buffers.get(key, {}).get(metric)
            return ring.arrays() if ring is not None else (np.zeros(0), np.zeros(0))
