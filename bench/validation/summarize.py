"""Print a markdown table of every validation room's CFD results (per-rack intakes, returns, energy).

    python bench/validation/summarize.py [NAME ...]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from twin.cfd.case import CaseSettings  # noqa: E402
from twin.cfd.simulate import DAMPED_START, fallback_note  # noqa: E402

REFERENCE_K0_M2S2 = CaseSettings().k0_m2s2
ROOMS = Path(__file__).resolve().parent / "rooms"


def room_table(folder: Path, result_name: str = "result.json") -> str:
    """Markdown section for one of a room's result files."""
    r = json.loads((folder / result_name).read_text())
    c, e = r["cfd"], r["energy_balance"]
    lines = [f"### {folder.name} ({result_name})",
             f"{r['grid']['cell_m']} m grid, {r['grid']['cells']} cells, {c['iterations']} iterations "
             f"({c['averaged_iters']} averaged), {r['solve_seconds']:.0f} s; energy balance "
             f"{e['error_pct']:+.2f} % of {e['it_power_kw']:.0f} kW; {_inflow(c)}", "",
             "| rack | kW | intake mean | max | lower | middle | upper | iterate std |",
             "|---|---|---|---|---|---|---|---|"]
    std = c.get("iterate_std_k", {})
    for rid, k in r["racks"].items():
        s = std.get("front_" + rid.replace("-", "_"))
        lines.append(f"| {rid} | {k['power_kw']:g} | {k['inlet_mean_c']:.2f} | {k['inlet_max_c']:.2f} | "
                     f"{k['inlet_lower_c']:.2f} | {k['inlet_middle_c']:.2f} | {k['inlet_upper_c']:.2f} | "
                     + ("" if s is None else f"{s:.2f}") + " |")
    units = ", ".join(f"{uid} " + ("failed" if u["return_temp_c"] is None else f"{u['return_temp_c']:.2f} degC")
                      for uid, u in r["cooling_units"].items())
    lines += ["", f"Returns: {units}.", ""]
    return "\n".join(lines)


def _inflow(cfd: dict) -> str:
    """The CFD method a result was computed with: inflow turbulence and the k-epsilon start it took.

    `cfd.start` (written since the damped-start retry exists) is the start the kept run used;
    older results only record the requested settings.
    """
    settings = cfd.get("settings") or {}
    intensity = settings.get("inflow_intensity")
    if intensity is None:
        return "inflow turbulence 5 %, damped start (before settings were recorded)"
    used = cfd.get("start") or {}
    k0 = used.get("k0_m2s2", settings.get("k0_m2s2"))
    start = {REFERENCE_K0_M2S2: "reference start", DAMPED_START["k0_m2s2"]: "damped start"}.get(k0, "start")
    text = f"inflow turbulence {intensity:.0%}, {start} (k0 {k0:g})"
    note = fallback_note(cfd)
    return text if note is None else f"{text}; {note}"


def main(argv=None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or sorted(p.name for p in ROOMS.iterdir())
    for name in names:
        for result in sorted((ROOMS / name).glob("result*.json")):
            print(room_table(ROOMS / name, result.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
