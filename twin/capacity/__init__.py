"""Capacity planning and job placement (Qt-free).

    from twin.capacity import fabric_graph, free_ports
    graph = fabric_graph(layout)          # networkx: switches, racks, cable runs

docs/capacity.md describes the constraints and how candidates are ranked.
"""
from twin.capacity.fabric import domain_of, fabric_graph, free_ports, leaves_in_reach, switch_hops

__all__ = ["domain_of", "fabric_graph", "free_ports", "leaves_in_reach", "switch_hops"]
