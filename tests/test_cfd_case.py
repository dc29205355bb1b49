"""The OpenFOAM case writer: patches match the layout, flows balance, results extract.

Everything except the last test runs without OpenFOAM; that one solves a tiny
room and is skipped where OpenFOAM is not installed.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest

from twin.cfd.case import CaseSettings, write_case
from twin.cfd.compare import differences
from twin.cfd.foamio import fmt, read_internal_field
from twin.cfd.geometry import LayoutError, build_grid
from twin.cfd.run import RunningMeans, StopRule
from twin.model import CoolingUnit, Layout, Rack, Room, TileArea

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench" / "validation"))
import generate  # noqa: E402


def small_room(facing_a: str = "+y", unit_state: str = "failed") -> Layout:
    """Two racks facing a tiled aisle, one rack facing +x, two units (one maybe failed)."""
    racks = [Rack("A1", (1.2, 0.6), (0.6, 1.2, 2.0), facing_a, 6.0, delta_t_k=12.0),
             Rack("A2", (1.8, 0.6), (0.6, 1.2, 2.0), facing_a, 9.0, delta_t_k=10.0),
             Rack("B1", (1.2, 3.0), (0.6, 1.2, 2.0), "-y", 4.0, airflow_m3s=0.3),
             Rack("X1", (4.2, 2.4), (1.2, 0.6, 1.8), "+x", 3.0, delta_t_k=12.0)]
    units = [CoolingUnit("CRAH-1", (0.0, 0.0), (0.8, 1.6, 2.0), 2.5, 18.0),
             CoolingUnit("CRAH-2", (5.2, 0.0), (0.8, 1.6, 2.0), 1.0, 20.0, state=unit_state)]
    tiles = [TileArea((1.2, 3.0), (1.8, 3.0)), TileArea((3.0, 3.6), (1.8, 2.4))]
    return Layout(room=Room((6.0, 4.4, 3.0)), name="small", racks=racks, cooling_units=units, tiles=tiles)


def _face_area_m2(rack: Rack) -> float:
    width = rack.size_m[0] if rack.facing[1] == "y" else rack.size_m[1]
    return width * rack.size_m[2]


def _set_boxes(text: str) -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    """faceSet name -> list of (min, max) corners, parsed from topoSetDict.faces."""
    sets = {}
    for name, body in re.findall(r"name (\w+); type faceSet;.*?boxes\s*\((.*?)\);", text, re.S):
        pts = [np.array(p.split(), float) for p in re.findall(r"\(([^()]*)\)", body)]
        sets[name] = list(zip(pts[0::2], pts[1::2]))
    return sets


def _box_area(lo: np.ndarray, hi: np.ndarray) -> float:
    ext = sorted(hi - lo)            # the thinnest extent is the plane's thickness
    return ext[1] * ext[2]


@pytest.mark.parametrize("cell_m", [0.1, 0.2])
def test_patch_areas_equal_layout_faces(tmp_path, cell_m):
    layout = small_room()
    grid = write_case(layout, tmp_path, CaseSettings(cell_m=cell_m))
    sets = _set_boxes((tmp_path / "system/topoSetDict.faces").read_text())
    areas = {name: sum(_box_area(lo, hi) for lo, hi in boxes) for name, boxes in sets.items()}
    for rack in layout.racks:
        assert areas[f"front_{rack.id}"] == pytest.approx(_face_area_m2(rack), abs=1e-9)
        assert areas[f"rear_{rack.id}"] == pytest.approx(_face_area_m2(rack), abs=1e-9)
    assert areas["return_CRAH_2d_1"] == pytest.approx(0.8 * 1.6, abs=1e-9)
    assert "return_CRAH_2d_2" not in areas                        # failed: solid, no return
    tile_area = sum(t.area_m2 for t in layout.tiles)
    assert areas["tiles"] == pytest.approx(tile_area, abs=1e-9)
    assert grid.patch_area_m2(grid.by_kind("tile")[0]) == pytest.approx(tile_area)


def test_tiles_under_a_rack_are_blocked(tmp_path):
    layout = small_room()
    layout.racks.append(Rack("T1", (3.0, 1.8), (0.6, 0.6, 1.0), "-x", 1.0, delta_t_k=10.0))
    grid = write_case(layout, tmp_path)
    tiles = grid.by_kind("tile")[0]
    assert grid.patch_area_m2(tiles) == pytest.approx(sum(t.area_m2 for t in layout.tiles) - 0.36)
    assert tiles.velocity_ms[2] * grid.patch_area_m2(tiles) == pytest.approx(2.5)


def test_every_rack_has_front_and_rear_patch(tmp_path):
    layout = small_room()
    write_case(layout, tmp_path)
    text = (tmp_path / "system/createPatchDict").read_text()
    for rack in layout.racks:
        assert f"name front_{rack.id};" in text and f"name rear_{rack.id};" in text
    fields = (tmp_path / "0.orig/T").read_text()
    assert 'Tfront{front_A2} = weightAverage(T)' in fields
    assert f'valueExpr "Tfront + {fmt(layout.rack("A2").delta_t(layout.air))}"' in fields


def _uniform_vectors(text: str) -> dict[str, np.ndarray]:
    out = {}
    for name, vec in re.findall(r"(\w+)\n    \{\n        type fixedValue; value uniform \(([^)]*)\);", text):
        out[name] = np.array(vec.split(), float)
    return out


@pytest.mark.parametrize("unit_state", ["running", "failed"])
def test_imposed_flows_balance(tmp_path, unit_state):
    """Net volume flow through all patches, from the written U values and face areas, is zero."""
    layout = small_room(unit_state=unit_state)
    grid = write_case(layout, tmp_path)
    velocities = _uniform_vectors((tmp_path / "0.orig/U").read_text())
    net, total = 0.0, 0.0
    for p in grid.patches:
        inward = 1.0 if p.fluid_side > 0 else -1.0               # fluid lies on the + side of the plane
        q = velocities[p.name][p.axis] * inward * grid.patch_area_m2(p)
        net, total = net + q, total + abs(q)
    assert abs(net) <= 1e-9 * total
    running = sum(u.airflow_m3s for u in layout.cooling_units if u.running)
    assert grid.supply_m3s == pytest.approx(running)


def test_blocked_front_and_no_running_unit_are_refused():
    layout = small_room()
    layout.racks.append(Rack("Z", (1.2, 1.8), (0.6, 0.6, 1.0), "+y", 1.0, delta_t_k=10.0))
    with pytest.raises(LayoutError, match="front face is blocked"):
        build_grid(layout, 0.1)
    layout = small_room()
    for u in layout.cooling_units:
        u.state = "failed"
    with pytest.raises(LayoutError, match="no running cooling unit"):
        build_grid(layout, 0.1)


def test_read_internal_field(tmp_path):
    (tmp_path / "T").write_text("FoamFile{}\ninternalField   nonuniform List<scalar> \n3\n(\n1.5\n2\n3e-1\n)\n;\n")
    (tmp_path / "U").write_text("internalField nonuniform List<vector> 2\n(\n(1 2 3)\n(4 5 -6)\n)\n;\n")
    (tmp_path / "k").write_text("internalField uniform 0.25;\n")
    assert np.allclose(read_internal_field(tmp_path / "T"), [1.5, 2, 0.3])
    assert np.allclose(read_internal_field(tmp_path / "U"), [[1, 2, 3], [4, 5, -6]])
    assert np.allclose(read_internal_field(tmp_path / "k", 2), [0.25, 0.25])


def test_stop_rule_waits_for_settled_running_means():
    rule = StopRule(start_avg_iter=10, min_avg_iters=50, window_iters=20, tol_k=0.05)
    means = RunningMeans(rule.start_avg_iter)
    for it in range(1, 200):
        means.add(it, {"front_A1": 20.0 + (1.0 if it % 2 else -1.0), "return_U": 25.0})
        if it < 59:
            assert not means.settled(rule)
    assert means.settled(rule)
    assert means.means()["front_A1"] == pytest.approx(20.0, abs=0.02)
    assert means.stds()["front_A1"] == pytest.approx(1.0, abs=1e-6)


FAKE_SOLVER = """
import sys, time
for it, t in enumerate({temps}, start=1):
    print(f"Time = {{it}}")
    print("DILUPBiCGStab:  Solving for T, Initial residual = 0.01, Final residual = 1e-4, No Iterations 1")
    print(f"areaAverage(front_A1) of T = {{t}}")
    sys.stdout.flush()
