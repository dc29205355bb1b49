"""What the Ride-through and Placement docks run, without Qt: input checks and the studies.

The docks only collect inputs, hand one of these functions to a
`twin.scenario.jobs.StudyJob` and show what comes back; the physics and the
ranking stay in `twin.scenario.ridethrough` and `twin.scenario.placement`.

    request = RideRequest(failed_ids=("CRAH-1",), equipment_kj_per_k_kw=2.0)
    study = ride_through_study(layout, request, Runner(0.2, "preview"))
    study.order                       # rack ids, soonest crossing first
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

from twin.model import Layout, Rack
from twin.scenario import apply_scenario, baseline, evaluate, fail_edits
from twin.scenario.placement import AddGroup, Candidate, advise, candidates
from twin.scenario.ridethrough import RideThrough, ride_through
from twin.thermal import SolveCancelled

CHART_POINTS = 600           # samples over the horizon (1 s steps for 10 minutes)


def parse_number(text: str, name: str) -> float:
    """A finite float from user text ('12', '12.5', '12,5'); ValueError naming the field."""
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"{name}: not a number: {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{name}: not a finite number: {text!r}")
    return value


def _check_cancel(runner) -> None:
    if runner.cancel is not None and runner.cancel():
        raise SolveCancelled()


class _SolveProgress:
    """The runner's per-solve progress as progress of a study of `expected` solves
    (never going backwards), with the study's own stage message in front."""

    def __init__(self, runner, expected: int):
        self.runner, self.expected = runner, max(expected, 1)
        self.start = runner.solves
        self.report = runner.progress
        self.stage = ""
        self.shown = 0.0
        runner.progress = self._forward

    def _forward(self, fraction: float, message: str = "") -> None:
        if self.report is not None:
            done = self.runner.solves - self.start
            self.shown = max(self.shown, min((done + fraction) / self.expected, 1.0))
            self.report(self.shown, f"{self.stage}; {message}" if self.stage else message)

    def set_stage(self, _fraction: float = 0.0, message: str = "") -> None:
        """advise()'s own progress: its message leads the solver's."""
        self.stage = message


# -- ride-through -------------------------------------------------------------------

@dataclass(frozen=True)
class RideRequest:
    failed_ids: tuple                  # cooling units that fail now
    equipment_kj_per_k_kw: float = 0.0
    minutes: float = 10.0
    liquid_ids: tuple = ()             # CDUs and "facility_water" that fail now

    @property
    def step_s(self) -> float:
        return self.minutes * 60.0 / CHART_POINTS


def ride_problem(layout: Layout, request: RideRequest) -> Optional[str]:
    """Why the request cannot run (one line), or None."""
    running = {u.id for u in layout.cooling_units if u.running}
    liquid = liquid_running(layout)
    if not running and not liquid:
        return "no cooling unit runs in this layout: there is nothing to fail"
    if not request.failed_ids and not request.liquid_ids:
        return "choose at least one running cooling unit to fail"
    unknown = [i for i in request.failed_ids if i not in running]
    unknown += [i for i in request.liquid_ids if i not in liquid]
    if unknown:
        return f"not a running cooling unit: {', '.join(unknown)}"
    if not math.isfinite(request.equipment_kj_per_k_kw) or request.equipment_kj_per_k_kw < 0:
        return "equipment thermal mass must be 0 or more kJ/K per kW"
    if not (math.isfinite(request.minutes) and 0 < request.minutes <= 24 * 60):
        return "the horizon must be above 0 and at most 1440 minutes"
    return None


@dataclass(frozen=True)
class RideStudy:
    ride: RideThrough
    baseline_inlet_c: dict             # rack id -> intake max before the failure
    steady_inlet_c: Optional[dict]     # rack id -> steady intake max after (None: no unit runs)
    recommended_c: float
    allowable_c: float
    order: tuple                       # rack ids, soonest crossing first
    model: str
    cell_m: float
    coolant_s: dict = field(default_factory=dict)   # rack -> seconds to the coolant limit
    coolant_limit_c: Optional[float] = None          # None: no liquid failure asked for


def crossing_order(ride: RideThrough) -> tuple:
    """Rack ids: already above first, then by crossing time, then those that never cross,
    warmest at the end of the horizon first."""
    def key(rid):
        t = ride.time_to_allowable_s.get(rid)
        end = float(ride.inlet_max_c[rid][-1])
        return (0, t, -end) if t is not None else (1, 0.0, -end)
    return tuple(sorted(ride.inlet_max_c, key=key))


