"""Writes layouts/default_hall.yaml: an AI hall of liquid-cooled GB200 NVL72 rows on CDUs and a
contained pod of air-cooled DGX H100 / HGX H200 rows with in-row coolers, its power chain and fabric.

    .venv/bin/python bench/default_hall.py            # rewrites twin/layouts/default_hall.yaml

The figures in the file's header are computed here from the catalog's typical powers.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOM_M = (14.4, 12.0, 3.8)
RACK_W, RACK_D = 0.6, 1.2
X0 = 3.0                            # west end of the liquid rows (CRAHs stand along the walls)
X0_POD = 1.2                        # west end of the air rows' pod
# Each air row: groups of rack, in-row cooler, rack, in-row cooler, rack (12 racks, 8 coolers).
POD_GROUP = "RIRIR"
# A 600 mm chilled-water in-row unit; 16 draw 1.03 x the racks' air, so the pod's leakage
# (0.1 m under each door) passes the surplus either way, also with one unit failed.
INROW_M3S = 2.95
POD_DOOR_GAP_M = 0.1
# The GB200 racks' residual air heat (15 %) goes to rear-door heat exchangers on chilled water.
REAR_DOOR = "{capacity_kw: 20, water_supply_c: 18, approach_k: 3}"
CRAH_M3S = 3.5                      # the liquid rows' air (12 m3/s) with 1.17 x to spare
AIR_ROWS = (("A", 1.8, "-y", "hgx-h200-8gpu"), ("B", 4.2, "+y", "dgx-h100"))
LIQ_ROWS = (("C", 7.2, "-y"), ("D", 9.6, "+y"))
AIR_RACKS, LIQ_RACKS = 12, 6
SERVERS = 4                         # 8U servers per air rack (host names RACK-0 .. RACK-3)
TYPICAL_KW = {"hgx-h200-8gpu": 8.0, "dgx-h100": 8.0, "gb200-nvl72": 120.0}
# Each liquid row: two CDUs in one redundancy group, three racks each. Row C's CDUs carry
# the whole row alone (N-1 holds); row D's are smaller: one alone runs over capacity.
CDU_KW = {"C": 700, "D": 500}
CRAHS = 4                           # two on the west wall, two on the east, beside the liquid rows


def rack(rid: str, x: float, y: float, facing: str, model: str, count: int, rise_k: float,
         height: float = 2.2, door: str = "") -> str:
    lines = [f"  - id: {rid}", f"    position_m: [{x:g}, {y:g}]",
             f"    size_m: [{RACK_W}, {RACK_D}, {height}]", f'    facing: "{facing}"',
             f"    delta_t_k: {rise_k}"] + ([f"    rear_door: {door}"] if door else []) + [
             "    height_u: 48", "    equipment:"]
    for i in range(count):
        u = 1 + i * 8 if model != "gb200-nvl72" else 1
        lines.append(f"      - {{model: {model}, position_u: {u}}}")
    return "\n".join(lines)


def pod_slots() -> list[tuple[str, float]]:
    """("R" or "I", x) of every slot of an air row, west to east."""
    pattern = POD_GROUP * (AIR_RACKS // POD_GROUP.count("R"))
    return [(kind, X0_POD + i * RACK_W) for i, kind in enumerate(pattern)]


def pod_end_m() -> float:
    return X0_POD + len(pod_slots()) * RACK_W


def racks() -> tuple[list[str], dict[str, list[str]]]:
    out, rows = [], {}
    rack_x = [x for kind, x in pod_slots() if kind == "R"]
    for name, y, facing, model in AIR_ROWS:
        rows[name] = [f"{name}{i + 1}" for i in range(AIR_RACKS)]
        out += [rack(rid, x, y, facing, model, SERVERS, 14.0)
                for rid, x in zip(rows[name], rack_x)]
    for name, y, facing in LIQ_ROWS:
        rows[name] = [f"{name}{i + 1}" for i in range(LIQ_RACKS)]
        x0 = X0 + 0.6                    # a CDU at each end of the row
        out += [rack(rid, x0 + i * RACK_W, y, facing, "gb200-nvl72", 1, 15.0, 2.3, REAR_DOOR)
                for i, rid in enumerate(rows[name])]
    return out, rows


def cdus(rows) -> list[str]:
    out = []
    for name, y, _ in LIQ_ROWS:
        ends = (X0, X0 + 0.6 + LIQ_RACKS * RACK_W)
        half = LIQ_RACKS // 2
        for k, x in enumerate(ends):
            members = rows[name][k * half:(k + 1) * half]
            out.append(f"    - id: CDU-{name}{k + 1}\n      position_m: [{x:g}, {y:g}]\n"
                       f"      size_m: [0.6, 1.2, 2.3]\n      capacity_kw: {CDU_KW[name]}\n"
                       f"      approach_k: 3\n      pump_kw: 6\n      group: row-{name}\n"
                       f"      racks: [{', '.join(members)}]")
    return out


def crahs() -> list[str]:
    out = []
    for i in range(CRAHS):
        side, k = ("W", i) if i < CRAHS // 2 else ("E", i - CRAHS // 2)
        x, y = (0.0 if side == "W" else ROOM_M[0] - 1.0), 6.3 + k * 2.85
        out.append(f"  - id: CRAH-{side}{k + 1}\n    position_m: [{x:g}, {y:g}]\n    size_m: [1.0, 1.8, 2.0]\n"
                   f"    airflow_m3s: {CRAH_M3S:g}\n    supply_temp_c: 18.0\n    return: top")
    return out


def inrow_units() -> list[str]:
    """In-row coolers of the pod: they draw the hot aisle through their rear and blow into the
    cold aisle their row faces."""
    out = []
    unit_x = [x for kind, x in pod_slots() if kind == "I"]
    for name, y, facing, _ in AIR_ROWS:
        for k, x in enumerate(unit_x):
            out.append(f"  - id: IRC-{name}{k + 1}\n    kind: inrow\n    position_m: [{x:g}, {y:g}]\n"
                       f"    size_m: [{RACK_W}, {RACK_D}, 2.2]\n    facing: \"{facing}\"\n"
                       f"    airflow_m3s: {INROW_M3S:g}\n    supply_temp_c: 18.0\n    supply: front\n"
                       f"    return: rear")
    return out


def power(rows) -> str:
    lines = ["power:", "  continuous_limit_pct: 80", "  utility_feeds:",
             "    - {id: UTIL-A, side: A, rating_kw: 3500}", "    - {id: UTIL-B, side: B, rating_kw: 3500}",
             "  ups:", "    - {id: UPS-A, from: UTIL-A, rating_kw: 3000}",
             "    - {id: UPS-B, from: UTIL-B, rating_kw: 3000}", "  pdus:"]
    ratings = {"A": 546, "B": 546, "C": 1091, "D": 1091}     # 800 A and 1600 A at 415 V, pf 0.95
    for name, members in rows.items():
        for side in "AB":
            lines.append(f"    - {{id: BW-{name}-{side}, from: UPS-{side}, kind: busway, "
                         f"rating_kw: {ratings[name]}, racks: [{', '.join(members)}]}}")
    lines += ["  cooling:", "    fan_kw_per_m3s: 0.75", "    condenser_temp_c: 40.0", "  site:",
              "    other_kw: 10", "    tariff_per_kwh: 0.15     # example figures",
              "    currency: EUR", "    grid_kgco2_per_kwh: 0.35"]
    return "\n".join(lines)


def network(rows) -> str:
    """A leaf of 144 ports (one per accelerator) per four air racks or per GB200 rack."""
    lines = ["network:", "  max_cable_m: 30", "  switches:"]
    leaves = []
    for name, members in rows.items():
        per = 4 if name in {r[0] for r in AIR_ROWS} else 1
        for k in range(0, len(members), per):
            served = members[k:k + per]
            leaf = f"LEAF-{name}{k // per + 1}"
            leaves.append(leaf)
            lines.append(f"    - {{id: {leaf}, kind: leaf, rack: {served[0]}, ports: 144, "
                         f"serves: [{', '.join(served)}]}}")
    lines += ["    - {id: SPINE-1, kind: spine, rack: B7, ports: 64}",
              "    - {id: SPINE-2, kind: spine, rack: A7, ports: 64}"]
    links = ", ".join(f"[{leaf}, SPINE-{s}]" for leaf in leaves for s in (1, 2))
    lines.append(f"  links: [{links}]")
    return "\n".join(lines)


def containment() -> str:
    """The air rows' hot aisle closed by a roof and end doors; its in-row coolers draw it."""
    return "\n".join(["containment:", "  - id: HAC-AB", "    kind: hot",
                      f"    aisle_m: {{x: [{X0_POD:g}, {pod_end_m():g}], y: [3, 4.2]}}", "    height_m: 2.2",
                      "    roof: true", "    doors: [-x, +x]", f"    door_gap_m: {POD_DOOR_GAP_M:g}"])


