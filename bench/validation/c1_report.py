"""Tables of docs/cfd.md "Reproduction of reference room C1": `dctwin cfd` against the reference.

    python bench/validation/c1_report.py [RESULT_DIR] [--case CASE_DIR]

Reads bench/validation/c1/result.json and fields.npz (a `dctwin cfd` run of
C1_baseline.yaml at 0.1 m) and the reference in ../shared/validation, and
prints the per-rack table (intake means, iterate std) and the region means
of the averaged temperature field as Markdown. With --case (the OpenFOAM
case of the run, `dctwin cfd --out DIR` keeps it in DIR/case), also the first
iterations of the A1 front monitor beside the reference's own monitor.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT.parent / "shared" / "validation"

# (label, x range m, y range m, z range m) of the regions compared; the cold aisle is y 3.0-4.2 m
REGIONS = (
    ("west end of the cold aisle (x 2.0-2.4 m, z 0-2 m)", (2.0, 2.4), (3.0, 4.2), (0.0, 2.0)),
    ("east end of the cold aisle (x 6.0-6.4 m)", (6.0, 6.4), (3.0, 4.2), (0.0, 2.0)),
    ("above the cold aisle (z 2-3 m)", (2.4, 6.0), (3.0, 4.2), (2.0, 3.0)),
    ("ceiling layer (z 2.5-3 m)", (0.0, 10.8), (0.0, 7.2), (2.5, 3.0)),
    ("west of the rows (x 0.9-2.4 m)", (0.9, 2.4), (0.0, 7.2), (0.0, 3.0)),
    ("east of the rows (x 6.0-9.9 m)", (6.0, 9.9), (0.0, 7.2), (0.0, 3.0)),
)


def region_mean_c(t: np.ndarray, cell_m: float, box) -> float:
    """Mean of the fluid cells whose centres lie in the box (NaN cells are solids)."""
    sl = tuple(slice(int(round(lo / cell_m)), int(round(hi / cell_m))) for lo, hi in box)
    return float(np.nanmean(t[sl]))


def rack_table(ours: dict, ref: dict) -> list[str]:
    std = ours["cfd"].get("iterate_std_k", {})
    lines = ["| rack | reference | dctwin cfd | difference | ref. iterate std | iterate std |",
             "|---|---|---|---|---|---|"]
    for rid, r in ref["racks"].items():
        got = ours["racks"][rid]["inlet_mean_c"]
        want = r["inlet_mean_C"]
        ref_std = r.get("inlet_mean_iterate_std_K")
        lines.append(f"| {rid} | {want:.2f} | {got:.2f} | {got - want:+.2f} | "
                     f"{'' if ref_std is None else f'{ref_std:.2f}'} | {std.get('front_' + rid, 0.0):.2f} |")
    for uid, u in ref["cooling_units"].items():
        got = ours["cooling_units"][uid]["return_temp_c"]
        want = u["return_mean_C"]
        lines.append(f"| return {uid} | {want:.2f} | {got:.2f} | {got - want:+.2f} | | "
                     f"{std.get('return_' + uid.replace('-', '_'), 0.0):.2f} |")
    errors = [abs(ours["racks"][k]["inlet_mean_c"] - r["inlet_mean_C"]) for k, r in ref["racks"].items()]
    lines += ["", f"MAE {np.mean(errors):.2f} K, worst {max(errors):.2f} K, energy balance "
                  f"{ours['energy_balance']['error_pct']:+.2f} %; {ours['cfd']['iterations']} iterations "
                  f"({ours['cfd']['averaged_iters']} averaged), solve {ours['solve_seconds']:.0f} s"]
    return lines


def region_table(ours_npz, ref_npz) -> list[str]:
    lines = ["| region | reference | dctwin cfd |", "|---|---|---|"]
    h = float(ref_npz["cell_size"])
    for label, *box in REGIONS:
        lines.append(f"| {label} | {region_mean_c(ref_npz['T'], h, box):.2f} | "
                     f"{region_mean_c(ours_npz['T'], h, box):.2f} |")
    return lines


def _monitor(path: Path) -> list[float]:
    rows = [line.split() for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return [float(r[1]) for r in rows]


def first_iterations(case: Path, n: int = 6, rack: str = "A1") -> list[str]:
    """The rack's front-mean monitor, iteration by iteration, against the reference case's monitor."""
    ours = _monitor(next((case / "postProcessing" / f"mean_front_{rack}").glob("*/surfaceFieldValue.dat")))
    ref = _monitor(REF / "C1_case" / "postProcessing" / f"f_{rack}" / "0" / "surfaceFieldValue.dat")
    lines = [f"| iteration | reference {rack} front degC | dctwin cfd | difference K |", "|---|---|---|---|"]
    for it in list(range(1, n + 1)) + [25, 50, 100, 200]:
        lines.append(f"| {it} | {ref[it - 1]:.6f} | {ours[it - 1]:.6f} | {ours[it - 1] - ref[it - 1]:+.1e} |")
    return lines


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    case = None
    if "--case" in argv:
        i = argv.index("--case")
        case = Path(argv[i + 1])
        del argv[i:i + 2]
    folder = Path(argv[0]) if argv else ROOT / "bench" / "validation" / "c1"
    if not (REF / "C1_baseline.json").exists():
        print(f"the reference is not at {REF}", file=sys.stderr)
        return 2
    ours = json.loads((folder / "result.json").read_text())
    ref = json.loads((REF / "C1_baseline.json").read_text())
    print("\n".join(rack_table(ours, ref)))
    print()
    print("\n".join(region_table(np.load(folder / "fields.npz"), np.load(REF / "C1_baseline_T_U.npz"))))
    if case is not None:
        print()
        print("\n".join(first_iterations(case)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
