"""report.html: one self-contained page (images embedded) a facility manager can forward."""
from __future__ import annotations

import html
import math

import numpy as np

from twin.report import png
from twin.report.tables import rack_rows, unit_rows
from twin.scenario.ridethrough import format_time

STYLE = """body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;
text-align:right}th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}
.ok{background:#e3f4e3;border:2px solid #3a3}.fail{background:#fde8e8;border:2px solid #c33}
.verdict{padding:.8em 1.2em;margin:1em 0}.bad{color:#b00;font-weight:bold}
.maps{display:flex;gap:1em;flex-wrap:wrap}figure{margin:0}figcaption{font-size:90%}
.small{font-size:85%;color:#555}"""


def esc(value) -> str:
    return html.escape(str(value))


def num(value, digits: int = 1, sign: bool = False) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"


def table(head: list[str], rows: list[list[str]]) -> str:
    out = ["<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows]
    return "\n".join(out) + "</table>"


def render(study) -> str:
    """The whole page."""
    d = study.data
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>dctwin report: "
             f"{esc(d['layout'])} – {esc(d['scenario_name'])}</title><style>{STYLE}</style></head><body>",
             f"<h1>{esc(d['layout'])}: {esc(d['scenario_name'])}</h1>",
             _verdict(d), _facts(d), _summary(d), _maps(study), _racks(d), _units(d),
             _ride(d), _power(d), _assumptions(d), "</body></html>"]
    return "\n".join(p for p in parts if p)


def _verdict(d: dict) -> str:
    v = d["deltas"]["verdict"]
    head = "The change holds" if v["holds"] else "The change does NOT hold"
    items = "".join(f"<li class='bad'>{esc(p)}</li>" for p in v["problems"])
    items += "".join(f"<li>{esc(w)}</li>" for w in v["warnings"])
    none = "<li>no rack goes above the allowable intake maximum; power holds</li>"
    return (f"<div class='verdict {'ok' if v['holds'] else 'fail'}'><h2>{head}</h2>"
            f"<ul>{items or none}</ul></div>")


def _facts(d: dict) -> str:
    edits = ", ".join(d["edits"]) or "none"
    return (f"<p class='small'>Generated {esc(d['generated_utc'])} · layout file "
            f"{esc(d['layout_path'])} · SHA-256 {esc(d['layout_file_sha256'])} · edits: {esc(edits)} · "
            f"{esc(d['model'])} model, {d['cell_m']:g} m grid · {d['solves']} solves</p>")


def _summary(d: dict) -> str:
    deltas = d["deltas"]
    p = deltas.get("power") or {}
    rows = [["Largest intake rise (K)", "", "", num(deltas.get("max_inlet_rise_k"), 1, True)]]
    cur = p.get("currency") or ""
    labels = [("facility_kw", "Facility power (kW)", 1), ("cooling_kw", "Cooling power (kW)", 1),
              ("pue", "PUE", 3), ("annual_facility_mwh", "Energy per year (MWh)", 0),
              ("annual_cost", f"Cost per year ({cur})".replace(" ()", ""), 0)]
    for key, label, digits in labels:
        if key in p and p[key]["base"] is not None:
            rows.append([label, num(p[key]["base"], digits), num(p[key]["scenario"], digits),
                         num(p[key]["delta"], digits, True)])
    return "<h2>Summary</h2>" + table(["", "baseline", "scenario", "change"], rows)


def _maps(study) -> str:
    if study.scen is None:
        return ""
    b, s = study.base.result, study.scen.result
    height_m = 0.5 * float(np.mean([r.size_m[2] for r in study.layout.racks] or [2.0]))
    pb, ps = (png.plane_at(r.temperature_c, r.cell_m, height_m) for r in (b, s))
    both = np.concatenate([pb[np.isfinite(pb)], ps[np.isfinite(ps)]])
    lo, hi = (float(np.min(both)), float(np.max(both))) if both.size else (15.0, 35.0)
    figs = [_figure(png.colour_map(pb, lo, hi), f"Baseline, {lo:.1f}–{hi:.1f} °C"),
            _figure(png.colour_map(ps, lo, hi), f"Scenario, {lo:.1f}–{hi:.1f} °C")]
    if pb.shape == ps.shape:
        diff = ps - pb
        span = float(np.nanmax(np.abs(diff))) if np.isfinite(diff).any() else 1.0
        span = max(span, 0.1)
        figs.append(_figure(png.colour_map(diff, -span, span, diverging=True),
                            f"Difference, −{span:.1f} (blue) to +{span:.1f} K (red)"))
    return (f"<h2>Floor temperatures at {height_m:.1f} m</h2><p class='small'>North up; grey: "
            "racks and cooling units.</p><div class='maps'>" + "".join(figs) + "</div>")


