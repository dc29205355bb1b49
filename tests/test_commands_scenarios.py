"""Saving a what-if as a named scenario: one undoable command, refused on a taken name."""
import pytest

from twin import commands as C
from twin.model import bundled_layout, dump_layout, load_layout, loads_layout
from twin.scenario import apply_scenario, fail_edits, find_scenario


@pytest.fixture
def layout():
    return load_layout(bundled_layout("symmetric_room"))


def test_add_scenario_saves_undoes_and_round_trips(layout):
    stack = C.CommandStack(layout)
    before = dump_layout(layout)
    stack.push(C.add_scenario(layout, "CRAH-E fails", fail_edits(["CRAH-E"])))
    assert [s.name for s in layout.scenarios] == ["CRAH-E fails"]
    assert stack.undo_label() == 'add scenario "CRAH-E fails"'
    text = dump_layout(layout)
    assert "scenarios:\n  - name: CRAH-E fails\n" in text
    reloaded = loads_layout(text)
    applied = apply_scenario(reloaded, find_scenario(reloaded, "CRAH-E fails"))
    assert applied.layout.unit("CRAH-E").state == "failed"
    assert reloaded.unit("CRAH-E").state == "running"           # the baseline is untouched
    stack.undo()
    assert layout.scenarios == [] and dump_layout(layout) == before
    stack.redo()
    assert [s.edits[0].target for s in layout.scenarios] == ["CRAH-E"]


def test_taken_or_empty_name_is_refused(layout):
    stack = C.CommandStack(layout)
    stack.push(C.add_scenario(layout, "a", fail_edits(["CRAH-W"])))
    with pytest.raises(C.CommandError, match='a scenario named "a" already'):
        C.add_scenario(layout, "a", fail_edits(["CRAH-E"]))
    with pytest.raises(C.CommandError, match="needs a name"):
        C.add_scenario(layout, "  ", fail_edits(["CRAH-E"]))
    assert len(layout.scenarios) == 1 and len(stack) == 1


def test_the_saved_edits_are_a_copy(layout):
    edits = fail_edits(["CRAH-W"])
    C.CommandStack(layout).push(C.add_scenario(layout, "w", edits))
    edits[0].target = "CRAH-E"
    assert layout.scenarios[0].edits[0].target == "CRAH-W"
