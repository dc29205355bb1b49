"""The network fabric as a graph: switches and the racks they serve (networkx).

Nodes are switch ids (kind "leaf" or "spine") and rack ids (kind "rack"); a
leaf-rack edge carries its cable run in metres, a switch-switch edge is a link.
"""
from __future__ import annotations

from typing import Optional

import networkx as nx

from twin.model.catalog import equipment_types
from twin.model.layout import Layout
from twin.model.network import cable_m, ports_used


def fabric_graph(layout: Layout) -> nx.Graph:
    """The layout's fabric (an empty graph when it has no network section)."""
    graph = nx.Graph()
    net = layout.network
    if net is None:
        return graph
    racks = {r.id: r for r in layout.racks}
    for s in net.switches:
        graph.add_node(s.id, kind=s.kind, rack=s.rack, ports=s.ports, group=s.group)
    for leaf in net.leaves:
        for rack_id in leaf.served:
            graph.add_node(rack_id, kind="rack")
            graph.add_edge(leaf.id, rack_id, cable_m=cable_m(racks[leaf.rack], racks[rack_id]))
    graph.add_edges_from(net.links)
    return graph


def domain_of(layout: Layout) -> dict[str, str]:
    """Rack id -> its fabric domain: the group of its first leaf, else that leaf's id."""
    out: dict[str, str] = {}
    for leaf in (layout.network.leaves if layout.network else ()):
        for rack_id in leaf.served:
            out.setdefault(rack_id, leaf.group or leaf.id)
    return out


def switch_hops(graph: nx.Graph, rack_a: str, rack_b: str) -> Optional[int]:
    """Switches a packet crosses from one rack to another (0 in the same rack; None if apart)."""
    if rack_a == rack_b:
        return 0
    try:
        return nx.shortest_path_length(graph, rack_a, rack_b) - 1
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return None


def free_ports(layout: Layout) -> dict[str, int]:
    """Leaf id -> ports not yet used by served racks' accelerators and links."""
    if layout.network is None:
        return {}
    racks = {r.id: r for r in layout.racks}
    used = ports_used(layout.network, racks, equipment_types(layout))
    return {s.id: s.ports - used[s.id] for s in layout.network.leaves}


def leaves_in_reach(layout: Layout, rack) -> list[tuple[str, float]]:
    """(leaf id, cable m) of every leaf within max_cable_m of `rack`, nearest first."""
    if layout.network is None:
        return []
    racks = {r.id: r for r in layout.racks}
    out = [(s.id, cable_m(racks[s.rack], rack)) for s in layout.network.leaves if s.rack in racks]
    return sorted([x for x in out if x[1] <= layout.network.max_cable_m + 1e-9], key=lambda x: x[1])
