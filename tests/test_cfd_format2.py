"""The OpenFOAM case of a format-2 room: obstacles and panels cut out, in-row patches and rear
doors written, and the same flows as the thermal grid (both read twin.geometry)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from rooms_v2 import contained
from twin.cfd.case import CaseSettings, write_case
from twin.cfd.geometry import build_grid as cfd_grid, safe_name
from twin.geometry import solver_geometry
from twin.model import bundled_layout, load_layout
from twin.thermal.grid import build_grid as thermal_grid

KIND = {"front": "rack_front", "rear": "rack_rear", "return": "unit_return", "supply": "unit_supply"}


def _cell_boxes(text: str) -> list[tuple[np.ndarray, np.ndarray]]:
    body = re.search(r"boxes\s*\((.*?)\);", text, re.S).group(1)
    pts = [np.array(p.split(), float) for p in re.findall(r"\(([^()]*)\)", body)]
    return list(zip(pts[0::2], pts[1::2]))


@pytest.mark.parametrize("cell_m", [0.1, 0.2])
def test_thermal_grid_and_openfoam_case_carry_the_same_flows(cell_m):
    layout = load_layout(bundled_layout("contained_inrow_room"))
    geo = solver_geometry(layout)
    thermal = thermal_grid(layout, cell_m)
    cfd = cfd_grid(layout, cell_m)
    t_flows = {(p.kind, p.owner): abs(p.velocity_ms) * p.area_m2 for p in thermal.patches}
    c_flows = {(KIND.get(p.kind, p.kind), p.owner or "tiles"):
               abs(sum(p.velocity_ms)) * cfd.patch_area_m2(p) for p in cfd.patches}
    expected = {(p.kind, p.owner): p.flow_m3s for p in geo.patches}
    assert set(t_flows) == set(c_flows) == set(expected)
    for key, q in expected.items():
        assert t_flows[key] == pytest.approx(q, rel=1e-9), key
        assert c_flows[key] == pytest.approx(q, rel=1e-9), key
    supplies = {p.owner for p in cfd.by_kind("supply")}
    assert supplies == {"IRC-A1", "IRC-B1", "IRC-B2"}           # IRC-A2 has failed


def test_the_case_cuts_out_obstacles_and_panels_and_writes_inrow_patches(tmp_path):
    layout = load_layout(bundled_layout("contained_inrow_room"))
    grid = write_case(layout, tmp_path, CaseSettings(cell_m=0.1))
    boxes = _cell_boxes((tmp_path / "system/topoSetDict").read_text())
    solids = len(layout.racks) + len(layout.cooling_units) + len(layout.obstacles) + 3
    assert len(boxes) == solids
    beam = layout.obstacles[0].box_m
    lo, hi = np.array([beam.x_m[0], beam.y_m[0], beam.z_m[0]]), np.array([beam.x_m[1], beam.y_m[1], beam.z_m[1]])
    assert any(np.allclose(a, np.round(lo / 0.1) * 0.1) and np.allclose(b, np.round(hi / 0.1) * 0.1)
               for a, b in boxes)
    roof = [(a, b) for a, b in boxes if np.isclose(a[2], 2.0) and np.isclose(b[2], 2.1)]
    assert len(roof) == 1 and np.allclose([roof[0][0][0], roof[0][1][0]], [1.1, 4.9])
    doors = [(a, b) for a, b in boxes if np.isclose(a[2], 0.1) and np.isclose(b[2], 2.1)]
    assert len(doors) == 2                                       # 0.1 m gap under each door
    assert grid.solid[11, 27, 0] == False and grid.solid[11, 27, 1]     # noqa: E712 (gap, door)
    patches = (tmp_path / "system/createPatchDict").read_text()
    for kind, unit in (("supply", "IRC-A1"), ("return", "IRC-A1"), ("supply", "IRC-B2"),
                       ("return", "IRC-B2")):
        assert f"name {kind}_{safe_name(unit)};" in patches
    assert safe_name("IRC-A2") not in patches
    U = (tmp_path / "0.orig/U").read_text()
    # IRC-A1 blows 2.3 m3/s towards -y through its 0.3 x 1.8 m supply zone
    a1 = re.escape(f"supply_{safe_name('IRC-A1')}")
    assert re.search(a1 + r"\s*\{\s*type fixedValue; value uniform \(0 -4.259259", U)
    T = (tmp_path / "0.orig/T").read_text()
    assert re.search(a1 + r"\s*\{\s*type fixedValue; value uniform 20;", T)
    # A4: 12 K rise; its 6 kW door takes at most 6 K off, never below 18 + 3 degC
    assert re.search(r'rear_A4\s*\{[^}]*\{front_A4\} = weightAverage\(T\)"\);\s*'
                     r'valueExpr "min\(\(Tfront \+ 12\), max\(21, \(Tfront \+ 12\) - 6\)\)";', T)


def test_air_zone_patches_cover_only_the_zone_in_the_case():
    layout = contained()
    from twin.model import FaceZone
    layout.rack("A1").air_zone_m = FaceZone((0.4, 1.6), 0.4, 0.1)
    grid = cfd_grid(layout, 0.1)
    front = next(p for p in grid.by_kind("front") if p.owner == "A1")
    assert (front.lo, front.hi) == ((8, 4), (12, 16))            # x 0.8..1.2, z 0.4..1.6
    assert grid.patch_area_m2(front) == pytest.approx(0.4 * 1.2)


def _openfoam_missing() -> str:
    from twin.cfd.run import OpenFOAMNotFound, openfoam_env
    try:
        openfoam_env()
    except OpenFOAMNotFound as exc:
        return str(exc)
    return ""


@pytest.mark.openfoam
@pytest.mark.skipif(bool(_openfoam_missing()), reason="needs OpenFOAM (buoyantBoussinesqSimpleFoam)")
def test_contained_inrow_room_with_a_rear_door_runs_in_openfoam(tmp_path):
    """The case meshes with the panels cut out and solves with in-row patches and a door."""
    from twin.cfd.run import StopRule
    from twin.cfd.simulate import simulate
    layout = contained(door=", rear_door: {capacity_kw: 1, water_supply_c: 18, approach_k: 3}")
    settings = CaseSettings(cell_m=0.2, start_avg_iter=100, max_iter=200)
    result = simulate(layout, tmp_path, settings, StopRule(100, 100, 50, 0.05), keep_case=False)
    a1 = result["racks"]["A1"]
    assert a1["door_kw"] == pytest.approx(1.0)                   # capacity-limited (hot intake)
    drop_k = 1000 / (layout.air.rho_cp * a1["airflow_m3s"])
    assert a1["exhaust_mean_c"] == pytest.approx(a1["inlet_mean_c"] + 12.0 - drop_k)
    assert set(result["cooling_units"]) == {"IRC-A", "IRC-B"}
    assert all(u["load_kw"] > 0 for u in result["cooling_units"].values())
    assert abs(result["energy_balance"]["error_pct"]) < 5.0


@pytest.mark.parametrize("cell_m", [0.1, 0.2])
def test_cdu_cabinets_block_the_air_in_both_grids(cell_m):
    """A CDU stands on the floor like a rack: no air passes through its box in either model."""
    layout = load_layout(bundled_layout("liquid_row"))
    cdu = layout.liquid.cdus[0]
    (x, y), (sx, sy, sz) = cdu.position_m, cdu.size_m
    centre = np.array([x + sx / 2, y + sy / 2, sz / 2])
    thermal = thermal_grid(layout, cell_m)
    i, j, k = (centre / np.array(thermal.spacing_m)).astype(int)
    assert not thermal.fluid[i, j, k]
    above = int((sz + 0.3) / thermal.spacing_m[2])
    assert thermal.fluid[i, j, above]                           # only its own height
    cfd = cfd_grid(layout, cell_m)
    assert cdu.id in [b[0] for b in cfd.boxes]
    assert cfd.solid[tuple((centre / cell_m).astype(int))]
