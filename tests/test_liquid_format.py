"""Layout format 2: the liquid section reads with file:line:field errors, checks the racks
CDUs serve, writes back exactly, and scenarios fail CDUs and the facility water."""
from __future__ import annotations

import pytest

from liquid_rooms import cdu, liquid, rack, room
from twin.model import LayoutError, bundled_layout, dump_layout, load_layout, loads_layout
from twin.scenario import apply_scenario
from twin.scenario.apply import ScenarioError
from twin.model.scenarios import Edit

TWO = rack("R1", 2.0) + rack("R2", 2.6)
GOOD = room(TWO, liquid(cdu("CDU-A", 1.0, "R1") + cdu("CDU-B", 3.0, "R2")))


def _error(text: str) -> str:
    with pytest.raises(LayoutError) as info:
        loads_layout(text, "hall.yaml")
    return str(info.value)


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_liquid_section_reads_and_writes_back_equal():
    layout = loads_layout(GOOD, "hall.yaml")
    assert layout.warnings == []
    assert [c.id for c in layout.liquid.cdus] == ["CDU-A", "CDU-B"]
    assert layout.liquid.cdus[0].racks == ["R1"] and layout.liquid.coolant.cp_jkgk == 4000
    text = dump_layout(layout)
    assert loads_layout(text) == layout
    assert dump_layout(loads_layout(text)) == text


def test_the_bundled_liquid_row_loads_clean_and_round_trips():
    layout = load_layout(bundled_layout("liquid_row"))
    assert layout.warnings == [] and len(layout.liquid.cdus) == 2
    assert loads_layout(dump_layout(layout)) == layout


@pytest.mark.parametrize("old, new, field, message", [
    ("capacity_kw: 100, approach_k: 3, pump_kw: 2, state: running, loop_volume_l: 200, racks: [R1]",
     "capacty_kw: 100, approach_k: 3, pump_kw: 2, state: running, loop_volume_l: 200, racks: [R1]",
     "liquid.cdus[0].capacty_kw", 'unknown key "capacty_kw"; did you mean "capacity_kw"?'),
    ("state: running, loop_volume_l: 200, racks: [R1]", "state: broken, loop_volume_l: 200, racks: [R1]",
     "liquid.cdus[0].state", 'must be one of "running", "failed" (got "broken")'),
    ("facility_water: {supply_c: 30}", "facility_water: {supply_c: -5}",
     "liquid.facility_water.supply_c", "must be a number > 0 and <= 90 (got -5)"),
    ("coolant_limit_c: 45", "coolant_limit: 45", "liquid.coolant_limit",
     'unknown key "coolant_limit"; did you mean "coolant_limit_c"?'),
    ("racks: [R1]}", "racks: [R1, R1]}", "liquid.cdus[0].racks[1]", '"R1" is listed twice'),
])
def test_bad_liquid_values_name_file_line_and_field(old, new, field, message):
    text = GOOD.replace(old, new, 1)
    line = _line(text, new.split(",")[0].split("{")[-1].strip() if "{" in new else new.split(",")[0])
    assert _error(text) == f"hall.yaml:{line}: {field}: {message}"


def test_the_facility_water_is_required_and_needs_format_2():
    text = GOOD.replace("  facility_water: {supply_c: 30}\n", "")
    assert _error(text) == (f"hall.yaml:{_line(text, 'liquid:')+1}: liquid.facility_water: missing "
                            'required key "facility_water" (e.g. facility_water: {supply_c: 32})')
    old = GOOD.replace("dctwin: 2", "dctwin: 1")
    assert _error(old) == (f"hall.yaml:{_line(old, 'liquid:')}: liquid: the liquid section is part "
                           'of layout format 2; start the file with "dctwin: 2"')


