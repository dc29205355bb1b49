"""The Liquid dock, the CDUs on the plan and the Inspector's liquid fields: a CDU failed by
hand, both failed (racks lose cooling, seconds to the limit), facility water lost, the
coolant colouring, and the facility-water temperature comparison off the GUI thread."""
import shutil

import pytest
from PySide6.QtCore import Qt

from conftest import wait_solved
from twin.gui.liquid_floor import coolant_look
from twin.gui.liquid_panel import WATER_CASE
from twin.gui.liquid_view import coolant_color
from twin.liquid import annual_energy, facility_water_loss, load_climate, solve_liquid
from twin.model import bundled_layout
from twin.power import analyze
from twin.scenario.ridethrough import format_time


@pytest.fixture
def row(make_window, qtbot, tmp_path):
    path = tmp_path / "row.yaml"
    shutil.copy(bundled_layout("liquid_row"), path)
    window = make_window(path)
    window.liquid_dock.raise_()
    wait_solved(qtbot, window)
    return window


def choose(combo, text):
    combo.setCurrentText(text)
    combo.activated.emit(combo.currentIndex())


def test_loop_view_shows_each_cdu_load_against_capacity_and_supply_return(row):
    panel, layout = row.liquid, row.document.layout
    result = solve_liquid(layout)
    assert [c.key for c in panel.cases] == ["", "CDU-1", "CDU-2", WATER_CASE]
    assert "every CDU failure holds" in panel.summary.text()
    cdu = result.cdus["CDU-1"]
    assert panel.view.captions["CDU-1"] == (f"CDU-1\n408 / 900 kW (45 %)\n"
                                            f"{cdu.supply_c:.1f} → {cdu.return_c:.1f} °C")
    assert cdu.supply_c == pytest.approx(35.0)
    assert panel.view.captions["G1"] == f"G1 {result.racks['G1'].return_c:.1f} °C"
    assert panel.racks.rowCount() == 8
    panel.show_case("CDU-1")                            # N-1: CDU-2 takes the whole group
    assert panel.view.captions["CDU-1"] == "CDU-1\nfailed"
    assert panel.view.captions["CDU-2"].startswith("CDU-2\n816 / 900 kW (91 %)")


def test_failing_cdus_from_the_inspector_shows_which_racks_lose_cooling_and_undo(row, qtbot):
    panel, layer = row.liquid, row.liquid_layer
    layer.pick("CDU-1")
    assert row.inspector.pages.isHidden()
    from twin.gui.liquid_inspector import LiquidInspector
    editor = row.findChild(LiquidInspector)
    assert editor.cdu_box.isVisibleTo(row) and editor.cdu_label.text().startswith("CDU-1")
    choose(editor.cdu_state, "failed")
    assert row.document.stack.undo_label() == "set CDU-1 failed"
    assert panel.cases[0].label == "As the layout stands: CDU-1 failed: the group carries its racks"
    assert layer.items["CDU-1"].failed and layer.items["CDU-2"].lines == ["CDU-2", "91 %"]
    layer.pick("CDU-2")
    choose(editor.cdu_state, "failed")
    case = panel.cases[0]
    assert set(case.seconds) == {f"G{i}" for i in range(1, 9)} and not case.ok
    s = case.seconds["G1"]
    assert 3.0 < s < 6.0                                # 20 L of coolant, 102 kW: seconds
    assert panel.view.colors["G1"].name() == "#e13c3c"
    assert panel.view.captions["G1"] == f"G1 limit in {format_time(s)}"
    lost = [panel.racks.item(i, 6).text() for i in range(panel.racks.rowCount())]
    assert all(text.startswith("lost: limit in") for text in lost)
    row.document.undo()
    row.document.undo()
    assert panel.cases[0].label == "As the layout stands: holds" and panel.cases[0].ok


def test_facility_water_lost_gives_seconds_to_the_limit_per_rack(row):
    panel, layout = row.liquid, row.document.layout
    expected = facility_water_loss(layout).seconds
    assert panel.show_case(WATER_CASE)
    case = panel.shown
    assert case.seconds == pytest.approx({k: v for k, v in expected.items() if v is not None})
    first = min(case.seconds.values())
    assert 15.0 < first < 40.0                          # docs/liquid.md: about 25 s on this row
    assert "8 racks lose cooling" in case.label
    from twin.gui.liquid_inspector import LiquidInspector
    editor = row.findChild(LiquidInspector)
    choose(editor.water_state, "failed")                # the same failure made in the layout
    assert layout.liquid.facility_water.state == "failed"
    assert panel.cases[0].seconds == pytest.approx(case.seconds)
    assert "facility water lost" in panel.cases[0].label
    assert WATER_CASE not in [c.key for c in panel.cases]


