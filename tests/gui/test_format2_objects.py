"""Format-2 air-side objects in the desktop app: drawn on the plan and the section, added from
the palette, dragged, resized, edited in the inspector, Contain Aisle, in-row snapping,
undo of each, and the warnings that stay in the status bar."""
import shutil

import numpy as np
import pytest
from PySide6.QtCore import Qt

from conftest import wait_solved
from mouse import click, drag
from twin.gui.format2_items import (DOOR, ContainmentItem, InrowUnitItem, ObstacleItem,
                                    RearDoorMark, SensorItem)
from twin.gui.palette_panel import TEMPLATES
from twin.gui.solve_job import SolveSettings
from twin.model import bundled_layout
from twin.object_edits import find_object

# The preview on a grid fine enough for the 0.1 m door gaps (at the suite's usual 4000 cells
# the aisle's gaps vanish and the room is refused as sealed).
SOLVE = SolveSettings(model="preview", accurate_cell_m=0.3, preview_max_cells=20000, debounce_ms=10)
ROWS = ["A1", "A2", "A3", "A4", "A5", "B1", "B2", "B3", "B4", "B5"]


def template(prefix):
    return next(t for t in TEMPLATES if t.id_prefix == prefix)


@pytest.fixture
def room(make_window, qtbot, tmp_path):
    """The contained in-row example, first solve on screen."""
    path = tmp_path / "contained.yaml"
    shutil.copy(bundled_layout("contained_inrow_room"), path)
    w = make_window(path=path, solve=SOLVE, size=(1400, 900))
    wait_solved(qtbot, w)
    return w


def tick(group):
    """What a click on a checkable group's title does: toggle, then report the click."""
    group.setChecked(not group.isChecked())
    group.clicked.emit()


def obj(window, obj_id):
    return find_object(window.document.layout, obj_id)[1]


def test_every_object_is_drawn_on_the_plan(room):
    layer, items = room.floor.format2, room.floor.items
    beam = layer.items["beam-1"]
    assert isinstance(beam, ObstacleItem) and beam.kind == "overhead"      # z 2.7..3.0: a beam
    assert beam.zValue() > items["A3"].zValue()                            # drawn over the racks
    hac = layer.items["HAC-1"]
    assert isinstance(hac, ContainmentItem) and hac.kind == "hot" and hac.roof
    assert (hac.pos().x(), hac.pos().y(), *hac.size_m) == pytest.approx((1.2, 2.4, 3.6, 1.2))
    # the two doors 0.1 m thick just outside the aisle's ends, from the room's panels
    assert [(p.x(), p.width(), p.height()) for p in hac.panels] == \
        [pytest.approx((-0.1, 0.1, 1.2)), pytest.approx((3.6, 0.1, 1.2))]
    assert isinstance(items["IRC-A1"], InrowUnitItem) and items["IRC-A1"].facing == "-y"
    assert items["IRC-B2"].return_ == "top" and items["IRC-A2"].state == "failed"
    doors = [c for c in items["A4"].childItems() if isinstance(c, RearDoorMark)]
    assert len(doors) == 1 and doors[0].boundingRect().top() == pytest.approx(1.2)   # rear: north
    assert "6 kW" in doors[0].toolTip() and not any(
        isinstance(c, RearDoorMark) for c in items["A1"].childItems())
    sensor = layer.items["hot-aisle-mid"]
    value = room.latest.result.sensors["hot-aisle-mid"].value_c
    assert isinstance(sensor, SensorItem) and sensor.text == f"model {value:.1f} °C"
    assert (sensor.pos().x(), sensor.pos().y()) == (3.0, 3.0)


