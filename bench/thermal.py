"""Thermal model benchmark: solve time, peak memory, cells and accuracy.

Prints, for the reference room C1 and the bundled halls, the median solve time
of repeated runs (each in a fresh process so peak memory is the process's
own), the number of fluid cells, and the error against the CFD reference where
one exists; for C1 also the worst-rack error against wall time while the
accurate model iterates, and the preview model's time and error.

usage: python bench/thermal.py [--repeats 3] [--cases c1,default_hall,hall_200] [--cell-m 0.2]
                              [--drag default_hall] [--against /path/to/other/checkout]

--against runs every accurate solve also with another checkout's `twin` (say the
main branch), alternating the two so both see the same machine load, and prints
both medians and their ratio: on a shared machine only such pairs compare.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
C1_YAML = ROOT.parent / "shared" / "validation" / "C1_baseline.yaml"
C1_REF = ROOT.parent / "shared" / "validation" / "C1_baseline.json"


def case_path(name: str) -> Path:
    if name == "c1":
        return C1_YAML
    return ROOT / "layouts" / f"{name}.yaml"


def one_run(layout_path: str, model: str, cell_m: float, root: str = str(ROOT)) -> dict:
    """Solve once in this process with the `twin` of checkout `root`; report time, cells,
    peak RSS and rack intakes."""
    sys.path.insert(0, root)
    from twin.model import load_layout
    from twin.thermal import solve
    layout = load_layout(layout_path)
    t0, c0 = time.perf_counter(), time.process_time()
    result = solve(layout, cell_m=cell_m, model=model)
    seconds, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    return {"seconds": seconds, "cpu_s": cpu_s, "cells": result.fluid_cells,
            "iterations": result.iterations,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "intake": {k: r.inlet_mean_c for k, r in result.racks.items()},
            "returns": {k: u.return_temp_c for k, u in result.cooling_units.items()},
            "energy_pct": result.energy_error_pct,
            "stop": getattr(result, "stop_reason", ""), "se_k": getattr(result, "uncertainty_k", 0.0)}


def run_isolated(layout_path: Path, model: str, cell_m: float, root: Path = ROOT) -> dict:
    code = (f"import json,sys; sys.path.insert(0,{str(ROOT)!r}); "
            f"from bench.thermal import one_run; "
            f"print(json.dumps(one_run({str(layout_path)!r}, {model!r}, {cell_m}, {str(root)!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"solve of {layout_path} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def warm_drag(layout_path: str, cell_m: float) -> dict:
    """Seconds and iterations of the accurate answer after moving a rack one cell to free
    floor, warm-started from the settled room (what the app does after a drag)."""
    sys.path.insert(0, str(ROOT))
    from twin.model import load_layout
    from twin.thermal.rans import prepare_rans
    layout = load_layout(layout_path)
    before = prepare_rans(layout, cell_m)
    cold = before.solve()
    rack = _movable_rack(layout, cell_m)
    x, y = rack.position_m
    rack.position_m = (x - cell_m, y)
    after = prepare_rans(layout, cell_m)
    after.warm_start(before)
    t0 = time.perf_counter()
    warm = after.solve()
    return {"cold_s": cold.solve_seconds, "cold_iters": cold.iterations,
            "warm_s": time.perf_counter() - t0, "warm_iters": warm.iterations,
            "stop": warm.stop_reason}


def _movable_rack(layout, step_m: float):
    """The first rack that can move one step towards -x without touching another box."""
    boxes = [(b.id, b.position_m, b.size_m) for b in list(layout.racks) + list(layout.cooling_units)]
    for rack in layout.racks:
        (x, y), (sx, sy, _) = rack.position_m, rack.size_m
        x -= step_m
        clear = x >= 0 and all(
            bid == rack.id or x + sx <= bx or bx + bsx <= x or y + sy <= by or by + bsy <= y
            for bid, (bx, by), (bsx, bsy, _) in boxes)
        if clear:
            return rack
    raise SystemExit("no rack can move one cell towards -x")


def end_to_end(layout_path: Path, root: Path = ROOT) -> tuple[float, float]:
    """Wall seconds from process start to the JSON result written (`dctwin simulate
    --json`) and the CPU seconds that process used."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), _children_cpu_s()
        out = subprocess.run([sys.executable, "-m", "twin", "simulate", str(layout_path),
                              "--json", str(Path(tmp) / "r.json")], capture_output=True, cwd=root)
        seconds, cpu_s = time.perf_counter() - t0, _children_cpu_s() - c0
    if out.returncode not in (0, 3):
        raise SystemExit(f"simulate {layout_path} failed:\n{out.stderr.decode()}")
    return seconds, cpu_s


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def c1_errors(intake: dict, returns: dict) -> tuple[float, float, float]:
    ref = json.loads(C1_REF.read_text())
    rack = [intake[k] - v["inlet_mean_C"] for k, v in ref["racks"].items()]
    ret = [returns[k] - v["return_mean_C"] for k, v in ref["cooling_units"].items()]
    mae = sum(map(abs, rack)) / len(rack)
    return mae, max(map(abs, rack)), max(map(abs, ret))