def test_a_liquid_cooled_rack_no_cdu_serves_is_an_error():
    text = room(TWO, liquid(cdu("CDU-A", 1.0, "R1")))
    assert _error(text) == (f"hall.yaml:{_line(text, 'id: R2')}: racks[1].id: rack \"R2\" sends "
                            "40 kW to liquid cooling but no CDU in liquid.cdus serves it; add it "
                            "to a CDU's racks")


def test_a_cdu_serving_a_rack_with_no_liquid_heat_is_a_warning():
    text = room(TWO + rack("W1", 3.2, "warm-1", 4),
                liquid(cdu("CDU-A", 1.0, "R1, W1") + cdu("CDU-B", 3.0, "R2")))
    layout = loads_layout(text, "hall.yaml")
    assert [str(w) for w in layout.warnings] == [
        f"hall.yaml:{_line(text, 'id: CDU-A')}: liquid.cdus[0].racks[1]: CDU \"CDU-A\" serves "
        'rack "W1", which has no liquid-cooled equipment (no heat to liquid)']


def test_unknown_racks_duplicate_ids_and_overlaps_are_errors():
    text = room(TWO, liquid(cdu("CDU-A", 1.0, "R1, R3") + cdu("CDU-B", 3.0, "R2")))
    assert _error(text) == (f"hall.yaml:{_line(text, 'id: CDU-A')}: liquid.cdus[0].racks[1]: "
                            'unknown rack "R3"; did you mean "R2"?')
    text = room(TWO, liquid(cdu("R1", 1.0, "R1") + cdu("CDU-B", 3.0, "R2")))
    assert "liquid.cdus[0].id: duplicate id \"R1\" (already used by racks[0]" in _error(text)
    text = room(TWO, liquid(cdu("CDU-A", 1.0, "R1") + cdu("CDU-B", 3.0, "R2")).replace(
        "position_m: [3.0, 6.0]", "position_m: [2.2, 3.5]"))
    assert _error(text).endswith('liquid.cdus[1].position_m: CDU "CDU-B" overlaps "R1" (racks[0])')


def test_scenarios_fail_a_cdu_and_the_facility_water_on_a_copy():
    layout = loads_layout(GOOD, "hall.yaml")
    applied = apply_scenario(layout, [Edit("fail", "CDU-A"), Edit("fail", "facility_water")])
    assert applied.layout.liquid.cdu("CDU-A").state == "failed"
    assert not applied.layout.liquid.facility_water.running
    assert layout.liquid.cdu("CDU-A").running and layout.liquid.facility_water.running
    back = apply_scenario(applied.layout, [Edit("restore", "CDU-A")])
    assert back.layout.liquid.cdu("CDU-A").running
    with pytest.raises(ScenarioError, match='"R1" is a rack; "fail" does not apply to it'):
        apply_scenario(layout, [Edit("fail", "R1")])


def test_a_scenario_naming_a_cdu_in_the_file_is_checked():
    text = GOOD + "scenarios:\n  - name: one\n    edits:\n      - {action: fail, target: CDU-C}\n"
    warnings = [str(w) for w in loads_layout(text, "hall.yaml").warnings]
    assert warnings == [f"hall.yaml:{_line(text, 'target: CDU-C')}: scenarios[0].edits[0].target: "
                        'no rack, cooling unit, power component or CDU with id "CDU-C"; did you '
                        'mean "CDU-B"?; the scenario cannot be applied']


def test_a_save_of_an_edited_liquid_section_keeps_the_rest_of_the_file():
    from twin.model import layout_text
    layout = load_layout(bundled_layout("liquid_row"))
    layout.liquid.cdus[0].capacity_kw = 1000
    layout.liquid.facility_water.state = "failed"
    before, after = layout.source_text.splitlines(), layout_text(layout).splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and changed == [
        ("  facility_water: {supply_c: 32}", "  facility_water: {supply_c: 32, state: failed}"),
        ("      capacity_kw: 900", "      capacity_kw: 1000")]
    assert loads_layout("\n".join(after) + "\n") == layout
