"""The report's format-2 air-side part: raised-floor tile flows, sensors and rear doors,
baseline next to scenario, from the results in report.json (`tiles`, `sensors`, `door_kw`)."""
from __future__ import annotations

from twin.report.fmt import MISSING, esc, natural_key, num


def _areas(result: dict) -> dict:
    """Per tile area: (total flow, least tile flow, mean plenum pressure)."""
    out = {}
    for a in sorted({t["tile_area"] for t in result.get("tiles", [])}):
        mine = [t for t in result["tiles"] if t["tile_area"] == a]
        pressures = [t["pressure_pa"] for t in mine if t["pressure_pa"] is not None]
        out[a] = (sum(t["flow_m3s"] for t in mine), min(t["flow_m3s"] for t in mine),
                  sum(pressures) / len(pressures) if pressures else None, mine[0]["open_pct"])
    return out


def _tiles(d: dict, table) -> str:
    base, scen = _areas(d["baseline"]), _areas(d["scenario"] or {})
    if not base:
        return ""
    body = []
    for a, (flow, least, pa, open_pct) in base.items():
        s = scen.get(a, (None, None, None, None))
        delta = None if s[0] is None else s[0] - flow
        body.append([f"tiles[{a}]", num(open_pct, 0), num(flow, 3), num(s[0], 3),
                     num(delta, 3, True), num(least, 3), num(s[1], 3), num(pa, 1), num(s[2], 1)])
    return ("<h3>Raised-floor tiles</h3><p class='sub'>Each tile's flow follows the plenum "
            "pressure under it and its open area; per tile in report.json (<code>tiles</code>).</p>"
            + table(["Tile area", "Open\n(%)", "Flow before\n(m³/s)", "Flow after\n(m³/s)",
                     "Change\n(m³/s)", "Least tile\nbefore", "Least tile\nafter",
                     "Plenum before\n(Pa)", "Plenum after\n(Pa)"], body))


def _sensors(d: dict, table) -> str:
    base, scen = d["baseline"].get("sensors", {}), (d["scenario"] or {}).get("sensors", {})
    if not base:
        return ""
    body = []
    for sid in sorted(base, key=natural_key):
        b, s = base[sid]["value_c"], scen.get(sid, {}).get("value_c")
        delta = None if b is None or s is None else s - b
        body.append([esc(sid), " ".join(num(v, 2) for v in base[sid]["position_m"]), num(b),
                     num(s), num(delta, 1, True)])
    return "<h3>Sensors</h3>" + table(["Sensor", "x y z\n(m)", "Before\n(°C)", "After\n(°C)",
                                       "Change\n(K)"], body)


def _doors(d: dict, table) -> str:
    base, scen = d["baseline"]["racks"], (d["scenario"] or {}).get("racks", {})
    doors = [rid for rid, r in base.items() if "door_kw" in r]
    if not doors:
        return ""
    body = []
    for rid in sorted(doors, key=natural_key):
        b, s = base[rid]["door_kw"], scen.get(rid, {}).get("door_kw")
        body.append([esc(rid), num(b), num(s) if s is not None else MISSING,
                     num(None if s is None else s - b, 1, True)])
    return "<h3>Rear doors</h3>" + table(["Rack", "Heat before\n(kW)", "Heat after\n(kW)",
                                          "Change\n(kW)"], body)


def section(d: dict, table) -> str:
    """The 'Air side' section of report.html ('' for a room with none of these objects)."""
    parts = _tiles(d, table) + _sensors(d, table) + _doors(d, table)
    return "<h2>Air side</h2>" + parts if parts else ""
