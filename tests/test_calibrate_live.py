"""The Qt-free side of the desktop's calibration views: rows of readings against a solved
twin, the watch replayed frame by frame, and a calibration written as one undoable edit."""
from __future__ import annotations

import copy
import math

import pytest

from paths import REPO
from twin import thermal
from twin.calibrate import Settings, calibrate, read_measured, snapshot
from twin.calibrate import synthetic as syn
from twin.calibrate.edits import apply_calibration, fitted_changes
from twin.calibrate.live import model_spread_k, reading_rows, replay, residual_fraction
from twin.calibrate.watch import WatchSettings
from twin.commands import CommandError, CommandStack
from twin.model import load_layout

ROOM = REPO / "tests" / "data" / "calibrate" / "two_rows.yaml"


@pytest.fixture(scope="module")
def room():
    return load_layout(ROOM)


@pytest.fixture(scope="module")
def solved(room):
    return thermal.solve(room, cell_m=0.3, model="preview")


def _measured(tmp_path, room, frames):
    path = tmp_path / "m.csv"
    path.write_text(syn.readings_csv(frames))
    return read_measured(path, room)


def test_rows_are_the_reading_nearest_the_instant_minus_the_twin(room, solved, tmp_path):
    twin = solved.sensors["A2-low"].value_c
    t0 = syn.EPOCH_S
    frames = [(t0, {"A2-low": twin + 1.0, "unit:CRAH-1:fan_pct": 90.0, "rack:A1:power_kw": 7.0}),
              (t0 + 120, {"A2-low": twin - 0.6, "unit:CRAH-1:fan_pct": 80.0, "rack:A1:power_kw": 7.5})]
    rows = {r.name: r for r in reading_rows(room, solved, _measured(tmp_path, room, frames), t0 + 50,
                                            WatchSettings(noise_k=0.4, model_k=0.3))}
    a2 = rows["A2-low"]
    assert a2.residual == pytest.approx(1.0, abs=1e-3) and a2.spread == pytest.approx(0.5)
    assert a2.residuals == pytest.approx((1.0, -0.6), abs=1e-3)
    assert residual_fraction(a2, 4.0) == pytest.approx(0.5 + 0.5 * a2.residual / 0.5 / 4.0)
    fan = rows["unit:CRAH-1:fan_pct"]             # nominal airflow: the twin's fan runs at 100 %
    assert fan.twin == 100.0 and fan.residual == pytest.approx(-10.0)
    assert fan.spread == pytest.approx(math.sqrt(5.0 ** 2 + 0.3 ** 2))
    power = rows["rack:A1:power_kw"]
    assert power.role == "input" and math.isnan(power.twin) and residual_fraction(power, 4.0) is None
    unread = rows["B3-high"]                      # a layout sensor the file does not read
    assert unread.role == "unmeasured" and math.isnan(unread.measured)
    assert unread.twin == solved.sensors["B3-high"].value_c
    latest = {r.name: r for r in reading_rows(room, solved, _measured(tmp_path, room, frames), None,
                                              WatchSettings())}
    assert latest["A2-low"].residual == pytest.approx(-0.6, abs=1e-3)


def test_replay_keeps_each_frames_forecasts(room, tmp_path):
    times = [syn.EPOCH_S + 60 * k for k in range(12)]
    frames = [(t, {"A1-low": 18.0 + 0.5 * k}) for k, t in enumerate(times)]
    run = replay(room, _measured(tmp_path, room, frames), WatchSettings(), Settings(model="preview"))
    assert run.forecasts_at(times[0] - 1) == []
    assert run.forecasts_at(times[4]) == []                 # too few points yet (6 needed)
    (f,) = run.forecasts_at(times[8] + 30)                  # the frame at minute 8
    assert f.now_s == times[8] and (f.crossing_s - f.now_s) / 60 == pytest.approx((32 - 22) / 0.5, abs=0.5)
    assert run.alerts_until(times[-1]) == run.watcher.alerts


def test_apply_writes_only_fitted_figures_and_undoes_exactly(room, tmp_path):
    truth, _ = syn.perturbed_truth(room, airflow_unit="CRAH-1", supply_unit="CRAH-2")
    values = syn.truth_values(truth, room, syn.default_names(room), model="preview")
    measured = _measured(tmp_path, room, syn.sample_readings(values, 5, noise_k=0.05))
    cal = calibrate(room, measured, snapshot(measured), Settings(model="preview"))
    layout = copy.deepcopy(room)
    stack = CommandStack(layout)
    stack.push(apply_calibration(layout, cal))
    fits = {f.parameter.id: f for f in cal.params}
    assert layout.unit("CRAH-1").airflow_m3s == round(1.5 * fits["CRAH-1 airflow"].value, 4)
    assert layout.rack("A1").delta_t_k == round(12 / fits["row A airflow"].value, 3)
    assert len(stack) == 1
    stack.undo()
    assert layout == room
    assert model_spread_k(cal) == max(cal.residual_rms(True), 0.1)
    # A calibration where nothing was fitted changes nothing and is refused.
    for f in cal.params:
        object.__setattr__(f, "fixed_because", "too few readings")
    assert fitted_changes(room, cal) == {}
    with pytest.raises(CommandError, match="no fitted parameter"):
        apply_calibration(room, cal)
