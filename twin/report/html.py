"""report.html: one self-contained document (figures embedded) a facility manager can forward.

`render(study)` draws the figures as inline SVG; `render(study, vector=False)` as PNG, the
form Qt's PDF writer lays out (twin/gui/report_pdf.py). Both carry the same text: the
model first (a preview-model report says so at the top), then the verdict led by what the
scenario does, split into what the change breaks and what was already out of range.
"""
from __future__ import annotations

import base64

import twin
from twin.report import sections
from twin.report.airside import section as airside_section
from twin.report.calibration import section as calibration_section
from twin.report.capacity import section as capacity_section
from twin.report.liquid import section as liquid_section
from twin.report.findings import findings
from twin.report.fmt import MISSING, count, esc, file_name, num

SCREEN = "body{max-width:760px;margin:2em auto}"       # the PDF page sets its own margins
STYLE = """body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:10pt;color:#1a1a1a}
h1{font-size:17pt;margin:0 0 .2em}h2{font-size:13pt;margin:1.4em 0 .4em;color:#1f3b5a}
h3{font-size:11pt;margin:.8em 0 .3em}p{margin:.3em 0 .6em}
table.data{border-collapse:collapse;margin:.4em 0 1em}
table.data td,table.data th{border:1px solid #b8b8b8;padding:3px 7px;text-align:right}
table.data th{background-color:#eef1f4}
table.data td.id,table.data th.id{text-align:left}
table.box{width:100%;border-collapse:collapse;margin:.6em 0}
table.box td{padding:8px 12px;text-align:left}
.bad{color:#b00000;font-weight:bold}.warn{color:#8a5a00}.ok{color:#216e21;font-weight:bold}
.sub{color:#555;font-size:9pt}.fig{text-align:center;margin:.6em 0 1em}
.fig svg{height:auto}
@media print{.fig,table.box{page-break-inside:avoid}h2,h3{page-break-after:avoid}}"""

VERDICT_BG = {True: "#e6f4e6", False: "#fbe4e4"}
PREVIEW_BG = "#fff3cd"
MODEL_BG = "#eef1f4"
MODEL_NAMES = {"preview": "fast and coarse, for exploring",
               "accurate": "a steady RANS solve, for decisions"}


def render(study, vector: bool = True) -> str:
    """The whole document; figures as inline SVG (vector) or embedded PNG."""
    d = study.data
    pictures = sections.pictures(study)

    def figure(key: str) -> str:
        pic = pictures.get(key)
        if pic is None:
            return ""
        if vector:
            return f"<div class='fig' role='img' aria-label='{esc(pic.alt)}'>{pic.svg}</div>"
        data = base64.b64encode(pic.png).decode("ascii")
        return (f"<p class='fig' align='center'><img alt='{esc(pic.alt)}' "
                f"width='{round(pic.width_in * 96)}' "
                f"src='data:image/png;base64,{data}'></p>")

    title = f"What-if report: {d['scenario_name']}"
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>{esc(title)} ({esc(d['layout'])})</title>"
             f"<style>{STYLE}{SCREEN if vector else ''}</style></head><body>",
             f"<h1>{esc(title)}</h1>",
             f"<p class='sub'>{esc(d['layout'])} · layout file {esc(file_name(d.get('layout_file')))}"
             f" · generated {esc(_when(d['generated_utc']))}</p>",
             _model_banner(d), _verdict(d), _key_figures(d),
             sections.maps(d, figure), sections.racks(d, figure), sections.units(d),
             airside_section(d, sections.table),
             sections.ride(d, figure), sections.power(d),
             liquid_section(d, sections.table), capacity_section(d, sections.table, figure),
             calibration_section(d, sections.table),
             sections.assumptions(d), _about(d),
             "</body></html>"]
    return "\n".join(p for p in parts if p)


def _when(stamp: str) -> str:
    return stamp.replace("T", " ").replace("Z", " UTC")


def _box(colour: str, inner: str) -> str:
    return (f"<table class='box' bgcolor='{colour}' cellpadding='8' width='100%'>"
            f"<tr><td style='background-color:{colour}'>{inner}</td></tr></table>")


def _model_banner(d: dict) -> str:
    what = MODEL_NAMES.get(d["model"], "")
    grid = f"{d['cell_m']:g} m grid"
    if d["model"] == "preview":
        return _box(PREVIEW_BG, "<b>Preview model.</b> These figures come from dctwin's preview "
                    f"model ({esc(what)}, {grid}). Use them to explore; confirm any decision "
                    "with the accurate model (<code>dctwin report … --model accurate</code>).")
    return _box(MODEL_BG, f"<b>Thermal model: {esc(d['model'])}</b> ({esc(what or 'as named')}, "
                f"{grid}).")


