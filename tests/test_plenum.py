"""Raised floor: the plenum model's tile flows, their way into the solvers and the results."""
from __future__ import annotations

import math

import numpy as np
import pytest

from twin.geometry import CD_TILE, solve_plenum, solver_geometry
from twin.model import (LayoutError, bundled_layout, dump_layout, load_layout, loads_layout,
                        save_layout)

# A floor unit in the middle of the room feeds two tile columns, one west and one east of it,
# mirror images of each other about x = 4.8 m (the unit's centre).
ROOM = """\
dctwin: 2
name: plenum test room
room:
  size_m: [9.6, 4.8, 3.0]
  tile_m: 0.6
  raised_floor: {{height_m: {depth}}}
cooling_units:
  - {{id: U1, position_m: [4.35, 1.8], size_m: [0.9, 1.2, 2.0], airflow_m3s: {q},
     supply_temp_c: 18.0}}
tiles:
  - area_m: {{x: [1.2, 2.4], y: [0.6, 4.2]}}
    open_pct: {west}
  - area_m: {{x: [7.2, 8.4], y: [0.6, 4.2]}}
    open_pct: {east}
racks:
  - {{id: W1, position_m: [0.3, 1.8], size_m: [0.6, 1.2, 2.0], facing: "+x", power_kw: 8,
     delta_t_k: 12}}
  - {{id: E1, position_m: [8.7, 1.8], size_m: [0.6, 1.2, 2.0], facing: "-x", power_kw: 8,
     delta_t_k: 12}}
obstacles: {obstacles}
"""
# Chilled-water pipes across the whole plenum between the unit and the east tiles,
# filling three quarters of its depth.
PIPES = "[{id: pipes, box_m: {x: [6.3, 6.6], y: [0.0, 4.8], z: [-0.6, -0.15]}}]"


def room(depth=0.6, q=3.0, west=25, east=25, obstacles="[]"):
    return loads_layout(ROOM.format(depth=depth, q=q, west=west, east=east,
                                    obstacles=obstacles), "plenum.yaml")


def mirror_pairs(result):
    """(west tile, its mirror image east of the unit) for every west tile."""
    east = {(round(9.6 - t.centre_m[0], 6), round(t.centre_m[1], 6)): t
            for t in result.tiles if t.area == 1}
    return [(t, east[(round(t.centre_m[0], 6), round(t.centre_m[1], 6))])
            for t in result.tiles if t.area == 0]


def test_tile_flows_add_up_to_the_units_supply():
    for layout in (room(), room(west=25, east=56, obstacles=PIPES), room(depth=0.2, q=5.0)):
        result = solve_plenum(layout)
        assert result.converged
        assert math.fsum(t.flow_m3s for t in result.tiles) == pytest.approx(
            layout.cooling_units[0].airflow_m3s, rel=1e-14, abs=0)


def test_a_deep_quiet_plenum_splits_by_open_area_at_the_orifice_pressure():
    """Hand case: with next to no plenum velocity the pressure is uniform, so each tile
    passes Q = Cd A_open sqrt(2 p / rho) with one p: Q follows the open area and
    p = rho / 2 (Q_total / (Cd sum A_open))^2."""
    layout = room(depth=3.0, q=1.0, west=5, east=10)
    result = solve_plenum(layout)
    rho = layout.air.density_kgm3
    tile_m2 = 0.6 * 0.6
    open_m2 = 12 * tile_m2 * 0.05 + 12 * tile_m2 * 0.10
    p_pa = 0.5 * rho * (1.0 / (CD_TILE * open_m2)) ** 2       # 3.35 Pa
    for t in result.tiles:
        assert t.open_m2 == pytest.approx(tile_m2 * t.open_pct / 100)
        assert t.flow_m3s == pytest.approx(1.0 * t.open_m2 / open_m2, rel=2e-3)
        assert t.pressure_pa == pytest.approx(p_pa, rel=4e-3)


def test_mirror_tiles_get_equal_flow_and_lower_open_pct_gets_less():
    same = solve_plenum(room())
    for west, east in mirror_pairs(same):
        assert west.flow_m3s == pytest.approx(east.flow_m3s, rel=1e-9)
    unequal = solve_plenum(room(west=25, east=40))
    for west, east in mirror_pairs(unequal):
        assert west.flow_m3s < 0.8 * east.flow_m3s       # 25 % against 40 % open


