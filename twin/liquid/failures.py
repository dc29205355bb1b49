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
        old = before.racks.get(rack.id)
        if old is None or old.supply_c is None:
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


def coolant_times(layout: Layout, failed: list[str]) -> dict[str, Optional[float]]:
    """Racks that lose cooling when `failed` (CDU ids, and FACILITY_WATER for the facility
    water) fail now -> seconds until their coolant passes the limit (None: not within the
    facility-water transient's horizon, or no pre-failure state)."""
    from twin.liquid.transient import facility_water_loss
    from twin.model.scenarios import FACILITY_WATER
    before = solve_liquid(layout)
    work = copy.deepcopy(layout)
    for cdu_id in failed:
        if cdu_id != FACILITY_WATER:
            work.liquid.cdu(cdu_id).state = "failed"
    after = solve_liquid(work)
    out = stranded_seconds(layout, before, after)
    if FACILITY_WATER in failed and any(r.cdus for r in after.racks.values()):
        loss = facility_water_loss(work, after)
        out.update({r: s for r, s in loss.seconds.items()
                    if r not in out and after.racks[r].cdus and after.racks[r].liquid_kw > 0})
    return out
