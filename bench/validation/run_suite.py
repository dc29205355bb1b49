"""Run the OpenFOAM reference for every room under rooms/ that has a layout but no results.

    python bench/validation/run_suite.py [--cell-m 0.1] [--np 1] [--stale] [--commit] [NAME ...]

For each rooms/NAME/layout.yaml lacking results (with --stale also those whose
results were made with other CFD settings than the current defaults): mesh and solve in
out/validation/NAME/case (not kept in the repository), then copy result.json
and fields.npz (compressed float32 T and U) beside the layout; results on a
grid other than 0.1 m are named result_0.2m.json, fields_0.2m.npz etc. With --commit,
each room's results are committed as soon as they exist.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from twin.cfd.case import CaseSettings, made_with_current_method   # noqa: E402
from twin.cfd.run import CFDError              # noqa: E402
from twin.cfd.simulate import simulate          # noqa: E402
from twin.model import load_layout              # noqa: E402

ROOMS = Path(__file__).resolve().parent / "rooms"
WORK = ROOT / "out" / "validation"


def suffix(cell_m: float) -> str:
    """File-name suffix of a grid's results: none for the 0.1 m reference grid, `_0.2m` etc. otherwise."""
    return "" if abs(cell_m - 0.1) < 1e-9 else f"_{cell_m:g}m"


def pending_rooms(names: list[str], cell_m: float, stale: bool = False) -> list[Path]:
    """Room folders with a layout and without results on this grid (all, or only those named);
    with `stale`, also those whose results came from other CFD settings."""
    folders = [ROOMS / n for n in names] if names else sorted(p for p in ROOMS.iterdir() if p.is_dir())
    done = f"result{suffix(cell_m)}.json"
    return [f for f in folders if (f / "layout.yaml").exists()
            and (not (f / done).exists() or (stale and is_stale(f / done)))]


def is_stale(result_path: Path) -> bool:
    """True when a stored result was made with physics settings other than CaseSettings()."""
    import json
    return not made_with_current_method(json.loads(result_path.read_text()))


def _progress(name: str):
    def show(p) -> None:
        if p.iteration % 100 == 0:
            means = list(p.running_means_c.values())
            span = f" means {min(means):.2f}-{max(means):.2f}" if means else ""
            print(f"  {name}: iter {p.iteration} averaged {p.averaged_iters} "
                  f"{p.seconds:.0f} s{span}", flush=True)
    return show


def run_room(folder: Path, settings: CaseSettings) -> dict:
    """Solve one room and store its results beside its layout."""
    layout = load_layout(folder / "layout.yaml")
    work = WORK / f"{folder.name}{suffix(settings.cell_m)}"
    result = simulate(layout, work, settings, progress=_progress(folder.name), stage=print)
    for stem, ext in (("result", "json"), ("fields", "npz")):
        shutil.copyfile(work / f"{stem}.{ext}", folder / f"{stem}{suffix(settings.cell_m)}.{ext}")
    return result


def commit(folder: Path, result: dict) -> None:
    rel = folder.relative_to(ROOT)
    msg = (f"{result['grid']['cell_m']} m CFD reference results for validation room {folder.name} "
           f"(settings {CaseSettings().physics_key()})\n\n"
           f"OpenFOAM k-epsilon/Boussinesq at {result['grid']['cell_m']} m, "
           f"{result['cfd']['averaged_iters']} averaged iterations, energy balance "
           f"{result['energy_balance']['error_pct']:+.2f} %.")
    subprocess.run(["git", "add", str(rel)], cwd=ROOT, check=True)
    for _ in range(30):
        done = subprocess.run(["git", "commit", "-q", "-m", msg, "--", str(rel)], cwd=ROOT)
        if done.returncode == 0:
            return
        time.sleep(2)                      # another commit may hold the index lock


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Run the CFD reference for rooms lacking results.")
    parser.add_argument("names", nargs="*", help="room folder names (default: all pending)")
    parser.add_argument("--cell-m", type=float, default=0.1)
    parser.add_argument("--np", type=int, default=1)
    parser.add_argument("--stale", action="store_true",
                        help="also re-run rooms whose results came from other CFD settings")
    parser.add_argument("--commit", action="store_true", help="git commit each room's results when done")
    args = parser.parse_args(argv)
    settings = CaseSettings(cell_m=args.cell_m, n_procs=args.np)
    failed = []
    for folder in pending_rooms(args.names, args.cell_m, args.stale):
        t0 = time.monotonic()
        print(f"{folder.name}: start", flush=True)
        try:
            result = run_room(folder, settings)
        except CFDError as exc:            # e.g. diverged: say so, keep the earlier results, go on
            print(f"{folder.name}: FAILED after {time.monotonic() - t0:.0f} s: {exc}", flush=True)
            failed.append(folder.name)
            continue
        worst = max(result["racks"].values(), key=lambda r: r["inlet_mean_c"])
        print(f"{folder.name}: done in {time.monotonic() - t0:.0f} s, hottest intake "
              f"{worst['inlet_mean_c']:.2f} degC, energy {result['energy_balance']['error_pct']:+.2f} %",
              flush=True)
        if args.commit:
            commit(folder, result)
    if failed:
        print(f"failed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