def test_add_drag_resize_and_undo_an_obstacle(room, qtbot):
    stack, floor = room.document.stack, room.floor
    assert room.drop_template(template("column-"), 6.0, 5.0) == "column-1"
    assert obj(room, "column-1").box_m.extents() == ((5.8, 6.2), (4.8, 5.2), (0.0, 3.0))
    assert floor.selection == ["column-1"] and stack.undo_label() == "add obstacle column-1"
    assert room.inspector.format2.fields["box_z1"].text() == "3"
    drag(floor, (6.0, 5.0), (6.5, 4.5), steps=6)                      # by the body: a move
    assert obj(room, "column-1").box_m.x_m == (6.3, 6.7)
    assert obj(room, "column-1").box_m.y_m == (4.3, 4.7)
    assert stack.undo_label() == "move column-1" and len(stack) == 2
    drag(floor, (6.69, 4.69), (7.0, 5.5), steps=6)                    # by its corner: a resize
    assert obj(room, "column-1").box_m.extents() == ((6.3, 7.0), (4.3, 5.5), (0.0, 3.0))
    assert floor.format2.items["column-1"].size_m == pytest.approx((0.7, 1.2))
    assert floor.format2.items["column-1"].kind == "column"
    assert stack.undo_label() == "resize column-1"
    for _ in range(3):
        qtbot.keyClick(room, Qt.Key_Z, Qt.ControlModifier)
    assert [o.id for o in room.document.layout.obstacles] == ["beam-1"]
    assert "column-1" not in floor.format2.items
    for _ in range(3):
        qtbot.keyClick(room, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert obj(room, "column-1").box_m.extents() == ((6.3, 7.0), (4.3, 5.5), (0.0, 3.0))
    item = floor.format2.items["column-1"]
    assert (item.pos().x(), item.pos().y(), *item.size_m) == pytest.approx((6.3, 4.3, 0.7, 1.2))


def test_a_drag_onto_a_rack_is_refused_and_springs_back(room):
    room.drop_template(template("column-"), 6.0, 5.0)
    drag(room.floor, (6.0, 5.0), (2.1, 1.8), steps=6)                 # onto A2
    assert obj(room, "column-1").box_m.x_m == (5.8, 6.2)
    message = room.statusBar().currentMessage()
    assert 'move column-1 refused: obstacle "column-1" overlaps rack "A2"' in message
    item = room.floor.format2.items["column-1"]
    assert (item.pos().x(), item.pos().y()) == (5.8, 4.8) and item.refused


def test_add_drag_and_undo_a_sensor(room, qtbot):
    assert room.drop_template(template("S-"), 6.52, 0.98) == "S-1"
    assert obj(room, "S-1").position_m == (6.5, 1.0, 1.0)
    wait_solved(qtbot, room)
    value = room.latest.result.sensors["S-1"].value_c
    assert room.floor.format2.items["S-1"].text == f"model {value:.1f} °C"
    drag(room.floor, (6.5, 1.0), (6.0, 0.5), steps=5)
    assert obj(room, "S-1").position_m == (6.0, 0.5, 1.0)
    room.document.undo()
    assert obj(room, "S-1").position_m == (6.5, 1.0, 1.0)
    room.document.undo()
    assert [s.id for s in room.document.layout.sensors] == ["A1-front-low", "hot-aisle-mid"]
    assert "S-1" not in room.floor.format2.items


def test_drag_resize_and_undo_a_containment(room):
    stack = room.document.stack
    click(room.floor, (2.0, 3.3))                                      # the aisle floor
    assert room.floor.selection == ["HAC-1"]
    drag(room.floor, (4.79, 3.59), (5.4, 3.59), steps=5)               # its corner: longer
    c = obj(room, "HAC-1")
    assert c.aisle_m.x_m == (1.2, 5.4) and c.aisle_m.y_m == (2.4, 3.6)
    assert stack.undo_label() == "resize HAC-1"
    room.document.undo()
    assert obj(room, "HAC-1").aisle_m.x_m == (1.2, 4.8)
    assert room.floor.format2.items["HAC-1"].size_m == pytest.approx((3.6, 1.2))


def test_contain_this_aisle_is_one_undoable_edit(room, qtbot):
    floor, stack = room.floor, room.document.stack
    floor.select("HAC-1")
    room.edits.delete()
    assert room.document.layout.containment == []
    floor.select_many(ROWS)
    room.format2.contain_cold.trigger()
    assert room.document.layout.containment == []                     # rears face this aisle
    assert "is it a hot aisle?" in room.statusBar().currentMessage()
    room.format2.contain_hot.trigger()
    (c,) = room.document.layout.containment
    assert (c.id, c.kind, c.aisle_m.x_m, c.aisle_m.y_m) == ("HAC-1", "hot", (1.2, 4.8), (2.4, 3.6))
    assert c.doors == ["-x", "+x"] and c.roof and c.height_m == 2.0
    assert floor.selection == ["HAC-1"] and isinstance(floor.format2.items["HAC-1"], ContainmentItem)
    assert stack.undo_label() == "contain hot aisle HAC-1"
    qtbot.keyClick(room, Qt.Key_Z, Qt.ControlModifier)
    assert room.document.layout.containment == [] and "HAC-1" not in floor.format2.items


def test_inrow_unit_dragged_near_a_row_snaps_into_it(room, qtbot):
    unit = room.document.layout.unit("IRC-A1")                          # x 2.4..2.7, y 1.2..2.4
    drag(room.floor, (2.55, 1.8), (5.05, 1.65), steps=8)               # east of A5, a little low
    assert unit.position_m == (4.8, 1.2) and unit.facing == "-y"       # flush with the row
    assert room.document.stack.undo_label() == "move IRC-A1"
    qtbot.keyClick(room, Qt.Key_Z, Qt.ControlModifier)
    assert unit.position_m == (2.4, 1.2)
    item = room.floor.items["IRC-A1"]
    assert (item.pos().x(), item.pos().y()) == (2.4, 1.2)


def test_inrow_unit_from_the_palette_takes_the_row_facing(room):
    new_id = room.drop_template(template("IRC-"), 5.0, 4.0)            # east of B5 (faces +y)
    unit = room.document.layout.unit(new_id)
    assert new_id == "IRC-1" and unit.inrow
    assert (unit.position_m, unit.facing, unit.size_m) == ((4.8, 3.6), "+y", (0.3, 1.2, 2.0))
    far = room.drop_template(template("IRC-"), 6.5, 0.6)                # open floor: tile grid
    assert room.document.layout.unit(far).position_m == (6.3, 0.0)


def test_inspector_edits_containment_with_the_models_checks(room, qtbot):
    room.floor.select("HAC-1")
    fields = room.inspector.format2.fields
    gap = fields["door_gap_m"]
    assert gap.text() == "0.1"
    gap.setText("2.5")
    gap.textEdited.emit("2.5")
    assert "door gap 2.5 m leaves no door" in gap.problem
    assert "door gap 2.5 m" in room.inspector.problem_label.text()
    gap.setText("0.05")
    gap.setModified(True)
    gap.editingFinished.emit()
    assert obj(room, "HAC-1").door_gap_m == 0.05
    room.inspector.format2.doors["-y"].click()
    assert 'containment "HAC-1"' in room.statusBar().currentMessage()   # across row A: refused
    assert obj(room, "HAC-1").doors == ["-x", "+x"]
    assert not room.inspector.format2.doors["-y"].isChecked()
    room.document.undo()
    assert obj(room, "HAC-1").door_gap_m == 0.1


def test_inspector_adds_a_rear_door_and_an_air_zone(room):
    room.floor.select("A1")
    f2 = room.inspector.format2
    assert f2.door_box.isVisible() and not f2.door_box.isChecked()
    tick(f2.door_box)
    door = room.document.layout.rack("A1").rear_door
    assert (door.capacity_kw, door.water_supply_c, door.approach_k) == (8.0, 18.0, 3.0)
    assert any(isinstance(c, RearDoorMark) for c in room.floor.items["A1"].childItems())
    # A1 has an air zone in the example: unticking removes it, ticking gives the whole face
    assert f2.zone_box.isChecked() and f2.fields["air_zone_width_m"].text() == "0.45"
    tick(f2.zone_box)
    assert room.document.layout.rack("A1").air_zone_m is None
    tick(f2.zone_box)
    zone = room.document.layout.rack("A1").air_zone_m
    assert (zone.z_m, zone.width_m, zone.offset_m) == ((0.0, 2.0), 0.6, None)
    width = f2.fields["air_zone_width_m"]
    width.setText("0.7")                                              # the face is 0.6 m wide
    width.textEdited.emit("0.7")
    assert "does not fit in the 0.6 m wide face" in room.inspector.problem_label.text()
    width.setText("0.5")
    width.setModified(True)
    width.editingFinished.emit()
    assert room.document.layout.rack("A1").air_zone_m.width_m == 0.5
    for _ in range(4):
        room.document.undo()
    assert room.document.layout.rack("A1").air_zone_m.width_m == 0.45
    assert room.document.layout.rack("A1").rear_door is None
    assert not any(isinstance(c, RearDoorMark) for c in room.floor.items["A1"].childItems())


def test_a_sealed_unbalanced_aisle_stays_in_the_warnings(room, qtbot):
    label = room.format2.warnings
    assert not label.isVisible()
    room.floor.select("HAC-1")
    gap = room.inspector.format2.fields["door_gap_m"]
    gap.setText("0")
    gap.setModified(True)
    gap.editingFinished.emit()
    qtbot.waitUntil(lambda: label.isVisible(), timeout=20_000)
    assert "cannot solve: containment HAC-1 seals its aisle" in label.toolTip()
    room.show_message("something else")                                 # messages come and go
    assert label.isVisible() and label.text().startswith("⚠ warning: cannot solve")
    room.document.undo()
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=20_000)


