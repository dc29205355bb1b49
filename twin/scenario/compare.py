"""A scenario against its baseline: per-rack intake deltas, new violations, unit loads,
power, PUE, energy and cost deltas, and a one-line verdict."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Optional

from twin.model import Layout
from twin.scenario.apply import Applied


@dataclass
class Outcome:
    """One solved variant of the room: layout, thermal result, metrics, power."""
    name: str
    layout: Layout
    result: object
    metrics: object
    power: object
    failed_power: frozenset = frozenset()
    dark_racks: tuple = ()


def evaluate(applied: Applied, runner, result=None, model: Optional[str] = None) -> Outcome:
    """Solve (or fetch from the cache) and analyse one applied variant.

    `result`: its thermal result when already solved (e.g. by `runner.solve_many`).
    """
    from twin.thermal import metrics as room_metrics
    if result is None:
        result = runner.solve(applied.layout, applied.name, model=model)
    metrics = room_metrics.compute(result, applied.layout)
    power, dark = power_with_failures(applied.layout, result, applied.failed_power)
    return Outcome(applied.name, applied.layout, result, metrics, power,
                   applied.failed_power, dark)


def power_with_failures(layout: Layout, result, failed: frozenset):
    """The power analysis with `failed` components out of service; and the racks left dark."""
    from twin.power import analyze
    power = analyze(layout, result)
    if not failed:
        return power, ()
    from twin.power.analysis import component_loads
    from twin.power.chain import build_chain
    from twin.power.flow import load_flow
    chain = build_chain(layout.power, [r.id for r in layout.racks])
    flow = load_flow(chain, {rid: r.it_kw for rid, r in power.racks.items()}, frozenset(failed))
    comps = component_loads(chain, flow, power.limit_pct)
    comps = {cid: c for cid, c in comps.items() if cid not in failed}
    power = replace(power, components=comps,
                    ups_losses_kw=sum(c.loss_kw for c in comps.values() if c.kind == "ups"),
                    distribution_losses_kw=sum(c.loss_kw for c in comps.values()
                                               if c.kind in ("pdu", "busway")))
    return power, tuple(flow.dark_racks)


def _num(value) -> Optional[float]:
    return None if value is None or not math.isfinite(float(value)) else float(value)


def _delta(a, b) -> Optional[float]:
    a, b = _num(a), _num(b)
    return None if a is None or b is None else b - a


def rack_deltas(base: Outcome, scen: Outcome) -> dict:
    """Per rack present in both: intake mean/max before, after and the change in K."""
    out = {}
    for rid, after in scen.result.racks.items():
        before = base.result.racks.get(rid)
        if before is None:
            continue
        out[rid] = {"base_inlet_max_c": _num(before.inlet_max_c),
                    "scenario_inlet_max_c": _num(after.inlet_max_c),
                    "inlet_max_delta_k": _delta(before.inlet_max_c, after.inlet_max_c),
                    "inlet_mean_delta_k": _delta(before.inlet_mean_c, after.inlet_mean_c)}
    return out


def unit_deltas(base: Outcome, scen: Outcome) -> dict:
    out = {}
    for uid, after in scen.result.cooling_units.items():
        before = base.result.cooling_units.get(uid)
        out[uid] = {"base_state": before.state if before else None, "scenario_state": after.state,
                    "base_load_kw": _num(before.load_kw) if before else None,
                    "scenario_load_kw": _num(after.load_kw),
                    "load_delta_kw": _delta(before.load_kw, after.load_kw) if before else None}
    return out


def power_deltas(base: Outcome, scen: Outcome) -> dict:
    a, b = base.power, scen.power
    out = {}
    for name in ("it_kw", "cooling_kw", "losses_kw", "facility_kw", "pue"):
        out[name] = {"base": _num(getattr(a, name)), "scenario": _num(getattr(b, name)),
                     "delta": _delta(getattr(a, name), getattr(b, name))}
    for name in ("facility_mwh", "cost", "co2_t"):
        out[f"annual_{name}"] = {"base": _num(getattr(a.annual, name)),
                                 "scenario": _num(getattr(b.annual, name)),
                                 "delta": _delta(getattr(a.annual, name), getattr(b.annual, name))}
    out["currency"] = b.annual.currency
    return out


def temperature_difference_k(base: Outcome, scen: Outcome):
    """Scenario minus baseline air temperature per cell (K), for difference maps; None
    when the grids differ."""
    a, b = base.result.temperature_c, scen.result.temperature_c
    return None if a.shape != b.shape else b - a


def compare(base: Outcome, scen: Outcome) -> dict:
    """The "deltas" object of a report (JSON-ready)."""
    racks = rack_deltas(base, scen)
    rises = [d["inlet_max_delta_k"] for d in racks.values() if d["inlet_max_delta_k"] is not None]
    new_rec = sorted(set(scen.metrics.racks_above_recommended) - set(base.metrics.racks_above_recommended))
    new_allow = sorted(set(scen.metrics.racks_above_allowable) - set(base.metrics.racks_above_allowable))
    overloaded = sorted(set(scen.power.overloaded) - set(base.power.overloaded))
    out = {
        "racks": racks,
        "added_racks": sorted(set(scen.result.racks) - set(base.result.racks)),
        "removed_racks": sorted(set(base.result.racks) - set(scen.result.racks)),
        "max_inlet_rise_k": max(rises) if rises else None,
        "min_inlet_rise_k": min(rises) if rises else None,
        "newly_above_recommended": new_rec,
        "newly_above_allowable": new_allow,
        "above_allowable": list(scen.metrics.racks_above_allowable),
        "cooling_units": unit_deltas(base, scen),
        "power": power_deltas(base, scen),
        "failed_power_components": sorted(scen.failed_power),
        "dark_racks": list(scen.dark_racks),
        "newly_overloaded": overloaded,
    }
    out["verdict"] = verdict(out, scen)
    return out


WORSE_K = 0.5     # a rack already above the allowable maximum that warms more than this fails


def verdict(deltas: dict, scen: Outcome) -> dict:
    """Does the change hold? Not when it puts a rack above the allowable intake maximum,
    warms one already above it by more than WORSE_K, leaves racks without power, or puts
    a power component over its continuous limit. What already fails in the baseline is
    listed as a warning."""
    allowable = scen.metrics.allowable_c[1]
    new = deltas["newly_above_allowable"]
    already = [r for r in deltas["above_allowable"] if r not in new]
    worse = [r for r in already
             if (deltas["racks"].get(r, {}).get("inlet_max_delta_k") or 0.0) > WORSE_K]
    problems = []
    if new:
        problems.append(f"racks newly above the allowable {allowable:g} °C intake maximum: "
                        + ", ".join(new))
    if worse:
        problems.append(f"racks already above {allowable:g} °C get more than {WORSE_K:g} K "
                        "hotter: " + ", ".join(worse))
    if deltas["dark_racks"]:
        problems.append("racks without power: " + ", ".join(deltas["dark_racks"]))
    if deltas["newly_overloaded"]:
        problems.append("power components newly over their continuous limit: "
                        + ", ".join(deltas["newly_overloaded"]))
    warnings = []
    if already:
        warnings.append(f"already above the allowable {allowable:g} °C in the baseline: "
                        + ", ".join(already))
    if deltas["newly_above_recommended"]:
        warnings.append(f"racks newly above the recommended {scen.metrics.recommended_c[1]:g} "
                        "°C: " + ", ".join(deltas["newly_above_recommended"]))
    holds = not problems
    summary = f"{scen.name}: {'HOLDS' if holds else 'FAILS'}" + (
        f" ({'; '.join(problems)})" if problems else "")
    return {"holds": holds, "problems": problems, "warnings": warnings, "summary": summary}
