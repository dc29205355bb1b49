"""Generate varied small data-center rooms (layout format v1) for CFD reference runs.

Each room: two rows of racks facing a shared cold aisle with perforated
tiles, hot aisles behind, cooling units with top returns at the room ends or
along the walls. A seed draws rack counts and densities (3-40 kW), room
height, unit placement, failed units and starved or oversupplied tiles.
All coordinates are multiples of 0.2 m, so 0.1 m and 0.2 m meshes are exact.

    python bench/validation/generate.py --presets          # rooms/NAME/layout.yaml for every preset
    python bench/validation/generate.py --seed 7 -o x.yaml # one random room
"""
from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from twin.cfd.geometry import build_grid                     # noqa: E402
from twin.model import (Air, CoolingUnit, Layout, Rack, Room, TileArea,  # noqa: E402
                        dump_layout, validate_layout)

ROOMS = Path(__file__).resolve().parent / "rooms"
RACK_W_M, RACK_D_M = 0.6, 1.2
UNIT_W_M, UNIT_L_M = 0.8, 2.4
TILE_V_MIN, TILE_V_MAX = 0.5, 2.5


@dataclass(frozen=True)
class RoomSpec:
    """What a room is made of; `draw(seed)` fills whatever a preset leaves open."""
    name: str
    racks_per_row: int = 6
    rack_kw: tuple[float, ...] = (8.0,)      # cycled along each row (row B shifted by one)
    delta_t_k: float = 12.0
    rack_h_m: float = 2.0
    room_h_m: float = 3.0
    unit_h_m: float = 2.0
    units: str = "ends"                      # ends: west/east walls; sides: south/north walls
    n_units: int = 2
    failed: int = 0                          # how many units are failed (the last ones)
    supply_ratio: float = 1.2                # running supply / rack airflow
    tiles_short_racks: int = 0               # tiles stop this many racks short of the east end
    supply_temp_c: float = 18.0
    hot_aisle_m: float = 1.2                 # wall (or unit) to rack rear clearance


def draw(seed: int, name: str = "") -> RoomSpec:
    """A random room within the ranges the fast model must handle (redrawn until it is valid)."""
    rng = random.Random(seed)
    for _ in range(100):
        spec = _draw_once(rng, name or f"room_s{seed}")
        try:
            build(spec)
        except ValueError:
            continue
        return spec
    raise ValueError(f"seed {seed}: no valid room in 100 draws")


def _draw_once(rng: random.Random, name: str) -> RoomSpec:
    n_units = rng.choice((2, 2, 3))
    dense = rng.random() < 0.3
    kw = (rng.choice((20, 25, 30, 40)),) if dense else tuple(rng.choice((3, 5, 6, 8, 10, 12, 15))
                                                          for _ in range(rng.choice((1, 2, 3))))
    return RoomSpec(
        name=name, racks_per_row=rng.randint(3, 5 if dense else 7), rack_kw=kw,
        delta_t_k=rng.choice((15.0, 20.0) if dense else (10.0, 12.0, 15.0)), rack_h_m=rng.choice((2.0, 2.0, 2.2)),
        room_h_m=rng.choice((2.8, 3.0, 3.2, 3.6, 4.0)), unit_h_m=rng.choice((1.8, 2.0, 2.2)),
        units=rng.choice(("ends", "sides")), n_units=n_units,
        failed=1 if n_units == 3 and rng.random() < 0.5 else 0,
        supply_ratio=rng.choice((1.0, 1.1, 1.2, 1.4, 1.8)),
        tiles_short_racks=rng.choice((0, 0, 0, 1, 2)), supply_temp_c=rng.choice((16.0, 18.0, 20.0)),
        hot_aisle_m=rng.choice((1.2, 1.4, 1.8)))


def _r(v: float) -> float:
    """Round to the 0.2 m lattice (avoids 2.4000000000000004)."""
    return round(round(v / 0.2) * 0.2, 6)


def _rack_kw(spec: RoomSpec, row: int, n: int) -> float:
    return spec.rack_kw[(n + row) % len(spec.rack_kw)]


def _aisle_width(spec: RoomSpec, supply_m3s: float, tile_len_m: float) -> float:
    """The narrowest cold aisle (whole tiles) whose tile velocity stays under ~2.3 m/s."""
    for width in (1.2, 1.8, 2.4, 3.0, 3.6):
        if supply_m3s / (width * tile_len_m) <= 2.3:
            return width
    raise ValueError(f"{spec.name}: supply {supply_m3s:.1f} m3/s needs more tile area than the aisle has")


