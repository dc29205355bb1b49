"""The report's plots (matplotlib, Agg): every rack's intake before and after the change,
and the ride-through after a cooling failure, each with its ASHRAE limit lines."""
from __future__ import annotations

import matplotlib
import numpy as np

from twin.report.figures import RC, new_figure
from twin.report.fmt import natural_sorted

BASE_RGB, SCEN_RGB = "#9aa5b1", "#d9822b"
REC_RGB, ALLOW_RGB = "#b7791f", "#c00000"
NAMED_LINES = 8          # ride-through racks named in the legend; the rest drawn faint
LINE_RGB = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#17becf")       # tab10 without its grey (the other racks) and olive


def _limit_lines(ax, metrics: dict) -> None:
    rec, allow = metrics["recommended_c"][1], metrics["allowable_c"][1]
    ax.axhline(rec, color=REC_RGB, linestyle="--", linewidth=1.1,
               label=f"recommended maximum {rec:g} °C")
    ax.axhline(allow, color=ALLOW_RGB, linestyle="-", linewidth=1.3,
               label=f"allowable maximum {allow:g} °C")


def intake_chart(data: dict):
    """Bars of each rack's intake maximum, baseline and scenario, racks in natural order."""
    base = data["baseline"]["racks"]
    scen = (data["scenario"] or {}).get("racks", {})
    racks = natural_sorted(set(base) | set(scen))
    metrics = data["baseline"]["metrics"]
    with matplotlib.rc_context(RC):
        fig = new_figure(3.4)
        ax = fig.add_subplot()
        x = np.arange(len(racks))
        width = 0.4 if scen else 0.7
        b = [base.get(r, {}).get("inlet_max_c", np.nan) for r in racks]
        ax.bar(x - (width / 2 if scen else 0), b, width, color=BASE_RGB, label="baseline")
        if scen:
            s = [scen.get(r, {}).get("inlet_max_c", np.nan) for r in racks]
            ax.bar(x + width / 2, s, width, color=SCEN_RGB, label=f"scenario: {data['scenario_name']}")
        _limit_lines(ax, metrics)
        values = [v for v in b + ([scen[r]["inlet_max_c"] for r in scen] if scen else [])
                  if v is not None and np.isfinite(v)]
        top = max(values + [metrics["allowable_c"][1]])
        low = min(values + [metrics["recommended_c"][0]])
        ax.set_ylim(max(0.0, low - 3.0), top + 0.05 * (top - low + 3.0))
        step = max(1, int(np.ceil(len(racks) / 40)))
        ax.set_xticks(x[::step], racks[::step], rotation=90 if len(racks) > 12 else 0,
                      fontsize=8 if len(racks) <= 40 else 6)
        ax.set_xlim(-0.7, len(racks) - 0.3)
        ax.set_xlabel("Rack")
        ax.set_ylabel("Intake maximum (°C)")
        title = ("Rack intake maximum, baseline and scenario" if scen else
                 "Rack intake maximum, baseline (the scenario has no steady state)")
        ax.set_title(title, loc="left")
        fig.legend(loc="outside lower center", fontsize=7.5, ncols=4, frameon=False)
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
        ax.set_axisbelow(True)
    return fig


def ride_chart(data: dict):
    """Intake maxima over the minutes after the failure; hottest racks named in the legend."""
    ride = data["ride_through"]
    t_min = np.asarray(ride["times_s"], float) / 60.0
    series = {r: np.asarray(v, float) for r, v in ride["inlet_max_c"].items()}
    order = sorted(series, key=lambda r: (-float(series[r][-1]), r))
    named = set(order[:NAMED_LINES])
    with matplotlib.rc_context(RC):
        fig = new_figure(3.6)
        ax = fig.add_subplot()
        for rid in natural_sorted(set(series) - named):
            ax.plot(t_min, series[rid], color="#b0b0b0", linewidth=0.7,
                    label="other racks" if rid == natural_sorted(set(series) - named)[0] else None)
        for rid, colour in zip(natural_sorted(named), LINE_RGB):
            ax.plot(t_min, series[rid], linewidth=1.4, label=rid, color=colour)
        _limit_lines(ax, data["baseline"]["metrics"])
        ax.set_xlim(0, float(t_min[-1]) if len(t_min) else 1.0)
        ax.set_xlabel("Minutes after the failure")
        ax.set_ylabel("Intake maximum (°C)")
        ax.set_title("Ride-through: rack intake maxima after the failure", loc="left")
        fig.legend(loc="outside right center", fontsize=7.5, frameon=False)
        ax.grid(color="#e0e0e0", linewidth=0.6)
    return fig
