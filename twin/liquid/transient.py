"""Loss of facility water: how long until each rack's coolant supply passes its limit.

The secondary loop keeps pumping but rejects no heat. Each running CDU and
each liquid-cooled rack is a well-mixed coolant volume; the coolant flows
between them carry heat (docs/liquid.md). The linear system
C dT/dt = A T + Q is integrated exactly with a matrix exponential.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
from scipy.linalg import expm

from twin.liquid.loop import LPM_TO_M3S
from twin.liquid.solve import LiquidResult, solve_liquid
from twin.model.layout import Layout

STEPS = 400
MAX_HORIZON_S = 24 * 3600.0


@dataclass(frozen=True)
class FacilityLoss:
    """Seconds from the loss of facility water until each rack's coolant supply passes
    the limit (None: not within `horizon_s`, or not liquid-cooled); the sampled supplies."""
    limit_c: float
    seconds: dict[str, Optional[float]]
    horizon_s: float
    times_s: tuple[float, ...]
    supply_c: dict[str, tuple[float, ...]]


class _System:
    """Nodes, capacities (J/K) and the augmented matrix of dT/dt = A T + b."""

    def __init__(self, layout: Layout, steady: LiquidResult):
        liquid = layout.liquid
        rho_cp = liquid.fluid.rho_cp
        cdus = [c for c in liquid.cdus if steady.cdus[c.id].running]
        racks = [r for r in steady.racks.values() if r.cdus and r.liquid_kw > 0 and r.flow_lpm > 0]
        self.index = {c.id: i for i, c in enumerate(cdus)}
        self.index.update({r.id: len(cdus) + i for i, r in enumerate(racks)})
        n = len(self.index)
        cap = np.array([c.volume_l / 1000.0 * rho_cp for c in cdus]
                       + [liquid.rack_loop_volume_l / 1000.0 * rho_cp] * len(racks))
        a = np.zeros((n, n))
        b = np.zeros(n)
        for rack in racks:
            i = self.index[rack.id]
            b[i] = rack.liquid_kw * 1000.0
            for cdu_id in rack.cdus:
                j = self.index[cdu_id]
                g = rack.flow_lpm / len(rack.cdus) * LPM_TO_M3S * rho_cp
                a[i, i] -= g
                a[i, j] += g
                a[j, j] -= g
                a[j, i] += g
        self.matrix = np.zeros((n + 1, n + 1))
        self.matrix[:n, :n] = a / cap[:, None]
        self.matrix[:n, n] = b / cap
        self.x0 = np.array([steady.cdus[c.id].supply_c for c in cdus]
                           + [r.return_c for r in racks] + [1.0])
        self.racks = racks
        self.heat_w = float(b.sum())
        self.capacity_jk = float(cap.sum())

    def supplies(self, x: np.ndarray) -> dict[str, float]:
        """Each rack's coolant supply: the mean outlet of the CDUs that carry it."""
        return {r.id: float(np.mean([x[self.index[c]] for c in r.cdus])) for r in self.racks}


def facility_water_loss(layout: Layout, steady: Optional[LiquidResult] = None) -> FacilityLoss:
    """Time to the coolant limit for every liquid-cooled rack after facility water stops."""
    steady = solve_liquid(layout) if steady is None else steady
    limit = steady.coolant_limit_c
    system = _System(layout, steady)
    seconds: dict[str, Optional[float]] = {r.id: None for r in steady.racks.values()}
    if not system.racks:
        return FacilityLoss(limit, seconds, 0.0, (), {})
    coldest = min(system.supplies(system.x0).values())
    linear_s = system.capacity_jk * max(limit - coldest, 1.0) / system.heat_w
    horizon = min(4.0 * linear_s, MAX_HORIZON_S)
    dt = horizon / STEPS
    step = expm(system.matrix * dt)
    x = system.x0.copy()
    times, samples = [0.0], {r.id: [v] for r, v in zip(system.racks, system.supplies(x).values())}
    for k in range(STEPS):
        x_next = step @ x
        now = system.supplies(x_next)
        for rack_id, value in now.items():
            samples[rack_id].append(value)
            if seconds[rack_id] is None and value > limit:
                seconds[rack_id] = _crossing(system, x, k * dt, dt, rack_id, limit)
        times.append((k + 1) * dt)
        x = x_next
    for rack_id, values in samples.items():
        if values[0] > limit:
            seconds[rack_id] = 0.0
    return FacilityLoss(limit, seconds, horizon, tuple(times),
                        {k: tuple(v) for k, v in samples.items()})


def _crossing(system: _System, x: np.ndarray, t0: float, dt: float, rack_id: str,
              limit: float) -> float:
    """Bisect within one step for the time the rack's supply reaches the limit."""
    low, high = 0.0, dt
    for _ in range(50):
        mid = 0.5 * (low + high)
        value = system.supplies(expm(system.matrix * mid) @ x)[rack_id]
        low, high = (mid, high) if value <= limit else (low, mid)
    return t0 + 0.5 * (low + high)
