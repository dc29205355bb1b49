"""Measured readings in the desktop app: the Sensors dock's residuals and the plan's colours
equal measured minus the solved twin, a bad file names its line, Calibrate runs off the GUI
thread and cancels, Apply is one undo step, and the Alerts dock follows the instant."""
import copy
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from twin.calibrate import synthetic as syn
from twin.calibrate.forecast import forecast
from twin.gui.floor_view import difference_colormap
from twin.gui.sensors_panel import NO_READING
from twin.model import load_layout

ROOM = Path(__file__).resolve().parents[1] / "data" / "calibrate" / "two_rows.yaml"
SPREAD_K = math.sqrt(0.3 ** 2 + 0.3 ** 2)      # the watch's default noise and model spread, one reading


@pytest.fixture
def room_window(make_window, qtbot, tmp_path):
    """The two-row calibration room (14 sensors), its first preview solve on screen."""
    path = tmp_path / "two_rows.yaml"
    shutil.copy(ROOM, path)
    window = make_window(path)
    qtbot.waitUntil(lambda: window.latest is not None and not window.solver.busy, timeout=20_000)
    return window


def _write(tmp_path, frames, name="measured.csv"):
    path = tmp_path / name
    path.write_text(syn.readings_csv(frames))
    return path


def _load(qtbot, window, path):
    ops = window.calibration
    assert ops.load_path(str(path))
    qtbot.waitUntil(lambda: not ops.alerts.watch.busy, timeout=60_000)
    return ops


def _row(panel, name):
    return next(r for r in panel.rows if r.name == name)


def _cell(panel, name, column):
    table = panel.table
    i = next(i for i in range(table.rowCount()) if table.item(i, 0).text() == name)
    return table.item(i, column)


def test_residuals_and_plan_colours_are_measured_minus_the_solved_twin(room_window, qtbot, tmp_path):
    window = room_window
    twin = {sid: s.value_c for sid, s in window.latest.result.sensors.items()}
    t0 = syn.EPOCH_S
    frames = [(t0, {"A1-low": twin["A1-low"] + 2.0, "B1-low": twin["B1-low"] - 0.5}),
              (t0 + 60, {"A1-low": twin["A1-low"] - 1.0, "B1-low": twin["B1-low"] - 0.5})]
    ops = _load(qtbot, window, _write(tmp_path, frames))
    panel = ops.sensors
    # Latest instant: A1-low reads 1 K below the twin.
    assert panel.latest.isChecked() and panel.instant_s == t0 + 60
    assert _row(panel, "A1-low").residual == pytest.approx(-1.0, abs=2e-3)
    assert _cell(panel, "A1-low", 3).text() == "-1.00 K"
    assert _cell(panel, "A1-low", 4).text() == f"±{SPREAD_K:.2f} K"
    # The first instant: 2 K above.
    panel.set_instant(t0)
    assert not panel.latest.isChecked()
    assert _row(panel, "A1-low").residual == pytest.approx(2.0, abs=2e-3)
    assert _row(panel, "A1-low").twin == twin["A1-low"]
    items = window.floor.format2.items
    cmap = difference_colormap()
    # 2 K is 4.7 spreads: beyond the scale's end (4), full red.
    assert items["A1-low"].fill == cmap.map(1.0, mode="qcolor")
    low = items["B1-low"].fill                   # -0.5 K: a pale blue, at 0.5 + 0.5 r / (4 spread)
    residual = _row(panel, "B1-low").residual    # -0.5 K to the file's 3 decimals
    assert residual == pytest.approx(-0.5, abs=2e-3)
    assert low == cmap.map(0.5 + 0.5 * (residual / SPREAD_K) / 4.0, mode="qcolor")
    assert low.blue() > low.red()
    assert items["A3-high"].fill == NO_READING   # in the layout, not in the file
    tip = items["A1-low"].toolTip()
    assert f"model {twin['A1-low']:.2f} °C" in tip and f"measured {twin['A1-low'] + 2.0:.2f} °C" in tip
    # One sparkline per measured reading, marking the chosen instant.
    spark = panel.table.cellWidget(next(i for i in range(panel.table.rowCount())
                                        if panel.table.item(i, 0).text() == "A1-low"), 5)
    assert spark.mark.value() == t0
    assert list(spark.curve.yData) == pytest.approx([2.0, -1.0], abs=2e-3)
    row = next(i for i, r in enumerate(panel.rows) if r.name == "B1-low")
    panel.table.cellClicked.emit(row, 0)
    assert window.floor.selected == "B1-low"
    assert ops.sensors_dock.toggleViewAction() in window.acts.panels_menu.actions()
    assert ops.alerts_dock.toggleViewAction() in window.acts.panels_menu.actions()


