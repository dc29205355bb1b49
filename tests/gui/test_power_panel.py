"""The power panel: PUE and component loads, failover violations, equipment edits with undo."""
import shutil

import pytest
from PySide6.QtCore import Qt

from conftest import wait_solved
from twin import commands as C
from twin.model import bundled_layout
from twin.power import analyze


@pytest.fixture
def hall(make_window, qtbot):
    window = make_window(bundled_layout("air_hall"))
    window.power_dock.raise_()
    wait_solved(qtbot, window)
    return window


@pytest.fixture
def ab_room(make_window, qtbot, tmp_path):
    path = tmp_path / "ab.yaml"
    shutil.copy(bundled_layout("ab_failover_room"), path)
    window = make_window(path)
    window.power_dock.raise_()
    wait_solved(qtbot, window)
    return window


def bar_pct(panel):
    return {row[0]: row[1] for row in panel.bar_rows}


def test_default_hall_shows_pue_and_one_bar_per_ups_and_busway(hall):
    panel = hall.power
    assert panel.thermal is hall.latest.result            # cooling follows the thermal result
    assert "1.35" in panel.totals["pue"].text()
    assert panel.totals["it"].text().startswith("968.0 kW")
    expected = analyze(hall.document.layout, hall.latest.result)
    ids = [c.id for c in expected.components.values() if c.kind in ("ups", "pdu", "busway")]
    assert [row[0] for row in panel.bar_rows] == ids and len(ids) == 10
    for cid, pct in bar_pct(panel).items():
        assert pct == pytest.approx(expected.components[cid].utilization_pct)
    assert bar_pct(panel)["BW-B-A"] == pytest.approx(37.2, abs=0.05)
    assert len(panel.chart.bars.opts["width"]) == 10
    assert "passes (12 cases)" in panel.verdict.text() and panel.violations.count() == 0
    assert panel.last_ms < 200


def test_failover_violations_are_listed_and_drawn(ab_room):
    panel = ab_room.power
    assert "FAILS: 6 violation" in panel.verdict.text()
    assert panel.violations.count() == 6 and panel.violations.isVisibleTo(panel)
    texts = [panel.violations.item(i).text() for i in range(6)]
    assert any(t.startswith("PDU-A fails: PDU-B carries 52.5 kW, 131 %") for t in texts)
    row = next(i for i, t in enumerate(texts) if t.startswith("PDU-A fails"))
    panel.violations.setCurrentRow(row)
    view = panel.chain_view
    assert view.failed == "PDU-A"
    assert view.colors["PDU-A"].name() != view.colors["PDU-B"].name()
    assert view.colors["PDU-B"].red() > 200 and view.colors["PDU-B"].green() < 100


def test_hidden_panel_catches_up_when_shown(ab_room, qtbot):
    ab_room.docks["results"].raise_()
    qtbot.waitUntil(lambda: not ab_room.power.on_screen)
    ab_room.document.execute(C.edit_equipment(ab_room.document.layout, "A1", 0, utilization_pct=0))
    assert ab_room.power.stale and ab_room.power.totals["it"].text().startswith("52.5 kW")
    ab_room.power_dock.raise_()
    qtbot.waitUntil(lambda: not ab_room.power.stale)
    assert ab_room.power.totals["it"].text().startswith("46.5 kW")


def test_rack_selection_shows_cords_and_equipment(ab_room):
    ab_room.floor.select("A2")
    editor = ab_room.power.editor
    assert "Rack A2" in editor.title.text() and "8.75 kW electrical" in editor.title.text()
    assert editor.cords.text() == "Cords: PDU-A (side A), PDU-B (side B)"
    assert editor.table.rowCount() == 2
    assert editor.table.cellWidget(0, 0).currentText() == "dgx-h100"


def test_equipment_count_edit_changes_power_bars_and_undoes(ab_room, qtbot):
    layout = ab_room.document.layout
    panel = ab_room.power
    ab_room.floor.select("A1")
    before = bar_pct(panel)["PDU-A"]
    panel.editor.count_box(1).setValue(3)                     # three InfiniBand switches
    assert layout.rack("A1").power_kw == pytest.approx(10.25)
    assert len(ab_room.document.stack) == 1
    assert bar_pct(panel)["PDU-A"] == pytest.approx(before + 100 * 0.75 / 40)
    assert "10.25 kW electrical" in panel.editor.title.text()
    qtbot.keyClick(ab_room, Qt.Key_Z, Qt.ControlModifier)
    assert layout.rack("A1").power_kw == pytest.approx(8.75)
    assert bar_pct(panel)["PDU-A"] == pytest.approx(before)
    assert panel.editor.count_box(1).value() == 1


def test_refused_equipment_edit_keeps_the_rack(ab_room):
    layout = ab_room.document.layout
    ab_room.floor.select("A1")
    panel = ab_room.power
    panel.editor.count_box(0).setValue(5)                      # five DGX do not fit under U 40
    assert layout.rack("A1").power_kw == pytest.approx(8.75)
    assert len(ab_room.document.stack) == 0
    assert panel.editor.count_box(0).value() == 1
    assert "overlaps" in ab_room.statusBar().currentMessage()


def test_utilisation_edit_through_the_table(ab_room, qtbot):
    ab_room.floor.select("A1")
    field = ab_room.power.editor.table.cellWidget(0, 3)
    field.setFocus()
    qtbot.keyClicks(field, "50")
    qtbot.keyClick(field, Qt.Key_Return)
    assert ab_room.document.layout.rack("A1").power_kw == pytest.approx(2.0 + 4.1 + 0.75)


def test_add_and_remove_equipment_buttons(ab_room, qtbot):
    rack = ab_room.document.layout.rack("A1")
    ab_room.floor.select("A1")
    editor = ab_room.power.editor
    editor.add_model.setCurrentText("cpu-server-1u")
    qtbot.mouseClick(editor.add_button, Qt.LeftButton)
    assert [e.model for e in rack.equipment][-1] == "cpu-server-1u" and rack.equipment[-1].position_u == 41
    assert isinstance(rack.equipment[-1].position_u, int)
    assert rack.power_kw == pytest.approx(8.75 + 0.45) and editor.table.rowCount() == 3
    editor.table.setCurrentCell(0, 1)
    qtbot.mouseClick(editor.remove_button, Qt.LeftButton)
    assert [e.model for e in rack.equipment] == ["ib-switch-ndr-1u", "cpu-server-1u"]
    assert editor.table.cellWidget(0, 0).currentText() == "ib-switch-ndr-1u"
    assert ab_room.document.stack.undo_label() == "remove dgx-h100 from A1"
