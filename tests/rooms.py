"""Small rooms built in code for the thermal-model tests.

Every box edge lies on multiples of 0.6 m (or 0.3 m where stated), so the rooms
voxelise exactly on 0.1, 0.15, 0.2 and 0.3 m grids: a room that is symmetric on
paper is then symmetric on the grid too, and grid refinement does not move walls.
"""
from __future__ import annotations

import numpy as np

from twin.model.layout import Air, CoolingUnit, Layout, Rack, Room, TileArea

HEIGHT_M = 2.4
RACK_H_M = 1.8


def random_small_room(seed: int) -> Layout:
    """A 3.6-4.8 x 3.0-3.6 x 2.4 m room: 1-4 racks of 2-15 kW, 1-2 running units.

    Row A (y 0.6-1.2) faces +y; tiles cover the aisle in front of the racks;
    the units stand against the west and/or east wall in the aisle's far half.
    When the room is 3.6 m deep, row B (y 2.4-3.0, facing -y) may share the aisle.
    """
    rng = np.random.default_rng(seed)
    lx = float(rng.choice([3.6, 4.2, 4.8]))
    ly = float(rng.choice([3.0, 3.6]))
    slots = int(round((lx - 2 * 0.6 - 0.6) / 0.6))   # rack positions between units (gap 0.3)
    n_racks = int(rng.integers(1, min(4, slots) + 1))
    rows = [("A", 0.6, "+y")]
    if ly >= 3.6 and n_racks <= 2 and rng.random() < 0.5:
        rows.append(("B", 2.4, "-y"))
    air = Air()
    racks = []
    for name, y0, facing in rows:
        for k in range(n_racks):
            kw = ({"delta_t_k": float(rng.uniform(8, 15))} if rng.random() < 0.5
                  else {"airflow_m3s": float(rng.uniform(0.5, 1.0))})
            power = float(rng.uniform(2, 15))
            rack = Rack(f"{name}{k + 1}", (0.9 + 0.6 * k, y0), (0.6, 0.6, RACK_H_M), facing,
                        power, **kw)
            if "airflow_m3s" in kw and rack.delta_t(air) > 18.0:   # keep rises realistic
                rack.airflow_m3s = power * 1000.0 / (air.rho_cp * 18.0)
            racks.append(rack)
    racks = racks[:4]
    q_racks = sum(r.airflow(air) for r in racks)
    ends = [0.0, lx - 0.6][: int(rng.integers(1, 3))]
    unit_y = 1.8 if ly < 3.6 else 1.5
    q_total = q_racks * float(rng.uniform(1.05, 1.4))
    share = [1.0] if len(ends) == 1 else [s := float(rng.uniform(0.35, 0.65)), 1.0 - s]
    units = [CoolingUnit(f"U{k + 1}", (x, unit_y), (0.6, 0.6, 1.5), q_total * f,
                         float(rng.uniform(16, 20)))
             for k, (x, f) in enumerate(zip(ends, share))]
    aisle = (1.2, 2.4 if ly >= 3.6 else 1.8)
    tiles = [TileArea((0.9, 0.9 + 0.6 * n_racks), aisle)]
    return Layout(Room((lx, ly, HEIGHT_M)), f"random small {seed}", air, units, tiles, racks)


def one_rack_room(power_kw: float = 6.0, delta_t_k: float = 12.0) -> Layout:
    """A 3.6 x 3.0 x 2.4 m room with one rack facing +y, tiles in front, one unit."""
    air = Air()
    rack = Rack("R1", (1.5, 0.6), (0.6, 0.6, RACK_H_M), "+y", power_kw, delta_t_k=delta_t_k)
    q = 1.2 * rack.airflow(air)
    unit = CoolingUnit("U1", (0.0, 1.8), (0.6, 0.6, 1.5), q, 18.0)
    return Layout(Room((3.6, 3.0, HEIGHT_M)), "one rack", air, [unit],
                  [TileArea((1.2, 2.4), (1.2, 1.8))], [rack])


def mirrored_y_room() -> Layout:
    """Mirror-symmetric about x = 2.4 m: a row of four racks facing +y, units at both ends.

    Powers and airflows are mirrored too (A1 <-> A4, A2 <-> A3, U1 <-> U2).
    """
    lx = 4.8
    powers = (4.0, 9.0, 9.0, 4.0)
    racks = [Rack(f"A{k + 1}", (1.2 + 0.6 * k, 0.6), (0.6, 0.6, RACK_H_M), "+y", p,
                  delta_t_k=12.0) for k, p in enumerate(powers)]
    q = 1.2 * sum(r.airflow(Air()) for r in racks)
    units = [CoolingUnit("U1", (0.0, 1.8), (0.6, 0.6, 1.5), q / 2, 18.0),
             CoolingUnit("U2", (lx - 0.6, 1.8), (0.6, 0.6, 1.5), q / 2, 18.0)]
    return Layout(Room((lx, 3.0, HEIGHT_M)), "mirror y", Air(), units,
                  [TileArea((1.2, 3.6), (1.2, 1.8))], racks)


def mirrored_x_room() -> Layout:
    """Mirror-symmetric about x = 2.4 m: rack W faces +x, rack E faces -x, tiles between."""
    lx = 4.8
    racks = [Rack("W", (0.6, 0.9), (0.6, 1.2, RACK_H_M), "+x", 7.0, delta_t_k=12.0),
             Rack("E", (lx - 1.2, 0.9), (0.6, 1.2, RACK_H_M), "-x", 7.0, delta_t_k=12.0)]
    q = 1.2 * sum(r.airflow(Air()) for r in racks)
    units = [CoolingUnit("U1", (0.0, 2.4), (0.6, 0.6, 1.5), q / 2, 18.0),
             CoolingUnit("U2", (lx - 0.6, 2.4), (0.6, 0.6, 1.5), q / 2, 18.0)]
    return Layout(Room((lx, 3.0, HEIGHT_M)), "mirror x", Air(), units,
                  [TileArea((1.2, 3.6), (0.9, 2.1))], racks)


def duct(units, power_kw: float = 6.0, airflow_m3s: float = 0.8, width_m: float = 1.2) -> Layout:
    """A 4.8 x width x 2.4 m channel cut in two by one floor-to-ceiling rack facing -x.

    The rack fills the whole cross-section (x 2.4-3.0), so all supply air enters
    through the tiles upstream (x 0.6-1.8) and every unit return lies downstream:
    the only path from tiles to returns is through the rack.
    """
    rack = Rack("R", (2.4, 0.0), (0.6, width_m, HEIGHT_M), "-x", power_kw, airflow_m3s=airflow_m3s)
    return Layout(Room((4.8, width_m, HEIGHT_M)), "duct", Air(), units,
                  [TileArea((0.6, 1.8), (0.0, width_m))], [rack])
