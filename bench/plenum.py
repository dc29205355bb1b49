"""Raised-floor plenum model: tile flows of the bundled raised-floor hall and of a mirror room.

Prints the figures of docs/thermal.md, "Raised floor (plenum)":

- `raised_floor_hall`: per tile area, the least and most tile flow, their
  spread and the plenum pressure; iterations and solve time; the same with
  the under-floor obstacles taken out;
- the mirror room of tests/test_plenum.py (a floor unit between two tile
  columns): the east column's flow with 75 %-deep pipes across the plenum
  east of the unit, against its west twin.

usage: python bench/plenum.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from twin.geometry import solve_plenum  # noqa: E402
from twin.model import bundled_layout, load_layout  # noqa: E402


def area_rows(layout, label: str) -> None:
    t0 = time.perf_counter()
    result = solve_plenum(layout)
    seconds = time.perf_counter() - t0
    print(f"{label}: {result.iterations} iterations, converged {result.converged}, "
          f"{seconds:.2f} s, tiles {len(result.tiles)}, sum {result.flow_m3s:.12f} of "
          f"{result.supply_m3s:.12f} m3/s")
    print("| tile area | open % | tiles | flow m3/s | least | most | spread % | plenum Pa |")
    for a in sorted({t.area for t in result.tiles}):
        mine = [t for t in result.tiles if t.area == a]
        flows = [t.flow_m3s for t in mine]
        mean = sum(flows) / len(flows)
        pa = sum(t.pressure_pa for t in mine) / len(mine)
        print(f"| tiles[{a}] | {mine[0].open_pct:g} | {len(mine)} | {sum(flows):.3f} | "
              f"{min(flows):.4f} | {max(flows):.4f} | {100 * (max(flows) - min(flows)) / mean:.1f} "
              f"| {pa:.2f} |")


def mirror_room() -> None:
    from test_plenum import PIPES, mirror_pairs, room
    for label, obstacles in (("no obstacle", "[]"), ("pipes east of the unit", PIPES)):
        result = solve_plenum(room(obstacles=obstacles))
        pairs = mirror_pairs(result)
        west = sum(w.flow_m3s for w, _ in pairs)
        east = sum(e.flow_m3s for _, e in pairs)
        print(f"mirror room, {label}: west column {west:.4f} m3/s, east column {east:.4f} m3/s, "
              f"east / west {east / west:.3f}")


def main() -> None:
    hall = load_layout(bundled_layout("raised_floor_hall"))
    area_rows(hall, "raised_floor_hall")
    hall.obstacles = [o for o in hall.obstacles if not o.under_floor]
    area_rows(hall, "raised_floor_hall without the under-floor obstacles")
    mirror_room()


if __name__ == "__main__":
    main()
