"""The Scenarios dock: a failed unit compared in the background, the difference map, caching,
saving a what-if, refusals; File › Export Report in all formats."""
import json
import shutil
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer

from conftest import wait_solved
from twin.cli import main as cli_main
from twin.gui import compare_map, fields
from twin.gui.scenario_study import Choice, REPORT_FILES
from twin.gui.scenario_tables import NEW_ALLOWABLE
from twin.model import bundled_layout, load_layout
from twin.scenario import Runner, apply_scenario, baseline, compare, evaluate, fail_edits

CELL_M = 0.3          # the FAST settings' accurate grid: the dock's preview comparisons use it


@pytest.fixture
def sym_file(tmp_path):
    path = tmp_path / "sym.yaml"
    shutil.copy(bundled_layout("symmetric_room"), path)
    return path


@pytest.fixture
def sym(make_window, qtbot, sym_file):
    window = make_window(sym_file)
    window.scenario_dock.raise_()
    wait_solved(qtbot, window)
    return window


def run(qtbot, window, choice, accurate=False, timeout_ms=60_000):
    panel = window.scenarios
    assert panel.select(choice)
    panel.accurate.setChecked(accurate)
    qtbot.mouseClick(panel.compare_button, Qt.LeftButton)
    assert panel.studies.busy
    qtbot.waitUntil(lambda: not panel.studies.busy, timeout=timeout_ms)
    return panel.study


def direct_compare(path, unit):
    layout = load_layout(path)
    runner = Runner(CELL_M, "preview", warm_start=False)
    return compare(evaluate(baseline(layout), runner),
                   evaluate(apply_scenario(layout, fail_edits([unit])), runner))


def table_column(table, header):
    col = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index(header)
    return {table.item(r, 0).text(): table.item(r, col) for r in range(table.rowCount())}


def test_failing_a_unit_matches_compare_run_directly(sym, qtbot, sym_file):
    study = run(qtbot, sym, Choice("unit", "CRAH-E"))
    panel = sym.scenarios
    expected = direct_compare(sym_file, "CRAH-E")
    got = study.deltas
    assert got["verdict"] == expected["verdict"] and got["verdict"]["holds"] is False
    assert got["newly_above_allowable"] == expected["newly_above_allowable"] != []
    assert set(got["racks"]) == set(expected["racks"]) and len(got["racks"]) == 8
    for rid, d in expected["racks"].items():
        assert got["racks"][rid]["inlet_max_delta_k"] == pytest.approx(d["inlet_max_delta_k"], abs=1e-9)
        assert got["racks"][rid]["inlet_mean_delta_k"] == pytest.approx(d["inlet_mean_delta_k"], abs=1e-9)
        assert d["inlet_max_delta_k"] >= 0 and d["inlet_mean_delta_k"] >= 0    # every intake rises or stays
    assert expected["min_inlet_rise_k"] > 1.0                                   # half the cooling is gone
    view = panel.view
    assert view.verdict.text() == "fail CRAH-E: the change does NOT hold"
    assert "racks newly above the allowable 32 °C intake maximum: " in view.reasons.text()
    shown = table_column(view.racks, "Δ max\nK")
    assert len(shown) == 8
    for rid, item in shown.items():
        assert item.text() == f"{expected['racks'][rid]['inlet_max_delta_k']:+,.1f}"
        hot = rid in expected["newly_above_allowable"]
        assert (item.background().color() == NEW_ALLOWABLE) is hot
    status = table_column(view.racks, "Status")
    assert {r for r, item in status.items() if item.text() == "newly above allowable"} == \
        set(expected["newly_above_allowable"])
    units = table_column(view.units, "State\nafter")
    assert units["CRAH-E"].text() == "failed" and units["CRAH-W"].text() == "running"
    loads = table_column(view.units, "Load kW\nafter")
    assert loads["CRAH-W"].text() == f"{expected['cooling_units']['CRAH-W']['scenario_load_kw']:,.1f}"
    assert view.power.rowCount() >= 5 and view.power.item(4, 0).text() == "PUE"


