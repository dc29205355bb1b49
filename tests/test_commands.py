"""Undoable layout edits: validation, refusal messages, merging, undo/redo, the saved mark."""
import copy

import pytest
from hypothesis import given, settings, strategies as st

from twin import commands as C
from twin.model import Rack, bundled_layout, dump_layout, load_layout


@pytest.fixture
def layout():
    return load_layout(bundled_layout("small_room"))


@pytest.fixture
def stack(layout):
    return C.CommandStack(layout)


def new_rack(rack_id="N1", position_m=(4.8, 0.0)):
    return Rack(rack_id, position_m, (0.6, 1.2, 2.0), "+y", 6, delta_t_k=12.0)


def test_move_then_undo_redo(stack, layout):
    stack.push(C.move(layout, "A1", (1.2, 0.0)))
    assert layout.rack("A1").position_m == (1.2, 0.0)
    assert stack.undo_label() == "move A1"
    stack.undo()
    assert layout.rack("A1").position_m == (2.4, 1.2)
    stack.redo()
    assert layout.rack("A1").position_m == (1.2, 0.0)


def test_overlap_is_refused_with_a_clear_message_and_no_change(stack, layout):
    before = copy.deepcopy(layout)
    with pytest.raises(C.CommandError, match=r'move A1 refused: rack "A\d" overlaps rack "A\d"'):
        stack.push(C.move(layout, "A1", (3.0, 1.2)))
    assert layout == before
    assert not stack.can_undo()


def test_outside_the_room_is_refused(stack, layout):
    with pytest.raises(C.CommandError, match="outside the room"):
        stack.push(C.move(layout, "B3", (5.8, 3.6)))
    assert layout.rack("B3").position_m == (3.6, 3.6)


def test_bad_value_names_the_rack_and_field(stack, layout):
    with pytest.raises(C.CommandError, match=r'rack "A2" power_kw: must be a number >= 0'):
        stack.push(C.set_fields(layout, "A2", power_kw=-3))
    assert layout.rack("A2").power_kw == 5


def test_unknown_id_and_field_are_refused(stack, layout):
    with pytest.raises(C.CommandError, match='no rack or cooling unit with id "ZZ"'):
        C.move(layout, "ZZ", (0, 0))
    with pytest.raises(C.CommandError, match="has no field 'watts'"):
        stack.push(C.set_fields(layout, "A1", watts=3))


def test_rack_airflow_switches_between_delta_t_and_airflow(stack, layout):
    stack.push(C.rack_airflow(layout, "A1", airflow_m3s=0.5))
    rack = layout.rack("A1")
    assert (rack.delta_t_k, rack.airflow_m3s) == (None, 0.5)
    with pytest.raises(C.CommandError, match="exactly one"):
        stack.push(C.set_fields(layout, "A1", delta_t_k=10.0))
    stack.undo()
    assert (rack.delta_t_k, rack.airflow_m3s) == (12.0, None)


def test_unit_state_and_supply(stack, layout):
    stack.push(C.set_fields(layout, "CRAH-1", state="failed", supply_temp_c=20.0))
    unit = layout.unit("CRAH-1")
    assert (unit.state, unit.supply_temp_c) == ("failed", 20.0)
    with pytest.raises(C.CommandError, match="state"):
        stack.push(C.set_fields(layout, "CRAH-1", state="broken"))
    stack.undo()
    assert (unit.state, unit.supply_temp_c) == ("running", 18.0)


def test_rotate_turns_clockwise_about_the_centre_on_the_grid(stack, layout):
    stack.push(C.move(layout, "A1", (0.0, 4.8)))   # a free corner
    stack.push(C.rotate(layout, "A1"))
    rack = layout.rack("A1")
    assert rack.facing == "+x" and rack.size_m == (1.2, 0.6, 2.0)
    x, y = rack.position_m
    assert round(x / 0.6, 9).is_integer() and round(y / 0.6, 9).is_integer()
    for _ in range(3):
        stack.push(C.rotate(layout, "A1"))
    assert rack.facing == "+y" and rack.size_m == (0.6, 1.2, 2.0)
    with pytest.raises(C.CommandError, match="only racks rotate"):
        C.rotate(layout, "CRAH-1")


def test_add_and_delete_restore_list_order(stack, layout):
    ids = [r.id for r in layout.racks]
    stack.push(C.AddItem(new_rack()))
    assert [r.id for r in layout.racks] == ids + ["N1"]
    stack.push(C.delete(layout, "A2"))
    assert "A2" not in [r.id for r in layout.racks]
    stack.undo()
    stack.undo()
    assert [r.id for r in layout.racks] == ids


def test_duplicate_id_is_refused(stack, layout):
    with pytest.raises(C.CommandError, match='duplicate id "A1"'):
        stack.push(C.AddItem(new_rack("A1")))
    assert len(layout.racks) == 6


