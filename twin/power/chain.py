"""The power chain as a directed graph: utility feed -> UPS -> PDU/busway -> rack.

Nodes are component and rack ids with a `kind` ("utility", "ups", "pdu",
"busway", "rack"), the component's `side` (A or B, from its utility feed) and
the layout object (`obj`). Edges point downstream, from source to load.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import networkx as nx

from twin.model.electrical import PowerChain


@dataclass(frozen=True)
class Chain:
    graph: nx.DiGraph
    components: tuple[str, ...]          # feeds, UPS systems, PDUs in layout order
    upstream_first: tuple[str, ...]      # components, every source before its loads
    cords: dict                          # rack id -> tuple of PDU ids feeding it

    def kind(self, node: str) -> str:
        return self.graph.nodes[node]["kind"]

    def side(self, node: str) -> Optional[str]:
        return self.graph.nodes[node].get("side")

    def rating_kw(self, node: str) -> Optional[float]:
        rating = getattr(self.graph.nodes[node]["obj"], "rating_kw", None)
        return None if rating is None else float(rating)

    def racks_below(self, node: str) -> tuple[str, ...]:
        """Racks with a cord on this component or on anything it feeds, sorted by id order."""
        below = nx.descendants(self.graph, node)
        return tuple(r for r in self.cords if r in below)


def build_chain(power: Optional[PowerChain], rack_ids: list[str]) -> Chain:
    """The graph of a layout's power section (an empty chain when there is none)."""
    graph = nx.DiGraph()
    if power is None:
        return Chain(graph, (), (), {})
    for feed in power.utility_feeds:
        graph.add_node(feed.id, kind="utility", side=feed.side, obj=feed)
    for ups in power.ups:
        graph.add_node(ups.id, kind="ups", obj=ups)
        graph.add_edge(ups.from_, ups.id)
    for pdu in power.pdus:
        graph.add_node(pdu.id, kind=pdu.kind, obj=pdu)
        graph.add_edge(pdu.from_, pdu.id)
    components = tuple(c.id for c in power.components())
    order = tuple(n for n in nx.topological_sort(graph) if n in set(components))
    for node in order:
        for child in graph.successors(node):
            graph.nodes[child].setdefault("side", graph.nodes[node].get("side"))
    cords: dict[str, list[str]] = {}
    for pdu in power.pdus:
        for rack_id in pdu.racks:
            graph.add_node(rack_id, kind="rack")
            graph.add_edge(pdu.id, rack_id)
            cords.setdefault(rack_id, []).append(pdu.id)
    ordered = {r: tuple(cords[r]) for r in rack_ids if r in cords}
    return Chain(graph, components, order, ordered)
