"""Everything `dctwin liquid` and the report show about a layout's liquid loop, in one object."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from twin.liquid import output
from twin.liquid.climate import Climate
from twin.liquid.energy import LiquidEnergy, annual_energy
from twin.liquid.failures import CduFailure, n1_sweep
from twin.liquid.solve import LiquidResult, solve_liquid
from twin.liquid.transient import FacilityLoss, facility_water_loss


@dataclass(frozen=True)
class LiquidStudy:
    result: LiquidResult
    failures: list[CduFailure]
    facility_loss: Optional[FacilityLoss]
    energy: list[LiquidEnergy]
    climate: Optional[str]

    @property
    def ok(self) -> bool:
        return self.result.ok and all(f.ok for f in self.failures)

    def to_dict(self) -> dict:
        out = {"liquid": output.result_dict(self.result)}
        out["liquid"]["failures"] = output.failures_dict(self.failures, self.facility_loss)
        out["liquid"]["energy"] = {"climate": self.climate,
                                   "cases": [output.energy_dict(e) for e in self.energy]}
        return out

    def lines(self) -> list[str]:
        out = output.result_lines(self.result)
        fails = output.failure_lines(self.failures, self.facility_loss)
        if fails:
            out += ["", "Failures"] + fails
        if self.energy:
            out += ["", f"Annual heat rejection ({self.energy[0].rejection}, climate "
                        f"{self.climate})", output.energy_header()]
            out += [output.energy_line(e) for e in self.energy]
        return out


def study(layout, climate: Optional[Climate] = None, supplies_c=(), power=None) -> LiquidStudy:
    """Steady loop, N-1 of every CDU, facility-water loss, and annual energy per supply."""
    result = solve_liquid(layout)
    failures = n1_sweep(layout)
    loss = facility_water_loss(layout, result) if result.racks else None
    energy = []
    if climate is not None:
        for supply in (list(supplies_c) or [result.facility_supply_c]):
            energy.append(annual_energy(layout, climate, supply, power))
    return LiquidStudy(result, failures, loss, energy, climate.name if climate else None)
