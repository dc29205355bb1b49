"""The power analysis as a JSON-ready dict and as lines of the text report."""
from __future__ import annotations

import math
from typing import Optional

from twin.power.results import ComponentLoad, PowerResult, Violation
from twin.wording import count


def _component_dict(c: ComponentLoad) -> dict:
    return {"kind": c.kind, "load_kw": c.load_kw, "rating_kw": c.rating_kw,
            "utilization_pct": c.utilization_pct, "feed": c.feed, "loss_kw": c.loss_kw,
            "limit_kw": c.limit_kw, "ok": c.ok}


def _violation_dict(v: Violation) -> dict:
    return {"failed": v.failed, "problem": v.problem, "component": v.component,
            "load_kw": v.load_kw, "limit_kw": v.limit_kw, "rating_kw": v.rating_kw,
            "utilization_pct": v.utilization_pct, "racks": list(v.racks),
            "message": v.message()}


def _failover_dict(p: PowerResult) -> dict:
    f = p.failover
    worst = None if f.worst is None else {"failed": f.worst[0], "component": f.worst[1],
                                          "utilization_pct": f.worst[2]}
    return {"ok": f.ok, "cases": f.cases, "violations": [_violation_dict(v) for v in f.violations],
            "single_corded_racks": list(f.single_corded), "worst": worst}


def power_to_dict(p: PowerResult) -> dict:
    """The `power` section of the simulate JSON (docs/cli.md)."""
    return {
        "it_kw": p.it_kw, "cooling_kw": p.cooling_kw, "losses_kw": p.losses_kw,
        "other_kw": p.other_kw, "facility_kw": p.facility_kw, "pue": p.pue,
        "liquid_kw": p.liquid_kw, "accelerators": p.accelerators,
        "continuous_limit_pct": p.limit_pct,
        "cooling": {"fans_kw": p.fans_kw, "chiller_kw": p.chiller_kw,
                    "liquid_chiller_kw": p.liquid_chiller_kw,
                    "liquid_pumps_kw": p.liquid_pumps_kw,
                    "units": {u.id: {"fan_kw": u.fan_kw, "heat_kw": u.heat_kw,
                                     "supply_temp_c": u.supply_temp_c, "cop": u.cop,
                                     "chiller_kw": u.chiller_kw} for u in p.units.values()}},
        "losses": {"ups_kw": p.ups_losses_kw, "distribution_kw": p.distribution_losses_kw},
        "components": {cid: _component_dict(c) for cid, c in p.components.items()},
        "overloaded": list(p.overloaded),
        "failover": _failover_dict(p),
        "racks": {rid: {"it_kw": r.it_kw, "air_kw": r.air_kw, "liquid_kw": r.liquid_kw,
                        "accelerators": r.accelerators, "pdus": list(r.pdus)}
                  for rid, r in p.racks.items()},
        "annual": {"hours": p.annual.hours, "facility_mwh": p.annual.facility_mwh,
                   "it_mwh": p.annual.it_mwh, "cost": p.annual.cost,
                   "currency": p.annual.currency, "co2_t": p.annual.co2_t},
        "notes": list(p.notes),
    }


def _num(value: Optional[float], decimals: int = 1) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{round(value, decimals) + 0.0:.{decimals}f}"


def _summary(p: PowerResult) -> list[str]:
    it = f"IT {_num(p.it_kw)} kW"
    if p.liquid_kw > 0:
        it += f" ({_num(p.liquid_kw)} kW to liquid)"
    cooling = f"fans {_num(p.fans_kw)}, chiller {_num(p.chiller_kw)}"
    if p.liquid_chiller_kw > 0:
        cooling += f", liquid {_num(p.liquid_chiller_kw)}"
    if p.liquid_pumps_kw > 0:
        cooling += f", CDU pumps {_num(p.liquid_pumps_kw)}"
    year = f"per year {p.annual.facility_mwh:,.0f} MWh"
    if p.annual.cost is not None:
        year += f", {p.annual.cost:,.0f} {p.annual.currency or ''}".rstrip()
    if p.annual.co2_t is not None:
        year += f", {p.annual.co2_t:,.0f} t CO2"
    lines = [f"Power: {it}, cooling {_num(p.cooling_kw)} kW ({cooling}), losses "
             f"{_num(p.losses_kw)} kW (UPS {_num(p.ups_losses_kw)}, distribution "
             f"{_num(p.distribution_losses_kw)}), other {_num(p.other_kw)} kW",
             f"  facility {_num(p.facility_kw)} kW, PUE {_num(p.pue, 2)}; {year}"]
    if p.accelerators:
        lines.append(f"  accelerators: {p.accelerators}")
    return lines


def _component_table(p: PowerResult) -> list[str]:
    if not p.components:
        return []
    width = max([9] + [len(cid) for cid in p.components])
    lines = [f"{'component':<{width}}  {'kind':<7} {'feed':<4} {'load kW':>8} {'loss kW':>8} "
             f"{'rating kW':>9} {'use %':>6}"]
    for cid, c in p.components.items():
        flag = "" if c.ok else f"  OVER {p.limit_pct:g} % LIMIT"
        lines.append(f"{cid:<{width}}  {c.kind:<7} {c.feed or '-':<4} {_num(c.load_kw):>8} "
                     f"{_num(c.loss_kw):>8} {_num(c.rating_kw):>9} "
                     f"{_num(c.utilization_pct):>6}{flag}")
    return lines


def _failover_lines(p: PowerResult) -> list[str]:
    f = p.failover
    if not f.cases:
        return []
    head = f"Failover (N-1, {count(f.cases, 'case')}, limit {p.limit_pct:g} % of rating): "
    if f.ok:
        head += "OK"
        if f.worst is not None:
            head += (f"; worst case {f.worst[1]} at {_num(f.worst[2])} % "
                     f"when {f.worst[0]} fails")
        lines = [head]
    else:
        lines = [head + f"FAILS ({len(f.violations)} problems)"]
        lines += [f"  {v.message()}" for v in f.violations]
    if f.single_corded:
        lines.append("  single-corded racks (not redundant): " + ", ".join(f.single_corded))
    return lines


def power_lines(p: PowerResult) -> list[str]:
    """The power block of the text report."""
    lines = _summary(p)
    table = _component_table(p)
    if table:
        lines += [""] + table
    failover = _failover_lines(p)
    if failover:
        lines += [""] + failover
    lines += [f"Note: {note}" for note in p.notes]
    return lines
