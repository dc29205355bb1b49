"""Polling a source off the GUI thread, with bounded history and a debounced re-solve.

    poller = Poller(source, layout, interval_s=2.0, resolve_interval_s=10.0,
                    on_frame=show, on_resolve=start_solve)
    poller.start() ... poller.stop()

Callbacks run on the polling thread: a GUI forwards them to its own thread
(e.g. with a queued signal). `on_resolve(live)` fires at most once every
`resolve_interval_s`, and only when some rack's live heat moved by more than
`threshold_kw` since the last one, so a steady room is not re-solved.
"""
from __future__ import annotations

import threading
import time
from typing import Callable, Optional

from twin.model.layout import Layout
from twin.telemetry.history import DEFAULT_CAPACITY, History
from twin.telemetry.mapping import LivePower, live_power
from twin.telemetry.sample import OFF, STALE, Frame
from twin.telemetry.source import Clock, TelemetrySource

DEFAULT_INTERVAL_S = 2.0
DEFAULT_RESOLVE_INTERVAL_S = 10.0
DEFAULT_THRESHOLD_KW = 0.5


class Debouncer:
    """Lets a re-solve through at most once per interval, and only after a real change."""

    def __init__(self, interval_s: float, threshold_kw: float, clock: Clock = time.monotonic):
        self.interval_s, self.threshold_kw, self.clock = interval_s, threshold_kw, clock
        self._last_time: Optional[float] = None
        self._last_kw: dict[str, float] = {}

    def changed(self, rack_kw: dict[str, float]) -> bool:
        keys = set(rack_kw) | set(self._last_kw)
        return any(abs(rack_kw.get(k, 0.0) - self._last_kw.get(k, 0.0)) > self.threshold_kw
                   for k in keys)

    def due(self, rack_kw: dict[str, float]) -> bool:
        """True (and remembers this state) when a re-solve should run now."""
        now = self.clock()
        if self._last_time is not None and now - self._last_time < self.interval_s:
            return False
        if self._last_time is not None and not self.changed(rack_kw):
            return False
        self._last_time, self._last_kw = now, dict(rack_kw)
        return True


class Poller:
    """Reads `source` every `interval_s` on a daemon thread; keeps history and the latest state."""

    def __init__(self, source: TelemetrySource, layout: Optional[Layout] = None,
                 interval_s: float = DEFAULT_INTERVAL_S,
                 resolve_interval_s: float = DEFAULT_RESOLVE_INTERVAL_S,
                 threshold_kw: float = DEFAULT_THRESHOLD_KW,
                 on_frame: Optional[Callable[[Frame, Optional[LivePower]], None]] = None,
                 on_resolve: Optional[Callable[[LivePower], None]] = None,
                 capacity: int = DEFAULT_CAPACITY, clock: Clock = time.monotonic):
        if interval_s <= 0:
            raise ValueError(f"interval_s must be > 0 (got {interval_s})")
        self.source, self.layout, self.interval_s = source, layout, interval_s
        self.on_frame, self.on_resolve = on_frame, on_resolve
        self.history = History(capacity)
        self.debouncer = Debouncer(resolve_interval_s, threshold_kw, clock)
        self.latest: Optional[Frame] = None
        self.live: Optional[LivePower] = None
        self.errors = 0
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def poll_once(self) -> Frame:
        """One read: history, live rack power, callbacks. Never raises for source trouble."""
        try:
            frame = self.source.read()
        except Exception as exc:             # a broken source must not end polling
            self.errors += 1
            frame = Frame(time.time(), self.latest.samples if self.latest else (), STALE,
                          f"read failed: {exc}")
        self.history.add(frame)
        self.latest = frame
        if self.layout is not None and frame.samples:
            self.live = live_power(self.layout, frame.samples, frame.timestamp_s)
        if self.on_frame is not None:
            self.on_frame(frame, self.live)
        if self.on_resolve is not None and self.live is not None and self.live.racks:
            if self.debouncer.due(self.live.rack_kw(self.layout)):
                self.on_resolve(self.live)
        return frame

    def _run(self) -> None:
        opened = self.source.open()
        if opened.state == OFF:
            self.latest = opened
            if self.on_frame is not None:
                self.on_frame(opened, None)
            return
        while not self._stop.is_set():
            started = time.monotonic()
            self.poll_once()
            self._stop.wait(max(0.0, self.interval_s - (time.monotonic() - started)))
        self.source.close()

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="dctwin-telemetry", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Ask the thread to finish and wait for it (a read in progress completes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
        self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()
