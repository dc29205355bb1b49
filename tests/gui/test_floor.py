"""The floor plan: to scale, mouse drags with snapping, refusals, rotate, delete, add, undo."""
import math
import re

import numpy as np
from PySide6.QtCore import Qt

from conftest import wait_solved
from mouse import click, drag, hover, widget_point
from twin.gui.floor_items import RackItem, UnitItem


def centre(obj):
    return (obj.position_m[0] + obj.size_m[0] / 2, obj.position_m[1] + obj.size_m[1] / 2)


def test_opens_the_room_with_every_item_to_scale(window):
    layout = window.document.layout
    assert {i for i, item in window.floor.items.items() if isinstance(item, RackItem)} == \
        {r.id for r in layout.racks}
    assert isinstance(window.floor.items["CRAH-1"], UnitItem)
    a1 = window.floor.items["A1"]
    assert (a1.pos().x(), a1.pos().y()) == layout.rack("A1").position_m
    assert a1.boundingRect().width() == 0.6 and a1.boundingRect().height() == 1.2
    # one metre is as long across as up on screen
    p0, px, py = (widget_point(window.floor, *p) for p in ((0, 0), (1, 0), (0, 1)))
    assert math.isclose(px.x() - p0.x(), p0.y() - py.y(), rel_tol=0.02)
    assert "room.yaml" in window.windowTitle()


def test_first_solve_puts_a_heat_map_on_the_floor(window):
    plane = window.floor.plane_image()
    assert plane is not None and plane.shape[:2] == window.latest.result.temperature_c.shape[:2]
    finite = plane[np.isfinite(plane)]
    assert 15 < finite.min() < finite.max() < 45
    assert window.results.racks.rowCount() == 6


def test_mouse_drag_moves_a_rack_snapped_as_one_undo_step(window, qtbot):
    layout, stack = window.document.layout, window.document.stack
    a1 = layout.rack("A1")
    x, y = centre(a1)
    drag(window.floor, (x, y), (x - 1.15, y - 0.65), steps=8)
    assert a1.position_m == (1.2, 0.6)         # 2.4-1.15 -> 1.2 and 1.2-0.65 -> 0.6 on the tile grid
    assert len(stack) == 1 and stack.undo_label() == "move A1"
    item = window.floor.items["A1"]
    assert (item.pos().x(), item.pos().y()) == (1.2, 0.6)
    assert window.isWindowModified()
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert a1.position_m == (2.4, 1.2) and (item.pos().x(), item.pos().y()) == (2.4, 1.2)
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert a1.position_m == (1.2, 0.6)


def test_drop_on_another_rack_is_refused_visibly(window):
    layout, stack = window.document.layout, window.document.stack
    x, y = centre(layout.rack("A1"))
    drag(window.floor, (x, y), (x + 0.6, y))
    assert layout.rack("A1").position_m == (2.4, 1.2)
    assert len(stack) == 0
    message = window.statusBar().currentMessage()
    assert "move A1 refused" in message and "overlaps" in message
    assert window.floor.items["A1"].refused                     # red outline for a moment
    item = window.floor.items["A1"]
    assert (item.pos().x(), item.pos().y()) == (2.4, 1.2)       # back where it was


def test_drag_out_of_the_room_is_refused(window):
    layout = window.document.layout
    x, y = centre(layout.rack("B3"))
    drag(window.floor, (x, y), (x + 3.0, y))
    assert layout.rack("B3").position_m == (3.6, 3.6)
    assert "outside the room" in window.statusBar().currentMessage()


def test_while_dragging_a_bad_spot_shows_red(window):
    floor, layout = window.floor, window.document.layout
    floor.drag_started("A1")
    floor.drag_moved("A1", (3.0, 1.2))
    assert floor.items["A1"].refused == "A1 would overlap A2"
    assert "cannot place here" in window.statusBar().currentMessage()
    floor.drag_moved("A1", (0.6, 0.0))
    assert floor.items["A1"].refused is None
    floor.drag_finished("A1", (0.6, 0.0))
    assert layout.rack("A1").position_m == (0.6, 0.0)


def test_cooling_units_drag_too(window):
    unit = window.document.layout.unit("CRAH-1")
    x, y = centre(unit)
    drag(window.floor, (x, y), (x, y + 1.2))
    assert unit.position_m == (0.0, 3.0)


def test_click_selects_and_r_rotates_delete_removes(window, qtbot):
    layout, floor = window.document.layout, window.floor
    drag(floor, centre(layout.rack("B3")), (5.3, 5.3))            # somewhere with room to turn
    click(floor, centre(layout.rack("B3")))
    assert floor.selected == "B3" and window.inspector.item_id == "B3"
    qtbot.keyClick(window, Qt.Key_R)
    assert layout.rack("B3").facing == "-x" and layout.rack("B3").size_m[:2] == (1.2, 0.6)
    qtbot.keyClick(window, Qt.Key_Delete)
    assert "B3" not in [r.id for r in layout.racks] and "B3" not in floor.items
    assert floor.selected == ""
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert "B3" in floor.items


