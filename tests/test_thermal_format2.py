"""Format-2 objects in both thermal models: panels, containment, in-row units, air zones,
rear doors and sensors (small rooms, coarse grids)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.interpolate import RegularGridInterpolator

from rooms_v2 import contained, walled
from twin.model import bundled_layout, load_layout
from twin.thermal import SolverError, solve
from twin.thermal.extract import interpolate
from twin.thermal.grid import build_grid
from twin.thermal.preview import preview_fields
from twin.thermal.sparse import cell_index, components, fixed_outflow_m3s, fluid_laplacian


@pytest.mark.parametrize("cell_m", [0.2, 0.1])
def test_a_thin_panel_wall_lets_no_air_through_below_its_top(cell_m):
    layout = walled(z_top=2.0)
    grid, T, flow, _ = preview_fields(layout, cell_m)
    plane = int(round(1.81 / grid.spacing_m[0]))
    below = int(round(2.0 / grid.spacing_m[2]))
    assert grid.blocked[0][plane, :, :below].all()
    assert np.all(flow.u[plane, :, :below] == 0.0)
    over = flow.u[plane, :, below:] * grid.face_area_m2(0)
    assert over.sum() == pytest.approx(1.0, rel=1e-6)   # the whole supply crosses over the top
    result = solve(layout, cell_m=cell_m, model="preview")
    assert abs(result.energy_error_pct) < 1e-6


def test_without_the_panel_air_crosses_low_down():
    layout = walled(z_top=2.0)
    layout.obstacles = []
    grid, _, flow, _ = preview_fields(layout, 0.2)
    assert np.abs(flow.u[9, :, :10]).max() > 1e-3


def test_a_full_height_panel_splits_the_room_and_an_unbalanced_half_is_refused():
    with pytest.raises(SolverError, match="sealed"):
        solve(walled(z_top=3.0), cell_m=0.2, model="preview")


def test_a_sealed_aisle_whose_flows_do_not_balance_is_refused_clearly():
    layout = contained(qa=0.9, qb=0.9, gap=0.0)
    for model in ("preview", "accurate"):
        with pytest.raises(SolverError) as err:
            solve(layout, cell_m=0.2, model=model)
        text = str(err.value)
        racks = 4 * 5000 / (1.19 * 1006 * 12)
        assert text.startswith(f"containment HAC seals its aisle, but {racks:.3f} m3/s enters it "
                               "(rack rear A1, rack rear A2, rack rear B1, rack rear B2) and "
                               "1.800 m3/s leaves it (unit return IRC-A, unit return IRC-B)"), text
        assert "door_gap_m" in text


def test_a_sealed_aisle_that_balances_is_solved():
    q = 4 * 5000 / (1.19 * 1006 * 12) / 2       # the in-row returns take exactly the exhausts
    result = solve(contained(qa=q, qb=q, gap=0.0), cell_m=0.2, model="preview")
    assert abs(result.energy_error_pct) < 1e-6


def test_the_door_gap_is_the_leakage_path_of_an_unbalanced_aisle():
    result = solve(contained(gap=0.05), cell_m=0.2, model="preview")
    assert abs(result.energy_error_pct) < 1e-6
    assert result.cooling_units["IRC-A"].return_temp_c > 25.0     # hot aisle air


def test_inrow_supply_and_return_patches_carry_the_unit_flow():
    layout = contained()
    grid = build_grid(layout, 0.2)
    supply, ret = grid.patch("unit_supply", "IRC-A"), grid.patch("unit_return", "IRC-A")
    assert supply.axis == 1 and ret.axis == 1
    assert supply.inflow and not ret.inflow
    assert supply.flow_m3s == pytest.approx(0.9) and ret.flow_m3s == pytest.approx(0.9)
    assert supply.velocity_ms < 0          # facing -y: blows towards -y
    assert supply.supply_temp_c == 20.0


def test_a_failed_inrow_unit_is_a_solid_box_without_patches():
    layout = contained(state_a="failed", qb=1.4)
    grid = build_grid(layout, 0.2)
    assert not any(p.owner == "IRC-A" for p in grid.patches)
    assert not grid.fluid[grid.boxes["IRC-A"]].any()
    assert abs(solve(layout, cell_m=0.2, model="preview").energy_error_pct) < 1e-6


def test_air_zone_flows_only_through_the_zone():
    layout = contained()
    rack = layout.rack("A1")
    from twin.model import FaceZone
    rack.air_zone_m = FaceZone(z_m=(0.4, 1.6), width_m=0.4, offset_m=0.1)
    grid = build_grid(layout, 0.2)
    _, values = grid.face_bc()
    box = grid.boxes["A1"]
    for kind, plane in (("rack_front", box[1].start), ("rack_rear", box[1].stop)):
        p = grid.patch(kind, "A1")
        assert set(p.faces[:, 1]) == {plane}
        assert set(p.faces[:, 2]) == {2, 3, 4, 5, 6, 7}          # z 0.4..1.6
        assert set(p.faces[:, 0]) == {4, 5}                      # x 0.8..1.2 (centre + 0.1)
        face = values[1][box[0], plane, box[2]]
        moving = np.argwhere(face != 0)
        assert len(moving) == len(p.faces)
        assert np.all((moving[:, 1] >= 2) & (moving[:, 1] <= 7))
        assert abs(face.sum() * grid.face_area_m2(1)) == pytest.approx(rack.airflow(layout.air))
    result = solve(layout, cell_m=0.2, model="preview")
    r = result.racks["A1"]
    assert np.mean([r.inlet_lower_c, r.inlet_middle_c, r.inlet_upper_c]) == pytest.approx(
        r.inlet_mean_c, abs=1e-9)


def _door(capacity_kw, water_c=18.0, approach_k=3.0):
    return (f", rear_door: {{capacity_kw: {capacity_kw}, water_supply_c: {water_c}, "
            f"approach_k: {approach_k}}}")


@pytest.mark.parametrize("model", ["preview", "accurate"])
def test_rear_door_respects_capacity_and_keeps_energy_balance(model):
    result = solve(contained(door=_door(2.0)), cell_m=0.3, model=model)
    r = result.racks["A1"]
    assert r.door_kw == pytest.approx(2.0)
    assert r.exhaust_mean_c == pytest.approx(r.inlet_mean_c + 12.0 - 2000 / (1.19 * 1006 * r.airflow_m3s))
    assert result.door_kw == pytest.approx(2.0)
    units_kw = sum(u.load_kw for u in result.cooling_units.values())
    assert result.removed_kw == pytest.approx(units_kw + 2.0)
    tol = 1e-6 if model == "preview" else 0.5
    assert abs(result.energy_error_pct) < tol


def test_rear_door_never_cools_below_water_supply_plus_approach():
    result = solve(contained(door=_door(50.0, water_c=18.0, approach_k=3.0)), cell_m=0.2,
                   model="preview")
    r = result.racks["A1"]
    assert r.exhaust_mean_c == pytest.approx(21.0)
    expected = 1.19 * 1006 * r.airflow_m3s * (r.inlet_mean_c + 12.0 - 21.0) / 1000
    assert r.door_kw == pytest.approx(expected) and r.door_kw < 50.0
    assert abs(result.energy_error_pct) < 1e-6


def test_energy_balance_with_inrow_units_in_the_accurate_model():
    result = solve(contained(), cell_m=0.3, model="accurate")
    assert abs(result.energy_error_pct) < 0.5
    assert set(result.sensors) == {"S-aisle", "S-cold"}


def test_sensor_value_is_the_interpolated_field():
    layout = contained()
    result = solve(layout, cell_m=0.2, model="preview")
    grid = build_grid(layout, 0.2)
    T = result.temperature_c.astype(float)
    centres = [grid.cell_centres_m(a) for a in range(3)]
    sensor = result.sensors["S-aisle"]
    expected = RegularGridInterpolator(centres, T)(np.array(sensor.position_m))[0]
    assert sensor.value_c == pytest.approx(expected, abs=1e-4)
    # at a cell centre the value is that cell's
    assert interpolate(T, grid, (0.9, 0.3, 0.9)) == pytest.approx(T[4, 1, 4], abs=1e-9)
    assert result.sensors["S-cold"].value_c == pytest.approx(float(T[4, 1, 4]), abs=1e-5)


def test_the_accurate_model_keeps_a_thin_panel_closed():
    from twin.thermal.rans import prepare_rans
    state = prepare_rans(walled(z_top=2.0), cell_m=0.2)
    for _ in range(30):
        state.step()
    grid = state.grid
    plane, below = int(round(1.81 / grid.spacing_m[0])), int(round(2.0 / grid.spacing_m[2]))
    assert np.all(state.vel[0][plane, :, :below] == 0.0)
    assert (state.vel[0][plane, :, below:] * grid.face_area_m2(0)).sum() == pytest.approx(1.0, rel=1e-3)


# The bundled contained room on coarse grids: its 0.3 m in-row units snap onto a cell of the
# neighbouring rack at 0.4, 0.5, 0.8 and 1.0 m (0.4 m is the desktop preview's 4000-cell grid), so
# a unit's supply or return face is also a rack's front or rear face.
@pytest.mark.parametrize("cell_m", [0.4, 0.5, 0.8, 1.0])
def test_the_bundled_contained_room_balances_on_coarse_grids(cell_m):
    layout = load_layout(bundled_layout("contained_inrow_room"))
    grid = build_grid(layout, cell_m)
    claimed = [{(p.axis, *f) for f in p.faces.tolist()} for p in grid.patches]
    assert any(a & b for i, a in enumerate(claimed) for b in claimed[i + 1:])
    # shared faces carry the sum of their patches, so every patch keeps its whole flow
    index = cell_index(grid)
    _, labels = components(fluid_laplacian(grid)[0])
    assert np.abs(np.bincount(labels, fixed_outflow_m3s(grid))).max() < 1e-12
    result = solve(layout, cell_m=cell_m, model="preview")
    assert abs(result.energy_error_pct) < 1e-6
    assert result.removed_kw == pytest.approx(layout.it_power_kw, rel=1e-8)
    assert result.door_kw == pytest.approx(12.0)          # two 6 kW doors, both at capacity
    units_kw = sum(u.load_kw for u in result.cooling_units.values())
    assert units_kw == pytest.approx(layout.it_power_kw - 12.0, rel=1e-8)
    assert index.max() + 1 == grid.fluid_cells


def test_the_bundled_contained_room_balances_in_the_accurate_model_on_the_preview_grid():
    layout = load_layout(bundled_layout("contained_inrow_room"))
    result = solve(layout, cell_m=0.4, model="accurate")
    assert abs(result.energy_error_pct) < 0.5
    units_kw = sum(u.load_kw for u in result.cooling_units.values())
    assert result.removed_kw == pytest.approx(units_kw + result.door_kw)


def test_an_unbalanced_sealed_aisle_is_refused_where_boxes_share_cells():
    layout = load_layout(bundled_layout("contained_inrow_room"))
    layout.containment[0].door_gap_m = 0.0     # sealed: 10 rack rears in, 2 in-row rears out
    racks = sum(r.airflow(layout.air) for r in layout.racks)
    for cell_m in (0.4, 0.5):
        with pytest.raises(SolverError) as err:
            solve(layout, cell_m=cell_m, model="preview")
        text = str(err.value)
        assert text.startswith(f"containment HAC-1 seals its aisle, but {racks:.3f} m3/s enters it "
                               "(rack rear A1, "), text
        assert "and 4.600 m3/s leaves it (unit return IRC-A1, unit return IRC-B1)" in text


def test_a_rear_door_built_without_an_approach_reaches_the_water_temperature():
    from twin.model import RearDoor
    door = RearDoor(50.0, 18.0, None)
    assert door.approach_k == 0.0 and door.floor_c == 18.0
    door.approach_k = None
    assert door.approach_k == 0.0
    layout = contained()
    layout.rack("A1").rear_door = door
    result = solve(layout, cell_m=0.2, model="preview")
    assert result.racks["A1"].exhaust_mean_c == pytest.approx(18.0)
    assert abs(result.energy_error_pct) < 1e-6
