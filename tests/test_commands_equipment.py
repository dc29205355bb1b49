"""Undoable edits of rack equipment: power_kw follows, refusals leave the layout unchanged."""
import copy

import pytest

from twin import commands as C
from twin.model import bundled_layout, load_layout


@pytest.fixture
def layout():
    return load_layout(bundled_layout("ab_failover_room"))


@pytest.fixture
def stack(layout):
    return C.CommandStack(layout)


def test_count_change_updates_power_and_undoes(stack, layout):
    rack = layout.rack("A1")
    assert rack.power_kw == pytest.approx(8.75)
    stack.push(C.edit_equipment(layout, "A1", 1, count=3))
    assert rack.power_kw == pytest.approx(8.0 + 3 * 0.75)
    assert stack.undo_label() == "edit equipment of A1"
    stack.undo()
    assert rack.power_kw == pytest.approx(8.75) and rack.equipment[1].count is None
    stack.redo()
    assert rack.equipment[1].count == 3 and rack.power_kw == pytest.approx(10.25)


def test_utilisation_and_model_change(stack, layout):
    stack.push(C.edit_equipment(layout, "A2", 0, utilization_pct=50.0))
    assert layout.rack("A2").power_kw == pytest.approx(2.0 + 0.5 * 8.2 + 0.75)
    stack.push(C.edit_equipment(layout, "A2", 0, model="hgx-h200-8gpu", utilization_pct=None))
    assert layout.rack("A2").power_kw == pytest.approx(8.75)


def test_overlap_and_bad_values_are_refused_unchanged(stack, layout):
    before = copy.deepcopy(layout)
    with pytest.raises(C.CommandError, match=r'rack "A1" equipment\[1\].position_u: .* overlaps'):
        stack.push(C.edit_equipment(layout, "A1", 0, count=5))
    with pytest.raises(C.CommandError, match="utilization_pct"):
        stack.push(C.edit_equipment(layout, "A1", 0, utilization_pct=150))
    with pytest.raises(C.CommandError, match='no equipment model "nope"'):
        C.edit_equipment(layout, "A1", 0, model="nope")
    with pytest.raises(C.CommandError, match="no equipment entry 7"):
        C.edit_equipment(layout, "A1", 7, count=1)
    with pytest.raises(C.CommandError, match="only racks"):
        C.edit_equipment(layout, "CRAH-W", 0, count=1)
    assert layout == before and not stack.can_undo()


def test_add_and_remove_equipment(stack, layout):
    stack.push(C.add_equipment(layout, "A3", "cpu-server-1u", 20, count=2, utilization_pct=100))
    assert layout.rack("A3").power_kw == pytest.approx(8.75 + 1.6)
    assert stack.undo_label() == "add cpu-server-1u to A3"
    stack.push(C.remove_equipment(layout, "A3", 1))
    assert [e.model for e in layout.rack("A3").equipment] == ["dgx-h100", "cpu-server-1u"]
    assert layout.rack("A3").power_kw == pytest.approx(8.0 + 1.6)
    stack.undo()
    stack.undo()
    assert layout.rack("A3").power_kw == pytest.approx(8.75) and len(layout.rack("A3").equipment) == 2


def test_power_chain_follows_the_edit(stack, layout):
    from twin.power import analyze
    stack.push(C.edit_equipment(layout, "A1", 0, utilization_pct=0.0))
    assert analyze(layout).it_kw == pytest.approx(52.5 - 6.0)
