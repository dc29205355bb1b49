"""Inspector (validated as you type, one undo step per edit) and the results panel."""
import math

from PySide6.QtCore import Qt

from conftest import wait_solved
from twin import commands as C


def type_into(qtbot, field, text, enter=True):
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    if enter:
        qtbot.keyClick(field, Qt.Key_Return)


def test_power_field_validates_as_you_type_and_commits_on_enter(window, qtbot):
    window.floor.select("A2")
    ins = window.inspector
    assert ins.pages.currentWidget() is ins.rack_page and ins.power.text() == "5"
    type_into(qtbot, ins.power, "abc", enter=False)
    assert "not a number" in ins.problem_label.text() and ins.power.styleSheet()
    type_into(qtbot, ins.power, "-2", enter=False)
    assert 'rack "A2" power_kw: must be a number >= 0' in ins.problem_label.text()
    assert window.document.layout.rack("A2").power_kw == 5           # nothing applied while typing
    type_into(qtbot, ins.power, "12.5")
    assert window.document.layout.rack("A2").power_kw == 12.5
    assert ins.problem_label.text() == "" and ins.power.styleSheet() == ""
    assert len(window.document.stack) == 1
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert window.document.layout.rack("A2").power_kw == 5 and ins.power.text() == "5"


def test_invalid_text_is_never_committed(window, qtbot):
    window.floor.select("A2")
    type_into(qtbot, window.inspector.power, "-1")
    assert window.document.layout.rack("A2").power_kw == 5 and len(window.document.stack) == 0


def test_airflow_given_as_delta_t_or_airflow(window, qtbot):
    window.floor.select("A1")
    ins, rack = window.inspector, window.document.layout.rack("A1")
    q = rack.airflow(window.document.layout.air)
    ins.airflow_mode.setCurrentIndex(1)
    ins.airflow_mode.activated.emit(1)
    assert rack.delta_t_k is None and math.isclose(rack.airflow_m3s, round(q, 4))
    type_into(qtbot, ins.airflow, "0.5")
    assert rack.airflow_m3s == 0.5
    assert ins.derived.text().endswith("K rise")


def test_facing_and_unit_state_supply(window, qtbot):
    window.floor.select("B1")
    ins = window.inspector
    ins.facing.setCurrentText("+x")
    ins.facing.activated.emit(ins.facing.currentIndex())
    assert window.document.layout.rack("B1").facing == "+x"
    window.floor.select("CRAH-1")
    assert ins.pages.currentWidget() is ins.unit_page
    type_into(qtbot, ins.supply, "20")
    assert window.document.layout.unit("CRAH-1").supply_temp_c == 20
    ins.state.setCurrentText("failed")
    ins.state.activated.emit(ins.state.currentIndex())
    assert window.document.layout.unit("CRAH-1").state == "failed"
    assert window.floor.items["CRAH-1"].state == "failed"


def test_results_table_sorts_and_highlights_hot_racks(window, qtbot):
    layout = window.document.layout
    window.document.execute(C.set_fields(layout, "B2", power_kw=40))
    window.document.execute(C.set_fields(layout, "A2", power_kw=40))
    wait_solved(qtbot, window)
    assert window.latest.layout.rack("A2").power_kw == 40
    hot = set(window.latest.metrics.racks_above_recommended)
    assert hot, "expected racks above the recommended range in this room"
    table = window.results.racks
    table.sortItems(1, Qt.DescendingOrder)
    means = [float(table.item(r, 1).text()) for r in range(table.rowCount())]
    assert means == sorted(means, reverse=True)
    for r in range(table.rowCount()):
        rack_id = table.item(r, 0).text()
        assert table.item(r, 0).font().bold() == (rack_id in hot)
    assert str(len(hot)) in window.results.summary["above"].text()
    assert window.results.units.rowCount() == 1
    assert "%" in window.results.summary["rci"].text()
    assert len(window.results.chart.bars.opts["height"]) == 6


def test_section_view_follows_its_slider(window):
    section = window.section
    assert section.image.image is not None
    assert section.image.image.shape == (window.latest.result.temperature_c.shape[0],
                                         window.latest.result.temperature_c.shape[2])
    section.axis.setCurrentIndex(1)
    section.set_position(2.7)
    assert section.image.image.shape[0] == window.latest.result.temperature_c.shape[1]
    assert window.floor.section_line.angle == 90 and window.floor.section_line.value() == 2.7


def test_results_update_of_a_200_rack_hall_is_cheap_for_the_gui_thread(qtbot):
    import time

    from twin.gui.results_panel import ResultsPanel
    from twin.gui.solve_job import Job, SolveSettings, run_job
    from twin.model import bundled_layout, load_layout

    updates = []
    run_job(Job(1, load_layout(bundled_layout("hall_200")), SolveSettings(model="preview", preview_max_cells=3000)),
            updates.append, lambda f, m: None)
    panel = ResultsPanel()
    qtbot.addWidget(panel)
    panel.set_update(updates[-1])
    started = time.perf_counter()
    for _ in range(3):
        panel.set_update(updates[-1])
    per_update_s = (time.perf_counter() - started) / 3
    assert panel.racks.rowCount() == 200
    assert per_update_s < 0.15, f"{per_update_s * 1000:.0f} ms per results update"
