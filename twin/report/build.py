"""Running a report's study: baseline, scenario, comparison and ride-through, as one dict.

The dict is `report.json`: "baseline" and "scenario" in the `dctwin simulate`
JSON shape, "deltas" from `twin.scenario.compare`, "ride_through" when the
scenario fails cooling units, and the facts a reader needs (date, file hash).
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from typing import Optional

from twin.model import Layout
from twin.scenario import Applied, Runner, baseline, compare, evaluate, file_hash, layout_hash
from twin.scenario.compare import Outcome, power_deltas, power_with_failures
from twin.report.liquid import liquid_dict, merge_verdict
from twin.scenario.ridethrough import RideThrough, ride_through


@dataclass
class Study:
    """Everything a report shows."""
    layout: Layout
    applied: Applied
    base: Outcome
    scen: Optional[Outcome]        # None when no cooling unit runs in the scenario
    deltas: dict
    ride: Optional[RideThrough]
    data: dict                     # report.json
    pictures: dict = field(default_factory=dict, repr=False)   # drawn figures, by key


def run_study(layout: Layout, applied: Applied, runner: Runner, minutes: float = 10.0,
              equipment_kj_per_k_kw: float = 0.0, capacity: Optional[str] = None,
              capacity_months: int = 12) -> Study:
    """Solve baseline and scenario (cached), compare, and model the ride-through; with
    `capacity` ("N x MODEL per month"), the capacity part too (twin.report.capacity)."""
    base = evaluate(baseline(layout), runner)
    scen = None
    if any(u.running for u in applied.layout.cooling_units):
        scen = evaluate(applied, runner)
        deltas = compare(base, scen)
    else:
        deltas = no_cooling_deltas(base, applied)
    ride = None
    was_running = {u.id for u in layout.cooling_units if u.running}
    failed_units = [u.id for u in applied.layout.cooling_units
                    if not u.running and u.id in was_running]
    if failed_units:
        ride = ride_through(base, applied.layout, scen, base.metrics.allowable_c[1], minutes,
                            equipment_kj_per_k_kw=equipment_kj_per_k_kw)
    data = report_dict(layout, applied, base, scen, deltas, ride, runner)
    data["liquid"] = liquid_dict(layout, applied)
    if data["liquid"]:
        deltas["verdict"] = merge_verdict(deltas["verdict"], data["liquid"]["problems"])
    if capacity:
        from twin.report.capacity import capacity_dict
        data["capacity"] = capacity_dict(layout, base.result, runner, capacity, capacity_months)
    return Study(layout, applied, base, scen, deltas, ride, data)


def no_cooling_deltas(base: Outcome, applied: Applied) -> dict:
    """Deltas when the scenario has no running cooling unit: no steady state exists."""
    name = applied.name
    problem = "no cooling unit runs: there is no steady state; see the ride-through times"
    power, dark = power_with_failures(applied.layout, None, applied.failed_power)
    partial = Outcome(name, applied.layout, None, None, power, applied.failed_power, dark)
    return {"racks": {}, "added_racks": [], "removed_racks": [], "newly_above_recommended": [],
            "newly_above_allowable": sorted(base.result.racks), "above_allowable": sorted(base.result.racks),
            "cooling_units": {}, "power": power_deltas(base, partial),
            "failed_power_components": sorted(applied.failed_power), "dark_racks": list(dark), "newly_overloaded": [], "max_inlet_rise_k": None, "min_inlet_rise_k": None,
            "verdict": {"holds": False, "problems": [problem], "warnings": [],
                        "summary": f"{name}: FAILS ({problem})"}}


def outcome_dict(outcome: Outcome) -> dict:
    from twin.thermal.export import result_to_dict
    data = result_to_dict(outcome.result, outcome.layout, outcome.metrics, outcome.power)
    data["failed_power_components"] = sorted(outcome.failed_power)
    data["layout_path"] = _file_name(data.get("layout_path"))
    return data


def _file_name(path):
    """The file's name only: a report is forwarded, and folders of this machine stay here."""
    return os.path.basename(path) if path else None


def report_dict(layout, applied, base, scen, deltas, ride, runner) -> dict:
    path = layout.source_path
    return {
        "generated_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "layout": base.result.layout_name or layout.name,
        "layout_file": _file_name(path),
        "layout_file_sha256": file_hash(path) if path else None,
        "layout_sha256": layout_hash(layout),
        "scenario_name": applied.name,
        "edits": [e.describe() for e in applied.edits],
        "model": runner.model, "cell_m": runner.cell_m,
        "solves": runner.solves, "cache_hits": runner.cache.hits,
        "baseline": outcome_dict(base),
        "scenario": outcome_dict(scen) if scen is not None else None,
        "deltas": deltas,
        "ride_through": ride.to_dict() if ride is not None else None,
    }

