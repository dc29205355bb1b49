"""The body sections of report.html: maps, racks, cooling units, ride-through, power, assumptions.

Every table cell holds text (a missing figure reads "n/a" or says why), rack and unit
ids are in natural order, and numbers have their thousands grouped (twin.report.fmt).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from twin.report import capacity, charts, figures
from twin.report.fmt import MISSING, duration, esc, ids, natural_key, num
from twin.report.png import plane_at
from twin.report.tables import rack_rows, unit_rows

Figure = Callable[[str], str]


def table(head: list[str], rows: list[list[str]], left_cols: int = 1,
          widths: tuple = (), left: tuple = ()) -> str:
    """A data table; cells are HTML already escaped, headings plain text ('\n' breaks a line).
    The first `left_cols` columns and those in `left` align left; `widths` (percent per
    column) spans the text width with those columns."""
    def cell(tag: str, i: int, text: str) -> str:
        cls = " class='id'" if i < left_cols or i in left else ""
        if widths and tag == "th":
            cls += f" width='{widths[i]}%'"
        return f"<{tag}{cls}>{text if str(text).strip() else MISSING}</{tag}>"
    width = " width='100%'" if widths else ""
    out = [f"<table class='data' cellspacing='0' cellpadding='3' border='1'{width}><thead><tr>"
           + "".join(cell("th", i, esc(h).replace("\n", "<br>")) for i, h in enumerate(head))
           + "</tr></thead><tbody>"]
    out += ["<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows]
    return "\n".join(out) + "</tbody></table>"


def map_height_m(layout) -> float:
    """Half the mean rack height: the plane the maps show."""
    return 0.5 * float(np.mean([r.size_m[2] for r in layout.racks] or [2.0]))


def pictures(study) -> dict:
    """key -> figures.Picture for every figure the study has; drawn once per study (the
    HTML takes their SVG, the PDF their PNG)."""
    if not study.pictures:
        study.pictures.update(_draw(study))
    return study.pictures


def _draw(study) -> dict:
    d, out = study.data, {}
    out.update(_maps(study))
    out["intake"] = figures.picture(charts.intake_chart(d), "intake",
                                    "Bar chart of each rack's intake maximum before and after")
    if d.get("ride_through") and len(d["ride_through"]["times_s"]) >= 2:
        out["ride"] = figures.picture(charts.ride_chart(d), "ride",
                                      "Rack intake maxima over the minutes after the failure")
    if capacity.has_growth(d):
        out["growth"] = figures.picture(capacity.growth_chart(d), "growth",
                                        "Each resource's margin against the month of growth")
    return out


def _maps(study) -> dict:
    """Baseline, scenario and change maps; the baseline alone when the scenario has no
    steady state."""
    b = study.base.result
    s = study.scen.result if study.scen is not None else None
    height_m = map_height_m(study.layout)
    pb = plane_at(b.temperature_c, b.cell_m, height_m)
    ps = plane_at(s.temperature_c, s.cell_m, height_m) if s is not None else pb
    both = np.concatenate([pb[np.isfinite(pb)], ps[np.isfinite(ps)]])
    lo, hi = (float(np.min(both)), float(np.max(both))) if both.size else (15.0, 35.0)
    at = f"at {height_m:.1f} m"
    bar = "Air temperature (°C)"
    out = {
        "map-base": figures.picture(figures.floor_map(
            pb, b.cell_m, study.layout, lo, hi, f"Baseline {at}", bar), "map-base",
            f"Floor map of the baseline air temperature {at}")}
    if s is None:
        return out
    out["map-scen"] = figures.picture(figures.floor_map(
        ps, s.cell_m, study.applied.layout, lo, hi, f"Scenario {at}", bar), "map-scen",
        f"Floor map of the scenario air temperature {at}")
    if pb.shape == ps.shape:
        diff = ps - pb
        span = max(float(np.nanmax(np.abs(diff))) if np.isfinite(diff).any() else 1.0, 0.1)
        out["map-diff"] = figures.picture(figures.floor_map(
            diff, s.cell_m, study.applied.layout, -span, span,
            f"Change {at}", "Scenario minus baseline (K)", diverging=True), "map-diff",
            f"Floor map of the temperature change at {height_m:.1f} m")
    return out


def maps(d: dict, figure: Figure) -> str:
    body = "".join(figure(k) for k in ("map-base", "map-scen", "map-diff"))
    if not body:
        return ""
    scale = ("Baseline and scenario share one colour scale." if d["scenario"] else
             "The scenario has no steady state, so only the baseline is shown.")
    return ("<h2>Floor temperatures</h2><p class='sub'>Seen from above, north up, at half the "
            "rack height. Racks show their front (air intake) edge in blue and rear (exhaust) "
            f"in red; cooling units are blue boxes, a failed one is crossed out in red. {scale}"
            "</p>" + body)


def racks(d: dict, figure: Figure) -> str:
    ride = d.get("ride_through")
    horizon = (ride["times_s"][-1] / 60.0) if ride and ride["times_s"] else None
    head = ["Rack", "Power\n(kW)", "Baseline\n(°C)", "Scenario\n(°C)", "Change\n(K)", "Status"]
    widths = (12, 12, 13, 13, 12, 38)
    if ride:
        head.append("Time to\nallowable")
        widths = (8, 10, 12, 12, 11, 29, 18)
    body = []
    for r in sorted(rack_rows(d), key=lambda r: natural_key(r["rack_id"])):
        row = [esc(r["rack_id"]), num(r["power_kw"]), num(r["base_inlet_max_c"]),
               num(r["scenario_inlet_max_c"]) if d["scenario"] else "no steady state",
               num(r["inlet_max_delta_k"], 1, True), _status(r, d)]
        if ride:
            row.append(esc(duration(r["time_to_allowable_s"], horizon)))
        body.append(row)
    return ("<h2>Racks</h2>" + figure("intake")
            + "<p class='sub'>Intake maximum over each rack's front face.</p>"
            + table(head, body, widths=widths, left=(5,)))


def _status(r: dict, d: dict) -> str:
    """The rack's state after the change, its words joined so the cell stays one line."""
    if r["rack_id"] in d["deltas"].get("dark_racks", []):
        text, cls = "without power", "bad"
    elif r["newly_above_allowable"]:
        text, cls = "newly above allowable", "bad"
    elif r["above_allowable"]:
        text, cls = "still above allowable", "bad"
    elif r["above_recommended"]:
        text, cls = "above recommended", "warn"
    elif d["scenario"] is None:
        text, cls = "no steady state", "bad"
    else:
        text, cls = "within recommended", "ok-plain"
    return f"<span class='{cls}'>{esc(text).replace(' ', '&nbsp;')}</span>"


