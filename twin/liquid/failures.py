"""N-1 cases of the liquid loop: each CDU failed in turn, and stranded racks' heat-up.

A failed CDU's racks move to the running CDUs of its redundancy group (shared
equally). A rack left with no running CDU keeps making heat into the coolant
standing in it: its time to the limit is C_rack (limit - mean coolant) / Q.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Optional

from twin.liquid.solve import LiquidResult, solve_liquid
from twin.model.layout import Layout


@dataclass(frozen=True)
class CduFailure:
    cdu: str
    result: LiquidResult
    stranded_s: dict[str, Optional[float]]    # stranded rack -> seconds to the coolant limit

    @property
    def ok(self) -> bool:
        return self.result.ok


def with_failed(layout: Layout, cdu_id: str) -> Layout:
    """A copy of the layout with one CDU failed."""
    work = copy.deepcopy(layout)
    work.liquid.cdu(cdu_id).state = "failed"
    return work


def cdu_failure(layout: Layout, cdu_id: str, before: Optional[LiquidResult] = None) -> CduFailure:
    """The loop with `cdu_id` failed, and heat-up times of the racks it strands."""
    before = solve_liquid(layout) if before is None else before
    after = solve_liquid(with_failed(layout, cdu_id))
    return CduFailure(cdu_id, after, stranded_seconds(layout, before, after))


def stranded_seconds(layout: Layout, before: LiquidResult,
                     after: LiquidResult) -> dict[str, Optional[float]]:
    """Seconds to the coolant limit of each rack stranded in `after`, from its state in `before`."""
    liquid = layout.liquid
    capacity_jk = liquid.rack_loop_volume_l / 1000.0 * liquid.fluid.rho_cp
    stranded = {}
    for rack in after.racks.values():
        if not rack.stranded:
            continue
        old = before.racks[rack.id]
        if old.supply_c is None:
            stranded[rack.id] = None
            continue
        mean_c = 0.5 * (old.supply_c + old.return_c)
        stranded[rack.id] = max(0.0, capacity_jk * (after.coolant_limit_c - mean_c)
                                / (rack.liquid_kw * 1000.0))
    return stranded


def as_edited(layout: Layout) -> Optional[CduFailure]:
    """The loop with the CDUs the layout itself marks failed (None when none is): the racks
    they strand and their seconds to the limit, counted from the loop with those CDUs running."""
    failed = [c.id for c in layout.liquid.cdus if not c.running]
    if not failed:
        return None
    work = copy.deepcopy(layout)
    for cdu in work.liquid.cdus:
        cdu.state = "running"
    before, after = solve_liquid(work), solve_liquid(layout)
    return CduFailure(", ".join(failed), after, stranded_seconds(layout, before, after))


def n1_sweep(layout: Layout) -> list[CduFailure]:
    """Every running CDU failed in turn."""
    before = solve_liquid(layout)
    return [cdu_failure(layout, c.id, before) for c in layout.liquid.cdus if c.running]