def test_add_from_the_palette_lands_on_a_free_spot(window):
    layout = window.document.layout
    new_id = window.add_from_template(window.equipment.current())
    assert new_id == "R1" and new_id in window.floor.items and window.floor.selected == "R1"
    rack = layout.rack("R1")
    assert rack.power_kw == 10 and window.document.stack.undo_label() == "add R1"


def test_probe_reports_position_and_temperature(window):
    hover(window.floor, (1.65, 4.65))         # a cell centre of the 0.3 m grid: no boundary to round onto
    match = re.fullmatch(r"x (\S+) m, y (\S+) m, z 1.00 m: (\S+) °C", window.panel.probe.text())
    assert match, window.panel.probe.text()
    x, y, t = map(float, match.groups())
    assert abs(x - 1.65) < 0.05 and abs(y - 4.65) < 0.05
    field = window.latest.result.temperature_c
    i, j, k = int(x / 6.0 * field.shape[0]), int(y / 6.0 * field.shape[1]), int(1.0 / 3.0 * field.shape[2])
    assert abs(t - field[i, j, k]) < 0.051
    assert "inside equipment" in window.floor.probe_text(2.7, 1.8)


def test_rack_colours_follow_power_or_intake(window, qtbot):
    item = window.floor.items["A1"]
    intake = window.latest.result.racks["A1"].inlet_mean_c
    assert window.floor.color_mode == "intake"                 # the default
    assert item.caption == f"{intake:.1f} °C"
    window.acts.color["power"].trigger()
    assert item.caption == "5 kW" and window.floor.color_mode == "power"
    window.acts.color["intake"].trigger()
    assert item.caption == f"{intake:.1f} °C"


def test_heat_map_height_and_arrows(window):
    first = window.floor.plane_image().copy()
    window.panel.height_slider.setValue(25)
    assert window.panel.height_m() == 2.5
    assert not np.array_equal(first, window.floor.plane_image(), equal_nan=True)
    window.panel.arrows.setChecked(True)
    assert window.floor.arrows.count > 0 and window.acts.arrows.isChecked()


def test_an_edit_re_solves_and_updates_the_map(window, qtbot):
    before = window.latest.result.racks["A1"].airflow_m3s
    plane = window.floor.plane_image().copy()
    window.inspector.show_item("A1")
    field = window.inspector.power
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "20")
    qtbot.keyClick(field, Qt.Key_Return)
    qtbot.waitUntil(lambda: window.latest.layout.rack("A1").power_kw == 20, timeout=20_000)
    wait_solved(qtbot, window)
    assert math.isclose(window.latest.result.racks["A1"].airflow_m3s, 4 * before)
    assert np.nanmax(np.abs(window.floor.plane_image() - plane)) > 1.0
    assert window.document.stack.undo_label() == "set power of A1"


def test_arrow_keys_nudge_by_tiles_as_one_undo_step(window, qtbot):
    window.floor.select("B3")
    window.floor.setFocus()
    for key in (Qt.Key_Right, Qt.Key_Right, Qt.Key_Up):
        qtbot.keyClick(window.floor, key)
    assert window.document.layout.rack("B3").position_m == (4.8, 4.2)
    assert len(window.document.stack) == 1
    qtbot.keyClick(window.floor, Qt.Key_Right)
    qtbot.keyClick(window.floor, Qt.Key_Right)                      # would leave the room: refused
    assert window.document.layout.rack("B3").position_m == (5.4, 4.2)
    assert "outside the room" in window.statusBar().currentMessage()
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert window.document.layout.rack("B3").position_m == (3.6, 3.6)


def palette_drop(window, row, at_m):
    from PySide6.QtGui import QDropEvent

    mime = window.equipment.list.mimeData([window.equipment.list.item(row)])
    event = QDropEvent(widget_point(window.floor, *at_m), Qt.CopyAction, mime, Qt.LeftButton,
                       Qt.NoModifier)
    window.floor.dropEvent(event)
    return event


def test_drag_from_the_palette_onto_the_floor(window):
    layout = window.document.layout
    palette_drop(window, 1, (1.5, 5.0))                          # the 40 kW GPU rack
    rack = layout.rack("G1")
    assert rack.power_kw == 40 and rack.position_m == (1.2, 4.2)   # centred on the drop, snapped
    assert window.floor.selected == "G1" and window.document.stack.undo_label() == "add G1"
    palette_drop(window, 0, (2.7, 1.8))                          # onto rack A1: refused
    assert "R1" not in window.floor.items and "overlaps" in window.statusBar().currentMessage()
