"""Measured readings: a CSV of `timestamp, sensor, value`, bound to the layout by name.

    timestamp,sensor,value
    2026-01-05T09:00:00Z,R02-front-low,21.4
    2026-01-05T09:00:00Z,unit:CRAH-2:supply_c,18.9
    2026-01-05T09:00:00Z,rack:A1:power_kw,7.2

A name is either the id of one of the layout's `sensors` (air temperature,
°C) or `unit:ID:QUANTITY`, `rack:ID:QUANTITY`, `cdu:ID:QUANTITY` with the
quantities in `QUANTITIES`. Bad rows and unknown names raise MeasuredError
with `file:line: field: problem`. See docs/calibration.md.
"""
from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass
from typing import Optional

import numpy as np

from twin.model import limits
from twin.model.layout import Layout
from twin.telemetry.csvfile import format_timestamp, parse_timestamp

COLUMNS = ("timestamp", "sensor", "value")
# (object kind, quantity) -> (unit shown, plausible range, role). Role "observed": the
# twin predicts it; "input": it replaces a layout figure; "trend": watched only.
QUANTITIES = {
    ("unit", "supply_c"): ("°C", (-20.0, 90.0), "observed"),
    ("unit", "return_c"): ("°C", (-20.0, 120.0), "observed"),
    ("unit", "airflow_m3s"): ("m³/s", (0.0, 1000.0), "observed"),
    ("unit", "fan_pct"): ("%", (0.0, 200.0), "observed"),
    ("rack", "intake_c"): ("°C", (-20.0, 90.0), "observed"),
    ("rack", "power_kw"): ("kW", (0.0, 10000.0), "input"),
    ("cdu", "supply_c"): ("°C", (-20.0, 120.0), "trend"),
}
TEMPERATURE_RANGE_C = (-20.0, 120.0)


class MeasuredError(ValueError):
    """A measured file that cannot be used; the message is `file:line: field: problem`."""


@dataclass(frozen=True)
class Channel:
    """What a measured name stands for: a sensor, or a quantity of a unit, rack or CDU."""
    name: str
    kind: str          # sensor | unit | rack | cdu
    target: str        # the sensor, unit, rack or CDU id
    quantity: str      # value_c for a sensor, else the quantity in QUANTITIES

    @property
    def role(self) -> str:
        return "observed" if self.kind == "sensor" else QUANTITIES[(self.kind, self.quantity)][2]

    @property
    def is_temperature(self) -> bool:
        return self.quantity.endswith("_c")


@dataclass(frozen=True)
class Reading:
    time_s: float
    value: float


@dataclass
class Measured:
    """Every channel's readings in time order, plus where each name was first seen."""
    path: str
    channels: dict[str, Channel]
    series: dict[str, list[Reading]]

    @property
    def start_s(self) -> float:
        return min(r[0].time_s for r in self.series.values())

    @property
    def end_s(self) -> float:
        return max(r[-1].time_s for r in self.series.values())

    def frames(self) -> list[tuple[float, dict[str, float]]]:
        """(time, {name: value}) for every distinct time, oldest first."""
        by_time: dict[float, dict[str, float]] = {}
        for name, readings in self.series.items():
            for r in readings:
                by_time.setdefault(r.time_s, {})[name] = r.value
        return sorted(by_time.items())


def bind(layout: Layout, name: str) -> Channel:
    """The channel a measured name stands for in `layout`; ValueError saying why not."""
    sensors = {s.id for s in layout.sensors}
    if name in sensors:
        return Channel(name, "sensor", name, "value_c")
    parts = name.split(":")
    if len(parts) != 3:
        raise ValueError(f"{name!r} is neither a sensor of the layout nor KIND:ID:QUANTITY "
                         "(e.g. unit:CRAH-2:supply_c, rack:A1:power_kw)")
    kind, target, quantity = parts
    ids = {"unit": [u.id for u in layout.cooling_units], "rack": [r.id for r in layout.racks],
           "cdu": [c.id for c in (layout.liquid.cdus if layout.liquid else [])]}
    if kind not in ids:
        raise ValueError(f"{name!r}: kind {kind!r} is not one of unit, rack, cdu")
    if target not in ids[kind]:
        raise ValueError(f"{name!r}: the layout has no {kind} {target!r}")
    if (kind, quantity) not in QUANTITIES:
        known = ", ".join(q for k, q in QUANTITIES if k == kind)
        raise ValueError(f"{name!r}: a {kind} reports {known}, not {quantity!r}")
    return Channel(name, kind, target, quantity)