def header(rows) -> str:
    air_kw = sum(TYPICAL_KW[m] * SERVERS * AIR_RACKS for _, _, _, m in AIR_ROWS)
    liq_kw = TYPICAL_KW["gb200-nvl72"] * LIQ_RACKS * len(LIQ_ROWS)
    return "\n".join([
        "# An AI hall: two rows of liquid-cooled GB200 NVL72 racks on CDUs and two rows of",
        "# air-cooled 8-GPU servers (HGX H200, DGX H100) in a contained pod with in-row coolers.",
        f"# Written by bench/default_hall.py. Room {ROOM_M[0]:g} x {ROOM_M[1]:g} x {ROOM_M[2]:g} m.",
        f"# Rows A (HGX H200) and B (DGX H100): {AIR_RACKS} racks each of {SERVERS} servers, "
        f"{air_kw:.0f} kW typical in all,",
        f"#   fronts on the cold aisles; {len(pod_slots()) - AIR_RACKS} in-row coolers per row "
        f"({INROW_M3S:g} m3/s, 18 degC) between them draw",
        "#   the hot aisle, closed by a roof and doors (HAC-AB), and blow into the cold aisles.",
        f"# Rows C and D: {LIQ_RACKS} GB200 NVL72 racks each, {liq_kw:.0f} kW typical in all, 85 % to liquid;",
        "#   rear doors (20 kW, 18 degC water) take the rest; two CDUs per row in one",
        "#   redundancy group. Row C's CDUs (700 kW) carry the row",
        "#   alone; row D's (500 kW) do not: one failed leaves the other over capacity.",
        f"# {CRAHS} CRAHs ({CRAH_M3S:g} m3/s, 18 degC) beside the liquid rows feed their tiles.",
        "#   Facility water 32 degC (W32), coolant limit 45 degC.",
        "# Power 2N: one busway per row per side. Fabric: 144-port leaves, two spines.",
        ""])