def _items(lines: list[str], cls: str, empty: str) -> str:
    if not lines:
        return f"<p>{esc(empty)}</p>"
    return "<ul>" + "".join(f"<li class='{cls}'>{esc(x)}</li>" for x in lines) + "</ul>"


def _verdict(d: dict) -> str:
    f = findings(d)
    head = ("<span class='ok'>Verdict: the change holds.</span>" if f.holds else
            "<span class='bad'>Verdict: the change does NOT hold.</span>")
    inner = [f"<h2 style='margin-top:0'>{head}</h2>",
             "".join(f"<p>{esc(line)}</p>" for line in f.lead),
             "<h3>Broken by this change</h3>",
             _items(f.broken, "bad", "Nothing: no rack is pushed above the allowable intake "
                    "maximum and the power chain holds."),
             "<h3>Already out of range before the change</h3>",
             _items(f.already, "", "Nothing: before the change every rack was within the "
                    "recommended range and every power component within its limit.")]
    if f.watch:
        inner += ["<h3>Worse, but within the allowable range</h3>", _items(f.watch, "warn", "")]
    return _box(VERDICT_BG[f.holds], "".join(inner))


KEY_ROWS = (   # (label, source, key, digits)
    ("Hottest rack intake (°C)", "hottest", None, 1),
    ("Racks above recommended", "metrics", "racks_above_recommended", None),
    ("Racks above allowable", "metrics", "racks_above_allowable", None),
    ("RCI high (%)", "metrics", "rci_hi_pct", 1),
    ("RCI low (%)", "metrics", "rci_lo_pct", 1),
    ("RTI (%)", "metrics", "rti_pct", 1),
    ("SHI", "metrics", "shi", 3),
)
POWER_ROWS = (("it_kw", "IT power (kW)", 1), ("cooling_kw", "Cooling power (kW)", 1),
              ("facility_kw", "Facility power (kW)", 1), ("pue", "PUE", 3),
              ("annual_facility_mwh", "Energy per year (MWh)", 0),
              ("annual_co2_t", "CO2 per year (t)", 1))


def _key_value(outcome, source: str, key):
    if outcome is None:
        return None
    if source == "hottest":
        values = [r["inlet_max_c"] for r in outcome["racks"].values() if r.get("inlet_max_c") is not None]
        return max(values) if values else None
    value = outcome["metrics"].get(key)
    return len(value) if isinstance(value, list) else value


def _key_figures(d: dict) -> str:
    rows = []
    for label, source, key, digits in KEY_ROWS:
        b, s = (_key_value(o, source, key) for o in (d["baseline"], d["scenario"]))
        fmt = (lambda v, sign=False: count(v) if not sign else (f"{v:+,d}" if v else "±0")
               ) if digits is None else (
            lambda v, sign=False, n=digits: num(v, n, sign))
        change = fmt(s - b, True) if b is not None and s is not None else MISSING
        rows.append([label, fmt(b) if b is not None else MISSING,
                     fmt(s) if s is not None else "no steady state", change])
    p = d["deltas"].get("power") or {}
    cost_label = f"Cost per year ({p['currency']})" if p.get("currency") else "Cost per year"
    for key, label, digits in (*POWER_ROWS, ("annual_cost", cost_label, 0)):
        if key in p and p[key]["base"] is not None:
            rows.append([label, num(p[key]["base"], digits), num(p[key]["scenario"], digits),
                         num(p[key]["delta"], digits, True)])
    rows = [[esc(c) for c in row] for row in rows]
    return "<h2>Key figures</h2>" + sections.table(["Figure", "Baseline", "Scenario", "Change"], rows)


def _about(d: dict) -> str:
    edits = "; ".join(d["edits"]) or "none (the layout as it is)"
    rows = [["Layout", esc(d["layout"])], ["Layout file", esc(file_name(d.get("layout_file")))],
            ["Layout file SHA-256", f"<code>{esc(d['layout_file_sha256'] or MISSING)}</code>"],
            ["Scenario", esc(d["scenario_name"])], ["Edits", esc(edits)],
            ["Thermal model", esc(f"{d['model']}, {d['cell_m']:g} m grid, {count(d['solves'])} solves")],
            ["Generated", esc(_when(d["generated_utc"]))], ["Software", f"dctwin {twin.__version__}"]]
    return "<h2>About this report</h2>" + sections.table(["Item", "Value"], rows, left_cols=2)
