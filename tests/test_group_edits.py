"""Edits of several items at once: one undo step, refused as a whole with a reason."""
import copy

import pytest

from twin import commands as C
from twin import group_edits as G
from twin.model import bundled_layout, load_layout


@pytest.fixture
def layout():
    return load_layout(bundled_layout("small_room"))      # A1-A3 at y 1.2, B1-B3 at y 3.6


def test_a_row_shifts_onto_its_own_tiles_as_one_step(layout):
    stack = C.CommandStack(layout)
    before = copy.deepcopy(layout)
    row = {r: (layout.rack(r).position_m[0] + 0.6, 1.2) for r in ("A1", "A2", "A3")}
    stack.push(G.move_group(layout, row))       # A1 lands where A2 stood: fine, A2 moves too
    assert [layout.rack(r).position_m for r in ("A1", "A2", "A3")] == [(3.0, 1.2), (3.6, 1.2), (4.2, 1.2)]
    assert len(stack) == 1 and stack.undo_label() == "move A1, A2, A3"
    stack.undo()
    assert layout == before


def test_a_group_move_onto_other_equipment_or_out_of_the_room_is_refused(layout):
    with pytest.raises(C.CommandError, match=r"^move A1, A2 refused: A1 would overlap B1$"):
        G.move_group(layout, {"A1": (2.4, 3.6), "A2": (3.0, 3.6)})
    with pytest.raises(C.CommandError, match=r"A3 would stand outside the room \(6 x 6 m\)"):
        G.move_group(layout, {"A2": (5.4, 1.2), "A3": (6.0, 1.2)})


def test_duplicate_gets_fresh_ids_beside_the_originals_and_undoes_in_one_step(layout):
    stack = C.CommandStack(layout)
    stack.push(G.paste(layout, G.copy_items(layout, ["A1", "A2"]), "duplicate"))
    assert [r.id for r in layout.racks][-2:] == ["A4", "A5"]
    a4, a5 = layout.rack("A4"), layout.rack("A5")
    assert a5.position_m[0] - a4.position_m[0] == pytest.approx(0.6)          # arrangement kept
    assert a4.position_m[1] == a5.position_m[1]
    assert (a4.facing, a4.power_kw, a4.size_m) == (layout.rack("A1").facing, 5, (0.6, 1.2, 2.0))
    for rack in (a4, a5):
        assert C.placement_problem(layout, rack.id, rack.size_m, rack.position_m) is None
    assert len(stack) == 1 and stack.undo_label() == "duplicate A4, A5"
    stack.undo()
    assert len(layout.racks) == 6


def test_paste_needs_room_for_every_copy(layout):
    big = copy.deepcopy(layout.cooling_units[0])
    big.size_m = (6.0, 6.0, 2.0)
    with pytest.raises(C.CommandError, match=r"^paste refused: no free space in the room for a copy of CRAH-1$"):
        G.paste(layout, [big])
    units = G.paste(layout, G.copy_items(layout, ["CRAH-1"]))
    assert units.parts[0].item.id == "CRAH-2"


def test_group_delete_is_one_step(layout):
    stack = C.CommandStack(layout)
    stack.push(G.delete_group(layout, ["A1", "B2"]))
    assert [r.id for r in layout.racks] == ["A2", "A3", "B1", "B3"]
    stack.undo()
    assert [r.id for r in layout.racks] == ["A1", "A2", "A3", "B1", "B2", "B3"]
