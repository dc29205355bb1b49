"""The liquid results as a table for the terminal, a JSON-ready dict and CSV rows."""
from __future__ import annotations

import math
from typing import Optional

from twin.liquid.energy import LiquidEnergy
from twin.liquid.failures import CduFailure
from twin.liquid.solve import LiquidResult
from twin.liquid.transient import FacilityLoss


def _num(value: Optional[float], decimals: int = 1) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{round(value, decimals) + 0.0:.{decimals}f}"


def result_dict(result: LiquidResult) -> dict:
    """The `liquid` section of the JSON outputs (docs/cli.md)."""
    return {
        "facility_supply_c": result.facility_supply_c, "water_class": result.water_class,
        "facility_running": result.facility_running, "coolant_limit_c": result.coolant_limit_c,
        "liquid_kw": result.liquid_kw, "air_kw": result.air_kw, "it_kw": result.it_kw,
        "pumps_kw": result.pumps_kw, "ok": result.ok,
        "cdus": {c.id: {"running": c.running, "load_kw": c.load_kw, "capacity_kw": c.capacity_kw,
                        "flow_lpm": c.flow_lpm, "rated_flow_lpm": c.rated_flow_lpm,
                        "supply_c": c.supply_c, "return_c": c.return_c, "rise_k": c.rise_k,
                        "pump_kw": c.pump_kw, "over_capacity": c.over_capacity,
                        "racks": list(c.racks)} for c in result.cdus.values()},
        "racks": {r.id: {"it_kw": r.it_kw, "air_kw": r.air_kw, "liquid_kw": r.liquid_kw,
                         "flow_lpm": r.flow_lpm, "cdus": list(r.cdus), "supply_c": r.supply_c,
                         "return_c": r.return_c, "over_limit": r.over_limit}
                  for r in result.racks.values() if r.liquid_kw > 0 or r.cdus},
        "over_limit": list(result.over_limit), "notes": list(result.notes),
    }


def failures_dict(failures: list[CduFailure], loss: Optional[FacilityLoss]) -> dict:
    """N-1 cases and the facility-water-loss times."""
    out = {"cdu_failures": [{"cdu": f.cdu, "ok": f.ok, "over_limit": list(f.result.over_limit),
                             "stranded_s": f.stranded_s,
                             "cdus": {c.id: {"load_kw": c.load_kw, "supply_c": c.supply_c,
                                             "rise_k": c.rise_k}
                                      for c in f.result.cdus.values() if c.running}}
                            for f in failures]}
    if loss is not None:
        out["facility_water_loss"] = {"limit_c": loss.limit_c, "horizon_s": loss.horizon_s,
                                      "seconds_to_limit": loss.seconds}
    return out


def energy_dict(energy: LiquidEnergy) -> dict:
    return {"facility_supply_c": energy.facility_supply_c, "water_class": energy.water_class,
            "rejection": energy.rejection, "heat_kw": energy.heat_kw, "hours": energy.hours,
            "free_cooling_hours": energy.free_cooling_hours, "chiller_mwh": energy.chiller_mwh,
            "pump_mwh": energy.pump_mwh, "fan_mwh": energy.fan_mwh, "water_m3": energy.water_m3,
            "it_mwh": energy.it_mwh, "other_facility_mwh": energy.other_facility_mwh,
            "pue": energy.pue, "wue_l_per_kwh": energy.wue_l_per_kwh}