def test_the_section_outlines_the_panels_its_plane_cuts(room):
    section = room.section
    section.axis.setCurrentIndex(1)                                     # y-z section at x
    door = DOOR.getRgb()[:3]

    def teal_pixels(at_m):
        section.set_position(at_m)
        image = section.plot_widget.grab().toImage()
        rgb = np.array([[image.pixelColor(x, y).getRgb()[:3] for x in range(0, image.width(), 2)]
                        for y in range(0, image.height(), 2)])
        return int((np.abs(rgb - door).sum(axis=2) < 12).sum())

    assert teal_pixels(3.0) > 50              # the roof over the aisle at x 3
    assert teal_pixels(6.5) == 0              # beyond the aisle: no panel, no door
    assert teal_pixels(3.6) > teal_pixels(3.0)   # A4 and B4's rear doors as well


def test_add_to_floor_keys_and_rotate_on_objects(room, qtbot):
    room.fit_room()                      # the sensors' labels (drawn in pixels) stretch nothing
    centre = room.floor.plot.vb.viewRect().center()
    assert 0 < centre.x() < 7.2 and 0 < centre.y() < 6.0
    column = room.add_from_template(template("column-"))              # near the view centre,
    box = obj(room, column).box_m                                       # clear of the racks
    assert column == "column-1" and box.x_m[1] - box.x_m[0] == pytest.approx(0.4)
    assert room.document.stack.undo_label() == "add obstacle column-1"
    start = box.x_m
    room.floor.setFocus()
    qtbot.keyClick(room.floor, Qt.Key_Right)
    qtbot.keyClick(room.floor, Qt.Key_Right)
    assert obj(room, column).box_m.x_m == pytest.approx((start[0] + 1.2, start[1] + 1.2))
    assert room.document.stack.undo_label() == "move column-1" and len(room.document.stack) == 2
    room.rotate_selected()                                              # only racks turn
    assert "rotate" not in room.document.stack.undo_label()
    room.edits.copy()
    assert "copy, paste and duplicate work on racks and cooling units" in \
        room.statusBar().currentMessage()
    sensor = room.add_from_template(template("S-"))
    assert obj(room, sensor).position_m[2] == 1.0 and room.floor.selection == [sensor]