def test_difference_map_is_scenario_minus_baseline(sym, qtbot):
    study = run(qtbot, sym, Choice("unit", "CRAH-E"))
    floor, panel = sym.floor, sym.scenarios
    assert panel.map_mode.currentData() == "difference"          # shown after a comparison
    m = floor.floor_map
    diff = study.scen.result.temperature_c - study.base.result.temperature_c
    np.testing.assert_array_equal(m.field, diff)
    room = study.base.layout.room.size_m
    np.testing.assert_array_equal(floor.plane_image(), fields.horizontal_plane(diff, room, floor.height_m))
    span = compare_map.difference_span_k(diff)
    assert np.nanmax(np.abs(diff)) <= span
    assert floor.colorbar.levels() == (-span, span) and floor.image.levels is not None
    assert tuple(floor.image.levels) == (-span, span)
    section = sym.section                                          # the section follows the floor map
    axis, at = section.current_axis(), section.position_m()
    np.testing.assert_array_equal(section.image.image, fields.vertical_plane(diff, room, axis, at))
    assert section.colorbar.levels() == (-span, span)
    assert np.nanmax(diff) > 5.0                                   # the failed side of the room warms
    assert floor.items["CRAH-E"].state == "failed" and sym.document.layout.unit("CRAH-E").state == "running"
    assert "K (scenario − baseline)" in floor.probe_text(1.0, 1.0)
    panel.set_map_mode("baseline")
    np.testing.assert_array_equal(floor.plane_image(), fields.horizontal_plane(
        study.base.result.temperature_c, room, floor.height_m))
    assert floor.colorbar.levels() == fields.TEMPERATURE_LEVELS_C
    assert floor.items["CRAH-E"].state == "running"
    panel.set_map_mode("scenario")
    np.testing.assert_array_equal(floor.plane_image(), fields.horizontal_plane(
        study.scen.result.temperature_c, room, floor.height_m))
    panel.set_map_mode("live")
    assert floor.floor_map is None and section.floor_map is None
    np.testing.assert_array_equal(section.image.image, fields.vertical_plane(
        sym.latest.result.temperature_c, sym.latest.layout.room.size_m, axis, at))
    np.testing.assert_array_equal(floor.plane_image(), fields.horizontal_plane(
        sym.latest.result.temperature_c, sym.latest.layout.room.size_m, floor.height_m))
    panel.set_map_mode("difference")
    from twin import commands as C
    sym.document.execute(C.set_fields(sym.document.layout, "CRAH-W", supply_temp_c=17.0))
    assert panel.stale and floor.floor_map is None and panel.map_mode.currentData() == "live"
    assert "The layout has changed" in panel.view.summary.text()


def test_running_again_is_a_cache_hit_and_power_only_cases_reuse_the_baseline(make_window, qtbot):
    hall = make_window(bundled_layout("air_hall"))
    wait_solved(qtbot, hall)
    first = run(qtbot, hall, Choice("power", "UPS-A"))
    assert first.data["solves"] == 1                     # the scenario only changes the power chain
    assert first.deltas["failed_power_components"] == ["UPS-A"]
    t0 = time.perf_counter()
    again = run(qtbot, hall, Choice("power", "UPS-A"))
    assert again.data["solves"] == 0 and time.perf_counter() - t0 < 2.0
    assert again.deltas == first.deltas
    assert "all from the cache" in hall.scenarios.view.summary.text()


def test_cancel_stops_the_study_and_the_event_loop_keeps_turning(sym, qtbot):
    panel = sym.scenarios
    assert panel.select(Choice("unit", "CRAH-W"))
    panel.accurate.setChecked(True)                       # slow enough to cancel half-way
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    qtbot.mouseClick(panel.compare_button, Qt.LeftButton)
    assert panel.studies.busy and panel.cancel_button.isVisible()
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=30_000)
    qtbot.wait(600)
    assert panel.studies.busy
    qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not panel.studies.busy, timeout=30_000)
    timer.stop()
    assert panel.status.text() == "comparison cancelled" and panel.study is None
    assert not panel.progress.isVisible() and panel.compare_button.isEnabled()
    gaps = np.diff(ticks)
    assert len(ticks) > 30 and gaps.max() < 0.3, f"longest GUI pause {gaps.max():.3f} s"


def test_unknown_scenario_target_is_a_clear_message(make_window, qtbot, tmp_path, sym_file):
    path = tmp_path / "bad.yaml"
    path.write_text(sym_file.read_text() + "scenarios:\n  - name: seven fails\n    edits:\n"
                    "      - {action: fail, target: CRAH-7}\n  - name: cooler west\n    edits:\n"
                    "      - {action: set, target: CRAH-W, supply_temp_c: 16.0}\n")
    window = make_window(path)
    wait_solved(qtbot, window)
    panel = window.scenarios
    assert panel.select(Choice("scenario", "seven fails"))
    qtbot.mouseClick(panel.compare_button, Qt.LeftButton)
    assert not panel.studies.busy and panel.study is None
    text = panel.status.text()
    assert text.startswith('scenario "seven fails": edit 1 (fail CRAH-7): no rack, cooling unit or '
                           'power component with id "CRAH-7"'), text
    assert "#e0203c" in panel.status.styleSheet()
    assert "CRAH-7" in window.statusBar().currentMessage()
    study = run(qtbot, window, Choice("scenario", "cooler west"))         # the good one still runs
    assert study.deltas["verdict"]["holds"] and study.deltas["max_inlet_rise_k"] < 0.05
    assert panel.view.verdict.text() == "cooler west: the change holds"
    assert "#2a9d4a" in panel.view.verdict.styleSheet()


