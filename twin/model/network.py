"""The `network` section (format 2): the accelerator fabric's switches, the racks
each leaf serves, the links between switches and the longest allowed cable run.

    network:
      max_cable_m: 30
      switches:
        - {id: LEAF-1, kind: leaf, rack: A1, ports: 64, serves: [A2, A3]}
        - {id: SPINE-1, kind: spine, rack: A1, ports: 64}
      links: [[LEAF-1, SPINE-1]]

Cable length and port counting are in docs/layout-format.md#network-fabric.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from twin.model.schema import Choice, IdList, Integer, Key, Number, Problem, Text, show

SWITCH_KINDS = ("leaf", "spine")
VERTICAL_RUN_M = 2.0     # up out of one rack and down into the other (cable trays overhead)


@dataclass
class Switch:
    id: str
    kind: str                                # leaf | spine
    rack: str                                # the rack it is mounted in
    ports: int
    serves: Optional[list[str]] = None       # leaves: racks whose servers connect to it
    group: Optional[str] = None              # leaves of one rail-optimised group (one domain)

    @property
    def served(self) -> list[str]:
        return list(self.serves or [])


@dataclass
class Network:
    max_cable_m: float
    switches: list[Switch] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)

    def switch(self, switch_id: str) -> Switch:
        return next(s for s in self.switches if s.id == switch_id)

    @property
    def leaves(self) -> list[Switch]:
        return [s for s in self.switches if s.kind == "leaf"]


class LinkList:
    """A list of `[switch, switch]` pairs, e.g. `[[LEAF-1, SPINE-1], [LEAF-2, SPINE-1]]`."""

    def problem(self, value: Any) -> Problem:
        if not isinstance(value, (list, tuple)):
            return "", f"must be a list of [switch, switch] pairs (got {show(value)})"
        for i, pair in enumerate(value):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                return f"[{i}]", f"must be a [switch, switch] pair (got {show(pair)})"
            for end in pair:
                bad = Text(nonempty=True).problem(end)
                if bad is not None:
                    return f"[{i}]", f"switch ids {bad[1]}"
        return None

    def convert(self, value: Any) -> list:
        return [(a, b) for a, b in value]


NETWORK_KEYS = (
    Key("max_cable_m", Number(0.0, strict=True, upper=10_000.0)),
    Key("switches", None, required=False),
    Key("links", LinkList(), required=False),
)
SWITCH_KEYS = (
    Key("id", Text(nonempty=True)),
    Key("kind", Choice(SWITCH_KINDS)),
    Key("rack", Text(nonempty=True)),
    Key("ports", Integer(1.0, upper=100_000.0)),
    Key("serves", IdList(), required=False),
    Key("group", Text(nonempty=True), required=False),
)


def rack_centre_m(rack) -> tuple[float, float]:
    """Floor centre of a rack's footprint."""
    return (rack.position_m[0] + rack.size_m[0] / 2.0, rack.position_m[1] + rack.size_m[1] / 2.0)


def cable_m(rack_a, rack_b) -> float:
    """Cable run between two racks: Manhattan distance of the centres plus 2 x 2 m vertical."""
    (xa, ya), (xb, yb) = rack_centre_m(rack_a), rack_centre_m(rack_b)
    return abs(xa - xb) + abs(ya - yb) + 2.0 * VERTICAL_RUN_M


def rack_ports(rack, types) -> int:
    """Fabric ports a rack's servers use: one per accelerator (one NIC per GPU)."""
    return sum(types[e.model].accelerator_count * e.units for e in rack.equipment if e.model in types)


def leaves_of(network: Network) -> dict[str, list[str]]:
    """Rack id -> ids of the leaves that serve it, in file order."""
    out: dict[str, list[str]] = {}
    for leaf in network.leaves:
        for rack_id in leaf.served:
            out.setdefault(rack_id, []).append(leaf.id)
    return out


def ports_used(network: Network, racks: dict, types) -> dict[str, int]:
    """Ports in use on every switch: server ports of the racks it serves (a rack served
    by k leaves puts 1/k of its ports on each, rounded up) plus one per link."""
    used = {s.id: 0 for s in network.switches}
    homes = leaves_of(network)
    for rack_id, leaf_ids in homes.items():
        if rack_id in racks:
            share = -(-rack_ports(racks[rack_id], types) // len(leaf_ids))
            for leaf_id in leaf_ids:
                used[leaf_id] += share
    for a, b in network.links:
        for end in (a, b):
            if end in used:
                used[end] += 1
    return used