def ride_through_study(layout: Layout, request: RideRequest, runner) -> RideStudy:
    """Baseline, the failed room's steady state (when a unit still runs), the ride-through."""
    applied = apply_scenario(layout, fail_edits(request.failed_ids), "cooling failure")
    any_left = any(u.running for u in applied.layout.cooling_units)
    _SolveProgress(runner, 2 if any_left else 1)
    base = evaluate(baseline(layout), runner)
    _check_cancel(runner)
    steady = evaluate(applied, runner) if any_left else None
    allowable, recommended = base.metrics.allowable_c[1], base.metrics.recommended_c[1]
    ride = ride_through(base, applied.layout, steady, allowable, request.minutes,
                        request.step_s, request.equipment_kj_per_k_kw)
    coolant, limit = {}, None
    if request.liquid_ids:
        from twin.liquid.failures import coolant_times
        coolant, limit = coolant_times(layout, list(request.liquid_ids)), layout.liquid.coolant_limit_c
    return RideStudy(ride, {k: float(r.inlet_max_c) for k, r in base.result.racks.items()},
                     None if steady is None else
                     {k: float(r.inlet_max_c) for k, r in steady.result.racks.items()},
                     recommended, allowable, crossing_order(ride), runner.model, runner.cell_m,
                     coolant, limit)


def liquid_running(layout: Layout) -> list[str]:
    """The CDUs and the facility water (`facility_water`) that run and so may fail."""
    from twin.model.scenarios import FACILITY_WATER
    liquid = getattr(layout, "liquid", None)
    if liquid is None:
        return []
    return [c.id for c in liquid.cdus if c.running] + ([FACILITY_WATER] if liquid.facility_water.running
                                                       else [])


# -- placement ----------------------------------------------------------------------

@dataclass(frozen=True)
class PlaceRequest:
    count: int
    power_kw: float
    size_m: tuple                       # width, depth, height for a rack facing +y
    delta_t_k: Optional[float] = None   # one of these two
    airflow_m3s: Optional[float] = None
    top: int = 5
    solve_limit: int = 12
    confirm: int = 0

    def rise_k(self, layout: Layout) -> float:
        """The temperature rise across each rack (from the airflow when that is given)."""
        if self.delta_t_k is not None:
            return float(self.delta_t_k)
        return self.power_kw * 1000.0 / (layout.air.rho_cp * self.airflow_m3s)


def parse_size(text: str) -> tuple:
    """'0.6 x 1.2 x 2.0' (width, depth, height in m) -> a tuple; ValueError when malformed."""
    parts = [p for p in str(text).lower().replace("×", "x").replace("*", "x").split("x") if p.strip()]
    if len(parts) != 3:
        raise ValueError(f"rack size: give width x depth x height in m, not {text!r}")
    size = tuple(parse_number(p, "rack size") for p in parts)
    if min(size) <= 0:
        raise ValueError("rack size: every side must be above 0 m")
    return size


def place_problem(layout: Layout, request: PlaceRequest) -> Optional[str]:
    """Why the request cannot run (one line), or None."""
    if request.count < 1:
        return "number of racks: at least 1"
    if not (math.isfinite(request.power_kw) and request.power_kw > 0):
        return "power per rack: must be above 0 kW"
    if (request.delta_t_k is None) == (request.airflow_m3s is None):
        return "give the temperature rise or the airflow of each rack"
    if request.delta_t_k is not None and not request.delta_t_k > 0:
        return "temperature rise: must be above 0 K"
    if request.airflow_m3s is not None and not request.airflow_m3s > 0:
        return "airflow: must be above 0 m³/s"
    lx, ly = layout.room.size_m[:2]
    width, depth, height = request.size_m
    if request.count * width > max(lx, ly) + 1e-9 or max(width, depth) > max(lx, ly) + 1e-9:
        return f"{request.count} racks of {width:g} m side by side do not fit in the room"
    if height > layout.room.size_m[2] + 1e-9:
        return f"a {height:g} m rack is taller than the room"
    if not any(u.running for u in layout.cooling_units):
        return "no cooling unit runs in this layout: the room has no steady state to rank by"
    return None


def placement_study(layout: Layout, request: PlaceRequest, runner) -> list[Candidate]:
    """The engine's ranked candidates, best first (`twin.scenario.placement.advise`)."""
    pool = len(candidates(layout, request.count, tuple(request.size_m)))
    scored = min(request.solve_limit, pool)
    confirmed = min(request.confirm, scored)
    tracker = _SolveProgress(runner, 1 + scored + (1 + confirmed if confirmed else 0))
    return advise(layout, request.count, request.power_kw, runner, top=request.top,
                  solve_limit=request.solve_limit, confirm=request.confirm,
                  size_m=tuple(request.size_m), delta_t_k=request.rise_k(layout),
                  progress=tracker.set_stage)


def candidate_command(cand: Candidate, airflow_m3s: Optional[float] = None) -> AddGroup:
    """One undoable step that adds a candidate's racks; given as airflow when that was given."""
    racks = [Rack(id=e.target, position_m=tuple(e.position_m), size_m=tuple(e.size_m),
                  facing=e.facing, power_kw=e.power_kw,
                  delta_t_k=None if airflow_m3s is not None else e.delta_t_k,
                  airflow_m3s=airflow_m3s) for e in cand.edits]
    return AddGroup(racks, f"place {', '.join(r.id for r in racks)}")