def test_a_bad_file_shows_its_line_and_keeps_the_loaded_readings(room_window, qtbot, tmp_path):
    window = room_window
    good = _write(tmp_path, [(syn.EPOCH_S, {"A1-low": 18.0})], "good.csv")
    ops = _load(qtbot, window, good)
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,sensor,value\n2026-01-05T08:00:00Z,A1-low,18.2\n"
                   "2026-01-05T08:01:00Z,A1-low,400\n")
    assert not ops.load_path(str(bad))
    text = ops.sensors.error.text()
    assert text.startswith(f"{bad}:3: value: must be a number from -20 to 120")
    assert "Traceback" not in text and ops.sensors.error.isVisibleTo(ops.sensors)
    assert window.statusBar().currentMessage() == text
    assert ops.sensors.measured.path == str(good)
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("timestamp,sensor,value\n2026-01-05T08:00:00Z,Z9-front,18.2\n")
    assert not ops.load_path(str(unknown))
    assert ops.sensors.error.text().startswith(f"{unknown}:2: sensor: 'Z9-front' is neither")


def _perturbed_file(tmp_path):
    room = load_layout(ROOM)
    truth, _ = syn.perturbed_truth(room, airflow_unit="CRAH-1", supply_unit="CRAH-2")
    values = syn.truth_values(truth, room, syn.default_names(room), model="preview")
    return _write(tmp_path, syn.sample_readings(values, 5, noise_k=0.05))


def test_apply_writes_the_fit_as_one_step_and_undo_restores_the_exact_figures(room_window, qtbot,
                                                                              tmp_path):
    window = room_window
    ops = _load(qtbot, window, _perturbed_file(tmp_path))
    before = copy.deepcopy(window.document.layout)
    dialog = ops.calibrate_dialog()
    dialog.model.setCurrentIndex(dialog.model.findData("preview"))
    assert dialog.run()
    qtbot.waitUntil(lambda: not dialog.watch.busy, timeout=120_000)
    cal = dialog.calibration
    fitted = {f.parameter.id: f.value for f in cal.params}
    assert fitted["CRAH-1 airflow"] == pytest.approx(0.7, abs=0.05)     # the truth it was made from
    assert dialog.params.rowCount() == len(cal.params) and dialog.apply_button.isEnabled()
    assert "Held-out check" in dialog.score.text()
    depth = len(window.document.stack)
    assert dialog.apply()
    layout = window.document.layout
    assert len(window.document.stack) == depth + 1
    assert layout.unit("CRAH-1").airflow_m3s == pytest.approx(round(1.5 * fitted["CRAH-1 airflow"], 4))
    assert layout.unit("CRAH-2").supply_temp_c == pytest.approx(round(18.0 + fitted["CRAH-2 supply"], 2))
    assert layout.rack("B2").delta_t_k == pytest.approx(round(12 / fitted["row B airflow"], 3))
    assert not dialog.apply_button.isEnabled()
    # The watch now takes the fit's held-out RMS as the twin's own spread.
    model_k = max(cal.residual_rms(True), 0.1)
    assert ops.sensors.settings.model_k == pytest.approx(model_k)
    assert _row(ops.sensors, "A1-low").spread == pytest.approx(math.sqrt(0.3 ** 2 + model_k ** 2))
    qtbot.waitUntil(lambda: not ops.alerts.watch.busy, timeout=60_000)
    assert ops.alerts.replay.watcher.settings.model_k == pytest.approx(model_k)
    window.acts.undo.trigger()                   # one Ctrl+Z
    after = window.document.layout
    assert after.cooling_units == before.cooling_units and after.racks == before.racks
    assert not window.document.stack.can_undo()


