"""Steady solve of the coolant loop: CDU loads, secondary temperatures, rack coolant.

Secondary supply = facility supply + approach while a CDU is within capacity;
above it the exchanger's fixed size lets the approach grow with the load,
approach x load / capacity (docs/liquid.md). Rack return = supply + liquid
heat / (flow x rho cp).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from twin.liquid.loop import LPM_TO_M3S, loop_graph, rack_liquids, serving
from twin.model.layout import Layout

# ASHRAE TC 9.9 liquid-cooling classes: highest facility-water supply of each (degC).
W_CLASSES = (("W17", 17.0), ("W27", 27.0), ("W32", 32.0), ("W40", 40.0), ("W45", 45.0))


def water_class(supply_c: float) -> str:
    """The lowest ASHRAE W class whose facility-water limit the supply meets (W+ above 45)."""
    for name, limit_c in W_CLASSES:
        if supply_c <= limit_c:
            return name
    return "W+"


@dataclass(frozen=True)
class CduResult:
    id: str
    running: bool
    load_kw: float                 # liquid heat it carries
    capacity_kw: float
    flow_lpm: float                # secondary flow it carries
    rated_flow_lpm: Optional[float]
    supply_c: Optional[float]      # secondary supply (None when failed)
    return_c: Optional[float]
    rise_k: float                  # supply rise above facility + approach (over capacity)
    pump_kw: float                 # electrical, 0 when failed
    racks: tuple[str, ...]         # racks it carries now (after any takeover)

    @property
    def over_capacity(self) -> bool:
        return self.load_kw > self.capacity_kw * (1 + 1e-12)

    @property
    def over_flow(self) -> bool:
        return self.rated_flow_lpm is not None and self.flow_lpm > self.rated_flow_lpm * (1 + 1e-12)


@dataclass(frozen=True)
class RackCoolant:
    id: str
    it_kw: float
    air_kw: float
    liquid_kw: float
    flow_lpm: float
    cdus: tuple[str, ...]          # running CDUs that carry it (empty: stranded)
    supply_c: Optional[float]
    return_c: Optional[float]
    limit_c: float

    @property
    def stranded(self) -> bool:
        return self.liquid_kw > 0 and not self.cdus

    @property
    def over_limit(self) -> bool:
        return self.stranded or (self.supply_c is not None and self.supply_c > self.limit_c)


@dataclass(frozen=True)
class LiquidResult:
    facility_supply_c: float
    facility_running: bool
    water_class: str
    coolant_limit_c: float
    cdus: dict[str, CduResult]
    racks: dict[str, RackCoolant]
    notes: tuple[str, ...] = field(default=())

    @property
    def liquid_kw(self) -> float:
        return sum(r.liquid_kw for r in self.racks.values())

    @property
    def air_kw(self) -> float:
        return sum(r.air_kw for r in self.racks.values())

    @property
    def it_kw(self) -> float:
        return sum(r.it_kw for r in self.racks.values())

    @property
    def pumps_kw(self) -> float:
        return sum(c.pump_kw for c in self.cdus.values())

    @property
    def over_limit(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.racks.values() if r.over_limit)

    @property
    def ok(self) -> bool:
        return not self.over_limit and not any(c.over_capacity for c in self.cdus.values())


def cdu_supply_c(facility_c: float, approach_k: float, load_kw: float, capacity_kw: float) -> float:
    """Secondary supply: facility + approach, the approach scaled by load/capacity above capacity."""
    return facility_c + approach_k * max(1.0, load_kw / capacity_kw)


def solve_liquid(layout: Layout, facility_supply_c: Optional[float] = None) -> LiquidResult:
    """The loop's steady state (facility water assumed flowing; see transient for its loss)."""
    liquid = layout.liquid
    if liquid is None:
        raise ValueError("the layout has no liquid section")
    facility_c = float(liquid.facility_water.supply_c if facility_supply_c is None
                       else facility_supply_c)
    rho_cp = liquid.fluid.rho_cp
    racks = rack_liquids(layout)
    carried = serving(layout, loop_graph(layout))
    load = {c.id: 0.0 for c in liquid.cdus}
    flow = {c.id: 0.0 for c in liquid.cdus}
    members: dict[str, list[str]] = {c.id: [] for c in liquid.cdus}
    for rack_id, cdus in carried.items():
        for cdu_id in cdus:
            load[cdu_id] += racks[rack_id].liquid_kw / len(cdus)
            flow[cdu_id] += racks[rack_id].flow_lpm / len(cdus)
            members[cdu_id].append(rack_id)
    cdus = {}
    for cdu in liquid.cdus:
        supply = return_ = None
        rise = 0.0
        if cdu.running:
            supply = cdu_supply_c(facility_c, float(cdu.approach_k), load[cdu.id], float(cdu.capacity_kw))
            rise = supply - facility_c - float(cdu.approach_k)
            return_ = supply + _rise_k(load[cdu.id], flow[cdu.id], rho_cp)
        cdus[cdu.id] = CduResult(cdu.id, cdu.running, load[cdu.id], float(cdu.capacity_kw),
                                 flow[cdu.id], cdu.flow_lpm, supply, return_, rise,
                                 float(cdu.pump_kw) if cdu.running else 0.0, tuple(members[cdu.id]))
    out = {}
    for rack in layout.racks:
        part = racks[rack.id]
        via = carried.get(rack.id, ())
        supply = return_ = None
        if via:
            supply = sum(cdus[c].supply_c for c in via) / len(via)
            return_ = supply + _rise_k(part.liquid_kw, part.flow_lpm, rho_cp)
        out[rack.id] = RackCoolant(rack.id, part.it_kw, part.it_kw - part.liquid_kw, part.liquid_kw,
                                   part.flow_lpm, via, supply, return_, float(liquid.coolant_limit_c))
    return LiquidResult(facility_c, liquid.facility_water.running, water_class(facility_c),
                        float(liquid.coolant_limit_c), cdus, out, _notes(cdus, out))


def _rise_k(heat_kw: float, flow_lpm: float, rho_cp: float) -> float:
    """Coolant temperature rise for a heat load and flow (0 without flow or heat)."""
    if heat_kw <= 0 or flow_lpm <= 0:
        return 0.0
    return heat_kw * 1000.0 / (flow_lpm * LPM_TO_M3S * rho_cp)


def _notes(cdus: dict[str, CduResult], racks: dict[str, RackCoolant]) -> tuple[str, ...]:
    notes = []
    for c in cdus.values():
        if c.over_capacity:
            notes.append(f"{c.id} carries {c.load_kw:.1f} kW, above its {c.capacity_kw:g} kW "
                         f"capacity: its secondary supply rises {c.rise_k:.2f} K")
        if c.over_flow:
            notes.append(f"{c.id} carries {c.flow_lpm:.0f} L/min, above its rated "
                         f"{c.rated_flow_lpm:g} L/min")
    for r in racks.values():
        if r.stranded:
            notes.append(f"{r.id}: no running CDU carries its {r.liquid_kw:.1f} kW of liquid heat")
        elif r.liquid_kw > 0 and r.flow_lpm <= 0:
            notes.append(f"{r.id}: liquid heat but no coolant flow")
        elif r.over_limit:
            notes.append(f"{r.id}: coolant supply {r.supply_c:.1f} °C is above the "
                         f"{r.limit_c:g} °C limit")
    return tuple(notes)