def test_inspector_turns_a_unit_in_row_or_back(room):
    room.floor.select("IRC-B1")
    f2 = room.inspector.format2
    assert f2.inrow_box.isVisible() and f2.unit_kind.currentText() == "inrow"
    assert f2.unit_facing.currentText() == "+y" and f2.unit_return.currentText() == "rear"
    f2.unit_return.setCurrentText("top")
    f2.unit_return.activated.emit(f2.unit_return.currentIndex())
    assert room.document.layout.unit("IRC-B1").return_ == "top"
    f2.unit_kind.setCurrentText("crah")
    f2.unit_kind.activated.emit(f2.unit_kind.currentIndex())
    unit = room.document.layout.unit("IRC-B1")
    assert (unit.kind, unit.facing, unit.supply, unit.return_) == (None, None, None, "top")
    assert type(room.floor.items["IRC-B1"]).__name__ == "UnitItem"     # no facing arrow now
    assert not f2.unit_facing.isEnabled()
    assert "no tile area" in room.format2.warnings.toolTip()           # a floor unit, no tiles
    room.document.undo()
    room.document.undo()
    assert isinstance(room.floor.items["IRC-B1"], InrowUnitItem)
    assert room.document.layout.unit("IRC-B1").return_ == "rear"


def test_a_renamed_object_stays_selected(room):
    room.floor.select("HAC-1")
    name = room.inspector.format2.fields["containment_id"]
    name.setText("A1")                                                # a rack's id
    name.textEdited.emit("A1")
    assert "duplicate" in name.problem
    name.setText("HAC-A")
    name.setModified(True)
    name.editingFinished.emit()
    assert [c.id for c in room.document.layout.containment] == ["HAC-A"]
    assert room.floor.selection == ["HAC-A"] and "HAC-A" in room.floor.format2.items
    assert room.inspector.format2.fields["containment_id"].text() == "HAC-A"
    room.document.undo()
    assert room.floor.selection == ["HAC-1"] and "HAC-A" not in room.floor.format2.items


def test_objects_stay_out_of_a_multiple_selection(room):
    room.floor.select("beam-1")
    click(room.floor, (1.5, 1.8), Qt.ControlModifier)                  # A1, with Ctrl
    assert room.floor.selection == ["A1"]
    click(room.floor, (2.1, 1.8), Qt.ControlModifier)
    assert room.floor.selection == ["A1", "A2"]
