"""The coolant loop as a graph: facility water -> CDUs -> racks, and who serves whom.

A rack is served by the running CDUs that list it, shared equally. When none
of those runs, the running CDUs of the same redundancy group take it over
(the N-1 case); when there are none either, the rack is stranded.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import networkx as nx

from twin.model.catalog import equipment_types
from twin.model.equipment import rack_power
from twin.model.layout import Layout
from twin.model.liquid import Liquid

FACILITY = "facility-water"
LPM_TO_M3S = 1.0 / 60000.0


@dataclass(frozen=True)
class RackLiquid:
    """A rack's heat to liquid (kW) and its coolant flow (L/min)."""
    id: str
    it_kw: float
    liquid_kw: float
    flow_lpm: float


def rack_flow_lpm(rack, types, liquid: Liquid) -> float:
    """Coolant flow of a rack: the equipment's coolant_flow_lpm per unit, else the
    default L/min per kW of the equipment's maximum liquid heat."""
    flow = 0.0
    for item in rack.equipment:
        kind = types[item.model]
        if kind.liquid_share <= 0:
            continue
        if kind.coolant_flow_lpm is not None:
            flow += float(kind.coolant_flow_lpm) * item.units
        else:
            max_liquid_kw = float(kind.max_power_kw) * kind.liquid_share * item.units
            flow += liquid.default_flow_lpm_per_kw * max_liquid_kw
    return flow


def rack_liquids(layout: Layout) -> dict[str, RackLiquid]:
    """Every rack's electrical power, liquid heat and coolant flow."""
    types = equipment_types(layout)
    out = {}
    for rack in layout.racks:
        power = rack_power(rack, types)
        out[rack.id] = RackLiquid(rack.id, power.it_kw, power.liquid_kw,
                                  rack_flow_lpm(rack, types, layout.liquid))
    return out


def loop_graph(layout: Layout) -> nx.DiGraph:
    """Directed graph facility water -> CDU -> rack; node attribute `kind`, CDU `group`."""
    graph = nx.DiGraph()
    liquid = layout.liquid
    if liquid is None:
        return graph
    graph.add_node(FACILITY, kind="facility", running=liquid.facility_water.running)
    for cdu in liquid.cdus:
        graph.add_node(cdu.id, kind="cdu", running=cdu.running, group=cdu.group)
        graph.add_edge(FACILITY, cdu.id)
        for rack_id in cdu.racks:
            graph.add_node(rack_id, kind="rack")
            graph.add_edge(cdu.id, rack_id)
    return graph


def serving(layout: Layout, graph: Optional[nx.DiGraph] = None) -> dict[str, tuple[str, ...]]:
    """Rack id -> the running CDUs that carry it (empty: stranded), for every listed rack."""
    graph = loop_graph(layout) if graph is None else graph
    out = {}
    for rack_id in (n for n, d in graph.nodes(data=True) if d["kind"] == "rack"):
        listed = sorted(graph.predecessors(rack_id))
        active = [c for c in listed if graph.nodes[c]["running"]]
        if not active:
            groups = {graph.nodes[c]["group"] for c in listed} - {None}
            active = sorted(n for n, d in graph.nodes(data=True) if d["kind"] == "cdu"
                            and d["running"] and d.get("group") in groups)
        out[rack_id] = tuple(active)
    return out