def test_inspector_edits_facility_supply_and_a_racks_cdus_through_commands(row, qtbot):
    from twin.gui.liquid_inspector import LiquidInspector
    editor = row.findChild(LiquidInspector)
    layout = row.document.layout
    editor.water_supply.setText("95")
    editor.water_supply.textEdited.emit("95")
    assert "supply_c" in editor.problem.text() and editor.water_supply.styleSheet()
    editor.water_supply.setText("40")
    editor.water_supply.setModified(True)
    editor.water_supply.editingFinished.emit()
    assert layout.liquid.facility_water.supply_c == 40.0
    assert row.liquid.base.water_class == "W40"
    row.floor.select("G4")
    assert editor.rack_box.isVisibleTo(row) and editor.rack_cdus.text() == "CDU-1"
    editor.rack_cdus.setText("CDU-2")
    editor.rack_cdus.setModified(True)
    editor.rack_cdus.editingFinished.emit()
    assert row.liquid.base.cdus["CDU-2"].load_kw == pytest.approx(5 * 102.0)
    editor.rack_cdus.setText("")
    editor.rack_cdus.textEdited.emit("")
    assert "no CDU in liquid.cdus serves it" in editor.problem.text()
    row.document.undo()
    assert row.liquid.base.cdus["CDU-2"].load_kw == pytest.approx(4 * 102.0)


def test_racks_coloured_by_coolant_return_on_request(row):
    row.panel.set_color_mode("coolant")
    result = solve_liquid(row.document.layout)
    item = row.floor.items["G3"]
    assert item.caption == f"{result.racks['G3'].return_c:.1f} °C"
    assert item.fill == coolant_color(result.racks["G3"].return_c)
    assert coolant_look(result, row.document.layout.rack("G3"))[0] == item.fill
    row.panel.set_color_mode("power")
    assert item.caption == f"{row.document.layout.rack('G3').power_kw:g} kW"


def test_supply_comparison_runs_off_the_gui_thread_and_matches_the_model(row, qtbot):
    compare = row.liquid.compare
    compare.supplies.setText("17, warm")
    assert not compare.run() and "not a number" in compare.status.text()
    compare.supplies.setText("17, 32, 40")
    assert compare.run()
    qtbot.waitUntil(lambda: not compare.watch.busy, timeout=20_000)
    assert compare.table.rowCount() == 3
    layout = row.document.layout
    climate, power = load_climate("example-temperate"), analyze(layout)
    for i, supply in enumerate((17.0, 32.0, 40.0)):
        e = annual_energy(layout, climate, supply, power)
        assert compare.table.item(i, 2).text() == f"{e.free_cooling_hours:,.0f}"
        assert compare.table.item(i, 3).text() == f"{e.chiller_mwh:,.1f}"
        assert compare.table.item(i, 6).text() == f"{e.pue:.3f}"
    assert float(compare.table.item(0, 3).text().replace(",", "")) > 0     # 17 °C needs the chiller
    assert compare.table.item(1, 3).text() == "0.0"                       # 32 °C free cools all year


def test_supply_comparison_cancels_between_temperatures(row, qtbot, monkeypatch):
    import time
    from twin.gui import liquid_compare
    real = liquid_compare.annual_energy

    def slow(*args):
        time.sleep(0.05)
        return real(*args)
    monkeypatch.setattr(liquid_compare, "annual_energy", slow)
    compare = row.liquid.compare
    compare.supplies.setText(", ".join(str(20 + i) for i in range(60)))      # 3 s of work
    assert compare.run()
    qtbot.waitUntil(lambda: compare.progress.value() > 0, timeout=5_000)
    compare.cancel_button.click()
    qtbot.waitUntil(lambda: not compare.watch.busy, timeout=5_000)
    assert compare.status.text() == "comparison cancelled" and compare.table.rowCount() == 0


def test_clicking_a_cdu_in_the_loop_view_picks_it_on_the_plan(row):
    row.liquid.sigPicked.emit("CDU-2")
    assert row.liquid_layer.selected == "CDU-2" and row.liquid_layer.items["CDU-2"].selected
    row.liquid.sigPicked.emit("G5")
    assert row.floor.selected == "G5" and row.liquid_layer.selected == ""