def units(d: dict) -> str:
    body = []
    for u in sorted(unit_rows(d), key=lambda u: natural_key(u["unit_id"])):
        scen_state = u["scenario_state"] or ("failed" if d["scenario"] is None else MISSING)
        state = f"<span class='bad'>{esc(scen_state)}</span>" if scen_state == "failed" else esc(scen_state)
        body.append([esc(u["unit_id"]), esc(u["base_state"] or MISSING), state,
                     num(u["base_load_kw"]), num(u["scenario_load_kw"]),
                     num(u["load_delta_kw"], 1, True), num(u["base_return_temp_c"]),
                     num(u["scenario_return_temp_c"])])
    return "<h2>Cooling units</h2>" + table(
        ["Unit", "Baseline", "Scenario", "Load before\n(kW)", "Load after\n(kW)", "Change\n(kW)",
         "Return before\n(°C)", "Return after\n(°C)"], body,
        widths=(12, 12, 12, 12, 12, 12, 14, 14), left=(1, 2))


def ride(d: dict, figure: Figure) -> str:
    r = d.get("ride_through")
    if not r:
        return ""
    how = (f"the intakes approach their new steady values with a time constant of "
           f"{num(r['tau_s'], 0)} s" if r["tau_s"] is not None else
           f"with no cooling the room warms by {num(r['rise_k_per_min'])} K per minute")
    return (f"<h2>Ride-through after the failure</h2><p>A well-mixed room with a heat capacity "
            f"of {num(r['heat_capacity_kj_k'], 0)} kJ/K: {esc(how)}. Each rack's time to the "
            f"allowable {r['allowable_c']:g} °C is in the rack table above.</p>" + figure("ride"))


def power(d: dict) -> str:
    deltas = d["deltas"]
    lines = []
    if deltas.get("failed_power_components"):
        lines.append("Out of service: " + ids(deltas["failed_power_components"]))
    if deltas.get("dark_racks"):
        lines.append("Racks without power: " + ids(deltas["dark_racks"]))
    if deltas.get("newly_overloaded"):
        lines.append("Over their continuous limit: " + ids(deltas["newly_overloaded"]))
    if not lines:
        return ""
    return "<h2>Power chain</h2><ul>" + "".join(f"<li>{esc(x)}</li>" for x in lines) + "</ul>"


ASSUMPTIONS = (
    "Air temperatures are steady states of dctwin's thermal model ({model} model, {cell} m "
    "grid); its equations and limits are in dctwin's documentation (thermal.md).",
    "Limits are ASHRAE TC 9.9 (2021) class {cls}: recommended up to {rec:g} °C, allowable up "
    "to {allow:g} °C, judged on the maximum over each rack's intake face.",
    "Ride-through: a well-mixed room of air (plus equipment mass when given) warming from the "
    "baseline; local recirculation can make a rack cross sooner. Air-only figures are the "
    "pessimistic bound (scenarios.md).",
    "A failed power component is out of service in the power analysis only; racks keep their "
    "heat load in the thermal solve (a conservative choice).",
    "Energy, cost and CO2 per year assume the scenario lasts all year.",
)


def assumptions(d: dict) -> str:
    m = d["baseline"]["metrics"]
    args = {"model": d["model"], "cell": f"{d['cell_m']:g}", "cls": m["ashrae_class"],
            "rec": m["recommended_c"][1], "allow": m["allowable_c"][1]}
    return ("<h2>Assumptions and model limits</h2><ul>"
            + "".join(f"<li>{esc(a.format(**args))}</li>" for a in ASSUMPTIONS) + "</ul>")