def _figure(image: np.ndarray, caption: str) -> str:
    return (f"<figure><img alt='{esc(caption)}' src='{png.data_uri(png.png_bytes(image))}'>"
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def _racks(d: dict) -> str:
    rows = sorted(rack_rows(d), key=lambda r: -(r["scenario_inlet_max_c"] or r["base_inlet_max_c"] or 0))
    body = []
    for r in rows:
        state = "ABOVE ALLOWABLE" if r["above_allowable"] else (
            "above recommended" if r["above_recommended"] else "ok")
        cls = " class='bad'" if r["above_allowable"] else ""
        body.append([esc(r["rack_id"]), num(r["power_kw"]), num(r["base_inlet_max_c"]),
                     num(r["scenario_inlet_max_c"]), num(r["inlet_max_delta_k"], 1, True),
                     f"<span{cls}>{state}</span>"])
    return "<h2>Racks (intake maximum, °C)</h2>" + table(
        ["rack", "kW", "baseline", "scenario", "change (K)", "scenario status"], body)


def _units(d: dict) -> str:
    body = [[esc(u["unit_id"]), esc(u["base_state"]), esc(u["scenario_state"] or "–"),
             num(u["base_load_kw"]), num(u["scenario_load_kw"]), num(u["load_delta_kw"], 1, True)]
            for u in unit_rows(d)]
    return "<h2>Cooling units</h2>" + table(
        ["unit", "baseline", "scenario", "load kW", "scenario load kW", "change"], body)


def _ride(d: dict) -> str:
    ride = d.get("ride_through")
    if not ride:
        return ""
    how = (f"time constant {ride['tau_s']:.0f} s" if ride["tau_s"] is not None else
           f"no cooling: the room warms {ride['rise_k_per_min']:.1f} K per minute")
    times = sorted(ride["time_to_allowable_s"].items(),
                   key=lambda kv: (kv[1] is None, kv[1] if kv[1] is not None else 0))
    rows = [[esc(k), format_time(v)] for k, v in times]
    return (f"<h2>Ride-through after the failure</h2><p>Intake maxima over the first minutes "
            f"(well-mixed room, heat capacity {ride['heat_capacity_kj_k']:.0f} kJ/K, {how}); "
            f"dashed line: allowable {ride['allowable_c']:g} °C.</p>" + svg_chart(ride)
            + table(["rack", "time to allowable"], rows))


def svg_chart(ride: dict, width: int = 720, height: int = 300) -> str:
    """A line chart of intake maxima against minutes, as inline SVG."""
    t = np.array(ride["times_s"]) / 60.0
    series = {k: np.array(v) for k, v in ride["inlet_max_c"].items()}
    if not series or len(t) < 2:
        return ""
    lo = min(float(min(v.min() for v in series.values())), ride["allowable_c"]) - 1
    hi = max(float(max(v.max() for v in series.values())), ride["allowable_c"]) + 1
    x = lambda m: 50 + (width - 60) * m / t[-1]                  # noqa: E731
    y = lambda c: height - 30 - (height - 40) * (c - lo) / (hi - lo)  # noqa: E731
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}'>",
           f"<rect x='50' y='10' width='{width - 60}' height='{height - 40}' fill='none' stroke='#888'/>"]
    for rid, v in series.items():
        pts = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in zip(t, v))
        out.append(f"<polyline fill='none' stroke='#c44' stroke-opacity='.6' points='{pts}'>"
                   f"<title>{esc(rid)}</title></polyline>")
    ya = y(ride["allowable_c"])
    out.append(f"<line x1='50' x2='{width - 10}' y1='{ya:.1f}' y2='{ya:.1f}' stroke='#000' "
               "stroke-dasharray='6 4'/>")
    for c in np.linspace(lo, hi, 5):
        out.append(f"<text x='45' y='{y(c) + 4:.1f}' font-size='11' text-anchor='end'>{c:.0f}</text>")
    for m in np.linspace(0, t[-1], 6):
        out.append(f"<text x='{x(m):.1f}' y='{height - 12}' font-size='11' "
                   f"text-anchor='middle'>{m:.0f} min</text>")
    return "\n".join(out) + "</svg>"


def _power(d: dict) -> str:
    deltas = d["deltas"]
    lines = []
    if deltas.get("failed_power_components"):
        lines.append("Out of service: " + ", ".join(deltas["failed_power_components"]))
    if deltas.get("dark_racks"):
        lines.append("Racks without power: " + ", ".join(deltas["dark_racks"]))
    if deltas.get("newly_overloaded"):
        lines.append("Over their continuous limit: " + ", ".join(deltas["newly_overloaded"]))
    if not lines:
        return ""
    return "<h2>Power chain</h2><ul>" + "".join(f"<li>{esc(x)}</li>" for x in lines) + "</ul>"


ASSUMPTIONS = (
    "Steady air temperatures come from dctwin's thermal model ({model}, {cell} m grid); "
    "see docs/thermal.md for its equations and limits.",
    "ASHRAE TC 9.9 (2021) class {cls}: recommended up to {rec:g} °C, allowable up to {allow:g} °C "
    "at the rack intake (maximum over the front face).",
    "Ride-through: a well-mixed room of air (plus equipment mass when given) warming from the "
    "baseline; local recirculation can make a rack cross sooner. Air-only figures are the "
    "pessimistic bound (docs/scenarios.md).",
    "A failed power component is out of service in the power analysis only; racks keep "
    "their heat load in the thermal solve (a conservative choice).",
    "Energy, cost and CO2 figures assume the scenario lasts all year.",
)


def _assumptions(d: dict) -> str:
    m = d["baseline"]["metrics"]
    args = {"model": d["model"], "cell": f"{d['cell_m']:g}", "cls": m["ashrae_class"],
            "rec": m["recommended_c"][1], "allow": m["allowable_c"][1]}
    return ("<h2>Assumptions and model limits</h2><ul>"
            + "".join(f"<li>{esc(a.format(**args))}</li>" for a in ASSUMPTIONS) + "</ul>")
