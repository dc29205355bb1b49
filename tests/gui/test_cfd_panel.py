"""The CFD verification dock: a background OpenFOAM run, progress, cancel, and fast model vs CFD."""
import json
import time

import numpy as np
import pytest

from conftest import ACCURATE, wait_solved
from twin.cfd import run as cfd_run
from twin.cfd import simulate as cfd_simulate
from twin.cfd.run import SolveProgress
from twin.model import Air, CoolingUnit, Layout, Rack, Room, TileArea, dump_layout
from twin.thermal.export import result_to_dict

OFFSET_K = {"default": 0.3, "worst": -1.6}      # CFD minus fast model, per rack, in the fake runs


def _fake_cfd(window, calls):
    """A stand-in for the OpenFOAM run: the fast model's own result shifted by known offsets."""
    fast = window.latest
    worst = sorted(fast.result.racks)[0]

    def simulate(layout, out_dir, settings, rule=None, progress=None, cancel=None, keep_case=True, stage=None):
        calls.append(settings)
        for it in range(1, 4):
            progress(SolveProgress(it, settings.max_iter, {"p_rgh": 1e-3 / it}, {"front_A": 18.0 + it}, 0, 0.1))
        data = result_to_dict(fast.result, fast.layout, fast.metrics)
        for rid, rack in data["racks"].items():
            shift = OFFSET_K["worst" if rid == worst else "default"]
            for key in ("inlet_mean_c", "inlet_max_c", "inlet_upper_c"):
                rack[key] += shift
        data.update(model="openfoam", grid={"cell_m": fast.result.cell_m / 2},
                    cfd={"iterations": 1800, "averaged_iters": 1000, "converged": True})
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "result.json").write_text(json.dumps(data))
        fine = np.repeat(np.repeat(np.repeat(fast.result.temperature_c + 0.5, 2, 0), 2, 1), 2, 2)
        np.savez_compressed(out_dir / "fields.npz", T=fine.astype(np.float32))
        return data
    return simulate, worst


@pytest.fixture
def accurate_window(make_window, qtbot, tmp_path):
    window = make_window(solve=ACCURATE)
    wait_solved(qtbot, window, 60_000)
    window.cfd.out_root = tmp_path / "cfd-runs"
    window.cfd_dock.raise_()
    return window


def test_verify_shows_fast_model_and_cfd_side_by_side(accurate_window, qtbot, monkeypatch):
    w, calls = accurate_window, []
    fake, worst = _fake_cfd(w, calls)
    monkeypatch.setattr(cfd_simulate, "simulate", fake)
    w.acts.verify_cfd.trigger()
    qtbot.waitUntil(lambda: not w.cfd.running() and w.cfd.cfd_result is not None, timeout=10_000)
    assert calls[0].cell_m == 0.2 and calls[0].n_procs == w.cfd.procs.value()
    table = w.cfd.table
    deltas = {r["id"]: r["delta_mean_k"] for r in table["racks"]}
    assert set(deltas) == set(w.latest.result.racks)
    for rid, delta in deltas.items():       # fast - CFD
        assert delta == pytest.approx(-OFFSET_K["worst" if rid == worst else "default"], abs=1e-9)
    assert table["outside_tolerance"] == [worst] and table["worst_rack"] == worst
    assert "beyond 1 K" in w.cfd.summary.text() and worst in w.cfd.summary.text()
    assert w.cfd.tables.racks.rowCount() == len(deltas)
    diff = w.cfd.maps.planes[2]
    assert np.nanmax(np.abs(diff + 0.5)) < 1e-5 and np.isfinite(diff).any()   # the 0.5 K field offset


def test_second_verify_of_the_same_layout_reuses_the_run(accurate_window, qtbot, monkeypatch):
    w, calls = accurate_window, []
    fake, _ = _fake_cfd(w, calls)
    monkeypatch.setattr(cfd_simulate, "simulate", fake)
    w.cfd.start()
    qtbot.waitUntil(lambda: w.cfd.cfd_result is not None and not w.cfd.running(), timeout=10_000)
    w.cfd.cfd_result = None
    w.cfd.start()
    assert len(calls) == 1 and w.cfd.cfd_result is not None and "earlier CFD run" in w.cfd.status.text()