def build(spec: RoomSpec) -> Layout:
    """The layout of a room spec; raises ValueError if it breaks the contract."""
    air = Air()
    n = spec.racks_per_row
    q_rack = [[_rack_kw(spec, row, i) * 1000 / (air.rho_cp * spec.delta_t_k) for i in range(n)] for row in (0, 1)]
    supply = spec.supply_ratio * sum(map(sum, q_rack))
    row_len = n * RACK_W_M
    tile_len = row_len - spec.tiles_short_racks * RACK_W_M
    aisle = _aisle_width(spec, supply, tile_len)
    end_gap = 2.0 if spec.units == "ends" else max(1.6, _r((2 * UNIT_L_M + 0.8 - row_len) / 2 + 0.1))
    side_gap = spec.hot_aisle_m + (UNIT_W_M if spec.units == "sides" else 0.0)
    x0, ya = end_gap, side_gap
    yb = _r(ya + RACK_D_M + aisle)
    size = (_r(2 * end_gap + row_len), _r(yb + RACK_D_M + side_gap), spec.room_h_m)
    racks = []
    for row, (y, facing) in enumerate(((ya, "+y"), (yb, "-y"))):
        for i in range(n):
            racks.append(Rack(id=f"{'AB'[row]}{i + 1}", position_m=(_r(x0 + i * RACK_W_M), y),
                              size_m=(RACK_W_M, RACK_D_M, spec.rack_h_m), facing=facing,
                              power_kw=_rack_kw(spec, row, i), delta_t_k=spec.delta_t_k))
    running = spec.n_units - spec.failed
    unit_q = round(supply / running, 6)
    units = _units(spec, size, unit_q)
    tiles = [TileArea(x_m=(x0, _r(x0 + tile_len)), y_m=(_r(ya + RACK_D_M), yb))]
    layout = Layout(room=Room(size_m=size, tile_m=0.6), name=spec.name, air=air,
                    cooling_units=units, tiles=tiles, racks=racks)
    check(layout)
    return layout


def _units(spec: RoomSpec, size, unit_q: float) -> list[CoolingUnit]:
    """Units against the west/east walls (ends) or south/north walls (sides), failed ones last."""
    lx, ly, _ = size
    if spec.units == "ends":
        spots = [((0.0, _r(ly / 2 - UNIT_L_M - 0.2)), (UNIT_W_M, UNIT_L_M)),
                 ((_r(lx - UNIT_W_M), _r(ly / 2 + 0.2)), (UNIT_W_M, UNIT_L_M)),
                 ((0.0, _r(ly / 2 + 0.2)), (UNIT_W_M, UNIT_L_M))]
    else:
        spots = [((_r(lx / 2 - UNIT_L_M - 0.2), 0.0), (UNIT_L_M, UNIT_W_M)),
                 ((_r(lx / 2 + 0.2), _r(ly - UNIT_W_M)), (UNIT_L_M, UNIT_W_M)),
                 ((_r(lx / 2 + 0.2), 0.0), (UNIT_L_M, UNIT_W_M))]
    units = []
    for k in range(spec.n_units):
        (x, y), (w, d) = spots[k]
        units.append(CoolingUnit(id=f"CRAH-{k + 1}", position_m=(x, y), size_m=(w, d, spec.unit_h_m),
                                 airflow_m3s=unit_q, supply_temp_c=spec.supply_temp_c,
                                 state="failed" if k >= spec.n_units - spec.failed else "running"))
    return units


def check(layout: Layout) -> None:
    """The layout contract plus what the CFD needs: loads, meshes at 0.1 and 0.2 m, sane tile speed."""
    validate_layout(layout)
    running = sum(u.airflow_m3s for u in layout.cooling_units if u.running)
    racks = sum(r.airflow(layout.air) for r in layout.racks)
    if running < racks * (1 - 1e-6):
        raise ValueError(f"{layout.name}: running supply {running:.2f} < rack airflow {racks:.2f} m3/s")
    v = running / sum(t.area_m2 for t in layout.tiles)
    if not TILE_V_MIN <= v <= TILE_V_MAX:
        raise ValueError(f"{layout.name}: tile velocity {v:.2f} m/s outside {TILE_V_MIN}-{TILE_V_MAX}")
    for cell_m in (0.1, 0.2):
        build_grid(layout, cell_m)


PRESETS = {
    "a_failed_unit": RoomSpec("a_failed_unit", racks_per_row=5, rack_kw=(8.0,), n_units=3, failed=1,
                              supply_ratio=1.2),
    "b_mixed_density": RoomSpec("b_mixed_density", racks_per_row=5, rack_kw=(20.0, 6.0, 6.0),
                                supply_ratio=1.2),
    "c_starved_end": RoomSpec("c_starved_end", racks_per_row=6, rack_kw=(6.0,), tiles_short_racks=2,
                              supply_ratio=1.2),
    "d_tall_side_units": RoomSpec("d_tall_side_units", racks_per_row=5, rack_kw=(10.0,), room_h_m=3.6,
                                  unit_h_m=2.2, units="sides", supply_ratio=1.3, hot_aisle_m=1.4),
    "e_high_density": RoomSpec("e_high_density", racks_per_row=4, rack_kw=(25.0,), delta_t_k=15.0,
                               supply_ratio=1.15, hot_aisle_m=1.4),
}


def write_room(layout: Layout, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "layout.yaml"
    path.write_text(dump_layout(layout))
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", action="store_true", help="write every preset room lacking a layout")
    parser.add_argument("--seed", type=int, help="draw one random room from this seed")
    parser.add_argument("-o", "--out", help="output file for --seed (default rooms/room_sSEED/layout.yaml)")
    args = parser.parse_args(argv)
    if args.presets:
        for name, spec in PRESETS.items():
            if not (ROOMS / name / "layout.yaml").exists():
                print(write_room(build(spec), ROOMS / name))
    if args.seed is not None:
        layout = build(draw(args.seed))
        if args.out:
            Path(args.out).write_text(dump_layout(layout))
            print(args.out)
        else:
            print(write_room(layout, ROOMS / layout.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