def test_a_tile_behind_an_under_floor_obstacle_gets_less_than_its_mirror_twin():
    result = solve_plenum(room(obstacles=PIPES))
    for west, east in mirror_pairs(result):
        assert east.flow_m3s < 0.9 * west.flow_m3s
        assert east.pressure_pa < west.pressure_pa


def test_tiles_near_the_units_discharge_deliver_less():
    """Along a tile column the tile level with the unit sits where the plenum air runs
    fastest past it, so its static pressure and flow are the column's lowest."""
    result = solve_plenum(room(depth=0.3, q=5.0))
    column = sorted((t for t in result.tiles if t.area == 0 and t.x_m[0] > 1.7),
                    key=lambda t: abs(t.centre_m[1] - 2.4))
    assert column[0].flow_m3s < column[-1].flow_m3s


def test_equipment_on_a_tile_closes_its_open_area():
    layout = room()
    layout.racks[0].position_m = (1.2, 1.8)          # W1 now stands on two west tiles
    result = solve_plenum(layout)
    covered = [t for t in result.tiles if t.area == 0 and 1.8 <= t.centre_m[1] <= 3.0
               and t.centre_m[0] < 1.8]
    assert len(covered) == 2 and all(t.flow_m3s == 0 and t.open_m2 == 0 for t in covered)
    assert math.fsum(t.flow_m3s for t in result.tiles) == pytest.approx(3.0, rel=1e-14)


def test_supply_walled_off_from_every_tile_is_refused():
    walls = ("[{id: wall, box_m: {x: [3.6, 3.9], y: [0, 4.8], z: [-0.6, 0]}}, "
             "{id: wall2, box_m: {x: [5.7, 6.0], y: [0, 4.8], z: [-0.6, 0]}}]")
    from twin.geometry import GeometryError
    with pytest.raises(GeometryError, match="reaches no open tile"):
        solver_geometry(room(obstacles=walls))


@pytest.mark.parametrize("cell_m", [0.2, 0.3, 0.5])
def test_the_thermal_grid_takes_the_plenum_flows_as_its_tile_inflows(cell_m):
    from twin.thermal.grid import build_grid
    layout = room(west=25, east=40, obstacles=PIPES)
    grid = build_grid(layout, cell_m)
    tiles = grid.patches_of("tile")
    assert math.fsum(p.flow_m3s for p in tiles) == pytest.approx(3.0, rel=1e-12)
    plenum = grid.geometry.plenum
    if cell_m == 0.2:                                # every tile resolved: one patch each
        assert len(tiles) == len(plenum.tiles)
        for p in tiles:
            assert p.flow_m3s == pytest.approx(plenum.tiles[int(p.owner.split()[1])].flow_m3s)


def test_the_openfoam_case_gets_one_inlet_per_tile_at_the_plenum_flow():
    from twin.cfd.geometry import build_grid
    layout = room(west=25, east=40, obstacles=PIPES)
    grid = build_grid(layout, 0.1)
    tiles = grid.by_kind("tile")
    plenum = solver_geometry(layout).plenum
    assert len(tiles) == len(plenum.tiles)
    for p in tiles:
        k = int(p.name.split("_")[1])
        assert p.flow_m3s == pytest.approx(plenum.tiles[k].flow_m3s)
        assert grid.patch_area_m2(p) * p.velocity_ms[2] == pytest.approx(p.flow_m3s)
    assert not any(s[0] == "pipes" for s in grid.boxes)    # the pipes are under the floor
    from twin.cfd.extract import result_dict
    data = result_dict(layout, grid, np.full(grid.shape, 20.0), 1.0, {})
    assert [t["flow_m3s"] for t in data["tiles"]] == [t.flow_m3s for t in plenum.tiles]


def test_preview_keeps_the_energy_balance_and_reports_the_tile_flows():
    from twin.thermal import solve
    layout = room(west=25, east=40, obstacles=PIPES)
    result = solve(layout, cell_m=0.2, model="preview")
    assert abs(result.energy_error_pct) < 1e-6
    assert len(result.tiles) == 24
    assert math.fsum(t.flow_m3s for t in result.tiles) == pytest.approx(3.0, rel=1e-14)
    with pytest.raises(AttributeError):
        result.tiles[0].flow_m3s = 1.0                 # results are immutable


