"""The Placement dock: the ranking equals the engine's, candidates on the floor, Apply is one
undo step, airflow input, cancel, bad input, layout changes drop the candidates."""
import pytest
from PySide6.QtCore import Qt

import mouse
from conftest import wait_solved
from twin import commands as C
from twin.gui.candidate_items import CandidateOutline
from twin.scenario import Runner
from twin.scenario.placement import advise

CELL_M = 0.3          # the FAST settings' grid, which the dock solves on


@pytest.fixture
def room(window):
    """The small room (6 racks, one cooling unit), the Placement dock in front."""
    window.placement_dock.raise_()
    return window


def fill(panel, count="2", power="8", rise="12", size="0.6 x 1.2 x 2.0", top=3, solve_limit=4):
    panel.count.setText(count)
    panel.power.setText(power)
    panel.rise.setText(rise)
    panel.size.setText(size)
    panel.top.setValue(top)
    panel.solve_limit.setValue(solve_limit)


def find(qtbot, panel, timeout_ms=30_000):
    qtbot.mouseClick(panel.find_button, Qt.LeftButton)
    assert panel.watch.busy
    qtbot.waitUntil(lambda: not panel.watch.busy, timeout=timeout_ms)


def test_defaults_come_from_the_palette_template(room):
    panel = room.placement
    assert panel.size.text() == "0.6 x 1.2 x 2" and panel.rise.text() == "12"
    assert panel.power.text() == "10" and panel.confirm.value() == 0      # preview-only window
    room.equipment.list.setCurrentRow(2)                                  # storage rack
    assert panel.size.text() == "0.6 x 1 x 2" and panel.rise.text() == "10"
    room.equipment.list.setCurrentRow(3)                                  # a cooling unit: kept
    assert panel.size.text() == "0.6 x 1 x 2" and panel.rise.text() == "10"
    assert room.placement_dock.toggleViewAction() in room.acts.panels_menu.actions()


def test_ranking_equals_the_engine_and_is_drawn_on_the_floor(room, qtbot):
    panel = room.placement
    fill(panel)
    find(qtbot, panel)
    ranked = advise(room.document.layout, 2, 8.0, Runner(CELL_M, "preview"), top=3, solve_limit=4,
                    size_m=(0.6, 1.2, 2.0), delta_t_k=12.0)
    assert len(ranked) >= 2 and len(panel.ranked) == len(ranked)
    for mine, theirs in zip(panel.ranked, ranked):
        assert mine.positions_m == theirs.positions_m and mine.facing == theirs.facing
        assert mine.worst_inlet_c == pytest.approx(theirs.worst_inlet_c)
        assert mine.reasons == theirs.reasons
    items = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert items[0].startswith(f"1. facing {ranked[0].facing} at ")
    assert f"worst intake {ranked[0].worst_inlet_c:.1f} °C" in items[0]
    assert panel.list.currentRow() == 0 and panel.apply_button.isEnabled()
    assert ranked[0].reasons[0].replace("degC", "°C") in panel.reasons.text()
    overlay = room.floor.overlay
    assert [o.rank for o in overlay] == list(range(1, len(ranked) + 1))
    assert all(isinstance(o, CandidateOutline) and o.scene() is room.floor.scene() for o in overlay)
    for outline, cand in zip(overlay, ranked):
        shown = [v for r in outline.rects for v in (r.x(), r.y(), r.width(), r.height())]
        assert shown == pytest.approx([v for x, y in cand.positions_m
                                       for v in (x, y, cand.size_m[0], cand.size_m[1])])
    assert overlay[0].chosen and not overlay[1].chosen
    second = overlay[1].boundingRect().center()
    mouse.click(room.floor, (second.x(), second.y()))                 # click a candidate on the plan
    assert panel.list.currentRow() == 1 and overlay[1].chosen and not overlay[0].chosen
    assert room.floor.selected == ""