def test_inflow_turbulence_control_reaches_the_run_and_is_not_reused_across_values(accurate_window, qtbot,
                                                                                   monkeypatch):
    w, calls = accurate_window, []
    fake, _ = _fake_cfd(w, calls)
    monkeypatch.setattr(cfd_simulate, "simulate", fake)
    assert w.cfd.inflow_pct.value() == pytest.approx(10.0)            # the method's default (C1's own)
    w.cfd.start()
    qtbot.waitUntil(lambda: w.cfd.cfd_result is not None and not w.cfd.running(), timeout=10_000)
    w.cfd.inflow_pct.setValue(5.0)
    w.cfd.start()                                                      # another method: a new run
    qtbot.waitUntil(lambda: len(calls) == 2 and not w.cfd.running(), timeout=10_000)
    assert [c.inflow_intensity for c in calls] == pytest.approx([0.10, 0.05])
    assert calls[1].k0_m2s2 == calls[0].k0_m2s2 and calls[1].cell_m == calls[0].cell_m


def test_cancel_stops_the_run_and_the_gui_stays_responsive(accurate_window, qtbot, monkeypatch):
    w = accurate_window
    started = []

    def slow(layout, out_dir, settings, rule=None, progress=None, cancel=None, **_kw):
        it = 0
        while not cancel():
            it += 1
            progress(SolveProgress(it, settings.max_iter, {"Ux": 0.1}, {}, 0, it * 0.01))
            started.append(it)
            time.sleep(0.01)
        raise cfd_run.CFDCancelled()
    monkeypatch.setattr(cfd_simulate, "simulate", slow)
    w.cfd.start()
    qtbot.waitUntil(lambda: w.cfd.progress.value() >= 5, timeout=5000)    # the GUI thread shows progress
    assert w.cfd.running() and not w.cfd.start_button.isEnabled()
    w.cfd.cancel_button.click()
    qtbot.waitUntil(lambda: not w.cfd.running(), timeout=5000)
    assert "cancelled" in w.cfd.status.text() and w.cfd.start_button.isEnabled()
    assert w.cfd.cfd_result is None


def test_missing_openfoam_says_how_to_install_it(accurate_window, qtbot, monkeypatch):
    w = accurate_window

    def missing(*_a, **_k):
        raise cfd_run.OpenFOAMNotFound(cfd_run.NOT_FOUND)
    monkeypatch.setattr(cfd_simulate, "simulate", missing)
    w.cfd.start()
    qtbot.waitUntil(lambda: not w.cfd.running(), timeout=5000)
    assert "apt-get install openfoam" in w.cfd.status.text()
    assert "bold" in w.cfd.status.styleSheet()


def _openfoam_missing() -> str:
    try:
        cfd_run.openfoam_env()
    except cfd_run.OpenFOAMNotFound as exc:
        return str(exc)
    return ""


@pytest.mark.openfoam
@pytest.mark.skipif(bool(_openfoam_missing()), reason="needs OpenFOAM: install it with `apt-get install openfoam`")
def test_real_openfoam_run_of_a_tiny_room(make_window, qtbot, tmp_path):
    from twin.cfd.case import CaseSettings
    from twin.cfd.run import StopRule
    layout = Layout(room=Room((3.2, 2.4, 2.4)), name="tiny", air=Air(),
                    racks=[Rack("R1", (1.2, 0.4), (0.6, 0.8, 1.6), "+y", 2.0, delta_t_k=12.0)],
                    cooling_units=[CoolingUnit("U1", (2.6, 1.2), (0.6, 1.2, 1.6), 0.2, 18.0)],
                    tiles=[TileArea((1.2, 2.0), (1.2, 1.6))])
    path = tmp_path / "tiny.yaml"
    path.write_text(dump_layout(layout))
    w = make_window(path, solve=ACCURATE)
    wait_solved(qtbot, w, 60_000)
    w.cfd.out_root = tmp_path / "runs"
    w.cfd.settings_override = (CaseSettings(cell_m=0.2, start_avg_iter=100, max_iter=300),
                               StopRule(100, 100, 50, 0.05))
    w.cfd.start()
    qtbot.waitUntil(lambda: not w.cfd.running(), timeout=240_000)
    assert w.cfd.cfd_result is not None, w.cfd.status.text()
    row = w.cfd.table["racks"][0]
    assert row["id"] == "R1" and 17.9 < row["cfd_mean_c"] < 25.0
    assert abs(row["delta_mean_k"]) < 3.0          # two models of one tiny room agree to a few K


def test_closing_the_window_stops_a_running_cfd(accurate_window, qtbot, monkeypatch):
    w = accurate_window
    seen = []

    def slow(layout, out_dir, settings, rule=None, progress=None, cancel=None, **_kw):
        while not cancel():
            seen.append(1)
            time.sleep(0.01)
        raise cfd_run.CFDCancelled()
    monkeypatch.setattr(cfd_simulate, "simulate", slow)
    w.cfd.start()
    qtbot.waitUntil(lambda: len(seen) > 3, timeout=5000)
    thread = w.cfd.job.thread
    w.close()
    assert not thread.is_alive()