time.sleep(60)                      # a diverged solver would carry on; the reader must stop it
"""


@pytest.mark.parametrize("temps, expect", [([20.0, 19.5, 16.5, 12.0], "diverged at iteration 3"),
                                           ([20.0, float("nan")], "diverged at iteration 2")])
def test_a_diverging_solve_is_stopped_with_a_clear_error(tmp_path, monkeypatch, temps, expect):
    from twin.cfd import run
    script = FAKE_SOLVER.format(temps=repr(temps).replace("nan", "float('nan')"))
    monkeypatch.setattr(run, "_popen", lambda cmd, case, env: subprocess.Popen(
        [sys.executable, "-c", script], cwd=case, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, bufsize=1, start_new_session=True))
    started = time.monotonic()
    with pytest.raises(run.CFDError, match=expect) as err:
        run.solve(tmp_path, {}, CaseSettings(), StopRule(), supply_temp_c=18.0)
    assert "below the supply air 18.00 °C" in str(err.value) or "nan" in str(err.value)
    assert time.monotonic() - started < 30                     # killed, not waited for


def test_undershoot_within_the_margin_is_not_divergence():
    from twin.cfd import run
    state = {"vals": {"front_A1": 17.2, "return_U": 25.0}}
    assert run._diverged(state, 18.0) == ""
    assert "front_A1" in run._diverged({"vals": {"front_A1": 16.9}}, 18.0)


def test_compare_differences():
    a = {"racks": {"A1": {"inlet_mean_c": 20.0, "inlet_max_c": 22.0}}, "cooling_units": {"U": {"return_temp_c": 28}}}
    b = {"racks": {"A1": {"inlet_mean_c": 20.5, "inlet_max_c": 21.0}}, "cooling_units": {"U": {"return_temp_c": 27}}}
    d = differences(a, b)
    assert d["racks"]["A1"]["inlet_mean_c"] == pytest.approx(0.5)
    assert d["returns"]["U"] == pytest.approx(-1.0)
    assert d["worst_any_k"] == pytest.approx(1.0)


@pytest.mark.parametrize("name", sorted(generate.PRESETS))
def test_validation_presets_satisfy_the_contract(name):
    layout = generate.build(generate.PRESETS[name])
    for v in [*(c for r in layout.racks for c in (*r.position_m, *r.size_m)), *layout.room.size_m]:
        assert abs(v / 0.2 - round(v / 0.2)) < 1e-9


def test_random_rooms_are_valid():
    for seed in range(20):
        generate.check(generate.build(generate.draw(seed)))


def _openfoam_missing() -> str:
    from twin.cfd.run import OpenFOAMNotFound, openfoam_env
    try:
        openfoam_env()
    except OpenFOAMNotFound as exc:
        return str(exc)
    return ""


def test_decomposition_splits_the_longest_side(tmp_path):
    write_case(small_room(), tmp_path, CaseSettings(cell_m=0.2, n_procs=2))
    text = (tmp_path / "system/decomposeParDict").read_text()
    assert "numberOfSubdomains 2;" in text and "method simple;" in text
    assert re.search(r"n \(2 1 1\);", text), text          # the room is 6.0 m east-west, 4.4 m north-south


@pytest.mark.openfoam
@pytest.mark.skipif(bool(_openfoam_missing()), reason="needs OpenFOAM (buoyantBoussinesqSimpleFoam): "
                    "install it with `apt-get install openfoam`")
@pytest.mark.parametrize("n_procs", [1, 2])
def test_tiny_room_end_to_end(tmp_path, n_procs):
    from twin.cfd.run import StopRule as Rule
    from twin.cfd.simulate import simulate
    layout = Layout(room=Room((3.2, 2.4, 2.4)), name="tiny",
                    racks=[Rack("R1", (1.2, 0.4), (0.6, 0.8, 1.6), "+y", 2.0, delta_t_k=12.0)],
                    cooling_units=[CoolingUnit("U1", (2.6, 1.2), (0.6, 1.2, 1.6), 0.2, 18.0)],
                    tiles=[TileArea((1.2, 2.0), (1.2, 1.6))])
    # the start-up (the reference's momentum predictor, limited gradients) takes a few hundred iterations
    settings = CaseSettings(cell_m=0.2, start_avg_iter=400, max_iter=600, n_procs=n_procs)
    result = simulate(layout, tmp_path, settings, Rule(400, 100, 50, 0.05), keep_case=False)
    rack = result["racks"]["R1"]
    assert 17.9 < rack["inlet_lower_c"] <= rack["inlet_mean_c"] + 1e-9 <= rack["inlet_max_c"] + 2e-9
    assert rack["exhaust_mean_c"] == pytest.approx(rack["inlet_mean_c"] + 12.0)
    assert abs(result["energy_balance"]["error_pct"]) < 5.0
    with np.load(tmp_path / "fields.npz") as f:
        assert f["T"].shape == (16, 12, 12) and np.isnan(f["T"][6, 2, 0])
        assert np.nanmin(f["T"]) > 17.5


def test_missing_openfoam_is_a_clear_error(monkeypatch):
    from twin.cfd import run
    monkeypatch.setattr(run, "BASHRC_CANDIDATES", ("/nonexistent/etc/bashrc",))
    monkeypatch.delenv("FOAM_BASHRC", raising=False)
    monkeypatch.delenv("WM_PROJECT_DIR", raising=False)
    with pytest.raises(run.OpenFOAMNotFound, match="apt-get install openfoam"):
        run.openfoam_env()


def _fake_result() -> dict:
    rack = dict(inlet_mean_c=20.0, inlet_max_c=21.0, inlet_lower_c=19.0, inlet_middle_c=20.0,
                inlet_upper_c=21.0, exhaust_mean_c=32.0, power_kw=6.0, airflow_m3s=0.4)
    return {"racks": {"A1": rack}, "cooling_units": {"CRAH-1": {"state": "running", "return_temp_c": 28.0,
                                                               "load_kw": 6.0}},
            "energy_balance": {"it_power_kw": 6.0, "removed_kw": 6.0, "error_pct": 0.0},
            "solve_seconds": 1.0, "cfd": {"iterations": 10, "averaged_iters": 5, "converged": True}}


def _result_pair(folder: Path, b_a1_mean_c: float) -> tuple[str, str]:
    """a.json and b.json (fake results) in `folder`, B's rack A1 intake mean set; their paths."""
    a, b = _fake_result(), _fake_result()
    b["racks"]["A1"]["inlet_mean_c"] = b_a1_mean_c
    paths = []
    for name, result in (("a.json", a), ("b.json", b)):
        (folder / name).write_text(json.dumps(result))
        paths.append(str(folder / name))
    return paths[0], paths[1]