def test_drag_steps_with_one_merge_id_are_one_undo_step(stack, layout):
    for x in (2.4, 1.8, 1.2, 0.6):
        stack.push(C.move(layout, "A1", (x, 0.0), merge_id="drag-1"))
    assert len(stack) == 1
    stack.push(C.move(layout, "A1", (0.6, 0.6), merge_id="drag-2"))
    assert len(stack) == 2
    stack.undo()
    assert layout.rack("A1").position_m == (0.6, 0.0)
    stack.undo()
    assert layout.rack("A1").position_m == (2.4, 1.2)


def test_no_merge_across_the_saved_mark(stack, layout):
    stack.push(C.move(layout, "A1", (1.8, 0.0), merge_id="nudge"))
    stack.set_clean()
    stack.push(C.move(layout, "A1", (1.2, 0.0), merge_id="nudge"))
    assert len(stack) == 2 and not stack.is_clean
    stack.undo()
    assert stack.is_clean


def test_clean_mark_becomes_unreachable_after_branching(stack, layout):
    stack.push(C.move(layout, "A1", (1.8, 0.0)))
    stack.set_clean()
    stack.undo()
    stack.push(C.move(layout, "A1", (1.2, 0.0)))
    stack.undo()
    assert not stack.is_clean


def test_listeners_hear_every_change(stack, layout):
    events = []
    stack.subscribe(lambda event, command: events.append(event))
    stack.push(C.move(layout, "A1", (1.8, 0.0), merge_id="d"))
    stack.push(C.move(layout, "A1", (1.2, 0.0), merge_id="d"))
    stack.undo()
    stack.redo()
    stack.set_clean()
    assert events == ["push", "merge", "undo", "redo", "clean"]


def test_limit_drops_the_oldest(layout):
    stack = C.CommandStack(layout, limit=2)
    for x in (1.8, 1.2, 0.6):
        stack.push(C.move(layout, "A1", (x, 0.0)))
    assert len(stack) == 2
    stack.undo(), stack.undo()
    assert layout.rack("A1").position_m == (1.8, 0.0) and not stack.can_undo()


def test_snap_uses_the_nearer_end_of_the_box():
    assert C.snap_m(1.25, 0.6, 0.6) == 1.2
    assert C.snap_m(10.95, 1.0, 0.6) == 11.0       # east face flush with a 12 m wall
    assert C.snap_m(-0.2, 0.6, 0.6) == 0.0


def test_free_position_avoids_equipment(layout):
    pos = C.free_position(layout, (0.6, 1.2), (3.0, 1.8), "N1")
    assert pos is not None
    assert C.placement_problem(layout, "N1", (0.6, 1.2), pos) is None
    assert C.placement_problem(layout, "N1", (0.6, 1.2), (3.0, 1.2)) == "N1 would overlap A2"
    assert "outside" in C.placement_problem(layout, "N1", (0.6, 1.2), (5.7, 0.0))
    assert C.unique_id(layout, "A") == "A4"


def test_saved_edits_load_back_identically(tmp_path, stack, layout):
    stack.push(C.move(layout, "A1", (0.6, 0.0)))
    stack.push(C.rotate(layout, "A1"))
    stack.push(C.set_fields(layout, "A3", power_kw=7.5))
    path = tmp_path / "edited.yaml"
    path.write_text(dump_layout(layout))
    assert load_layout(path) == layout


MOVES = st.lists(st.tuples(st.sampled_from(["A1", "A2", "B3", "CRAH-1"]),
                           st.integers(0, 9), st.integers(0, 9), st.sampled_from(["move", "rotate",
                                                                                 "power"])),
                 max_size=25)


@settings(max_examples=40, deadline=None)
@given(MOVES)
def test_any_sequence_undoes_to_the_original_and_redoes_to_the_end(steps):
    layout = load_layout(bundled_layout("small_room"))
    original = copy.deepcopy(layout)
    stack = C.CommandStack(layout)
    for item_id, i, j, what in steps:
        try:
            if what == "move":
                stack.push(C.move(layout, item_id, (i * 0.6, j * 0.6)))
            elif what == "rotate" and item_id != "CRAH-1":
                stack.push(C.rotate(layout, item_id))
            elif what == "power" and item_id != "CRAH-1":
                stack.push(C.set_fields(layout, item_id, power_kw=float(i)))
        except C.CommandError:
            pass
    final = copy.deepcopy(layout)
    while stack.can_undo():
        stack.undo()
    assert layout == original
    while stack.can_redo():
        stack.redo()
    assert layout == final


def test_problem_is_a_dry_run(layout):
    before = copy.deepcopy(layout)
    assert C.problem(layout, C.set_fields(layout, "A1", power_kw=9)) is None
    assert "power_kw" in C.problem(layout, C.set_fields(layout, "A1", power_kw=-1))
    assert layout == before