def _value(channel: Channel, text: str) -> float:
    value = float(text)
    low, high = (TEMPERATURE_RANGE_C if channel.kind == "sensor"
                 else QUANTITIES[(channel.kind, channel.quantity)][1])
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"must be a number from {low:g} to {high:g}")
    return value


def _text(name: str) -> str:
    try:
        data = limits.read_bounded(name, limits.MAX_REPLAY_BYTES, "measured")
    except limits.InputLimitError as exc:
        raise MeasuredError(str(exc)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise MeasuredError(f"{name}:{line}: the file is not UTF-8 text") from None
    if "\x00" in text:
        raise MeasuredError(f"{name}:{text.count(chr(10), 0, text.find(chr(0))) + 1}: the file "
                            "holds a NUL byte (a binary or corrupted file?)")
    return text


def _shown(cell) -> str:
    return repr(limits.clip_text(cell, 40)) if isinstance(cell, str) else repr(cell)


def _row(layout: Layout, where: str, row: dict, channels: dict) -> tuple[str, Reading]:
    if None in row:
        raise MeasuredError(f"{where}: the row has more cells than the header has columns")
    try:
        stamp = parse_timestamp(row.get("timestamp") or "")
    except ValueError:
        raise MeasuredError(f"{where}: timestamp: not a time: {_shown(row.get('timestamp'))} "
                            "(ISO 8601 such as 2026-01-05T09:00:00Z, or epoch seconds)") from None
    name = (row.get("sensor") or "").strip()
    if name not in channels:
        try:
            channels[name] = bind(layout, name)
        except ValueError as exc:
            raise MeasuredError(f"{where}: sensor: {exc}") from None
    try:
        value = _value(channels[name], row.get("value") or "")
    except ValueError as exc:
        why = str(exc) if str(exc).startswith("must") else "not a number"
        raise MeasuredError(f"{where}: value: {why} (got {_shown(row.get('value'))})") from None
    return name, Reading(stamp, value)


def read_measured(path, layout: Layout) -> Measured:
    """All rows of a measured file bound to `layout`. Raises MeasuredError or OSError."""
    name = os.fspath(path)
    reader = csv.DictReader(io.StringIO(_text(name), newline=""))
    channels: dict[str, Channel] = {}
    series: dict[str, list[Reading]] = {}
    try:
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise MeasuredError(f"{name}:1: missing column(s) {', '.join(missing)} (a measured "
                                f"file starts with the header {','.join(COLUMNS)})")
        for row in reader:
            key, reading = _row(layout, f"{name}:{reader.line_num}", row, channels)
            series.setdefault(key, []).append(reading)
    except csv.Error as exc:
        raise MeasuredError(f"{name}:{reader.reader.line_num}: not a readable CSV row: {exc}") from None
    if not series:
        raise MeasuredError(f"{name}: no readings (a header and at least one row are needed)")
    for readings in series.values():
        readings.sort(key=lambda r: r.time_s)
    return Measured(name, channels, series)


@dataclass(frozen=True)
class Snapshot:
    """One value per channel: the mean over a window (or the reading nearest a time)."""
    values: dict[str, float]
    spread: dict[str, float]      # standard deviation within the window (0 for one reading)
    counts: dict[str, int]
    from_s: float
    to_s: float

    def describe(self) -> str:
        if self.from_s == self.to_s:
            return f"readings at {format_timestamp(self.from_s)}"
        return f"means from {format_timestamp(self.from_s)} to {format_timestamp(self.to_s)}"


def snapshot(measured: Measured, at_s: Optional[float] = None,
             window_s: Optional[tuple[float, float]] = None) -> Snapshot:
    """Each channel at `at_s` (nearest reading), or averaged over `window_s` (default: all)."""
    values, spread, counts = {}, {}, {}
    if at_s is not None:
        for name, readings in measured.series.items():
            nearest = min(readings, key=lambda r: abs(r.time_s - at_s))
            values[name], spread[name], counts[name] = nearest.value, 0.0, 1
        return Snapshot(values, spread, counts, at_s, at_s)
    lo, hi = window_s if window_s is not None else (measured.start_s, measured.end_s)
    for name, readings in measured.series.items():
        inside = np.array([r.value for r in readings if lo <= r.time_s <= hi])
        if len(inside):
            values[name], spread[name] = float(inside.mean()), float(inside.std())
            counts[name] = len(inside)
    if not values:
        raise MeasuredError(f"{measured.path}: no readings from {format_timestamp(lo)} to "
                            f"{format_timestamp(hi)} (the file covers "
                            f"{format_timestamp(measured.start_s)} to "
                            f"{format_timestamp(measured.end_s)})")
    return Snapshot(values, spread, counts, lo, hi)
