"""Preview thermal model: conservation, symmetry, analytic cases and the C1 reference room."""
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from paths import VALIDATION as SHARED
from twin.model.layout import Air, CoolingUnit, Layout, Rack, Room, TileArea
from twin.thermal import SolveCancelled, SolverError, solve
from twin.thermal.extract import mixed_supply_temp_c
from twin.thermal.grid import build_grid
from twin.thermal.preview import potential_flow, preview_fields, solve_preview
from twin.thermal.sparse import cell_index, fluid_laplacian, free_faces

REPO = Path(__file__).resolve().parents[1]
VALIDATION = SHARED if (SHARED / "C1_baseline.json").exists() else None


# ---------------------------------------------------------------- rooms

def c1_layout() -> Layout:
    """Reference room C1 as described in the validation README (built in code)."""
    air = Air(1.19, 1006.0)
    racks = []
    for row, y0, facing in (("A", 1.8, "+y"), ("B", 4.2, "-y")):
        for k in range(6):
            racks.append(Rack(f"{row}{k + 1}", (2.4 + 0.6 * k, y0), (0.6, 1.2, 2.0), facing,
                              8.0, delta_t_k=12.0))
    q_supply = 1.2 * sum(r.airflow(air) for r in racks)
    units = [CoolingUnit("CRAH-1", (0.0, 0.6), (0.9, 2.4, 1.9), q_supply / 2, 18.0),
             CoolingUnit("CRAH-2", (9.9, 4.2), (0.9, 2.4, 1.9), q_supply / 2, 18.0)]
    return Layout(Room((10.8, 7.2, 3.0)), "C1", air, units,
                  [TileArea((2.4, 6.0), (3.0, 4.2))], racks)


def random_room(seed: int) -> Layout:
    """A valid small room: one or two rows around a tiled cold aisle, one or two units."""
    rng = np.random.default_rng(seed)
    lx, ly = 0.6 * rng.integers(8, 15), 0.6 * rng.integers(10, 13)
    aisle_y = 0.6 * rng.integers(3, int(round((ly - 3.0) / 0.6)) + 1)
    n_racks = int(rng.integers(1, int(round((lx - 3.6) / 0.6)) + 1))
    racks = []
    rows = [("A", aisle_y - 1.2, "+y")] + ([("B", aisle_y + 1.2, "-y")] if rng.random() < 0.7 else [])
    for name, y0, facing in rows:
        for k in range(n_racks):
            kw = ({"delta_t_k": float(rng.uniform(8, 15))} if rng.random() < 0.5
                  else {"airflow_m3s": float(rng.uniform(0.2, 0.8))})
            racks.append(Rack(f"{name}{k}", (1.8 + 0.6 * k, y0), (0.6, 1.2, 2.0), facing,
                              float(rng.uniform(1, 10)), **kw))
    q_racks = sum(r.airflow(Air()) for r in racks)
    walls = [0.0, lx - 0.9][: int(rng.integers(1, 3))]
    units = [CoolingUnit(f"U{k}", (x, 0.6 * rng.integers(0, int(round((ly - 1.8) / 0.6)) + 1)),
                         (0.9, 1.8, 1.9), float(q_racks * rng.uniform(0.5, 0.9)),
                         float(rng.uniform(15, 20))) for k, x in enumerate(walls)]
    tiles = [TileArea((1.8, 1.8 + 0.6 * n_racks), (aisle_y, aisle_y + 1.2))]
    return Layout(Room((lx, ly, 3.0)), f"random {seed}", Air(), units, tiles, racks)


def duct(units, power_kw=6.0, airflow_m3s=0.8) -> Layout:
    """A 6 x 1.2 x 3 m channel cut in two by one floor-to-ceiling rack facing -x.

    Tiles feed the upstream half; the units' returns sit in the downstream half.
    """
    rack = Rack("R", (3.0, 0.0), (0.6, 1.2, 3.0), "-x", power_kw, airflow_m3s=airflow_m3s)
    return Layout(Room((6.0, 1.2, 3.0)), "duct", Air(), units,
                  [TileArea((0.6, 2.4), (0.0, 1.2))], [rack])


def mirrored_room() -> Layout:
    """Racks, tiles and units mirror-symmetric about x = Lx / 2 (powers too).

    Every box edge lies on a 0.2 m grid line so the voxelised room is symmetric as well.
    """
    lx = 7.2
    powers = [3.0, 7.0, 5.0, 5.0, 7.0, 3.0]
    racks = [Rack(f"A{k}", (1.8 + 0.6 * k, 1.2), (0.6, 1.2, 2.0), "+y", p, delta_t_k=11.0)
             for k, p in enumerate(powers)]
    racks += [Rack("W", (1.2, 5.4), (0.6, 0.6, 2.0), "+x", 4.0, delta_t_k=10.0),
              Rack("E", (lx - 1.8, 5.4), (0.6, 0.6, 2.0), "-x", 4.0, delta_t_k=10.0)]
    units = [CoolingUnit("U1", (0.0, 1.8), (1.0, 1.8, 1.9), 1.5, 17.0),
             CoolingUnit("U2", (lx - 1.0, 1.8), (1.0, 1.8, 1.9), 1.5, 17.0)]
    return Layout(Room((lx, 7.2, 3.0)), "mirror", Air(), units,
                  [TileArea((1.8, 5.4), (2.4, 3.6))], racks)