def test_json_and_csv_carry_the_tile_flows(tmp_path):
    from twin.thermal import metrics, solve
    from twin.thermal.export import result_to_dict, write_csv
    layout = room(west=25, east=40)
    result = solve(layout, cell_m=0.3, model="preview")
    m = metrics.compute(result, layout)
    data = result_to_dict(result, layout, m)
    assert len(data["tiles"]) == 24 and data["cooling_units"]["U1"]["kind"] == "crah"
    assert math.fsum(t["flow_m3s"] for t in data["tiles"]) == pytest.approx(3.0)
    write_csv(tmp_path / "r.csv", result, m)
    rows = (tmp_path / "r-tiles.csv").read_text().splitlines()
    assert rows[0].startswith("tile_area,x0_m,x1_m,y0_m,y1_m,open_pct")
    assert len(rows) == 25
    assert not (tmp_path / "r-cooling.csv").exists()    # no in-row unit, no rear door


ERRORS = [
    ("    open_pct: 25\n", "    open_pct: 0\n",
     "plenum.yaml:12: tiles[0].open_pct: must be a number > 0 and <= 100 (got 0)"),
    ("raised_floor: {height_m: 0.6}", "raised_floor: {depth_m: 0.6}",
     'plenum.yaml:6: room.raised_floor.depth_m: unknown key "depth_m"; known keys here: height_m'),
    ("raised_floor: {height_m: 0.6}", "raised_floor: {height_m: -1}",
     "plenum.yaml:6: room.raised_floor.height_m: must be a number > 0 and <= 3 (got -1)"),
    ("z: [-0.6, -0.15]", "z: [-0.9, -0.15]",
     'plenum.yaml:22: obstacles[0].box_m.z: obstacle "pipes" spans z -0.9..-0.15 m, below the '
     "0.6 m deep plenum (z -0.6..0 m)"),
    ("z: [-0.6, -0.15]", "z: [-0.6, 0.5]",
     'plenum.yaml:22: obstacles[0].box_m.z: obstacle "pipes" spans z -0.6..0.5 m, through the '
     "floor; an under-floor obstacle ends at z = 0 (split it in two)"),
    ("  raised_floor: {height_m: 0.6}\n", "",
     'plenum.yaml:21: obstacles[0].box_m.z: obstacle "pipes" spans z -0.6..-0.15 m, below the '
     "floor; only a room with room.raised_floor has space under it"),
]


def _text(**kw) -> str:
    args = dict(depth=0.6, q=3.0, west=25, east=25, obstacles="\n  - id: pipes\n    box_m: "
                "{x: [6.3, 6.6], y: [0.0, 4.8], z: [-0.6, -0.15]}")
    args.update(kw)
    return ROOM.format(**args)


@pytest.mark.parametrize("old, new, expected", ERRORS)
def test_bad_raised_floor_values_name_file_line_field(old, new, expected):
    text = _text()
    assert old in text
    with pytest.raises(LayoutError) as err:
        loads_layout(text.replace(old, new, 1), "plenum.yaml")
    assert str(err.value) == expected


def test_a_format1_file_with_a_raised_floor_must_say_dctwin_2():
    text = _text(obstacles="[]").replace("dctwin: 2", "dctwin: 1")
    with pytest.raises(LayoutError, match='plenum.yaml:6: room.raised_floor: is a layout format 2 key'):
        loads_layout(text, "plenum.yaml")


def test_raised_floor_keys_round_trip_byte_for_byte(tmp_path):
    layout = room(west=25, east=40, obstacles=PIPES)
    layout.tiles[1].open_pct = 56.5
    text = dump_layout(layout)
    assert "  raised_floor: {height_m: 0.6}\n" in text and "    open_pct: 56.5\n" in text
    again = loads_layout(text, "again.yaml")
    assert again == layout and dump_layout(again) == text
    layout.tiles[0].open_pct = None                  # the default is not written
    assert dump_layout(layout).count("open_pct") == 1
    path = tmp_path / "saved.yaml"
    save_layout(layout, str(path))
    assert load_layout(str(path)) == layout


