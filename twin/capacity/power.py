"""Power-chain headroom with N-1 failover: how much more load the chain can carry.

Every utility feed, UPS and PDU is failed alone (as `dctwin power` does); the
margin of a case is the least `limit - load` over the live components. The
N-1 headroom is the least margin over the normal case and all failure cases.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Optional

from twin.power.analysis import rack_loads
from twin.power.chain import Chain, build_chain
from twin.power.efficiency import DEFAULT_LIMIT_PCT
from twin.power.flow import load_flow


@dataclass(frozen=True)
class Margin:
    """The tightest component: limit minus load in kW, and in which case."""
    margin_kw: float
    component: str
    failed: Optional[str]            # the failed component of the case (None: normal)
    load_kw: float
    limit_kw: float
    dark_racks: tuple[str, ...] = ()  # dual-corded racks a failure leaves without power

    def describe(self) -> str:
        case = f"with {self.failed} failed" if self.failed else "in normal operation"
        if self.dark_racks:
            return f"{', '.join(self.dark_racks)} lose every cord {case}"
        return f"{self.component} at {self.load_kw:.0f} of {self.limit_kw:.0f} kW {case}"


def limit_pct(layout) -> float:
    spec = layout.power
    if spec is not None and spec.continuous_limit_pct is not None:
        return float(spec.continuous_limit_pct)
    return DEFAULT_LIMIT_PCT


def rack_it_kw(layout) -> dict[str, float]:
    """Electrical input of every rack in kW (equipment at its utilisation, else power_kw)."""
    return {rid: r.it_kw for rid, r in rack_loads(layout).items()}


def n1_margin(chain: Chain, rack_kw: Mapping[str, float], limit: float) -> Optional[Margin]:
    """The tightest component over the normal case and every single failure (None: no
    rated component). A case that leaves a dual-corded rack dark has margin -inf."""
    worst: Optional[Margin] = None
    for failed in (None,) + chain.components:
        flow = load_flow(chain, rack_kw, frozenset([failed]) if failed else frozenset())
        dark = tuple(r for r in flow.dark_racks if len(chain.cords[r]) >= 2)
        if dark:
            return Margin(-math.inf, "", failed, math.nan, math.nan, dark)
        for node in chain.components:
            rating = chain.rating_kw(node)
            if node not in flow.energized or rating is None:
                continue
            cap = rating * limit / 100.0
            here = Margin(cap - flow.output_kw[node], node, failed, flow.output_kw[node], cap)
            if worst is None or here.margin_kw < worst.margin_kw:
                worst = here
    return worst


def layout_margin(layout) -> Optional[Margin]:
    """N-1 margin of a layout's own power chain (None without a rated chain)."""
    if layout.power is None or not layout.power.pdus:
        return None
    chain = build_chain(layout.power, [r.id for r in layout.racks])
    return n1_margin(chain, rack_it_kw(layout), limit_pct(layout))


def cords_of_nearest(layout, x_m: float, y_m: float) -> list[str]:
    """PDUs of the powered rack nearest a floor point: where a new rack there is plugged in."""
    if layout.power is None:
        return []
    cords: dict[str, list[str]] = {}
    for pdu in layout.power.pdus:
        for rack_id in pdu.racks:
            cords.setdefault(rack_id, []).append(pdu.id)
    powered = [r for r in layout.racks if r.id in cords]
    if not powered:
        return []
    near = min(powered, key=lambda r: abs(r.position_m[0] + r.size_m[0] / 2 - x_m)
               + abs(r.position_m[1] + r.size_m[1] / 2 - y_m))
    return cords[near.id]


def headroom_kw(layout, rack_ids: list[str], tolerance_kw: float = 0.5,
                ceiling_kw: float = 1.0e5) -> Optional[float]:
    """Most extra electrical kW that `rack_ids` together (shared equally) can draw with the
    N-1 check still holding; 0 when it fails already, None without a rated chain."""
    if layout_margin(layout) is None:
        return None
    chain = build_chain(layout.power, [r.id for r in layout.racks])
    base, limit = rack_it_kw(layout), limit_pct(layout)
    fed = [r for r in rack_ids if r in chain.cords]
    if not fed:
        return 0.0

    def holds(extra_kw: float) -> bool:
        loads = dict(base)
        for rid in fed:
            loads[rid] += extra_kw / len(fed)
        return n1_margin(chain, loads, limit).margin_kw >= 0.0

    if not holds(0.0):
        return 0.0
    low, high = 0.0, ceiling_kw
    if holds(high):
        return math.inf
    while high - low > tolerance_kw:
        mid = 0.5 * (low + high)
        low, high = (mid, high) if holds(mid) else (low, mid)
    return low
