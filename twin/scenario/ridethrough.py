"""Transient ride-through after cooling units fail: intake temperatures over the next minutes.

A well-mixed room model (docs/scenarios.md): the room air, plus an optional
equipment thermal mass, is one heat capacity C. With units still running, each
rack intake moves from its baseline value to its steady value after the
failure with the time constant tau = C / (rho cp Q_running); with none running
the room warms at P_air / C and every intake rises at that rate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from twin.model import Layout


@dataclass(frozen=True)
class RideThrough:
    times_s: np.ndarray
    inlet_max_c: dict              # rack id -> array over times_s
    time_to_allowable_s: dict      # rack id -> seconds, 0 if already above, None if never
    allowable_c: float
    heat_capacity_kj_k: float
    tau_s: Optional[float]         # None when no unit runs (linear rise)
    rise_k_per_min: Optional[float]
    equipment_kj_per_k_kw: float

    def to_dict(self) -> dict:
        step = max(1, len(self.times_s) // 60)
        return {
            "model": "well-mixed room (docs/scenarios.md)",
            "allowable_c": self.allowable_c,
            "heat_capacity_kj_k": self.heat_capacity_kj_k,
            "tau_s": self.tau_s, "rise_k_per_min": self.rise_k_per_min,
            "equipment_kj_per_k_kw": self.equipment_kj_per_k_kw,
            "time_to_allowable_s": dict(self.time_to_allowable_s),
            "times_s": [float(t) for t in self.times_s[::step]],
            "inlet_max_c": {k: [round(float(v), 3) for v in arr[::step]]
                            for k, arr in self.inlet_max_c.items()},
        }


def air_volume_m3(layout: Layout) -> float:
    """Room volume less the racks and cooling units."""
    lx, ly, lz = layout.room.size_m
    solid = sum(b.size_m[0] * b.size_m[1] * b.size_m[2] for b in (*layout.racks, *layout.cooling_units))
    return max(lx * ly * lz - solid, 1e-3)


def heat_capacity_j_k(layout: Layout, equipment_kj_per_k_kw: float = 0.0) -> float:
    """Room air heat capacity plus equipment mass (kJ/K per kW of rack power)."""
    air = layout.air.rho_cp * air_volume_m3(layout)
    return air + 1000.0 * equipment_kj_per_k_kw * layout.it_power_kw


def ride_through(base, failed_layout: Layout, steady=None, allowable_c: float = 32.0,
                 minutes: float = 10.0, step_s: float = 5.0,
                 equipment_kj_per_k_kw: float = 0.0) -> RideThrough:
    """Intake maxima over `minutes` after the failure; `base` is the baseline Outcome,
    `steady` the failed room's Outcome (None when no cooling unit runs)."""
    times = np.arange(0.0, minutes * 60.0 + step_s / 2, step_s)
    cap = heat_capacity_j_k(failed_layout, equipment_kj_per_k_kw)
    running_q = sum(u.airflow_m3s for u in failed_layout.cooling_units if u.running)
    series, crossing = {}, {}
    tau = rate = None
    if steady is None or running_q <= 0:
        rate = failed_layout.it_power_kw * 1000.0 / cap                  # K/s
        for rid, r in base.result.racks.items():
            t0 = float(r.inlet_max_c)
            series[rid] = t0 + rate * times
            crossing[rid] = _linear_cross(t0, rate, allowable_c)
    else:
        tau = cap / (failed_layout.air.rho_cp * running_q)
        for rid, r in base.result.racks.items():
            after = steady.result.racks.get(rid)
            if after is None:
                continue
            t0, t1 = float(r.inlet_max_c), float(after.inlet_max_c)
            series[rid] = t1 + (t0 - t1) * np.exp(-times / tau)
            crossing[rid] = _exp_cross(t0, t1, tau, allowable_c)
    return RideThrough(times, series, crossing, allowable_c, cap / 1000.0, tau,
                       None if rate is None else rate * 60.0, equipment_kj_per_k_kw)


def _linear_cross(t0: float, rate: float, limit: float) -> Optional[float]:
    if t0 > limit:
        return 0.0
    return None if rate <= 0 else (limit - t0) / rate


def _exp_cross(t0: float, t1: float, tau: float, limit: float) -> Optional[float]:
    """First time T(t) = t1 + (t0 - t1) exp(-t / tau) exceeds limit."""
    if t0 > limit:
        return 0.0
    if t1 <= limit:
        return None
    return -tau * math.log((t1 - limit) / (t1 - t0))


def format_time(seconds: Optional[float]) -> str:
    """`4 min 10 s`, `never` or `already above`."""
    if seconds is None:
        return "never"
    if seconds <= 0:
        return "already above"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
