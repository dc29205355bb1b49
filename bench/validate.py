"""Error table of the thermal models against every CFD reference room.

Reference rooms: the public room C1 (../shared/validation, when present) and
every bench/validation/rooms/NAME/ with a layout.yaml and a result.json
(OpenFOAM, see docs/cfd.md). For each room and model it prints the rack
intake-mean MAE and worst error, the worst return error and the energy
balance; --per-rack adds every rack's model vs reference values.

usage: python bench/validate.py [--models accurate,preview] [--cell-m 0.2] [--per-rack] [ROOM ...]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from twin.model import load_layout          # noqa: E402
from twin.thermal import solve              # noqa: E402

ROOMS = ROOT / "bench" / "validation" / "rooms"
SHARED = ROOT.parent / "shared" / "validation"


def reference_rooms(names: list[str]) -> list[tuple[str, Path, dict]]:
    """(name, layout path, reference dict in the simulate-JSON shape) for every room with results."""
    out = []
    if SHARED.exists() and (not names or "C1" in names):
        ref = json.loads((SHARED / "C1_baseline.json").read_text())
        out.append(("C1", SHARED / "C1_baseline.yaml", _from_public(ref)))
    if ROOMS.exists():
        for folder in sorted(p for p in ROOMS.iterdir() if p.is_dir()):
            if names and folder.name not in names:
                continue
            found = _result_file(folder)
            if found is not None:
                out.append((f"{folder.name} ({found.stem})", folder / "layout.yaml",
                            json.loads(found.read_text())))
    return out


def _result_file(folder: Path):
    """result.json (the reference grid), else the finest result_<cell>m.json."""
    if (folder / "result.json").exists():
        return folder / "result.json"
    others = sorted(folder.glob("result_*m.json"),
                    key=lambda p: float(p.stem.split("_")[1].rstrip("m")))
    return others[0] if others else None


def _from_public(ref: dict) -> dict:
    """The public C1 file uses *_C keys; bring it into the simulate-JSON shape."""
    return {"racks": {k: {"inlet_mean_c": v["inlet_mean_C"]} for k, v in ref["racks"].items()},
            "cooling_units": {k: {"return_temp_c": v["return_mean_C"]}
                              for k, v in ref["cooling_units"].items()}}


def _method(name: str, ref: dict) -> str:
    """Which CFD settings a reference came from: the public file, today's defaults, or earlier ones."""
    from twin.cfd.case import made_with_current_method, stored_settings
    from twin.cfd.simulate import fallback_note
    if name == "C1":
        return "public"
    if made_with_current_method(ref):
        return "current" if fallback_note(ref.get("cfd") or {}) is None else "current (damped-start retry)"
    s = stored_settings(ref)
    return "earlier" if s is None else f"earlier ({s.inflow_intensity * 100:g} %, k0 {s.k0_m2s2:g})"


def compare(result, ref: dict) -> dict:
    """Rack intake and return errors (model - reference) in K."""
    rack_err = {k: result.racks[k].inlet_mean_c - v["inlet_mean_c"] for k, v in ref["racks"].items()}
    ret_err = {k: result.cooling_units[k].return_temp_c - v["return_temp_c"]
               for k, v in ref["cooling_units"].items()
               if v.get("return_temp_c") is not None and result.cooling_units[k].state == "running"}
    vals = list(rack_err.values())
    return {"mae": sum(map(abs, vals)) / len(vals), "worst": max(map(abs, vals)),
            "worst_return": max(map(abs, ret_err.values()), default=0.0),
            "energy": result.energy_error_pct, "racks": rack_err}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rooms", nargs="*")
    ap.add_argument("--models", default="accurate,preview")
    ap.add_argument("--cell-m", type=float, default=0.2)
    ap.add_argument("--per-rack", action="store_true")
    args = ap.parse_args()
    rooms = reference_rooms(args.rooms)
    if not rooms:
        print("no reference rooms with results found")
        return 1
    print("| room | CFD method | model | racks | MAE K | worst rack K | worst return K | energy % | solve s |")
    print("|---|---|---|---|---|---|---|---|---|")
    details = []
    for name, path, ref in rooms:
        layout = load_layout(path)
        for model in args.models.split(","):
            t0 = time.perf_counter()
            result = solve(layout, cell_m=args.cell_m, model=model)
            c = compare(result, ref)
            print(f"| {name} | {_method(name, ref)} | {model} | {len(c['racks'])} | {c['mae']:.2f} | {c['worst']:.2f} | "
                  f"{c['worst_return']:.2f} | {c['energy']:+.2f} | {time.perf_counter() - t0:.1f} |",
                  flush=True)
            details.append((name, model, result, ref, c))
    if args.per_rack:
        for name, model, result, ref, c in details:
            print(f"\n{name} ({model}): rack, model, reference, error K")
            for k, e in c["racks"].items():
                print(f"  {k:8} {result.racks[k].inlet_mean_c:6.2f} {ref['racks'][k]['inlet_mean_c']:6.2f} {e:+6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
