"""A/B redundancy check: fail each utility feed, UPS and PDU alone (N-1).

With one component out, dual-corded racks move their whole load to their
remaining cords. The check fails when any live component then carries more
than its continuous limit, or when a dual-corded rack loses every cord.
"""
from __future__ import annotations

from typing import Mapping, Optional

from twin.power.chain import Chain
from twin.power.flow import Flow, load_flow
from twin.power.results import Failover, Violation


def _overloads(chain: Chain, flow: Flow, failed: str, limit_pct: float) -> list[Violation]:
    out = []
    for node in chain.components:
        rating = chain.rating_kw(node)
        if node not in flow.energized or rating is None:
            continue
        load, limit = flow.output_kw[node], rating * limit_pct / 100.0
        if load > limit + 1e-9:
            out.append(Violation(failed, "overload", node, load, limit, rating,
                                 chain.racks_below(node)))
    return out


def _worst(chain: Chain, flow: Flow, failed: str, worst: Optional[tuple]) -> Optional[tuple]:
    """The highest utilisation so far: (failed, component, utilisation %)."""
    for node in chain.components:
        rating = chain.rating_kw(node)
        if node in flow.energized and rating:
            pct = 100.0 * flow.output_kw[node] / rating
            if worst is None or pct > worst[2]:
                worst = (failed, node, pct)
    return worst


def check_failover(chain: Chain, rack_kw: Mapping[str, float], limit_pct: float) -> Failover:
    """Run every single-failure case and collect what breaks."""
    violations: list[Violation] = []
    worst = None
    for failed in chain.components:
        flow = load_flow(chain, rack_kw, frozenset([failed]))
        violations += _overloads(chain, flow, failed, limit_pct)
        dark = tuple(r for r in flow.dark_racks if len(chain.cords[r]) >= 2)
        if dark:
            violations.append(Violation(failed, "outage", None, None, None, None, dark))
        worst = _worst(chain, flow, failed, worst)
    single = tuple(r for r, pdus in chain.cords.items() if len(pdus) == 1)
    return Failover(len(chain.components), tuple(violations), single, worst)