def text() -> str:
    rack_lines, rows = racks()
    lx = ROOM_M[0]
    parts = [header(rows), "dctwin: 2", "name: AI hall with GB200 NVL72 and HGX rows",
             f"room:\n  size_m: [{ROOM_M[0]:g}, {ROOM_M[1]:g}, {ROOM_M[2]:g}]\n  tile_m: 0.6",
             "air:\n  density_kgm3: 1.19\n  cp_jkgk: 1006.0",
             "cooling_units:\n" + "\n".join(crahs() + inrow_units()),
             "tiles:\n  - area_m: {x: [%g, %g], y: [6.0, 7.2]}\n  - area_m: {x: [%g, %g], y: [10.8, 12.0]}"
             % (X0, X0 + 1.2 + LIQ_RACKS * RACK_W, X0, X0 + 1.2 + LIQ_RACKS * RACK_W),
             "racks:\n" + "\n".join(rack_lines),
             containment(),
             "liquid:\n  facility_water: {supply_c: 32}\n  coolant_limit_c: 45\n"
             "  heat_rejection: {kind: dry_cooler, approach_k: 6}\n  cdus:\n" + "\n".join(cdus(rows)),
             power(rows), network(rows)]
    assert lx - 1.0 > pod_end_m() and X0_POD > 1.0     # clear of the wall CRAHs' footprint
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "twin/layouts/default_hall.yaml"
    out.write_text(text())
    print(out)
