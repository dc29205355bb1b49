"""Liquid failures in the Scenarios and Ride-through docks: a CDU or the facility water failed
as a what-if, the racks that lose cooling and the seconds until their coolant passes the limit."""
import shutil

import pytest
from PySide6.QtCore import Qt

from conftest import wait_solved
from twin.gui.scenario_study import Choice, choices
from twin.liquid import facility_water_loss
from twin.liquid.failures import coolant_times
from twin.model import bundled_layout
from twin.scenario.ridethrough import format_time

RHO_CP = 1020.0 * 3930.0


@pytest.fixture
def row(make_window, qtbot, tmp_path):
    path = tmp_path / "row.yaml"
    shutil.copy(bundled_layout("liquid_row"), path)
    window = make_window(path)
    wait_solved(qtbot, window)
    return window


def column(table, header):
    col = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index(header)
    return {table.item(r, 0).text(): table.item(r, col).text() for r in range(table.rowCount())}


def test_scenario_choices_offer_each_cdu_and_the_facility_water(row):
    listed = choices(row.document.layout)
    assert Choice("cdu", "CDU-1") in listed and Choice("cdu", "CDU-2") in listed
    assert Choice("facility", "facility_water") in listed
    assert Choice("facility", "facility_water").label == "Lose facility water"
    assert Choice("facility", "facility_water").saved_name() == "facility water lost"


def test_losing_facility_water_in_the_scenarios_dock_lists_seconds_per_rack(row, qtbot):
    row.scenario_dock.raise_()
    panel = row.scenarios
    assert panel.select(Choice("facility", "facility_water"))
    qtbot.mouseClick(panel.compare_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not panel.studies.busy, timeout=60_000)
    view = panel.view
    assert "does NOT hold" in view.verdict.text() and "facility water lost" in view.reasons.text()
    assert view.tabs.isTabVisible(view.liquid_tab)
    expected = facility_water_loss(row.document.layout).seconds
    limit = column(view.liquid, "To coolant\nlimit")
    status = column(view.liquid, "Cooling")
    for rack in (f"G{i}" for i in range(1, 9)):
        assert limit[rack] == format_time(expected[rack]) and status[rack] == "lost"
    assert status["CDU-1"] == "ok"


def test_a_failed_cdu_in_the_scenarios_dock_moves_its_load_and_holds(row, qtbot):
    row.scenario_dock.raise_()
    panel = row.scenarios
    assert panel.select(Choice("cdu", "CDU-1"))
    qtbot.mouseClick(panel.compare_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not panel.studies.busy, timeout=60_000)
    view = panel.view
    after = column(view.liquid, "Load kW\nafter")
    assert after["CDU-2"] == "816.0" and column(view.liquid, "Cooling")["CDU-1"] == "failed"
    assert all(column(view.liquid, "Cooling")[f"G{i}"] == "ok" for i in range(1, 9))


def test_ride_through_fails_both_cdus_and_times_the_coolant(row, qtbot):
    row.ride_dock.raise_()
    panel = row.ride
    labels = [panel.units.item(i).text() for i in range(panel.units.count())]
    assert labels[-3:] == ["CDU-1", "CDU-2", "facility water"]
    panel.set_failed(["CDU-1", "CDU-2"])
    assert panel.run()
    qtbot.waitUntil(lambda: not panel.watch.busy, timeout=60_000)
    times = column(panel.table, "Coolant limit")
    rack_kw = 120.0 * 0.85
    rise_k = rack_kw * 1000.0 / (170.0 / 60000.0 * RHO_CP)
    seconds = 0.020 * RHO_CP * (45.0 - (35.0 + rise_k / 2)) / (rack_kw * 1000.0)
    assert times["G1"] == format_time(seconds)
    assert "8 racks lose liquid cooling" in panel.status.text()
    assert "CDU-1, CDU-2 fail" in panel.status.text()


def test_ride_through_facility_water_with_one_cdu_down_is_faster(row):
    layout = row.document.layout
    both = coolant_times(layout, ["facility_water"])
    one = coolant_times(layout, ["CDU-1", "facility_water"])
    assert set(both) == set(one) == {f"G{i}" for i in range(1, 9)}
    # one CDU's loop volume left instead of two: the coolant has less mass to warm
    assert one["G1"] < both["G1"]
    assert both["G1"] == pytest.approx(facility_water_loss(layout).seconds["G1"])
