"""Undoable edits of the format-2 air-side objects: add, move, resize, delete, contain an aisle,
in-row snapping, and the model's checks refusing bad edits with the object named."""
import copy

import pytest

from twin import commands as C
from twin.aisles import contain_aisle
from twin.inrow_snap import place_inrow, snap_inrow
from twin.model import bundled_layout, layout_text, load_layout, loads_layout
from twin.model.objects import Box, Obstacle, RearDoor, Sensor
from twin.object_edits import (AddObject, delete_object, find_object, move_object, new_obstacle,
                               resize_object, set_object)

ROW_A = ["A1", "A2", "A3", "A4", "A5"]
ROW_B = ["B1", "B2", "B3", "B4", "B5"]


@pytest.fixture
def layout():
    """The contained in-row example without its containment (the tests add it back)."""
    out = load_layout(bundled_layout("contained_inrow_room"))
    out.containment.clear()
    return out


@pytest.fixture
def stack(layout):
    return C.CommandStack(layout)


def test_contain_both_rows_gives_the_example_hot_aisle_as_one_undo_step(stack, layout):
    stack.push(contain_aisle(layout, ROW_A + ROW_B, "hot"))
    (c,) = layout.containment
    assert (c.id, c.kind) == ("HAC-1", "hot")
    # rears of row A end at y 2.4, rears of row B start at 3.6; the rows run x 1.2..4.8
    assert (c.aisle_m.x_m, c.aisle_m.y_m) == ((1.2, 4.8), (2.4, 3.6))
    assert c.height_m == 2.0 and c.roof and c.doors == ["-x", "+x"] and c.door_gap_m == 0.1
    assert stack.undo_label() == "contain hot aisle HAC-1"
    stack.undo()
    assert layout.containment == []
    stack.redo()
    assert layout.containment[0].aisle_m.y_m == (2.4, 3.6)


def test_an_aisle_is_contained_once(stack, layout):
    stack.push(contain_aisle(layout, ROW_A + ROW_B, "hot"))
    with pytest.raises(C.CommandError, match='containment "HAC-1" encloses this aisle already'):
        contain_aisle(layout, ["B1", "B2"], "hot")


def test_one_row_finds_the_row_across_the_aisle(layout):
    c = contain_aisle(layout, ["A2", "A3"], "hot").obj
    assert c.aisle_m.y_m == (2.4, 3.6)
    assert c.aisle_m.x_m == (1.8, 3.3)      # A2, A3 and the B racks across from them (B2, B3)


def test_the_wrong_kind_is_refused_naming_the_other(layout):
    with pytest.raises(C.CommandError, match=r"contain aisle refused: .*fronts.* hot aisle\?"):
        contain_aisle(layout, ROW_A + ROW_B, "cold")


def test_a_cold_aisle_needs_a_row_whose_fronts_face_the_selection(layout):
    # row A's fronts look south (-y) onto open floor: no row there turns its fronts to them
    with pytest.raises(C.CommandError, match="no row across the aisle turns its fronts"):
        contain_aisle(layout, ROW_A, "cold")
    # turn both rows round: their fronts now face each other across y 2.4..3.6
    for r in layout.racks:
        if r.id in ROW_A:
            r.facing = "+y"
        else:
            r.facing = "-y"
    c = contain_aisle(layout, ROW_A + ROW_B, "cold").obj
    assert (c.id, c.kind, c.aisle_m.y_m) == ("CAC-1", "cold", (2.4, 3.6))


def test_containment_outside_the_room_edge_has_no_door_there(layout):
    for r in layout.racks:
        r.position_m = (r.position_m[0] - 1.2, r.position_m[1])
    for u in layout.cooling_units:
        u.position_m = (u.position_m[0] - 1.2, u.position_m[1])
    layout.obstacles.clear()
    c = contain_aisle(layout, ROW_A + ROW_B, "hot").obj
    assert c.aisle_m.x_m == (0.0, 3.6) and c.doors == ["+x"]


def test_add_move_resize_delete_obstacle_with_undo(stack, layout):
    ob = new_obstacle(layout, "column-", (0.4, 0.4), (0.0, 3.0), (6.0, 5.0))
    assert ob.id == "column-1" and ob.box_m.x_m == (5.8, 6.2) and ob.box_m.y_m == (4.8, 5.2)
    stack.push(AddObject(ob))
    stack.push(move_object(layout, "column-1", (6.02, 4.98)))     # snapped to 5 cm
    assert find_object(layout, "column-1")[1].box_m.x_m == (6.0, 6.4)
    assert find_object(layout, "column-1")[1].box_m.y_m == (5.0, 5.4)
    stack.push(resize_object(layout, "column-1", (6.71, 5.2)))
    box = find_object(layout, "column-1")[1].box_m
    assert box.x_m == (6.0, 6.7) and box.y_m == (5.0, 5.2) and box.z_m == (0.0, 3.0)
    stack.push(delete_object(layout, "column-1"))
    assert [o.id for o in layout.obstacles] == ["beam-1"]
    for label in ("delete column-1", "resize column-1", "move column-1", "add obstacle column-1"):
        assert stack.undo().label == label
    assert [o.id for o in layout.obstacles] == ["beam-1"]


