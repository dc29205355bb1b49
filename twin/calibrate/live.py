"""Measured readings beside a solved twin at a chosen instant, and the watch replayed over a
whole file with its forecasts kept per frame (Qt-free; the desktop's Sensors and Alerts
docks show them).

    rows = reading_rows(layout, result, measured, at_s, WatchSettings())
    run = replay(layout, measured, WatchSettings(), Settings(model="preview"))
    run.alerts_until(at_s); run.forecasts_at(at_s)

A row's residual is measured minus twin, the sign `dctwin watch` uses; its
expected spread is the watch's for one reading, sqrt(noise^2 + model^2).
See docs/calibration.md.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Callable, Optional

from twin.calibrate.fit import Settings
from twin.calibrate.measured import Channel, Measured, snapshot
from twin.calibrate.params import predict, predict_fan_pct
from twin.calibrate.watch import Alert, Watcher, WatchSettings, expected_spread
from twin.model.layout import Layout

NAN = float("nan")


@dataclass(frozen=True)
class ReadingRow:
    """One measured name (or a layout sensor nobody reads) at the chosen instant."""
    name: str
    kind: str                    # sensor | unit | rack | cdu
    role: str                    # observed | input | trend | unmeasured
    measured: float              # NaN: no reading
    twin: float                  # NaN: the twin has no value for it
    spread: float                # expected spread of one residual (NaN without a twin value)
    times_s: tuple = ()          # every reading's time ...
    residuals: tuple = ()        # ... and its measured minus twin (the sparkline)

    @property
    def residual(self) -> float:
        return self.measured - self.twin

    @property
    def z(self) -> float:
        """The residual in expected spreads (NaN when either is missing)."""
        r = self.residual
        return r / self.spread if math.isfinite(r) and self.spread > 0 else NAN


def twin_value(layout: Layout, result, channel: Channel) -> float:
    """The solved twin's value of an observed channel; NaN when the result lacks it (a sensor
    added after the solve, a unit not running)."""
    if channel.role != "observed":
        return NAN
    try:
        if channel.quantity == "fan_pct":
            return predict_fan_pct(layout, layout, channel)
        value = predict(layout, result, channel)
    except (KeyError, AttributeError, ValueError):
        return NAN
    return value if math.isfinite(value) else NAN


def reading_rows(layout: Layout, result, measured: Optional[Measured], at_s: Optional[float],
                 settings: WatchSettings) -> list[ReadingRow]:
    """Every measured name, then every layout sensor without readings, at `at_s` (each
    name's reading nearest it; None: the latest), against the solved `result` (None: no twin)."""
    rows = []
    read = set()
    if measured is not None:
        at = measured.end_s if at_s is None else at_s
        values = snapshot(measured, at_s=at).values
        for name in _ordered(layout, measured):
            channel = measured.channels[name]
            twin = twin_value(layout, result, channel) if result is not None else NAN
            readings = measured.series[name]
            spread = expected_spread(channel, twin, 1, settings) if math.isfinite(twin) else NAN
            rows.append(ReadingRow(name, channel.kind, channel.role, values[name], twin, spread,
                                   tuple(r.time_s for r in readings),
                                   tuple(r.value - twin for r in readings)))
            read.add(name)
    for sensor in layout.sensors:
        if sensor.id not in read:
            twin = twin_value(layout, result, Channel(sensor.id, "sensor", sensor.id, "value_c")) \
                if result is not None else NAN
            rows.append(ReadingRow(sensor.id, "sensor", "unmeasured", NAN, twin, NAN))
    return rows


def _ordered(layout: Layout, measured: Measured) -> list[str]:
    """Sensors in the layout's order, then unit, rack and CDU readings by name."""
    place = {s.id: i for i, s in enumerate(layout.sensors)}
    return sorted(measured.series, key=lambda n: (0, place[n], n) if n in place else (1, 0, n))


def residual_fraction(row: ReadingRow, z_full: float) -> Optional[float]:
    """Where a row's residual falls on a diverging scale: 0 (measured `z_full` spreads below
    the twin or more), 0.5 (on the twin), 1 (`z_full` spreads above or more); None when
    there is no residual to show."""
    z = row.z
    if not math.isfinite(z):
        return None
    return 0.5 + 0.5 * max(-1.0, min(1.0, z / z_full))


def model_spread_k(cal) -> float:
    """The twin's own spread after a calibration, for the watch: its held-out RMS (the fit
    readings' without a held-out check), not below 0.1 K, as `dctwin watch --calibration`."""
    rms = cal.residual_rms(True)
    if not math.isfinite(rms):
        rms = cal.residual_rms(False)
    return max(rms, 0.1) if math.isfinite(rms) else WatchSettings().model_k


@dataclass
class Replay:
    """The watch run over a measured file: its alerts, and each frame's forecasts."""
    watcher: Watcher
    times_s: list
    forecasts: list                # per frame, the forecasts after that frame

    def alerts_until(self, at_s: float) -> list[Alert]:
        return [a for a in self.watcher.alerts if a.time_s <= at_s]

    def forecasts_at(self, at_s: float) -> list:
        """The forecasts as they stood at the last frame at or before `at_s`."""
        k = bisect.bisect_right(self.times_s, at_s) - 1
        return self.forecasts[k] if k >= 0 else []


def replay(layout: Layout, measured: Measured, settings: WatchSettings, fit_settings: Settings,
           progress: Optional[Callable] = None, cancel: Optional[Callable[[], bool]] = None) -> Replay:
    """Feed every frame of `measured` to a Watcher (as `dctwin watch` does), keeping the
    forecasts after each. Raises SolveCancelled when `cancel()` turns true."""
    from twin.thermal import SolveCancelled
    report = progress or (lambda fraction, message: None)
    stop = cancel or (lambda: False)
    report(0.02, "solving the twin and its sensitivities")
    watcher = Watcher(layout, measured.channels, settings, fit_settings, cancel=stop)
    frames = measured.frames()
    times, forecasts = [], []
    for k, (time_s, values) in enumerate(frames):
        if stop():
            raise SolveCancelled()
        report(0.3 + 0.7 * k / len(frames), f"reading {k + 1} of {len(frames)}")
        watcher.update(time_s, values)
        current = watcher.forecasts()
        watcher.early_warnings(time_s, current)
        times.append(time_s)
        forecasts.append(current)
    report(1.0, "done")
    return Replay(watcher, times, forecasts)
