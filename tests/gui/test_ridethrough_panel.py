"""The Ride-through dock: curves and crossing times equal the engine's, linear rise without
cooling, equipment mass delays crossings, table and floor selection, cancel, bad input."""
import shutil

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from twin import commands as C
from twin.gui.ridethrough_panel import crossing_text
from twin.model import bundled_layout
from twin.scenario import Runner, apply_scenario, baseline, evaluate, fail_edits
from twin.scenario.ridethrough import format_time, ride_through

CELL_M = 0.3          # the FAST settings' grid, which the dock solves on


@pytest.fixture
def ab_room(make_window, qtbot, tmp_path):
    """A 6 x 6 m room with two cooling units (CRAH-W, CRAH-E), the Ride-through dock in front."""
    path = tmp_path / "ab.yaml"
    shutil.copy(bundled_layout("ab_failover_room"), path)
    window = make_window(path)
    window.ride_dock.raise_()
    qtbot.waitUntil(lambda: window.latest is not None and not window.solver.busy, timeout=20_000)
    return window


def run(qtbot, panel, timeout_ms=30_000):
    assert panel.run()
    qtbot.waitUntil(lambda: not panel.watch.busy, timeout=timeout_ms)


def engine(layout, failed, minutes=10.0, mass=0.0):
    runner = Runner(CELL_M, "preview")
    base = evaluate(baseline(layout), runner)
    applied = apply_scenario(layout, fail_edits(failed))
    steady = evaluate(applied, runner) if any(u.running for u in applied.layout.cooling_units) else None
    return ride_through(base, applied.layout, steady, base.metrics.allowable_c[1], minutes,
                        minutes * 60.0 / 600, mass), base, applied.layout


def air_heat_capacity_j_k(layout):
    """rho cp V_air, with V_air the room volume less every box, computed here by hand."""
    lx, ly, lz = layout.room.size_m
    boxes = sum(np.prod(b.size_m) for b in (*layout.racks, *layout.cooling_units))
    return layout.air.density_kgm3 * layout.air.cp_jkgk * (lx * ly * lz - boxes)


def test_dock_lists_the_units_and_is_in_the_panels_menu(ab_room):
    panel = ab_room.ride
    texts = [panel.units.item(i).text() for i in range(panel.units.count())]
    assert texts == ["CRAH-W", "CRAH-E"] and panel.chosen_units() == ["CRAH-W"]
    assert ab_room.ride_dock.toggleViewAction() in ab_room.acts.panels_menu.actions()
    panel.all_units.setChecked(True)
    assert panel.chosen_units() == ["CRAH-W", "CRAH-E"]
    ab_room.document.execute(C.set_fields(ab_room.document.layout, "CRAH-E", state="failed"))
    assert panel.units.item(1).text() == "CRAH-E (failed already)"
    assert panel.chosen_units() == ["CRAH-W"] and panel.all_units.isChecked()


def test_curves_and_crossing_times_equal_the_engine(ab_room, qtbot):
    panel = ab_room.ride
    panel.set_failed(["CRAH-W"])
    run(qtbot, panel)
    ride, base, failed = engine(ab_room.document.layout, ["CRAH-W"])
    shown = panel.study.ride
    q_left = next(u.airflow_m3s for u in failed.cooling_units if u.id == "CRAH-E")
    tau_s = air_heat_capacity_j_k(failed) / (failed.air.density_kgm3 * failed.air.cp_jkgk * q_left)
    assert shown.tau_s == pytest.approx(tau_s, rel=1e-9) and 40 < tau_s < 60
    assert set(panel.chart.curves) == set(ride.inlet_max_c) and len(ride.inlet_max_c) == 6
    for rid, series in ride.inlet_max_c.items():
        x, y = panel.chart.curves[rid].getData()
        assert np.allclose(x, ride.times_s / 60.0) and x[-1] == pytest.approx(10.0)
        assert np.allclose(y, series, atol=1e-9)
        assert y[0] == pytest.approx(base.result.racks[rid].inlet_max_c)
    times = ride.time_to_allowable_s
    assert shown.time_to_allowable_s == pytest.approx(times)
    assert all(t is not None and 0 < t < 60 for t in times.values())      # all cross in a minute
    rows = panel.rows()
    assert [r for r, _ in rows] == sorted(times, key=lambda r: times[r])  # soonest first
    assert [text for _, text in rows] == [format_time(times[r]) for r, _ in rows]
    assert "6 of 6 racks" not in panel.status.text() and "6 cross" in panel.status.text()
    assert f"time constant {tau_s:.0f} s" in panel.status.text()
    assert panel.chart.allowable.value() == pytest.approx(32.0)
    assert panel.chart.recommended.value() == pytest.approx(27.0)
    assert panel.status.text().startswith("CRAH-W fail: ")
    assert panel.table.item(0, 3).text() == f"{panel.study.steady_inlet_c[rows[0][0]]:.1f} steady"
    assert len(panel.chart.labels) == 5 and panel.chart.hot[0] == rows[0][0]


