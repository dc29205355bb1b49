"""Calibration on a known truth: perturb a validation room, sample its readings, fit them back.

    python bench/calibration.py                          # truth from the accurate model (minutes)
    python bench/calibration.py --truth cfd              # truth from `dctwin cfd` at 0.2 m (OpenFOAM)
    python bench/calibration.py --readings sensors       # point sensors instead of rack intakes
    python bench/calibration.py --docs                   # also write the table into docs/calibration.md

The room (bench/validation/rooms/ROOM, default b_mixed_density) gets two air
sensors 0.15 m in front of every rack (at a quarter and three quarters of
its height). The truth is the room with every rack's airflow x 0.8, the last
running unit's supply +1.5 K and the first running unit's airflow x 0.7.
Readings (each rack's mean intake, or with --readings sensors the point
sensors; --truth cfd always reads intakes; plus every unit's supply, return
and fan speed) are sampled from the truth with 0.1 K
noise over ten minutes, and `calibrate` fits the nominal layout to them
(accurate model, 0.2 m cells, one rack factor per row).
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from twin.calibrate import Settings, calibrate, read_measured, snapshot  # noqa: E402
from twin.calibrate import synthetic as syn  # noqa: E402
from twin.calibrate.calibration import Z95  # noqa: E402
from twin.model import load_layout  # noqa: E402
from twin.model.objects import Sensor  # noqa: E402

ROOMS = REPO / "bench" / "validation" / "rooms"
DOC = REPO / "docs" / "calibration.md"
MARK = "<!-- bench/calibration.py --truth {truth} --readings {readings}: {edge} -->"
OFFSET_M = 0.15


def front_point(rack, z_m: float) -> tuple[float, float, float]:
    """A point OFFSET_M in front of the centre of a rack's front face."""
    (x0, y0), (sx, sy, _) = rack.position_m, rack.size_m
    cx, cy = x0 + sx / 2, y0 + sy / 2
    return {"+y": (cx, y0 + sy + OFFSET_M, z_m), "-y": (cx, y0 - OFFSET_M, z_m),
            "+x": (x0 + sx + OFFSET_M, cy, z_m), "-x": (x0 - OFFSET_M, cy, z_m)}[rack.facing]


def with_sensors(layout):
    out = copy.deepcopy(layout)
    out.version = 2
    for rack in out.racks:
        h = rack.size_m[2]
        out.sensors += [Sensor(f"{rack.id}-low", front_point(rack, 0.25 * h)),
                        Sensor(f"{rack.id}-high", front_point(rack, 0.75 * h))]
    return out


def unit_names(layout) -> list[str]:
    return [f"unit:{u.id}:{q}" for u in layout.cooling_units if u.running
            for q in ("supply_c", "return_c", "fan_pct")]


def cfd_truth(truth, nominal, cell_m: float) -> dict:
    """Run `dctwin cfd` on the truth (nice 19) and read racks' intakes and units' returns."""
    from twin.model import save_layout
    from twin.calibrate.params import predict_fan_pct
    from twin.calibrate.measured import bind
    folder = Path(tempfile.mkdtemp(prefix="calib-cfd-"))
    path = folder / "truth.yaml"
    save_layout(truth, path)
    subprocess.run(["nice", "-n", "19", sys.executable, "-m", "twin", "cfd", str(path), "--out",
                    str(folder / "out"), "--cell-m", f"{cell_m:g}", "--quiet", "--discard-case"],
                   check=True, cwd=REPO)
    result = json.loads((folder / "out" / "result.json").read_text())
    values = {f"rack:{rid}:intake_c": r["inlet_mean_c"] for rid, r in result["racks"].items()}
    for u in truth.cooling_units:
        if u.running:
            values[f"unit:{u.id}:supply_c"] = u.supply_temp_c
            values[f"unit:{u.id}:return_c"] = result["cooling_units"][u.id]["return_temp_c"]
            values[f"unit:{u.id}:fan_pct"] = predict_fan_pct(truth, nominal,
                                                              bind(nominal, f"unit:{u.id}:fan_pct"))
    return values


