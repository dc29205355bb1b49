"""The report's CSV files: racks, cooling units and power, baseline next to scenario."""
from __future__ import annotations

import csv
import io
import math

from twin.files import write_text_atomic

RACK_COLUMNS = ("rack_id", "power_kw", "base_inlet_mean_c", "base_inlet_max_c",
                "scenario_inlet_mean_c", "scenario_inlet_max_c", "inlet_max_delta_k",
                "above_recommended", "above_allowable", "newly_above_allowable",
                "time_to_allowable_s")
UNIT_COLUMNS = ("unit_id", "base_state", "scenario_state", "base_load_kw", "scenario_load_kw",
                "load_delta_kw", "base_return_temp_c", "scenario_return_temp_c")
POWER_COLUMNS = ("item", "base", "scenario", "delta")


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return "" if not math.isfinite(value) else f"{value:.4f}"
    return str(value)


def _csv(columns, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return out.getvalue()


def rack_rows(data: dict) -> list[dict]:
    base = data["baseline"]["racks"]
    scen = (data["scenario"] or {}).get("racks", {})
    d = data["deltas"]
    ride = (data.get("ride_through") or {}).get("time_to_allowable_s", {})
    metrics = (data["scenario"] or data["baseline"])["metrics"]
    rows = []
    for rid in list(base) + [r for r in scen if r not in base]:
        b, s = base.get(rid, {}), scen.get(rid, {})
        rows.append({
            "rack_id": rid, "power_kw": s.get("power_kw", b.get("power_kw")),
            "base_inlet_mean_c": b.get("inlet_mean_c"), "base_inlet_max_c": b.get("inlet_max_c"),
            "scenario_inlet_mean_c": s.get("inlet_mean_c"), "scenario_inlet_max_c": s.get("inlet_max_c"),
            "inlet_max_delta_k": d["racks"].get(rid, {}).get("inlet_max_delta_k"),
            "above_recommended": rid in metrics["racks_above_recommended"] if s else None,
            "above_allowable": rid in d["above_allowable"],
            "newly_above_allowable": rid in d["newly_above_allowable"],
            "time_to_allowable_s": ride.get(rid)})
    return rows


def unit_rows(data: dict) -> list[dict]:
    base = data["baseline"]["cooling_units"]
    scen = (data["scenario"] or {}).get("cooling_units", {})
    rows = []
    for uid in list(base) + [u for u in scen if u not in base]:
        b, s = base.get(uid, {}), scen.get(uid, {})
        delta = None
        if b.get("load_kw") is not None and s.get("load_kw") is not None:
            delta = s["load_kw"] - b["load_kw"]
        rows.append({"unit_id": uid, "base_state": b.get("state"), "scenario_state": s.get("state"),
                     "base_load_kw": b.get("load_kw"), "scenario_load_kw": s.get("load_kw"),
                     "load_delta_kw": delta, "base_return_temp_c": b.get("return_temp_c"),
                     "scenario_return_temp_c": s.get("return_temp_c")})
    return rows


def power_rows(data: dict) -> list[dict]:
    rows = [{"item": name, **values} for name, values in data["deltas"].get("power", {}).items()
            if isinstance(values, dict)]
    base = data["baseline"].get("power", {}).get("components", {})
    scen = ((data["scenario"] or {}).get("power") or {}).get("components", {})
    for cid in base:
        b = base[cid].get("utilization_pct")
        s = scen.get(cid, {}).get("utilization_pct")
        delta = None if b is None or s is None else s - b
        rows.append({"item": f"{cid} utilization_pct", "base": b, "scenario": s, "delta": delta})
    return rows


def write_tables(folder, data: dict) -> list[str]:
    """Write racks.csv, cooling_units.csv, power.csv (and liquid.csv) into folder; their names."""
    from twin.report.liquid import LIQUID_COLUMNS, rows as liquid_rows
    files = {"racks.csv": _csv(RACK_COLUMNS, rack_rows(data)),
             "cooling_units.csv": _csv(UNIT_COLUMNS, unit_rows(data)),
             "power.csv": _csv(POWER_COLUMNS, power_rows(data))}
    if data.get("liquid"):
        files["liquid.csv"] = _csv(LIQUID_COLUMNS, liquid_rows(data))
    for name, text in files.items():
        write_text_atomic(f"{folder}/{name}", text)
    return list(files)