def test_cancel_stops_the_calibration_and_leaves_the_layout(room_window, qtbot, tmp_path):
    window = room_window
    ops = _load(qtbot, window, _perturbed_file(tmp_path))
    dialog = ops.calibrate_dialog()
    dialog.model.setCurrentIndex(dialog.model.findData("accurate"))
    outcomes = []
    dialog.watch.sigFinished.connect(lambda outcome, _value: outcomes.append(outcome))
    assert dialog.run()
    assert dialog.cancel_button.isEnabled() and not dialog.run_button.isEnabled()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.watch.busy, timeout=60_000)
    assert outcomes == ["cancelled"]
    assert dialog.calibration is None and not dialog.apply_button.isEnabled()
    assert "cancelled" in dialog.status.text() and len(window.document.stack) == 0


def test_alerts_follow_the_instant_with_the_watch_cause(room_window, qtbot, tmp_path):
    window = room_window
    room = load_layout(ROOM)
    names = [s.id for s in room.sensors] + [f"unit:{u.id}:{q}" for u in room.cooling_units
                                            for q in ("supply_c", "return_c")]
    healthy = syn.truth_values(room, room, names, model="preview")
    bad = copy.deepcopy(room)
    bad.unit("CRAH-2").airflow_m3s *= 0.7
    faulty = syn.truth_values(bad, room, names, model="preview")
    fault_at = syn.EPOCH_S + 40 * 60
    frames = syn.sample_readings(healthy, 40, noise_k=0.3, seed=2) + \
        syn.sample_readings(faulty, 20, noise_k=0.3, seed=3, start_s=fault_at)
    ops = _load(qtbot, window, _write(tmp_path, frames))
    alerts = ops.alerts
    assert alerts.replay is not None
    shown = alerts.shown_alerts()
    assert [a.kind for a in shown] == ["residual"] and shown[0].time_s >= fault_at
    assert alerts.alerts.item(0, 3).text().startswith("CRAH-2 airflow about")
    assert float(alerts.alerts.item(0, 4).text().rstrip(" %")) > 80
    ops.sensors.set_instant(fault_at - 60)
    assert alerts.shown_alerts() == [] and alerts.alerts.rowCount() == 0
    ops.sensors.set_instant(frames[-1][0])
    assert alerts.alerts.rowCount() == 1


def test_forecasts_are_those_of_the_readings_up_to_the_instant(room_window, qtbot, tmp_path):
    """A1-low climbs 0.25 K a minute from 18 °C: the straight line reaches the allowable 32 °C
    in (32 - y) / 0.25 minutes, beyond the 30 min horizon at minute 20, within it at minute 30."""
    window = room_window
    rng = np.random.default_rng(5)
    times = [syn.EPOCH_S + 60 * k for k in range(31)]
    frames = [(t, {"A1-low": 18.0 + 0.25 * k + float(rng.normal(0, 0.02))}) for k, t in enumerate(times)]
    ops = _load(qtbot, window, _write(tmp_path, frames))
    alerts = ops.alerts
    for minute, minutes_left, warn in ((20, 36.0, False), (30, 26.0, True)):
        ops.sensors.set_instant(times[minute])
        (shown,) = alerts.shown_forecasts()
        assert shown.name == "A1-low" and shown.warn is warn
        assert (shown.crossing_s - times[minute]) / 60 == pytest.approx(minutes_left, abs=1.0)
        t, y = zip(*[(s, v["A1-low"]) for s, v in frames[:minute + 1]])
        core = forecast("A1-low", t, y, 32.0, 1800.0, 900.0)
        assert shown.crossing_s == pytest.approx(core.crossing_s)
        assert alerts.forecasts.item(0, 0).text() == "A1-low"


def test_opening_another_layout_drops_readings_it_cannot_bind(room_window, qtbot, tmp_path, room_file):
    window = room_window
    ops = _load(qtbot, window, _write(tmp_path, [(syn.EPOCH_S, {"A1-low": 18.0})]))
    window.files.open_path(str(room_file))          # the small room has no sensor A1-low
    assert ops.sensors.measured is None and ops.alerts.replay is None
    assert "measurements dropped" in ops.sensors.error.text()
    assert ":2: sensor: 'A1-low'" in ops.sensors.error.text()
    assert ops.sensors.table.rowCount() == len(window.document.layout.sensors)
    assert window.floor.format2.readings == {}