def test_the_bundled_raised_floor_hall_loads_and_simulates_with_the_preview():
    from twin.thermal import solve
    layout = load_layout(bundled_layout("raised_floor_hall"))
    assert layout.version == 2 and not layout.warnings
    assert layout.room.raised_floor and any(o.under_floor for o in layout.obstacles)
    assert layout.containment[0].kind == "cold"
    result = solve(layout, cell_m=0.3, model="preview")
    supply = sum(u.airflow_m3s for u in layout.cooling_units if u.running)
    assert math.fsum(t.flow_m3s for t in result.tiles) == pytest.approx(supply, rel=1e-14)
    assert abs(result.energy_error_pct) < 1e-4
    flows = np.array([t.flow_m3s for t in result.tiles])
    assert flows.min() > 0 and len(result.sensors) == 4


def test_the_report_shows_tile_flows_sensors_and_both_states(tmp_path, capsys):
    import json
    import re
    from twin.cli import main
    out = tmp_path / "rep"
    main(["report", "raised_floor_hall", "--fail", "CRAH-2", "--model", "preview", "--cell-m",
          "0.3", "--out", str(out)])
    data = json.loads((out / "report.json").read_text())
    base, scen = data["baseline"], data["scenario"]
    assert math.fsum(t["flow_m3s"] for t in base["tiles"]) == pytest.approx(9.6, rel=1e-12)
    assert math.fsum(t["flow_m3s"] for t in scen["tiles"]) == pytest.approx(4.8, rel=1e-12)
    html = (out / "report.html").read_text()
    section = html[html.index("<h2>Air side"):html.index("<h2>", html.index("<h2>Air side") + 1)]
    text = re.sub(r"<[^>]+>", " ", section)
    total = math.fsum(t["flow_m3s"] for t in base["tiles"] if t["tile_area"] == 0)
    assert f"{total:.3f}" in text and "Raised-floor tiles" in text
    assert all(sid in text for sid in base["sensors"])


def test_simulate_csv_writes_the_tile_and_cooling_tables_next_to_it(tmp_path, capsys):
    from twin.cli import main
    main(["simulate", "raised_floor_hall", "--model", "preview", "--cell-m", "0.3",
          "--csv", str(tmp_path / "r.csv")])
    tiles = (tmp_path / "r-tiles.csv").read_text().splitlines()
    assert len(tiles) == 25 and (tmp_path / "r-sensors.csv").exists()
    flows = [float(row.split(",")[7]) for row in tiles[1:]]
    assert sum(flows) == pytest.approx(9.6, abs=1e-3)          # four decimals per tile
    main(["simulate", "contained_inrow_room", "--model", "preview", "--cell-m", "0.3",
          "--csv", str(tmp_path / "c.csv")])
    rows = (tmp_path / "c-cooling.csv").read_text().splitlines()
    kinds = [row.split(",")[0] for row in rows[1:]]
    assert rows[0] == "kind,id,state,supply_temp_c,return_temp_c,load_kw,airflow_m3s"
    assert kinds.count("inrow") == 4 and kinds.count("rear_door") == 2


def test_editing_open_pct_rewrites_only_that_value_in_a_hand_written_file(tmp_path):
    path = tmp_path / "hall.yaml"
    text = _text(obstacles="[]").replace("  raised_floor: {height_m: 0.6}",
                                         "  raised_floor: {height_m: 0.6}   # 600 mm plenum")
    path.write_text(text)
    layout = load_layout(str(path))
    layout.tiles[1].open_pct = 56
    layout.room.raised_floor.height_m = 0.45
    save_layout(layout, str(path))
    expected = (text.replace("    open_pct: 25\nracks", "    open_pct: 56\nracks")
                .replace("{height_m: 0.6}", "{height_m: 0.45}"))
    assert path.read_text() == expected


def test_the_accurate_model_takes_the_tiles_mean_speed_for_its_inflow_turbulence():
    from twin.thermal.grid import build_grid
    from twin.thermal.rans_setup import Geometry
    layout = room(west=25, east=40, obstacles=PIPES)
    grid = build_grid(layout, 0.3)
    geo = Geometry(grid, layout)
    tiles = grid.patches_of("tile")
    speeds = [abs(p.velocity_ms) for p in tiles]
    assert min(speeds) < geo.tile_speed_ms < max(speeds)
    assert geo.tile_speed_ms == pytest.approx(3.0 / sum(p.area_m2 for p in tiles))