def result_lines(result: LiquidResult) -> list[str]:
    """CDU and rack tables for the terminal."""
    state = "" if result.facility_running else ", LOST"
    out = [f"Facility water {_num(result.facility_supply_c)} °C ({result.water_class}{state}), "
           f"coolant limit {_num(result.coolant_limit_c)} °C; IT {_num(result.it_kw)} kW = air "
           f"{_num(result.air_kw)} + liquid {_num(result.liquid_kw)} kW; CDU pumps "
           f"{_num(result.pumps_kw)} kW", "",
           f"{'CDU':<10} {'state':<8} {'load kW':>8} {'cap kW':>8} {'L/min':>7} "
           f"{'supply °C':>9} {'return °C':>9} {'rise K':>7}"]
    for c in result.cdus.values():
        out.append(f"{c.id:<10} {'running' if c.running else 'failed':<8} {_num(c.load_kw):>8} "
                   f"{_num(c.capacity_kw, 0):>8} {_num(c.flow_lpm, 0):>7} {_num(c.supply_c):>9} "
                   f"{_num(c.return_c):>9} {_num(c.rise_k, 2):>7}")
    out += ["", f"{'rack':<10} {'liquid kW':>9} {'air kW':>7} {'L/min':>7} {'supply °C':>9} "
                f"{'return °C':>9}  CDUs"]
    for r in result.racks.values():
        if r.liquid_kw <= 0 and not r.cdus:
            continue
        flag = "  OVER LIMIT" if r.over_limit else ""
        out.append(f"{r.id:<10} {_num(r.liquid_kw):>9} {_num(r.air_kw):>7} {_num(r.flow_lpm, 0):>7} "
                   f"{_num(r.supply_c):>9} {_num(r.return_c):>9}  {','.join(r.cdus) or '-'}{flag}")
    return out + ([""] + [f"note: {n}" for n in result.notes] if result.notes else [])


def failure_lines(failures: list[CduFailure], loss: Optional[FacilityLoss]) -> list[str]:
    out = []
    for f in failures:
        verdict = "ok" if f.ok else "FAILS: " + ", ".join(f.result.over_limit or
                                                           [c.id + " over capacity" for c in
                                                            f.result.cdus.values() if c.over_capacity])
        out.append(f"{f.cdu} fails: {verdict}")
        for rack_id, s in f.stranded_s.items():
            out.append(f"  {rack_id} has no running CDU: coolant at the limit after {_num(s, 0)} s")
    if loss is not None:
        times = [s for s in loss.seconds.values() if s is not None]
        first = f"first rack at the {loss.limit_c:g} °C limit after {_num(min(times), 0)} s" \
            if times else f"no rack reaches the limit within {_num(loss.horizon_s, 0)} s"
        out.append(f"Facility water lost: {first}")
    return out


def energy_header() -> str:
    return (f"{'supply °C':>9} {'class':>5} {'free h':>7} {'chiller MWh':>11} {'pumps MWh':>9} "
            f"{'fans MWh':>8} {'water m3':>9} {'PUE':>6} {'WUE L/kWh':>9}")


def energy_line(e: LiquidEnergy) -> str:
    return (f"{_num(e.facility_supply_c):>9} {e.water_class:>5} {_num(e.free_cooling_hours, 0):>7} "
            f"{_num(e.chiller_mwh):>11} {_num(e.pump_mwh):>9} {_num(e.fan_mwh):>8} "
            f"{_num(e.water_m3, 0):>9} {_num(e.pue, 3):>6} {_num(e.wue_l_per_kwh, 3):>9}")


CSV_COLUMNS = ("kind", "id", "state", "load_kw", "capacity_kw", "flow_lpm", "supply_c", "return_c",
               "rise_k", "liquid_kw", "air_kw", "cdus", "over_limit")


def csv_rows(result: LiquidResult) -> list[str]:
    """One CSV line per CDU and per liquid-cooled rack (empty cells for what does not apply)."""
    import csv
    import io

    def cell(v):
        return "" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v))
    rows = [CSV_COLUMNS]
    for c in result.cdus.values():
        rows.append(("cdu", c.id, "running" if c.running else "failed", c.load_kw, c.capacity_kw,
                     c.flow_lpm, c.supply_c, c.return_c, c.rise_k, None, None, None, c.over_capacity))
    for r in result.racks.values():
        if r.liquid_kw > 0 or r.cdus:
            rows.append(("rack", r.id, None, None, None, r.flow_lpm, r.supply_c, r.return_c, None,
                         r.liquid_kw, r.air_kw, " ".join(r.cdus), r.over_limit))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([cell(v) for v in row] for row in rows)
    return buffer.getvalue().splitlines()