@pytest.fixture(scope="module")
def c1_result():
    return solve_preview(c1_layout(), cell_m=0.2)


# ---------------------------------------------------------------- checks

def divergence_m3s(grid, flow) -> np.ndarray:
    """Net outflow of every fluid cell from the full face-velocity arrays."""
    div = np.zeros(grid.shape)
    for axis, vel in enumerate((flow.u, flow.v, flow.w)):
        area = grid.face_area_m2(axis)
        div += area * (np.diff(vel, axis=axis))
    return div[grid.fluid]


def assert_bounded(result, layout, tol_k=1e-6):
    """Every temperature between the mixed supply and the hottest rack exhaust."""
    T = result.temperature_c[np.isfinite(result.temperature_c)]
    hottest = max([r.exhaust_mean_c for r in result.racks.values()] + [mixed_supply_temp_c(layout)])
    assert T.min() >= mixed_supply_temp_c(layout) - tol_k
    assert T.max() <= hottest + tol_k


def test_c1_energy_balance_and_intake_range(c1_result):
    assert abs(c1_result.energy_error_pct) < 0.1
    assert c1_result.model == "preview"
    for rack in c1_result.racks.values():
        assert 18.0 - 1e-6 <= rack.inlet_mean_c <= 21.0, rack
    assert_bounded(c1_result, c1_layout())


def test_c1_flow_is_divergence_free():
    layout = c1_layout()
    grid = build_grid(layout, 0.2)
    index = cell_index(grid)
    flow = potential_flow(grid, free_faces(grid, index), index)
    face_flow = max(p.flow_m3s / len(p.faces) for p in grid.patches)
    assert np.abs(divergence_m3s(grid, flow)).max() < 1e-8 * face_flow
    _, imposed = grid.face_bc()
    for p in grid.patches:     # patch faces keep their imposed velocities
        vel = (flow.u, flow.v, flow.w)[p.axis][tuple(p.faces.T)]
        assert np.allclose(vel, imposed[p.axis][tuple(p.faces.T)])
    assert np.all(flow.u[0] == 0) and np.all(flow.w[:, :, -1] == 0)   # walls


@given(seed=st.integers(0, 2**31 - 1))
@settings(max_examples=8, deadline=None, derandomize=True)
def test_random_rooms_conserve_energy_and_stay_bounded(seed):
    layout = random_room(seed)
    result = solve_preview(layout, cell_m=0.3)
    assert abs(result.energy_error_pct) < 0.1
    assert_bounded(result, layout)
    grid = build_grid(layout, 0.3)
    index = cell_index(grid)
    flow = potential_flow(grid, free_faces(grid, index), index)
    assert np.abs(divergence_m3s(grid, flow)).max() < 1e-8 * max(p.flow_m3s for p in grid.patches)


def test_mirror_symmetric_room_gives_mirrored_solution():
    _, T, flow, _ = preview_fields(mirrored_room(), cell_m=0.2)
    assert np.array_equal(np.isnan(T), np.isnan(T[::-1]))
    ok = np.isfinite(T)
    assert np.abs(T - T[::-1])[ok].max() < 1e-6
    assert np.abs(flow.u + flow.u[::-1]).max() < 1e-9
    assert np.abs(flow.v - flow.v[::-1]).max() < 1e-9
    result = solve_preview(mirrored_room(), cell_m=0.2)
    racks = result.racks
    for k in range(3):
        assert abs(racks[f"A{k}"].inlet_mean_c - racks[f"A{5 - k}"].inlet_mean_c) < 1e-6
    assert abs(racks["W"].inlet_mean_c - racks["E"].inlet_mean_c) < 1e-6
    units = result.cooling_units
    assert abs(units["U1"].return_temp_c - units["U2"].return_temp_c) < 1e-6


def test_duct_intake_is_supply_and_return_is_supply_plus_rise():
    q, power_kw = 0.8, 6.0
    units = [CoolingUnit("U1", (5.1, 0.0), (0.9, 0.6, 1.9), 0.2, 16.0),
             CoolingUnit("U2", (5.1, 0.6), (0.9, 0.6, 1.9), 0.6, 20.0)]
    layout = duct(units, power_kw, q)
    result = solve_preview(layout, cell_m=0.2)
    t_supply = (0.2 * 16.0 + 0.6 * 20.0) / 0.8
    rise = power_kw * 1000.0 / (layout.air.rho_cp * q)
    rack = result.racks["R"]
    assert rack.inlet_mean_c == pytest.approx(t_supply, abs=1e-8)
    assert rack.inlet_max_c == pytest.approx(t_supply, abs=1e-8)
    for unit in result.cooling_units.values():
        assert unit.return_temp_c == pytest.approx(t_supply + rise, abs=1e-8)
    T = result.temperature_c
    assert np.nanmax(np.abs(T[:15] - t_supply)) < 1e-8          # upstream of x = 3.0 m
    assert np.nanmax(np.abs(T[18:] - (t_supply + rise))) < 1e-8   # downstream of x = 3.6 m
    assert result.removed_kw == pytest.approx(power_kw, rel=1e-9)