def test_cfd_command_reports_results_and_missing_openfoam(tmp_path, monkeypatch, capsys):
    from twin.cfd import command, run, simulate
    from twin.model import dump_layout
    path = tmp_path / "room.yaml"
    path.write_text(dump_layout(small_room()))
    monkeypatch.setattr(simulate, "simulate", lambda *a, **k: _fake_result())
    assert command.main(["cfd", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert "A1" in capsys.readouterr().out

    def missing(*_a, **_k):
        raise run.OpenFOAMNotFound(run.NOT_FOUND)
    monkeypatch.setattr(simulate, "simulate", missing)
    assert command.main(["cfd", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == command.EXIT_INPUT
    assert "OpenFOAM not found" in capsys.readouterr().err


def test_cfd_takes_a_bundled_layout_by_name(tmp_path, monkeypatch, capsys):
    from twin.cfd import command, simulate
    seen = {}
    monkeypatch.setattr(simulate, "simulate", lambda layout, *a, **k: seen.setdefault("layout", layout)
                        and _fake_result())
    assert command.main(["cfd", "small_room", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert len(seen["layout"].racks) == 6
    assert command.main(["cfd", "no_such_room", "--out", str(tmp_path / "o2"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "no_such_room" in err and "small_room" in err and "Traceback" not in err


def test_compare_command_prints_per_rack_differences(tmp_path, capsys):
    from twin.cfd import command
    a, b = _result_pair(tmp_path, b_a1_mean_c=20.7)
    assert command.main(["compare", a, b]) == 0
    out = capsys.readouterr().out
    assert "+0.70" in out and "CRAH-1" in out
    svg = tmp_path / "diff.svg"
    assert command.main(["compare", a, b, "--plot", str(svg)]) == 0
    text = svg.read_text()
    assert text.startswith("<svg") and "A1" in text and "MAE 0.70 K" in text
    assert text.count("<circle") == 2                    # one rack, two results


def test_side_by_side_is_fast_minus_cfd():
    from twin.cfd.verify import side_by_side, verdict
    cfd, fast = _fake_result(), _fake_result()
    fast["racks"]["A1"]["inlet_mean_c"] = 21.4
    fast["cooling_units"]["CRAH-1"]["return_temp_c"] = 27.5
    table = side_by_side(fast, cfd)
    assert table["racks"][0]["delta_mean_k"] == pytest.approx(1.4)
    assert table["units"][0]["delta_k"] == pytest.approx(-0.5)
    assert table["outside_tolerance"] == ["A1"] and "beyond 1 K: A1" in verdict(table)


def test_dctwin_cfd_and_compare_are_subcommands_of_the_main_cli(tmp_path, capsys):
    from twin import cli
    a, b = _result_pair(tmp_path, b_a1_mean_c=19.5)
    assert cli.main(["compare", a, b]) == 0
    assert "-0.50" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nroom:\n  size_m: [6, 4]\n")
    assert cli.main(["cfd", str(bad), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:" in err and "Traceback" not in err


def test_cfd_inflow_turbulence_options_reach_the_case(tmp_path, monkeypatch, capsys):
    from twin.cfd import command, simulate
    from twin.model import dump_layout
    path = tmp_path / "room.yaml"
    path.write_text(dump_layout(small_room()))
    seen = {}

    def fake(layout, out, settings, **_k):
        seen["settings"] = settings
        return _fake_result()
    monkeypatch.setattr(simulate, "simulate", fake)
    out = str(tmp_path / "out")
    assert command.main(["cfd", str(path), "--out", out, "--quiet"]) == 0
    defaults = CaseSettings()                                     # the CLI defaults are the method's
    assert seen["settings"].inflow_intensity == pytest.approx(defaults.inflow_intensity)
    assert seen["settings"].inflow_length_m == defaults.inflow_length_m
    assert command.main(["cfd", str(path), "--out", out, "--quiet", "--inflow-turbulence", "7",
                         "--inflow-length-m", "0.05"]) == 0
    assert seen["settings"].inflow_intensity == pytest.approx(0.07)
    assert seen["settings"].inflow_length_m == 0.05
    for bad, expect in ((["--inflow-turbulence", "0"], "--inflow-turbulence must be a percentage"),
                        (["--inflow-length-m", "nan"], "--inflow-length-m must be a length"),
                        (["--np", "0"], "--np must be at least 1")):
        seen.clear()
        assert command.main(["cfd", str(path), "--out", out, "--quiet", *bad]) == command.EXIT_INPUT
        assert expect in capsys.readouterr().err and not seen       # nothing was run


def test_inflow_turbulence_sets_k_and_epsilon_of_inflow_patches(tmp_path):
    import math
    grid = write_case(small_room(), tmp_path, CaseSettings(inflow_intensity=0.07, inflow_length_m=0.05))
    texts = {name: (tmp_path / "0.orig" / name).read_text() for name in ("k", "epsilon")}
    inflows = [p for p in grid.patches if p.kind in ("tile", "rear")]
    assert inflows
    for p in inflows:
        speed = math.sqrt(sum(c * c for c in p.velocity_ms))
        k = 1.5 * (0.07 * speed) ** 2
        eps = 0.09 ** 0.75 * k ** 1.5 / 0.05
        for name, want in (("k", k), ("epsilon", eps)):
            got = re.search(rf"{p.name}\s*{{\s*type \w+Inlet; \w+ ([0-9.]+); value uniform ([0-9.eE+-]+);",
                            texts[name])
            assert got and float(got.group(2)) == pytest.approx(want, rel=1e-9), (name, p.name)
            assert float(got.group(1)) == (0.07 if name == "k" else 0.05)


def test_verify_runs_are_cached_per_layout_grid_and_physics(tmp_path):
    from twin.cfd import verify
    room = small_room()
    same = verify.run_folder(room, 0.1, tmp_path, CaseSettings(n_procs=2))
    assert same == verify.run_folder(room, 0.1, tmp_path)            # process count is not physics
    assert same != verify.run_folder(room, 0.2, tmp_path)
    assert same != verify.run_folder(room, 0.1, tmp_path, CaseSettings(inflow_intensity=0.07))
    assert same != verify.run_folder(room, 0.1, tmp_path, CaseSettings(k0_m2s2=0.1))


def test_stored_results_say_which_method_made_them():
    from dataclasses import asdict
    from twin.cfd.case import made_with_current_method, stored_settings
    current = {"cfd": {"settings": asdict(CaseSettings(cell_m=0.2, n_procs=2))}}
    earlier = {"cfd": {"settings": asdict(CaseSettings(inflow_intensity=0.05, k0_m2s2=0.1))}}
    assert made_with_current_method(current) and not made_with_current_method(earlier)
    assert stored_settings(earlier).inflow_intensity == 0.05
    assert not made_with_current_method({"cfd": {}}) and stored_settings({}) is None
    future = {"cfd": {"settings": {**asdict(CaseSettings()), "a_later_option": 1}}}
    assert made_with_current_method(future)                  # unknown keys are ignored


def test_a_run_diverging_from_the_quiet_start_is_run_again_from_the_damped_start(tmp_path, monkeypatch):
    from twin.cfd import extract, run, simulate
    calls = []

    def fake_mesh_and_solve(layout, case, settings, rule, env, progress, cancel, say):
        calls.append(settings)
        if len(calls) == 1:
            raise run.CFDDiverged("diverged at iteration 198: ...", 198)
        return types.SimpleNamespace(), run.RunningMeans(800), 1.0, 2.0

    monkeypatch.setattr(run, "openfoam_env", lambda: {})
    monkeypatch.setattr(simulate, "_mesh_and_solve", fake_mesh_and_solve)
    monkeypatch.setattr(extract, "read_fields", lambda case, grid: (None, None, Path("1801")))
    monkeypatch.setattr(extract, "result_dict", lambda layout, grid, t, s, extra: {"cfd": extra})
    monkeypatch.setattr(extract, "write_outputs", lambda *a: None)
    result = simulate.simulate(small_room(), tmp_path, CaseSettings())
    assert [c.k0_m2s2 for c in calls] == [CaseSettings().k0_m2s2, simulate.DAMPED_START["k0_m2s2"]]
    assert result["cfd"]["settings"]["k0_m2s2"] == CaseSettings().k0_m2s2      # the method asked for
    assert result["cfd"]["start"]["k0_m2s2"] == 0.1
    assert "diverged at iteration 198" in result["cfd"]["start"]["note"]
    calls.clear()
    with pytest.raises(run.CFDDiverged):                                      # no second chance when off
        simulate.simulate(small_room(), tmp_path, CaseSettings(), restart_if_diverged=False)
    assert len(calls) == 1


def test_suite_summary_names_the_start_a_run_actually_took():
    from dataclasses import asdict
    import summarize
    from twin.cfd.simulate import DAMPED_START
    asked = asdict(CaseSettings())
    retried = {"settings": asked, "start": {**DAMPED_START, "note": "the start as set diverged at iteration 198"}}
    as_set = {"settings": asked, "start": {"k0_m2s2": asked["k0_m2s2"], "note": "as set"}}
    assert "damped start (k0 0.1); the start as set diverged at iteration 198" in summarize._inflow(retried)
    assert summarize._inflow(as_set) == "inflow turbulence 10%, reference start (k0 0.00135)"
    assert "reference start" in summarize._inflow({"settings": asked})           # results from before `start`
    assert "before settings were recorded" in summarize._inflow({})


def test_heat_budget_is_the_racks_heat_and_catches_a_runaway_iterate():
    from twin.cfd import run
    room = small_room(unit_state="running")
    grid = build_grid(room, 0.1)
    budget = run.HeatBudget.of_grid(grid, after_iter=800)
    rho_cp = room.air.density_kgm3 * room.air.cp_jkgk
    assert budget.rack_heat_km3s == pytest.approx(sum(r.power_kw for r in room.racks) * 1e3 / rho_cp, rel=1e-9)
    q = sum(budget.return_flows_m3s.values())
    balanced = {n: grid.supply_temp_c + budget.rack_heat_km3s / q for n in budget.return_flows_m3s}
    assert budget.ratio(balanced, grid.supply_temp_c) == pytest.approx(1.0)
    runaway = {n: grid.supply_temp_c + 2.5 * budget.rack_heat_km3s / q for n in budget.return_flows_m3s}
    assert "2.50 times the racks' heat" in run._diverged({"it": 900, "vals": runaway}, grid.supply_temp_c, budget)
    assert run._diverged({"it": 700, "vals": runaway}, grid.supply_temp_c, budget) == ""   # start-up swings
    assert run._diverged({"it": 900, "vals": balanced}, grid.supply_temp_c, budget) == ""
    cold = {n: grid.supply_temp_c + 0.3 * budget.rack_heat_km3s / q for n in budget.return_flows_m3s}
    assert "0.30 times" in run._diverged({"it": 900, "vals": cold}, grid.supply_temp_c, budget)
    assert budget.ratio({}, grid.supply_temp_c) is None                     # monitors not yet printed


def test_heat_budget_leaves_out_what_rear_doors_take_from_the_exhaust():
    """Room f_rear_doors: the doors take ~60 % of the IT heat, so healthy returns carry only the
    rest; counting the full rack heat called a sound solve diverged ("0.38 times")."""
    from twin.cfd import run
    from twin.model import load_layout
    room = load_layout(Path(__file__).resolve().parents[1] / "bench/validation/rooms/f_rear_doors/layout.yaml")
    grid = build_grid(room, 0.1)
    rho_cp = room.air.rho_cp
    budget = run.HeatBudget.of_grid(grid, after_iter=800, rho_cp=rho_cp)
    assert len(budget.doors) == 6
    intake_c = 18.5
    vals = {p.name: intake_c for p in grid.by_kind("front")}
    # by hand: a 10 kW rack at 14 K moves 10e3 / (rho_cp 14) m3/s; its exhaust 32.5 degC, the door
    # floor 16 + 3 = 19 degC, so a big door takes rho_cp q (32.5 - 19) = 10 x 13.5 / 14 = 9.643 kW
    door_kw = 4 * 10.0 * 13.5 / 14.0 + 4.0 + 6.0
    room_kw = 80.0 - door_kw
    assert budget.room_heat_km3s(vals) * rho_cp / 1e3 == pytest.approx(room_kw, rel=1e-6)
    q = sum(budget.return_flows_m3s.values())
    balanced = {**vals, **{n: grid.supply_temp_c + room_kw * 1e3 / rho_cp / q for n in budget.return_flows_m3s}}
    assert budget.ratio(balanced, grid.supply_temp_c) == pytest.approx(1.0)
    assert run._diverged({"it": 900, "vals": balanced}, grid.supply_temp_c, budget) == ""
    runaway = {**vals, **{n: grid.supply_temp_c + 2.5 * room_kw * 1e3 / rho_cp / q for n in budget.return_flows_m3s}}
    assert "2.50 times" in run._diverged({"it": 900, "vals": runaway}, grid.supply_temp_c, budget)
    no_intakes = {n: v for n, v in balanced.items() if n in budget.return_flows_m3s}
    assert budget.ratio(no_intakes, grid.supply_temp_c) is None            # door share not yet known


def test_intake_thirds_are_thirds_of_the_air_zone():
    """A zone from 1.0 to 1.9 m: its lower third is 1.0-1.3 m, not the floor third of 0-1.9 m (which
    holds no zone face, so the figure came out NaN)."""
    from twin.cfd.extract import rack_figures
    from twin.model import load_layout
    room = load_layout(Path(__file__).resolve().parents[1] / "bench/validation/rooms/f_air_zones/layout.yaml")
    grid = build_grid(room, 0.1)
    t = np.zeros(grid.shape)
    t[:] = 18.0 + np.arange(grid.shape[2]) * 0.1        # T = 18 degC + 1 K per metre of height
    a4 = rack_figures(t, grid, room)["A4"]               # zone z 1.0-1.9: cell centres 1.05 ... 1.85
    assert a4["inlet_lower_c"] == pytest.approx(18.0 + 1.1, abs=1e-9)    # cells 1.05, 1.15, 1.25
    assert a4["inlet_middle_c"] == pytest.approx(18.0 + 1.4, abs=1e-9)
    assert a4["inlet_upper_c"] == pytest.approx(18.0 + 1.7, abs=1e-9)
    assert a4["inlet_mean_c"] == pytest.approx(18.0 + 1.4, abs=1e-9)
