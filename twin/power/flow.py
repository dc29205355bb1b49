"""Load flow down the power chain with losses, for a set of failed components.

Each rack's electrical power splits evenly over its live cords (a dual-corded
rack puts half on each side; with one side down the other carries it all).
Working upwards, every component's input is its output plus its loss, and
that input is the load on its source.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from twin.power.chain import Chain
from twin.power.efficiency import DEFAULT_LOSS_PCT, distribution_loss_kw, ups_loss_kw


@dataclass(frozen=True)
class Flow:
    """Per-component output (load) and loss in kW, which ones are live, which racks are dark."""
    output_kw: dict[str, float]
    loss_kw: dict[str, float]
    energized: frozenset
    dark_racks: tuple[str, ...]          # racks with cords but no live cord

    def input_kw(self, node: str) -> float:
        return self.output_kw[node] + self.loss_kw[node]


def loss_kw(chain: Chain, node: str, output_kw: float) -> float:
    """Loss of one component at an output: UPS curve, PDU/busway I^2 R, none at the feed."""
    kind, obj = chain.kind(node), chain.graph.nodes[node]["obj"]
    if kind == "ups":
        return ups_loss_kw(output_kw, float(obj.rating_kw), obj.efficiency_pct)
    if kind in DEFAULT_LOSS_PCT:
        pct = DEFAULT_LOSS_PCT[kind] if obj.loss_pct is None else float(obj.loss_pct)
        return distribution_loss_kw(output_kw, float(obj.rating_kw), pct)
    return 0.0


def _energized(chain: Chain, failed: frozenset) -> frozenset:
    """Components that are not failed and whose every source is live."""
    live: set[str] = set()
    for node in chain.upstream_first:
        sources = [s for s in chain.graph.predecessors(node)]
        if node not in failed and all(s in live for s in sources):
            live.add(node)
    return frozenset(live)


def load_flow(chain: Chain, rack_kw: Mapping[str, float], failed: frozenset = frozenset()) -> Flow:
    """Loads and losses of every component with `failed` components out of service."""
    live = _energized(chain, failed)
    output = {node: 0.0 for node in chain.components}
    dark = []
    for rack_id, pdus in chain.cords.items():
        cords = [p for p in pdus if p in live]
        if not cords:
            dark.append(rack_id)
            continue
        for pdu in cords:
            output[pdu] += rack_kw[rack_id] / len(cords)
    losses = {}
    for node in reversed(chain.upstream_first):
        losses[node] = loss_kw(chain, node, output[node]) if node in live else 0.0
        for source in chain.graph.predecessors(node):
            if node in live:
                output[source] += output[node] + losses[node]
    return Flow(output, losses, live, tuple(dark))