def test_sealed_regions_that_do_not_balance_are_refused():
    layout = duct([CoolingUnit("U1", (5.1, 0.0), (0.9, 1.2, 1.9), 1.0, 18.0)], airflow_m3s=0.8)
    with pytest.raises(SolverError, match="sealed regions"):
        solve_preview(layout, cell_m=0.2)


def _walled_duct(inner_rack: bool) -> Layout:
    """Left part: unit and tiles; a pocket closed by two airtight 'racks' (no airflow)."""
    wall = dict(size_m=(0.6, 1.2, 3.0), facing="-x", power_kw=0.0, airflow_m3s=0.0)
    racks = [Rack("W1", (2.4, 0.0), **wall), Rack("W2", (4.8, 0.0), **wall)]
    if inner_rack:
        racks.append(Rack("R", (3.6, 0.0), (0.6, 0.6, 2.0), "-x", 3.0, delta_t_k=10.0))
    unit = CoolingUnit("U1", (0.0, 0.0), (0.6, 1.2, 1.9), 0.5, 18.0)
    return Layout(Room((6.0, 1.2, 3.0)), "pocket", Air(), [unit],
                  [TileArea((1.2, 2.4), (0.0, 1.2))], racks)


def test_air_pocket_without_flow_sits_at_supply_temperature():
    result = solve_preview(_walled_duct(inner_rack=False), cell_m=0.2)
    T = result.temperature_c
    assert np.nanmax(np.abs(T - 18.0)) < 1e-8
    assert abs(result.energy_error_pct) < 0.1


def test_rack_loop_without_a_return_is_refused():
    with pytest.raises(SolverError, match="without reaching a cooling-unit return"):
        solve_preview(_walled_duct(inner_rack=True), cell_m=0.2)


def test_room_without_running_unit_is_refused():
    layout = c1_layout()
    for unit in layout.cooling_units:
        unit.state = "failed"
    with pytest.raises(SolverError, match="no running cooling unit"):
        solve(layout, model="preview")


def test_grid_problems_become_solver_errors():
    layout = c1_layout()
    layout.racks[0].position_m = (2.4, 0.0)
    layout.racks[0].facing = "-y"        # front against the south wall
    with pytest.raises(SolverError, match="blocked"):
        solve_preview(layout)
    with pytest.raises(SolverError):
        solve_preview(c1_layout(), cell_m=0.0)


def test_progress_is_reported_and_cancel_stops():
    calls = []
    result = solve(c1_layout(), cell_m=0.4, model="preview",
                   progress=lambda f, m: calls.append((f, m)))
    fractions = [f for f, _ in calls]
    assert len(calls) >= 3 and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert result.solve_seconds > 0
    with pytest.raises(SolveCancelled):
        solve(c1_layout(), cell_m=0.4, model="preview", cancel=lambda: True)
    polls = iter([False, False, True])
    with pytest.raises(SolveCancelled):
        solve_preview(c1_layout(), cell_m=0.4, cancel=lambda: next(polls))


def test_diffusivity_must_be_non_negative():
    with pytest.raises(ValueError):
        solve_preview(c1_layout(), cell_m=0.4, diffusivity_m2s=-1.0)


def test_fluid_laplacian_is_a_graph_laplacian():
    layout = _walled_duct(inner_rack=False)
    grid = build_grid(layout, 0.3)
    lap, index = fluid_laplacian(grid)
    n = grid.fluid_cells
    assert lap.shape == (n, n) and index.max() == n - 1 and np.all(index[~grid.fluid] == -1)
    assert abs(lap - lap.T).max() == 0
    assert np.allclose(lap @ np.ones(n), 0.0)
    dx, dy, dz = grid.spacing_m
    c = index[5, 1, 5]   # an interior cell: six neighbours, weights area / distance
    assert lap[c, c] == pytest.approx(2 * (dy * dz / dx + dx * dz / dy + dx * dy / dz))
    eig = np.linalg.eigvalsh(lap.toarray())
    assert np.sum(np.abs(eig) < 1e-9) == 3           # three sealed regions


@pytest.mark.skipif(VALIDATION is None, reason="reference results (shared/validation) not present")
def test_c1_close_to_reference(c1_result):
    ref = json.loads((VALIDATION / "C1_baseline.json").read_text())
    errors = [c1_result.racks[k].inlet_mean_c - v["inlet_mean_C"] for k, v in ref["racks"].items()]
    assert np.mean(np.abs(errors)) < 1.5
    assert max(abs(e) for e in errors) < 2.5
    for uid, unit in c1_result.cooling_units.items():
        assert math.isclose(unit.return_temp_c, ref["cooling_units"][uid]["return_mean_C"],
                            abs_tol=0.5)
