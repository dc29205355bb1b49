"""Thermal results as JSON, CSV and a plain-text report (Qt-free).

The JSON shape is a contract other tools read; docs/cli.md describes it.
Non-finite numbers become null so the file is always valid JSON. Files are
written atomically: a reader never sees a half-written file.
"""
from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from twin.files import write_text_atomic

RACK_FIELDS = (
    "inlet_mean_c", "inlet_max_c", "inlet_lower_c", "inlet_middle_c", "inlet_upper_c",
    "exhaust_mean_c", "power_kw", "airflow_m3s",
)
UNIT_FIELDS = ("state", "return_temp_c", "load_kw")
SENSOR_COLUMNS = ("sensor_id", "kind", "x_m", "y_m", "z_m", "value_c")
TILE_COLUMNS = ("tile_area", "x0_m", "x1_m", "y0_m", "y1_m", "open_pct", "open_m2", "flow_m3s",
                "pressure_pa")
COOLING_COLUMNS = ("kind", "id", "state", "supply_temp_c", "return_temp_c", "load_kw",
                   "airflow_m3s")
CSV_COLUMNS = (
    "rack_id", "power_kw", "airflow_m3s", "inlet_mean_c", "inlet_max_c",
    "inlet_lower_c", "inlet_middle_c", "inlet_upper_c", "exhaust_mean_c",
    "above_recommended", "above_allowable",
)


def layout_label(result, layout) -> str:
    """The name a report uses for the layout: its name, else its file stem."""
    name = getattr(layout, "name", "") or getattr(result, "layout_name", "")
    if name:
        return str(name)
    path = getattr(layout, "source_path", None)
    return Path(path).stem if path else "layout"


def result_to_dict(result, layout, metrics, power=None) -> dict:
    """The JSON-ready dict of a solve (contract keys plus a few extras), NaN as None.

    `power` (a twin.power PowerResult) adds the "power" section; a layout with a
    `liquid` section adds its steady coolant loop as "liquid" (docs/liquid.md).
    """
    data = {
        "layout": layout_label(result, layout),
        "layout_path": getattr(layout, "source_path", None),
        "model": result.model,
        "solve_seconds": float(result.solve_seconds),
        "iterations": int(result.iterations),
        "converged": bool(result.converged),
        "stop_reason": str(getattr(result, "stop_reason", "")),
        "notes": list(result.notes),
        "grid": {"cell_m": float(result.cell_m), "cells": int(result.fluid_cells),
                 "shape": list(getattr(result.temperature_c, "shape", ()))},
        "racks": {rid: _rack_dict(r) for rid, r in result.racks.items()},
        "cooling_units": {uid: _unit_dict(u) for uid, u in result.cooling_units.items()},
        "energy_balance": {"it_power_kw": float(result.it_power_kw),
                           "removed_kw": float(result.removed_kw),
                           "error_pct": float(result.energy_error_pct)},
        "metrics": metrics_to_dict(metrics),
    }
    if math.isfinite(result.uncertainty_k):
        data["uncertainty_k"] = float(result.uncertainty_k)
    doors = {rid: float(r.door_kw) for rid, r in result.racks.items() if r.door_kw}
    if doors or any(getattr(r, "rear_door", None) for r in getattr(layout, "racks", [])):
        data["energy_balance"]["rear_doors_kw"] = float(result.door_kw)
        for rid, r in result.racks.items():
            data["racks"][rid]["door_kw"] = float(r.door_kw)
    if result.sensors:
        data["sensors"] = sensors_to_dict(result)
    if getattr(result, "tiles", ()):
        data["tiles"] = tiles_to_list(result.tiles)
    if power is not None:
        from twin.power.report import power_to_dict
        data["power"] = power_to_dict(power)
    if getattr(layout, "liquid", None) is not None:
        from twin.liquid import result_dict, solve_liquid
        data["liquid"] = result_dict(solve_liquid(layout))
    return finite_or_none(data)


def _rack_dict(rack) -> dict:
    """A rack's contract fields, plus the standard error of its intake mean where stated."""
    out = {f: float(getattr(rack, f)) for f in RACK_FIELDS}
    if math.isfinite(rack.inlet_mean_se_k):
        out["inlet_mean_se_k"] = float(rack.inlet_mean_se_k)
    return out