def test_an_obstacle_on_a_rack_is_refused_naming_both(stack, layout):
    stack.push(AddObject(Obstacle("column-1", Box((6.0, 6.4), (5.0, 5.4), (0.0, 3.0)))))
    before = copy.deepcopy(layout)
    with pytest.raises(C.CommandError, match=r'move column-1 refused: obstacle "column-1" '
                       r'overlaps rack "A1" \(racks\[0\]\) by 0.4 x 0.4 x 2 m'):
        stack.push(move_object(layout, "column-1", (1.3, 1.3)))
    assert layout == before
    with pytest.raises(C.CommandError, match=r"move beam-1 refused: .*spans y 1..7 m, outside the room"):
        stack.push(move_object(layout, "beam-1", (3.0, 1.0)))


def test_a_beam_above_the_racks_moves_freely(stack, layout):
    # the beam is at z 2.7..3.0, above the 2.0 m racks: it may cross them on the plan
    stack.push(move_object(layout, "beam-1", (1.5, 0.0)))
    assert layout.obstacles[0].box_m.x_m == (1.5, 1.7)


def test_containment_edits_follow_the_models_checks(stack, layout):
    stack.push(contain_aisle(layout, ROW_A + ROW_B, "hot"))
    with pytest.raises(C.CommandError, match=r"door gap 2.5 m leaves no door"):
        stack.push(set_object(layout, "HAC-1", door_gap_m=2.5))
    with pytest.raises(C.CommandError, match=r"does not fit under the 3 m ceiling"):
        stack.push(set_object(layout, "HAC-1", height_m=2.95))
    stack.push(set_object(layout, "HAC-1", doors=["-x"], roof=False))
    assert layout.containment[0].doors == ["-x"] and not layout.containment[0].roof


def test_ids_stay_unique_across_every_kind_of_object(layout):
    layout.sensors.append(Sensor("R1", (0.5, 0.5, 1.0)))
    assert C.unique_id(layout, "R") == "R2"
    with pytest.raises(C.CommandError, match="duplicate"):
        C.CommandStack(layout).push(AddObject(Obstacle("A1", Box((6.0, 6.2), (5.0, 5.2), (0, 1)))))


def test_rear_door_and_air_zone_are_rack_fields(stack, layout):
    stack.push(C.set_fields(layout, "A1", rear_door=RearDoor(10.0, 18.0, 3.0)))
    assert layout.rack("A1").rear_door.floor_c == 21.0
    stack.undo()
    assert layout.rack("A1").rear_door is None


def test_inrow_unit_snaps_beside_the_nearest_rack_front_flush(layout):
    # drop IRC-A1 (0.3 x 1.2) roughly east of A5 (x 4.2..4.8, fronts at y 1.2 looking -y)
    spot = snap_inrow(layout, "IRC-A1", (4.9, 1.05))
    assert spot == ((4.8, 1.2), "-y", (0.3, 1.2, 2.0))
    assert snap_inrow(layout, "IRC-A1", (6.5, 5.5)) is None       # far from any row


def test_inrow_unit_turns_to_face_a_row_along_x(layout):
    text = layout_text(layout)
    room = loads_layout(text)
    room.racks = [r for r in room.racks if r.id == "A1"]
    room.cooling_units = [u for u in room.cooling_units if u.id == "IRC-A1"]
    room.obstacles.clear()
    room.sensors.clear()
    a1 = room.racks[0]
    a1.position_m, a1.size_m, a1.facing = (5.0, 3.0), (1.2, 0.6, 2.0), "+x"
    a1.air_zone_m = None
    spot = snap_inrow(room, "IRC-A1", (5.5, 2.3))       # its centre near (5.6, 2.85)
    assert spot == ((5.0, 2.7), "+x", (1.2, 0.3, 2.0))           # front flush at x 6.2, south of A1
    stack = C.CommandStack(room)
    stack.push(place_inrow(room, "IRC-A1", spot))
    u = room.unit("IRC-A1")
    assert (u.position_m, u.facing, u.size_m) == ((5.0, 2.7), "+x", (1.2, 0.3, 2.0))
    stack.undo()
    assert (u.position_m, u.facing, u.size_m) == ((2.4, 1.2), "-y", (0.3, 1.2, 2.0))
