"""Supply setpoint optimisation: the warmest supply (and the least airflow) that keeps
every rack intake inside the ASHRAE recommended range, with the cooling power saved.

Both searches are bisections on a uniform change to all running units: a supply
temperature offset in K, then an airflow scale at the current setpoint.
docs/scenarios.md gives the method and its limits.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from twin.model import Layout
from twin.model.scenarios import Edit
from twin.scenario.apply import apply_scenario
from twin.scenario.compare import Outcome, evaluate
from twin.wording import count


@dataclass
class SetpointResult:
    supply_offset_k: float          # warmest uniform change of the supply temperatures
    supply_temps_c: dict            # unit id -> proposed supply temperature
    airflow_scale: float            # least uniform airflow factor at today's setpoints
    base_cooling_kw: float
    warmer_cooling_kw: float        # cooling power at the warmer setpoint
    less_air_cooling_kw: float      # cooling power with the reduced airflow
    base_ok: bool                   # whether today's room is inside the range at all
    solves: int

    @property
    def saved_kw(self) -> float:
        """Cooling power saved by the warmer setpoint."""
        return self.base_cooling_kw - self.warmer_cooling_kw

    def to_dict(self) -> dict:
        return {**{k: getattr(self, k) for k in self.__dataclass_fields__},
                "saved_kw": self.saved_kw,
                "saved_by_airflow_kw": self.base_cooling_kw - self.less_air_cooling_kw}


def _edits(layout: Layout, offset_k: float = 0.0, scale: float = 1.0) -> list[Edit]:
    out = []
    for u in layout.cooling_units:
        if u.running:
            out.append(Edit("set", u.id, supply_temp_c=round(u.supply_temp_c + offset_k, 3),
                            airflow_m3s=round(u.airflow_m3s * scale, 6)))
    return out


def inside(outcome: Outcome) -> bool:
    """Every rack intake max below the recommended maximum and mean above its minimum."""
    lo, hi = outcome.metrics.recommended_c
    racks = outcome.result.racks.values()
    return all(r.inlet_max_c <= hi and r.inlet_mean_c >= lo for r in racks)


def _bisect(ok: Callable[[float], bool], good: float, bad: float, tol: float) -> float:
    """The value nearest `bad` for which ok() holds, given ok(good) and not ok(bad)."""
    while abs(bad - good) > tol:
        mid = 0.5 * (good + bad)
        good, bad = (mid, bad) if ok(mid) else (good, mid)
    return good


def optimise(layout: Layout, runner, max_offset_k: float = 12.0, min_scale: float = 0.4,
             tol_k: float = 0.1, tol_scale: float = 0.01) -> SetpointResult:
    """Search the warmest supply offset and the least airflow scale (cached solves)."""
    def outcome(offset=0.0, scale=1.0) -> Outcome:
        return evaluate(apply_scenario(layout, _edits(layout, offset, scale), "setpoint"), runner)

    start = runner.solves
    base = outcome()
    base_ok = inside(base)
    offset, scale = 0.0, 1.0
    if base_ok:
        offset = max_offset_k if inside(outcome(max_offset_k)) else _bisect(
            lambda o: inside(outcome(o)), 0.0, max_offset_k, tol_k)
        scale = min_scale if inside(outcome(0.0, min_scale)) else _bisect(
            lambda s: inside(outcome(0.0, s)), 1.0, min_scale, tol_scale)
    temps = {e.target: e.supply_temp_c for e in _edits(layout, offset)}
    return SetpointResult(offset, temps, scale, base.power.cooling_kw,
                          outcome(offset).power.cooling_kw, outcome(0.0, scale).power.cooling_kw,
                          base_ok, runner.solves - start)


def format_setpoint(r: SetpointResult, annual_hours: Optional[float] = 8760.0) -> str:
    if not r.base_ok:
        return ("Some racks are already outside the recommended range at today's setpoints; "
                "fix those first (no warmer setpoint is safe).\n")
    lines = [f"Warmest safe supply: +{r.supply_offset_k:.1f} K "
             f"({', '.join(f'{k} {v:.1f} °C' for k, v in r.supply_temps_c.items())})",
             f"  cooling power {r.base_cooling_kw:.1f} -> {r.warmer_cooling_kw:.1f} kW, "
             f"saves {r.saved_kw:.1f} kW ({r.saved_kw * annual_hours / 1000:.0f} MWh a year)",
             f"Least safe airflow at today's setpoints: {r.airflow_scale * 100:.0f} % "
             f"(cooling power {r.less_air_cooling_kw:.1f} kW)",
             count(r.solves, "solve")]
    return "\n".join(lines) + "\n"
