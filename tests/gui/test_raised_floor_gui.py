"""Raised floor in the desktop app: the plenum depth and a tile area's open % edited in the
inspector (the model's checks, one undo step each), under-floor obstacles drawn apart from
room obstacles, tile flows on the plan after a solve, stacked sensor labels."""
import shutil

import pytest
from PySide6.QtCore import Qt

from conftest import wait_solved
from twin.gui.solve_job import SolveSettings
from twin.model import bundled_layout, load_layout

SOLVE = SolveSettings(model="preview", accurate_cell_m=0.3, preview_max_cells=20000, debounce_ms=10)


@pytest.fixture
def hall(make_window, qtbot, tmp_path):
    """The raised-floor example (0.6 m plenum, two tile areas at 25 % and 40 %), solved."""
    path = tmp_path / "raised.yaml"
    shutil.copy(bundled_layout("raised_floor_hall"), path)
    w = make_window(path=path, solve=SOLVE, size=(1400, 900))
    wait_solved(qtbot, w)
    return w


def enter(field, text):
    """Type into a field and leave it (what a user does)."""
    field.setText(text)
    field.textEdited.emit(text)
    field.setModified(True)
    field.editingFinished.emit()


def test_raised_floor_height_is_edited_checked_and_undone(hall, tmp_path):
    room = hall.inspector.room
    assert room.isVisible() and room.height.text() == "0.6"
    enter(room.height, "0.8")
    assert hall.document.layout.room.raised_floor.height_m == 0.8
    assert hall.document.stack.undo_label() == "set raised floor height 0.8 m"
    room.height.setText("0.2")
    room.height.textEdited.emit("0.2")                  # CHW-pipes reach 0.6 m down
    assert 'obstacle "CHW-pipes"' in room.height.problem
    assert "below the 0.2 m deep plenum" in hall.inspector.problem_label.text()
    enter(room.height, "")                              # no plenum: the pipes have no room
    assert hall.document.layout.room.raised_floor.height_m == 0.8
    assert "below the floor" in room.height.problem      # refused, marked red until fixed
    hall.files.ask_save_path = lambda: str(tmp_path / "deeper.yaml")
    assert hall.files.save_as()
    assert load_layout(tmp_path / "deeper.yaml").room.raised_floor.height_m == 0.8
    hall.document.undo()
    assert hall.document.layout.room.raised_floor.height_m == 0.6 and room.height.text() == "0.6"


def test_tile_area_open_pct_is_edited_checked_and_undone(hall):
    room = hall.inspector.room
    assert room.area.count() == 2
    assert room.area.itemText(1) == "tiles[1]: x 6–9.6 m, y 3.6–4.8 m"
    room.area.setCurrentIndex(1)
    assert room.open_pct.text() == "40"
    enter(room.open_pct, "150")
    assert "tiles[1].open_pct: must be a number > 0 and <= 100" in hall.inspector.problem_label.text()
    assert hall.document.layout.tiles[1].open_pct == 40
    enter(room.open_pct, "10")
    assert [t.open_pct for t in hall.document.layout.tiles] == [25, 10.0]
    assert room.area.currentIndex() == 1 and room.open_pct.text() == "10"
    enter(room.open_pct, "")                            # the 25 % default
    assert hall.document.layout.tiles[1].open_pct is None
    hall.document.undo()
    hall.document.undo()
    assert hall.document.layout.tiles[1].open_pct == 40 and room.open_pct.text() == "40"


def test_the_room_page_hides_while_something_is_selected(hall):
    hall.floor.select("A01")
    assert not hall.inspector.room.isVisible()
    hall.floor.select("")
    assert hall.inspector.room.isVisible()


def test_under_floor_obstacles_are_drawn_apart_from_room_obstacles(hall):
    from twin.gui.format2_items import OBSTACLE_LOOKS, ObstacleItem
    pipes, tray = hall.floor.format2.items["CHW-pipes"], hall.floor.format2.items["tray-A"]
    assert isinstance(pipes, ObstacleItem) and pipes.kind == tray.kind == "under_floor"
    assert pipes.caption == ["CHW-pipes", "under floor z -0.6–-0.3 m"]
    assert OBSTACLE_LOOKS["under_floor"][2] == Qt.DashLine
    assert tray.zValue() > hall.floor.items["A01"].zValue()  # seen over the racks above it
    hall.floor.select("CHW-pipes")
    assert hall.inspector.format2.obstacle_kind.text() == "under-floor obstacle (in the plenum)"
    # moved up into the room it becomes an ordinary obstacle
    from twin.object_edits import set_object
    from dataclasses import replace
    box = hall.document.layout.obstacles[0].box_m
    assert hall.document.execute(set_object(hall.document.layout, "CHW-pipes", "lift",
                                            box_m=replace(box, z_m=(0.0, 0.3))))
    assert pipes.kind in ("wall", "column") and "under floor" not in pipes.caption[1]
    hall.document.undo()
    assert pipes.kind == "under_floor"


def test_tile_flows_are_shown_after_a_solve_and_follow_open_pct(hall, qtbot):
    item = hall.floor.format2.tile_flows
    tiles = hall.latest.result.tiles
    assert item.tiles == list(tiles) and len(tiles) == 24        # 2 areas of 6 x 2 tiles
    assert item.labels() == [f"{t.flow_m3s:.2f}" for t in tiles]
    supply = sum(u.airflow_m3s for u in hall.document.layout.cooling_units if u.running)
    assert sum(t.flow_m3s for t in item.tiles) == pytest.approx(supply, rel=1e-6)
    def area_flow(area):
        return sum(t.flow_m3s for t in item.tiles if t.area == area)
    assert area_flow(1) > area_flow(0)                           # 40 % open against 25 %
    enter_index = hall.inspector.room
    enter_index.area.setCurrentIndex(1)
    enter(enter_index.open_pct, "10")
    wait_solved(qtbot, hall)
    qtbot.waitUntil(lambda: item.tiles and item.tiles[-1].open_pct == 10, timeout=20_000)
    assert area_flow(1) < area_flow(0)                           # now the less open area
    assert "tile flows from the plenum" in item.toolTip()
    image = hall.floor.grab().toImage()
    assert not image.isNull()


def test_sensors_at_one_spot_stack_their_labels(hall):
    from twin.gui.format2_layer import sensor_stacks
    low, high = hall.floor.format2.items["CA-low"], hall.floor.format2.items["CA-high"]
    assert sensor_stacks(hall.document.layout.sensors)["CA-high"] == (0, 2)
    assert (high.place, low.place) == (0, 1)
    assert high.title == "CA-high  z 1.8 m" and low.title == "CA-low  z 0.5 m"
    boxes = [high._text_rect(), low._text_rect()]
    assert not boxes[0].intersects(boxes[1])
    alone = hall.floor.format2.items["HA-south"]
    assert (alone.place, alone.title) == (0, "HA-south")