def test_saving_a_what_if_is_one_undoable_step(sym, qtbot):
    panel, layout = sym.scenarios, sym.document.layout
    assert panel.select(Choice("unit", "CRAH-W"))
    asked = []
    panel.ask_scenario_name = lambda suggested: asked.append(suggested) or "west unit down"
    qtbot.mouseClick(panel.save_button, Qt.LeftButton)
    assert asked == ["CRAH-W fails"]
    assert [s.name for s in layout.scenarios] == ["west unit down"]
    assert [e.describe() for e in layout.scenarios[0].edits] == ["fail CRAH-W"]
    assert panel.selected_choice() == Choice("scenario", "west unit down")
    assert sym.document.stack.undo_label() == 'add scenario "west unit down"' and sym.document.dirty
    study = run(qtbot, sym, Choice("scenario", "west unit down"))
    assert study.data["scenario_name"] == "west unit down" and study.data["edits"] == ["fail CRAH-W"]
    qtbot.keyClick(sym, Qt.Key_Z, Qt.ControlModifier)
    assert layout.scenarios == [] and not panel.select(Choice("scenario", "west unit down"))


def test_export_report_writes_all_six_files_like_the_cli(sym, qtbot, tmp_path, sym_file):
    out = tmp_path / "report"
    out.mkdir()
    sym.files.ask_folder = lambda title: str(out)
    sym.scenarios.select(Choice("unit", "CRAH-E"))
    sym.acts.export_report.trigger()
    qtbot.waitUntil(lambda: not sym.scenarios.studies.busy, timeout=60_000)
    assert sym.errors == []
    expected = [n for n in REPORT_FILES if n != "liquid.csv"]          # this room has no liquid loop
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    assert sym.report_export.written == expected
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    html = (out / "report.html").read_text()
    assert html.count("<svg") == 5 and "<img src='http" not in html      # maps, bars, ride-through
    data = json.loads((out / "report.json").read_text())
    cli_out = tmp_path / "cli"
    assert cli_main(["report", str(sym_file), "--fail", "CRAH-E", "--out", str(cli_out),
                     "--model", "preview", "--cell-m", str(CELL_M), "--quiet"]) == 0
    cli = json.loads((cli_out / "report.json").read_text())
    assert data["deltas"] == cli["deltas"]
    for key in ("racks", "cooling_units", "metrics", "power"):
        assert data["scenario"][key] == cli["scenario"][key], key
    assert data["scenario_name"] == cli["scenario_name"] == "fail CRAH-E"
    assert (out / "racks.csv").read_text() == (cli_out / "racks.csv").read_text()
    assert "report written to" in sym.statusBar().currentMessage()


def test_export_asks_before_replacing_and_reports_errors(sym, qtbot, tmp_path):
    out = tmp_path / "old"
    out.mkdir()
    (out / "report.json").write_text("old")
    asked = []
    sym.files.ask_folder = lambda title: str(out)
    sym.files.ask_replace = lambda folder, names: asked.append(names) or False
    sym.scenarios.tree.setCurrentItem(None)                 # no scenario: the layout alone
    sym.acts.export_report.trigger()
    assert asked == [["report.json"]] and not sym.scenarios.studies.busy
    assert (out / "report.json").read_text() == "old" and sorted(p.name for p in out.iterdir()) == ["report.json"]
    sym.files.ask_replace = lambda folder, names: True
    sym.acts.export_report.trigger()
    qtbot.waitUntil(lambda: not sym.scenarios.studies.busy, timeout=60_000)
    data = json.loads((out / "report.json").read_text())
    assert data["scenario_name"] == "baseline" and data["deltas"]["verdict"]["holds"] is True
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    sym.files.ask_folder = lambda title: str(blocker / "sub")
    sym.acts.export_report.trigger()
    qtbot.waitUntil(lambda: not sym.scenarios.studies.busy, timeout=60_000)
    assert len(sym.errors) == 1 and sym.errors[0].startswith(f"cannot write the report into {blocker / 'sub'}")
    assert "\n" not in sym.errors[0] and "Traceback" not in sym.errors[0]
    assert sym.statusBar().currentMessage().startswith("report not written: cannot write")


def test_an_edit_during_the_study_marks_its_comparison_out_of_date(sym, qtbot):
    from twin import commands as C
    panel = sym.scenarios
    assert panel.select(Choice("unit", "CRAH-E"))
    qtbot.mouseClick(panel.compare_button, Qt.LeftButton)
    sym.document.execute(C.set_fields(sym.document.layout, "CRAH-W", supply_temp_c=17.0))
    qtbot.waitUntil(lambda: not panel.studies.busy, timeout=60_000)
    assert panel.study is not None and panel.stale
    assert panel.study.base.layout.unit("CRAH-W").supply_temp_c == 18.0     # solved as it was
    assert sym.floor.floor_map is None and "The layout has changed" in panel.view.summary.text()