def run(room: str, truth_model: str, cell_m: float, cfd_cell_m: float, readings: str = "sensors"):
    nominal = with_sensors(load_layout(ROOMS / room / "layout.yaml"))
    truth, true_values = syn.perturbed_truth(nominal)
    t0 = time.perf_counter()
    if truth_model == "cfd":
        values = cfd_truth(truth, nominal, cfd_cell_m)
    else:
        names = [s.id for s in nominal.sensors] * (readings == "sensors") + unit_names(nominal) + \
            [f"rack:{r.id}:intake_c" for r in nominal.racks] * (readings == "intakes")
        values = syn.truth_values(truth, nominal, names, cell_m=cell_m, model="accurate")
    truth_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "readings.csv"
        path.write_text(syn.readings_csv(syn.sample_readings(values, 10, noise_k=0.1)))
        measured = read_measured(path, nominal)
        t0 = time.perf_counter()
        cal = calibrate(nominal, measured, snapshot(measured), Settings(cell_m=cell_m))
        fit_s = time.perf_counter() - t0
    return cal, true_values, truth_s, fit_s


def table(cal, true_values, room, truth_model, truth_s, fit_s, cfd_cell_m, readings) -> list[str]:
    what = ("two point sensors 0.15 m in front of every rack" if readings == "sensors"
            else "every rack's mean intake")
    source = (f"`dctwin cfd` at {cfd_cell_m:g} m (OpenFOAM; readings: every rack's mean intake)"
              if truth_model == "cfd" else f"the accurate model at {cal.settings.cell_m:g} m "
              f"(readings: {what})")
    out = [f"Room `{room}`; truth from {source}, plus every running unit's supply, return and "
           f"fan speed; 0.1 K noise, ten readings each. Fit: accurate model, "
           f"{cal.settings.cell_m:g} m cells, {cal.solves['preview']} preview and "
           f"{cal.solves['accurate']} accurate solves, {fit_s:.0f} s (truth {truth_s:.0f} s).", "",
           "| parameter | truth | fitted | ± 95 % | within |", "|---|---|---|---|---|"]
    for f in cal.params:
        truth = true_values.get(f.parameter.id, 0.8 if f.parameter.kind == "rack_airflow" else None)
        if not f.fitted:
            out.append(f"| {f.parameter.id} | {truth:g} | fixed at {f.value:g} | | "
                       f"{f.fixed_because} |")
            continue
        ok = abs(f.value - truth) <= Z95 * f.sd
        out.append(f"| {f.parameter.id} | {truth:g} | {f.value:.3f} | {Z95 * f.sd:.3f} | "
                   f"{'yes' if ok else '**no**'} |")
    held = [c for c in cal.channels if c.held_out]
    out += ["", "| held-out reading | measured °C | twin before | twin after | after − measured |",
            "|---|---|---|---|---|"]
    out += [f"| {c.channel.name} | {c.measured:.2f} | {c.before:.2f} | {c.after:.2f} | "
            f"{c.after - c.measured:+.2f} |" for c in held]
    out += ["", f"Held-out RMS {cal.residual_rms(True, False):.2f} K before, "
                f"{cal.residual_rms(True):.2f} K after; largest after {cal.held_out_max_k():.2f} K."]
    return out


def write_doc(lines: list[str], truth: str, readings: str) -> None:
    """Replace the table between this run's markers in docs/calibration.md."""
    text = DOC.read_text(encoding="utf-8")
    begin = MARK.format(truth=truth, readings=readings, edge="begin")
    start = text.index(begin) + len(begin)
    end = text.index(MARK.format(truth=truth, readings=readings, edge="end"))
    DOC.write_text(text[:start] + "\n" + "\n".join(lines) + "\n" + text[end:], encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--room", default="b_mixed_density")
    parser.add_argument("--truth", choices=("accurate", "cfd"), default="accurate")
    parser.add_argument("--cell-m", type=float, default=0.2)
    parser.add_argument("--cfd-cell-m", type=float, default=0.2)
    parser.add_argument("--readings", choices=("intakes", "sensors"), default="intakes",
                        help="what the room reads: each rack's mean intake (default) or the two "
                             "point sensors in front of each rack")
    parser.add_argument("--docs", action="store_true", help="write the table into docs/calibration.md")
    args = parser.parse_args()
    cal, true_values, truth_s, fit_s = run(args.room, args.truth, args.cell_m, args.cfd_cell_m,
                                           args.readings)
    lines = table(cal, true_values, args.room, args.truth, truth_s, fit_s, args.cfd_cell_m,
                  args.readings)
    print("\n".join(lines))
    if args.docs:
        write_doc(lines, args.truth, args.readings)
    within = all(abs(f.value - true_values.get(f.parameter.id, 0.8)) <= Z95 * f.sd
                 for f in cal.params if f.fitted)
    return 0 if within and cal.held_out_max_k() <= 0.5 else 1


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