def _unit_dict(unit) -> dict:
    """A cooling unit's contract fields plus kind, supply temperature and airflow."""
    return {"state": str(unit.state), "kind": str(unit.kind),
            "return_temp_c": float(unit.return_temp_c),
            "load_kw": float(unit.load_kw), "supply_temp_c": float(unit.supply_temp_c),
            "airflow_m3s": float(unit.airflow_m3s),
            **({"return_se_k": float(unit.return_se_k)} if math.isfinite(unit.return_se_k) else {})}


def sensors_to_dict(result) -> dict:
    """Every sensor's modelled value with its kind and position."""
    return {sid: {"kind": s.kind, "position_m": [float(v) for v in s.position_m],
                  "value_c": float(s.value_c)} for sid, s in result.sensors.items()}


def tiles_to_list(tiles) -> list:
    """A raised floor's tiles (TileFlow) in layout order: area, extents, open area, flow, pressure."""
    return [{"tile_area": int(t.area), "x_m": [float(v) for v in t.x_m],
             "y_m": [float(v) for v in t.y_m], "open_pct": float(t.open_pct),
             "open_m2": float(t.open_m2), "flow_m3s": float(t.flow_m3s),
             "pressure_pa": float(t.pressure_pa)} for t in tiles]


def sensors_csv_path(path, part: str = "sensors") -> Path:
    """Where a side table goes next to a results CSV: `results.csv` -> `results-sensors.csv`."""
    target = Path(path)
    return target.with_name(f"{target.stem}-{part}{target.suffix or '.csv'}")


def _write_rows(path, columns, rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[_csv_cell(v) for v in row] for row in rows])
    write_text_atomic(path, buffer.getvalue())


def write_sensors_csv(path, result) -> None:
    """Write one row per sensor (id, kind, x, y, z, modelled value) atomically."""
    _write_rows(path, SENSOR_COLUMNS, [[sid, item["kind"], *item["position_m"], item["value_c"]]
                                       for sid, item in sensors_to_dict(result).items()])


def write_tiles_csv(path, result) -> None:
    """Write one row per raised-floor tile (`TILE_COLUMNS`) atomically."""
    _write_rows(path, TILE_COLUMNS, [[t["tile_area"], *t["x_m"], *t["y_m"], t["open_pct"],
                                      t["open_m2"], t["flow_m3s"], t["pressure_pa"]]
                                     for t in tiles_to_list(result.tiles)])


def cooling_rows(result) -> list:
    """Cooling units (kind crah or inrow) and rear doors (kind rear_door, id of its rack)."""
    rows = [[u.kind, uid, u.state, u.supply_temp_c, u.return_temp_c, u.load_kw, u.airflow_m3s]
            for uid, u in result.cooling_units.items()]
    return rows + [["rear_door", rid, "", float("nan"), r.exhaust_mean_c, r.door_kw, r.airflow_m3s]
                   for rid, r in result.racks.items() if r.door_kw]


def has_format2_cooling(result) -> bool:
    """Whether the result holds in-row units or rear doors (they get their own CSV)."""
    return (any(u.kind == "inrow" for u in result.cooling_units.values())
            or any(r.door_kw for r in result.racks.values()))


def metrics_to_dict(metrics) -> dict:
    """The metrics block of the JSON contract."""
    return {
        "ashrae_class": metrics.ashrae_class,
        "recommended_c": list(metrics.recommended_c),
        "allowable_c": list(metrics.allowable_c),
        "rci_hi_pct": metrics.rci_hi_pct,
        "rci_lo_pct": metrics.rci_lo_pct,
        "rti_pct": metrics.rti_pct,
        "shi": metrics.shi,
        "racks_above_recommended": list(metrics.racks_above_recommended),
        "racks_above_allowable": list(metrics.racks_above_allowable),
        "hot_spots": [{"rack_id": h.rack_id, "inlet_max_c": h.inlet_max_c,
                       "excess_k": h.excess_k} for h in metrics.hot_spots],
    }