def test_all_units_failed_rise_linearly_at_p_over_c(ab_room, qtbot):
    panel = ab_room.ride
    panel.all_units.setChecked(True)
    run(qtbot, panel)
    layout = ab_room.document.layout
    rate_k_min = 60.0 * 1000.0 * sum(r.power_kw for r in layout.racks) / air_heat_capacity_j_k(layout)
    assert rate_k_min == pytest.approx(28.7, abs=0.05)
    assert panel.study.ride.tau_s is None and panel.study.steady_inlet_c is None
    for rid, curve in panel.chart.curves.items():
        x, y = curve.getData()
        assert np.allclose(np.diff(y) / np.diff(x), rate_k_min)
        t0 = panel.study.baseline_inlet_c[rid]
        assert panel.study.ride.time_to_allowable_s[rid] == pytest.approx((32.0 - t0) / rate_k_min * 60)
    ride, _, _ = engine(layout, ["CRAH-W", "CRAH-E"])
    assert panel.study.ride.time_to_allowable_s == pytest.approx(ride.time_to_allowable_s)
    assert "the room warms 28.7 K per minute" in panel.status.text()
    assert panel.status.text().startswith("All cooling units fail: ")
    assert panel.table.item(0, 3).text() == "rises 28.7 K/min"
    lo, hi = panel.chart.getPlotItem().vb.viewRange()[1]
    assert hi < 32.0 + 8.0                                    # the climb is cut a little above the limit


def test_equipment_mass_delays_every_crossing(ab_room, qtbot):
    panel = ab_room.ride
    panel.all_units.setChecked(True)
    run(qtbot, panel)
    air_only = dict(panel.study.ride.time_to_allowable_s)
    c_air = panel.study.ride.heat_capacity_kj_k
    panel.mass.setText("5")
    run(qtbot, panel)
    heavier = panel.study.ride.time_to_allowable_s
    layout = ab_room.document.layout
    c_heavy = c_air + 5.0 * sum(r.power_kw for r in layout.racks)
    assert panel.study.ride.heat_capacity_kj_k == pytest.approx(c_heavy)
    for rid, t in air_only.items():
        assert heavier[rid] > t
        assert heavier[rid] == pytest.approx(t * c_heavy / c_air)   # t grows with C
    ride, _, _ = engine(layout, ["CRAH-W", "CRAH-E"], mass=5.0)
    assert heavier == pytest.approx(ride.time_to_allowable_s)
    assert panel.rows()[0][1] == crossing_text(min(heavier.values()), 600.0)


def test_table_hover_and_click_highlight_the_curve_and_select_on_the_floor(ab_room, qtbot):
    panel = ab_room.ride
    run(qtbot, panel)
    second = panel.row_rack(1)
    panel.table.setCurrentCell(1, 0)
    assert ab_room.floor.selected == second and ab_room.inspector.item_id == second
    assert panel.chart.highlighted == second
    assert panel.chart.curves[second].opts["pen"].width() == 4
    third = panel.row_rack(2)
    rect = panel.table.visualItemRect(panel.table.item(2, 1))
    viewport = panel.table.viewport()
    pos = QPointF(rect.center())
    QApplication.sendEvent(viewport, QMouseEvent(QEvent.MouseMove, pos, QPointF(viewport.mapToGlobal(
        QPoint(int(pos.x()), int(pos.y())))), Qt.NoButton, Qt.NoButton, Qt.NoModifier))
    assert panel.chart.highlighted == third                      # hover
    assert panel.chart.curves[second].opts["pen"].width() < 4
    panel.table.sigLeft.emit()
    assert panel.chart.highlighted == second                     # back to the chosen row
    ab_room.floor.select(panel.row_rack(4))
    assert panel.chart.highlighted == panel.row_rack(4) and panel.table.currentRow() == 4


def test_cancel_stops_the_study(ab_room, qtbot):
    panel = ab_room.ride
    panel.model.setCurrentIndex(panel.model.findData("accurate"))
    assert panel.run()
    assert panel.cancel_button.isEnabled() and not panel.run_button.isEnabled()
    qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not panel.watch.busy, timeout=20_000)
    assert panel.status.text() == "ride-through cancelled"
    assert panel.study is None and not panel.chart.curves and panel.table.rowCount() == 0
    assert panel.run_button.isEnabled() and not panel.progress.isVisible()


def test_bad_input_shows_a_reason_and_runs_nothing(ab_room):
    panel = ab_room.ride
    panel.set_failed([])
    assert not panel.run()
    assert panel.status.text() == "choose at least one running cooling unit to fail"
    assert not panel.watch.busy
    panel.set_failed(["CRAH-W"])
    panel.mass.setText("-1")
    assert not panel.run() and "equipment thermal mass must be 0 or more" in panel.status.text()
    assert panel.mass.styleSheet()
    panel.mass.setText("0")
    panel.minutes.setText("ten")
    assert not panel.run() and panel.status.text() == "horizon: not a number: 'ten'"
    assert panel.minutes.styleSheet() and not panel.mass.styleSheet()
    assert not panel.watch.busy and panel.study is None


def test_layout_edits_mark_the_result_stale(ab_room, qtbot):
    panel = ab_room.ride
    run(qtbot, panel)
    assert ab_room.document.execute(C.set_fields(ab_room.document.layout, "CRAH-E", supply_temp_c=17.0))
    assert panel.status.text().startswith("The layout has changed since this run")
    run(qtbot, panel)
    assert not panel.status.text().startswith("The layout has changed")