def test_apply_adds_the_racks_shown_and_one_undo_removes_them(room, qtbot):
    panel = room.placement
    layout = room.document.layout
    fill(panel)
    find(qtbot, panel)
    panel.list.setCurrentRow(1)
    cand = panel.ranked[1]
    before = [r.id for r in layout.racks]
    qtbot.mouseClick(panel.apply_button, Qt.LeftButton)
    added = [r for r in layout.racks if r.id not in before]
    assert len(added) == 2 and len(room.document.stack) == 1
    assert [tuple(r.position_m) for r in added] == [tuple(p) for p in cand.positions_m]
    assert all(r.facing == cand.facing and r.power_kw == 8.0 and r.delta_t_k == 12.0 for r in added)
    assert room.floor.overlay == [] and panel.list.count() == 0      # candidates were for the old layout
    assert all(r.id in room.floor.items for r in added)
    assert panel.status.text().startswith(f"placed {added[0].id}, {added[1].id} (candidate 2)")
    latest = wait_solved(qtbot, room)                                # the normal re-solve ran
    assert all(r.id in latest.result.racks for r in added)
    qtbot.keyClick(room, Qt.Key_Z, Qt.ControlModifier)
    assert [r.id for r in layout.racks] == before and len(room.document.stack) == 0
    assert all(r.id not in room.floor.items for r in added)


def test_airflow_input_ranks_by_the_equivalent_rise_and_is_kept_on_apply(room, qtbot):
    panel = room.placement
    layout = room.document.layout
    fill(panel, count="1", power="6", rise="0.5")
    panel.rise_mode.setCurrentIndex(panel.rise_mode.findData("airflow_m3s"))
    find(qtbot, panel)
    rise_k = 6000.0 / (layout.air.density_kgm3 * layout.air.cp_jkgk * 0.5)
    ranked = advise(layout, 1, 6.0, Runner(CELL_M, "preview"), top=3, solve_limit=4,
                    size_m=(0.6, 1.2, 2.0), delta_t_k=rise_k)
    assert [c.positions_m for c in panel.ranked] == [c.positions_m for c in ranked]
    assert [c.worst_inlet_c for c in panel.ranked] == pytest.approx([c.worst_inlet_c for c in ranked])
    assert panel.apply()
    rack = layout.racks[-1]
    assert rack.airflow_m3s == 0.5 and rack.delta_t_k is None
    assert rack.delta_t(layout.air) == pytest.approx(rise_k)


def test_cancel_stops_the_search(room, qtbot):
    panel = room.placement
    fill(panel)
    panel.confirm.setValue(1)                    # the accurate confirmation would take longest
    racks = len(room.document.layout.racks)
    qtbot.mouseClick(panel.find_button, Qt.LeftButton)
    assert panel.cancel_button.isEnabled() and not panel.find_button.isEnabled()
    qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not panel.watch.busy, timeout=20_000)
    assert panel.status.text() == "search cancelled"
    assert panel.list.count() == 0 and room.floor.overlay == [] and not panel.apply_button.isEnabled()
    assert len(room.document.layout.racks) == racks and panel.find_button.isEnabled()


@pytest.mark.parametrize("field, text, reason", [
    ("count", "0", "number of racks: at least 1"),
    ("count", "2.5", "number of racks: a whole number"),
    ("power", "-5", "power per rack: must be above 0 kW"),
    ("rise", "0", "temperature rise: must be above 0 K"),
    ("size", "0.6 x 1.2", "rack size: give width x depth x height in m, not '0.6 x 1.2'"),
    ("count", "20", "20 racks of 0.6 m side by side do not fit in the room"),
])
def test_bad_input_shows_a_reason_and_runs_nothing(room, qtbot, field, text, reason):
    panel = room.placement
    fill(panel)
    getattr(panel, field).setText(text)
    qtbot.mouseClick(panel.find_button, Qt.LeftButton)
    assert panel.status.text() == reason
    assert getattr(panel, field).styleSheet()                     # the field is marked
    assert not panel.watch.busy and panel.list.count() == 0


def test_layout_change_drops_the_candidates(room, qtbot):
    panel = room.placement
    fill(panel)
    find(qtbot, panel)
    assert room.floor.overlay
    room.document.execute(C.set_fields(room.document.layout, "A1", power_kw=6.0))
    assert room.floor.overlay == [] and panel.list.count() == 0
    assert panel.status.text() == "The layout changed: press Find places again."