def finite_or_none(value):
    """Recursively turn NaN/inf floats (and numpy scalars) into JSON-safe values."""
    if isinstance(value, dict):
        return {str(k): finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if hasattr(value, "item") and not isinstance(value, (int, float)):
        value = value.item()   # numpy scalar -> Python scalar
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


def json_text(data: dict) -> str:
    """`data` as indented JSON text, NaN and infinities as null."""
    return json.dumps(finite_or_none(data), indent=2, allow_nan=False) + "\n"


def write_json(path, data: dict) -> None:
    """Write `data` as indented JSON to `path` atomically (NaN -> null)."""
    write_text_atomic(path, json_text(data))


def csv_rows(result, metrics) -> list[dict]:
    """One dict per rack with the CSV columns (NaN left as NaN)."""
    above_rec = set(metrics.racks_above_recommended) if metrics else set()
    above_all = set(metrics.racks_above_allowable) if metrics else set()
    rows = []
    for rid, rack in result.racks.items():
        row = {"rack_id": rid}
        row.update({f: float(getattr(rack, f)) for f in CSV_COLUMNS[1:9]})
        row["above_recommended"] = int(rid in above_rec)
        row["above_allowable"] = int(rid in above_all)
        rows.append(row)
    return rows


def write_csv(path, result, metrics=None) -> None:
    """Write one row per rack to `path` atomically; NaN becomes an empty cell.

    Next to it (`sensors_csv_path`): `<stem>-sensors.csv` with sensors, `<stem>-tiles.csv`
    with a raised floor, `<stem>-cooling.csv` with in-row units or rear doors.
    """
    write_text_atomic(path, csv_text(result, metrics))
    write_side_tables(path, result)


def write_side_tables(path, result) -> list[Path]:
    """The format-2 tables next to a results CSV (`sensors_csv_path`); the paths written."""
    out = []
    if getattr(result, "sensors", None):
        out.append(sensors_csv_path(path))
        write_sensors_csv(out[-1], result)
    if getattr(result, "tiles", ()):
        out.append(sensors_csv_path(path, "tiles"))
        write_tiles_csv(out[-1], result)
    if has_format2_cooling(result):
        out.append(sensors_csv_path(path, "cooling"))
        _write_rows(out[-1], COOLING_COLUMNS, cooling_rows(result))
    return out


def csv_text(result, metrics=None) -> str:
    """The per-rack CSV as text: floats to 4 decimals, NaN as an empty cell."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in csv_rows(result, metrics):
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def _csv_cell(value):
    """A CSV cell: floats rounded to 4 decimals, NaN empty."""
    if isinstance(value, float):
        return "" if not math.isfinite(value) else f"{value:.4f}"
    return value


def format_report(result, layout, metrics, power=None) -> str:
    """A plain-text summary of a solve: racks, cooling units, energy, metrics, power, grid."""
    lines = [f"{layout_label(result, layout)} ({result.model} thermal model)", ""]
    lines += _rack_table(result, metrics) + [""]
    lines += _unit_table(result) + [""]
    lines += _tile_table(result)
    lines += _sensor_table(result)
    doors = getattr(result, "door_kw", 0.0)
    lines.append(f"Energy balance: IT load {_num(result.it_power_kw, 1)} kW, removed "
                 f"{_num(result.removed_kw, 1)} kW"
                 + (f" (rear doors {_num(doors, 1)} kW)" if doors else "")
                 + f", error {_num(result.energy_error_pct, 2)} %")
    lines += _metric_lines(metrics)
    if power is not None:
        from twin.power.report import power_lines
        lines += [""] + power_lines(power) + [""]
    shape = " x ".join(str(n) for n in getattr(result.temperature_c, "shape", ())[:3])
    lines.append(f"Grid: {result.cell_m:g} m cells, {result.fluid_cells} fluid cells"
                 + (f" ({shape})" if shape else ""))
    lines.append(f"Solve time: {result.solve_seconds:.2f} s, {result.iterations} iterations"
                 + ("" if result.converged else " (NOT CONVERGED)") + _stop_text(result))
    lines += [f"Note: {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def _stop_text(result) -> str:
    """Why the accurate model stopped and how certain its averaged intakes are."""
    reason = getattr(result, "stop_reason", "")
    if not reason:
        return ""
    se = result.uncertainty_k
    certain = f", intakes +-{se:.2f} K (standard error)" if math.isfinite(se) else ""
    return f"; stopped on: {reason}{certain}"


def _rack_table(result, metrics) -> list[str]:
    """Rack rows with a flag for racks above the recommended or allowable maximum."""
    above_rec = set(metrics.racks_above_recommended)
    above_all = set(metrics.racks_above_allowable)
    width = max([4] + [len(rid) for rid in result.racks])
    head = (f"{'rack':<{width}}  {'power':>6} {'airflow':>7} {'intake':>7} {'+-':>5} {'intake':>7} "
            f"{'lower':>6} {'middle':>6} {'upper':>6} {'exhaust':>7}")
    units = (f"{'':<{width}}  {'kW':>6} {'m3/s':>7} {'mean °C':>7} {'K':>5} {'max °C':>7} "
             f"{'°C':>6} {'°C':>6} {'°C':>6} {'°C':>7}")
    lines = [head, units]
    for rid, r in result.racks.items():
        flag = ("  ABOVE ALLOWABLE" if rid in above_all
                else "  above recommended" if rid in above_rec else "")
        lines.append(
            f"{rid:<{width}}  {_num(r.power_kw, 1):>6} {_num(r.airflow_m3s, 3):>7} "
            f"{_num(r.inlet_mean_c, 1):>7} {_num(r.inlet_mean_se_k, 2):>5} {_num(r.inlet_max_c, 1):>7} "
            f"{_num(r.inlet_lower_c, 1):>6} {_num(r.inlet_middle_c, 1):>6} "
            f"{_num(r.inlet_upper_c, 1):>6} {_num(r.exhaust_mean_c, 1):>7}{flag}")
    if not result.racks:
        lines.append("(no racks)")
    return lines


def _unit_table(result) -> list[str]:
    """Cooling unit rows: state, supply and return temperature, heat removed."""
    width = max([12] + [len(uid) for uid in result.cooling_units])
    lines = [f"{'cooling unit':<{width}}  {'kind':<6} {'state':<8} {'supply °C':>9} "
             f"{'return °C':>9} {'load kW':>8}"]
    for uid, u in result.cooling_units.items():
        lines.append(f"{uid:<{width}}  {u.kind:<6} {u.state:<8} {_num(u.supply_temp_c, 1):>9} "
                     f"{_num(u.return_temp_c, 1):>9} {_num(u.load_kw, 1):>8}")
    return lines


def _tile_table(result) -> list[str]:
    """Raised floor: per tile area, its tiles' flow (total, least, most) and plenum pressure."""
    tiles = getattr(result, "tiles", ())
    if not tiles:
        return []
    lines = [f"{'tile area':<9}  {'tiles':>5} {'open %':>6} {'flow m3/s':>9} {'least':>7} "
             f"{'most':>7} {'plenum Pa':>9}"]
    for area in sorted({t.area for t in tiles}):
        mine = [t for t in tiles if t.area == area]
        flows = [t.flow_m3s for t in mine]
        pressures = [t.pressure_pa for t in mine if math.isfinite(t.pressure_pa)]
        pa = sum(pressures) / len(pressures) if pressures else float("nan")
        lines.append(f"{f'tiles[{area}]':<9}  {len(mine):>5} {_num(mine[0].open_pct, 0):>6} "
                     f"{_num(sum(flows), 3):>9} {_num(min(flows), 3):>7} {_num(max(flows), 3):>7} "
                     f"{_num(pa, 2):>9}")
    return lines + [""]


def _sensor_table(result) -> list[str]:
    """Sensor rows: id, position and modelled value (nothing when the layout has none)."""
    items = sensors_to_dict(result) if getattr(result, "sensors", None) else {}
    if not items:
        return []
    width = max([6] + [len(sid) for sid in items])
    lines = [f"{'sensor':<{width}}  {'x m':>6} {'y m':>6} {'z m':>6} {'value °C':>8}"]
    for sid, item in items.items():
        x, y, z = item["position_m"]
        lines.append(f"{sid:<{width}}  {_num(x, 2):>6} {_num(y, 2):>6} {_num(z, 2):>6} "
                     f"{_num(item['value_c'], 2):>8}")
    return lines + [""]


def _metric_lines(metrics) -> list[str]:
    """Metrics block: class limits, RCI/RTI/SHI and the racks out of range."""
    rec_lo, rec_hi = metrics.recommended_c
    all_lo, all_hi = metrics.allowable_c
    return [
        f"Metrics (ASHRAE {metrics.ashrae_class}: recommended {rec_lo:g}-{rec_hi:g} °C, "
        f"allowable {all_lo:g}-{all_hi:g} °C):",
        f"  RCI_HI {_num(metrics.rci_hi_pct, 1)} %   RCI_LO {_num(metrics.rci_lo_pct, 1)} %   "
        f"RTI {_num(metrics.rti_pct, 1)} %   SHI {_num(metrics.shi, 3)}",
        "  racks above recommended: " + (", ".join(metrics.racks_above_recommended) or "none"),
        "  racks above allowable: " + (", ".join(metrics.racks_above_allowable) or "none"),
    ]


def _num(value, decimals: int) -> str:
    """A number with fixed decimals, '-' for NaN or missing."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "-"
    if not math.isfinite(value):
        return "-"
    return f"{round(value, decimals) + 0.0:.{decimals}f}"   # + 0.0 turns -0.0 into 0.0
