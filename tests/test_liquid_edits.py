"""Undoable edits of the liquid section: CDU fields, facility water, the CDUs feeding a rack;
and the loop as a layout with failed CDUs stands (twin.liquid.as_edited)."""
import pytest

from twin import liquid_edits as E
from twin.commands import CommandError, CommandStack
from twin.liquid import as_edited, solve_liquid
from twin.model import bundled_layout, load_layout

RACK_KW = 120.0 * 0.85            # a GB200 NVL72 at its typical power, 85 % to liquid
RHO_CP = 1020.0 * 3930.0          # default coolant, J/(m3 K)


@pytest.fixture
def row():
    layout = load_layout(bundled_layout("liquid_row"))
    return layout, CommandStack(layout)


def test_failing_a_cdu_moves_its_racks_to_its_group_and_undo_restores(row):
    layout, stack = row
    stack.push(E.set_cdu(layout, "CDU-1", state="failed"))
    assert stack.undo_label() == "set CDU-1 failed"
    after = solve_liquid(layout)
    assert after.cdus["CDU-2"].load_kw == pytest.approx(8 * RACK_KW)
    assert after.cdus["CDU-1"].load_kw == 0.0 and after.ok
    stack.undo()
    assert layout.liquid.cdu("CDU-1").state == "running"
    assert solve_liquid(layout).cdus["CDU-2"].load_kw == pytest.approx(4 * RACK_KW)


def test_bad_values_are_refused_naming_the_field_and_leave_the_layout(row):
    layout, stack = row
    with pytest.raises(CommandError, match=r"liquid\.cdus\[0\]\.capacity_kw: must be a number > 0"):
        stack.push(E.set_cdu(layout, "CDU-1", capacity_kw=-5.0))
    with pytest.raises(CommandError, match=r"facility_water\.supply_c"):
        stack.push(E.set_facility(layout, supply_c=95.0))
    with pytest.raises(CommandError, match="no CDU with id"):
        E.set_cdu(layout, "CDU-9", state="failed")
    with pytest.raises(CommandError, match="has no field"):
        E.set_cdu(layout, "CDU-1", racks=[])
    assert layout.liquid.cdu("CDU-1").capacity_kw == 900
    assert layout.liquid.facility_water.supply_c == 32 and len(stack) == 0


def test_a_rack_moved_to_another_cdu_changes_both_loads(row):
    layout, stack = row
    stack.push(E.serve_rack(layout, "G4", ["CDU-2"]))
    assert E.cdus_of(layout, "G4") == ["CDU-2"]
    result = solve_liquid(layout)
    assert result.cdus["CDU-1"].load_kw == pytest.approx(3 * RACK_KW)
    assert result.cdus["CDU-2"].load_kw == pytest.approx(5 * RACK_KW)
    with pytest.raises(CommandError, match='rack "G4" sends 102 kW to liquid cooling but no CDU'):
        stack.push(E.serve_rack(layout, "G4", []))
    stack.undo()
    assert E.cdus_of(layout, "G4") == ["CDU-1"]


def test_facility_supply_and_coolant_limit_in_one_step(row):
    layout, stack = row
    stack.push(E.set_facility(layout, supply_c=40.0, coolant_limit_c=50.0))
    result = solve_liquid(layout)
    assert result.water_class == "W40"
    assert result.cdus["CDU-1"].supply_c == pytest.approx(43.0)      # facility + 3 K approach
    stack.undo()
    assert (layout.liquid.facility_water.supply_c, layout.liquid.coolant_limit_c) == (32, 45)


def test_both_cdus_failed_strand_every_rack_with_the_hand_computed_heat_up(row):
    layout, stack = row
    assert as_edited(layout) is None
    stack.push(E.set_cdu(layout, "CDU-1", state="failed"))
    assert as_edited(layout).stranded_s == {}                       # CDU-2 carries the group
    stack.push(E.set_cdu(layout, "CDU-2", state="failed"))
    case = as_edited(layout)
    assert set(case.stranded_s) == {f"G{i}" for i in range(1, 9)}
    supply_c = 32.0 + 3.0
    rise_k = RACK_KW * 1000.0 / (170.0 / 60000.0 * RHO_CP)           # 170 L/min per rack
    seconds = 0.020 * RHO_CP * (45.0 - (supply_c + rise_k / 2)) / (RACK_KW * 1000.0)
    assert case.stranded_s["G1"] == pytest.approx(seconds, rel=1e-9)
    assert 3.0 < seconds < 6.0