def time_to_accuracy(cell_m: float) -> list[tuple[float, int, float, float]]:
    """Worst-rack and mean error of the accurate model's running answer against wall time."""
    sys.path.insert(0, str(ROOT))
    import numpy as np
    from twin.model import load_layout
    from twin.thermal.grid import build_grid
    from twin.thermal.rans import RansState, Settings
    ref = json.loads(C1_REF.read_text())
    layout = load_layout(C1_YAML)
    order = [r.id for r in layout.racks]
    ref_v = np.array([ref["racks"][k]["inlet_mean_C"] for k in order])
    t0 = time.perf_counter()
    state = RansState(layout, build_grid(layout, cell_m), Settings())
    rows = []
    for it in range(1, state.s.max_iters + 1):
        state.step()
        if it % 50 == 0:
            err = state.monitor_values()[:len(order)] - ref_v
            rows.append((time.perf_counter() - t0, it, float(np.abs(err).max()),
                         float(np.abs(err).mean())))
            if it >= 600:
                break
    return rows


def compare(args) -> int:
    """Accurate solves of this checkout and of args.against, alternated; medians and ratios.

    On a machine shared with other jobs the wall seconds of two runs can differ by 2x
    for the same work; the CPU seconds the solve used vary much less, so both are shown.
    """
    other = args.against.resolve()
    print(f"this checkout {ROOT} vs {other}: accurate model, median of {args.repeats} alternated runs"
          f" (columns: this/other)")
    print(f"{'case':14} {'iters':>11} {'median wall s':>15} {'ratio':>6} {'median CPU s':>15} "
          f"{'ratio':>6} {'+-K':>11}  largest intake change K")
    for name in args.cases.split(","):
        path = case_path(name)
        runs = {ROOT: [], other: []}
        for _ in range(args.repeats):
            for root in runs:
                runs[root].append(run_isolated(path, "accurate", args.cell_m, root))
        new, old = runs[ROOT], runs[other]
        wall = [statistics.median(r["seconds"] for r in rs) for rs in (new, old)]
        cpu = [statistics.median(r["cpu_s"] for r in rs) for rs in (new, old)]
        change = max((abs(new[-1]["intake"][k] - old[-1]["intake"][k]) for k in new[-1]["intake"]),
                     default=0.0)
        print(f"{name:14} {new[-1]['iterations']:>5}/{old[-1]['iterations']:<5} "
              f"{wall[0]:>7.2f}/{wall[1]:<7.2f} {wall[0] / wall[1]:>6.2f} "
              f"{cpu[0]:>7.2f}/{cpu[1]:<7.2f} {cpu[0] / cpu[1]:>6.2f} "
              f"{new[-1]['se_k']:>5.2f}/{old[-1]['se_k']:<5.2f}  {change:.2f}")
    if "c1" in args.cases:
        pairs = [[x for root in (ROOT, other) for x in end_to_end(C1_YAML, root)]
                 for _ in range(args.repeats)]
        med = [statistics.median(p[i] for p in pairs) for i in range(4)]
        print(f"\nC1 end to end (process start to JSON written), median of {args.repeats} pairs: "
              f"wall {med[0]:.2f} s vs {med[2]:.2f} s (ratio {med[0] / med[2]:.2f}), "
              f"CPU {med[1]:.2f} s vs {med[3]:.2f} s (ratio {med[1] / med[3]:.2f})")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cases", default="c1,default_hall")
    ap.add_argument("--cell-m", type=float, default=0.2)
    ap.add_argument("--drag", default="", help="also time a warm re-solve after a rack drag in this case")
    ap.add_argument("--models", default="preview,accurate")
    ap.add_argument("--against", type=Path, help="another checkout: pair every accurate solve with its")
    ap.add_argument("--no-history", action="store_true", help="skip C1's answer-vs-wall-time table")
    args = ap.parse_args()
    if args.against:
        return compare(args)
    print(f"{'case':14} {'model':9} {'cells':>8} {'iters':>6} {'median s':>9} "
          f"{'peak MB':>8} {'MAE K':>6} {'worst K':>7} {'ret K':>6} {'energy %':>8} {'+-K':>5} stop")
    for name in args.cases.split(","):
        path = case_path(name)
        if not path.exists():
            print(f"{name}: {path} not found, skipped")
            continue
        for model in args.models.split(","):
            runs = [run_isolated(path, model, args.cell_m) for _ in range(args.repeats)]
            med = statistics.median(r["seconds"] for r in runs)
            last = runs[-1]
            acc = ("", "", "")
            if name == "c1" and C1_REF.exists():
                acc = tuple(f"{v:.2f}" for v in c1_errors(last["intake"], last["returns"]))
            print(f"{name:14} {model:9} {last['cells']:>8} {last['iterations']:>6} {med:>9.2f} "
                  f"{max(r['peak_mb'] for r in runs):>8.0f} {acc[0]:>6} {acc[1]:>7} {acc[2]:>6} "
                  f"{last['energy_pct']:>8.2f} {last['se_k']:>5.2f} {last['stop']}")
    if args.drag:
        path = case_path(args.drag)
        print(f"\nafter a one-rack drag in {args.drag}: {warm_drag(str(path), args.cell_m)}")
    if "c1" in args.cases:
        runs = sorted(end_to_end(C1_YAML)[0] for _ in range(args.repeats))
        print(f"\nC1 end to end (process start to JSON written), median of {args.repeats}: "
              f"{runs[len(runs) // 2]:.2f} s")
    if "c1" in args.cases and C1_REF.exists() and not args.no_history:
        print("\nC1 accurate model, instantaneous answer vs wall time (first run includes no compile):")
        print(f"{'wall s':>7} {'iter':>5} {'worst K':>8} {'MAE K':>6}")
        for sec, it, worst, mae in time_to_accuracy(args.cell_m):
            print(f"{sec:>7.1f} {it:>5} {worst:>8.2f} {mae:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
