"""The optional `scenarios:` layout key: reading, errors with lines, exact round trips."""
from pathlib import Path

import pytest

from paths import C1
from twin.model import LayoutError, dump_layout, load_layout, loads_layout, validate_layout
from twin.model.scenarios import Edit, Scenario

REPO = Path(__file__).resolve().parents[1]
needs_c1 = pytest.mark.skipif(not C1.exists(), reason=f"reference room C1 not present ({C1})")
SMALL = REPO / "twin" / "layouts" / "small_room.yaml"


def small_text() -> str:
    return SMALL.read_text()


def test_a_file_without_scenarios_is_written_as_before():
    layout = load_layout(SMALL)
    assert layout.scenarios == []
    assert "scenarios" not in dump_layout(layout)


@needs_c1
def test_c1_loads_unchanged():
    layout = load_layout(C1)
    assert layout.scenarios == []
    assert loads_layout(dump_layout(layout)) == layout


def test_scenarios_round_trip_exactly():
    layout = load_layout(SMALL)
    rack = layout.racks[0]
    layout.scenarios = [
        Scenario("CRAH fails", [Edit("fail", layout.cooling_units[0].id)], "trip"),
        Scenario("more", [Edit("set", rack.id, power_kw=9.25),
                          Edit("move", rack.id, position_m=rack.position_m, facing="-y")]),
    ]
    text = dump_layout(layout)
    again = loads_layout(text)
    assert again == layout
    assert dump_layout(again) == text


def test_unknown_target_is_a_warning_with_file_line_and_field():
    """A warning, not an error: deleting a rack in the app must not be blocked by a
    scenario that names it; applying the scenario then fails with the same message."""
    layout = load_layout(SMALL)
    unit = layout.cooling_units[0].id
    text = small_text() + f"scenarios:\n  - name: x\n    edits:\n      - {{action: fail, target: {unit}X}}\n"
    loaded = loads_layout(text, "room.yaml")
    line = text.count("\n")
    found = [str(w) for w in loaded.warnings if "scenarios[0]" in str(w)]
    assert found and found[0].startswith(f"room.yaml:{line}: scenarios[0].edits[0].target: ")
    assert f'did you mean "{unit}"' in found[0]
    from twin.scenario import ScenarioError, apply_scenario
    with pytest.raises(ScenarioError, match=f'id "{unit}X"'):
        apply_scenario(loaded, loaded.scenarios[0])


def test_deleting_a_rack_a_scenario_names_is_not_blocked():
    from twin.commands import CommandStack, delete
    layout = load_layout(SMALL)
    rack = layout.racks[0].id
    layout.scenarios = [Scenario("more", [Edit("set", rack, power_kw=3.0)])]
    CommandStack(layout).push(delete(layout, rack))
    assert rack not in [r.id for r in layout.racks]


@pytest.mark.parametrize("edit, message", [
    ("{action: explode, target: R01}", "must be one of"),
    ("{action: set, target: R01}", '"set" needs at least one of'),
    ("{action: remove, target: R01, power_kw: 3}", '"remove" does not take power_kw'),
    ("{action: move, target: R01}", '"move" needs position_m'),
    ("{action: set, target: R01, powr_kw: 3}", "powr_kw"),
])
def test_bad_edits_are_refused_with_a_line(edit, message):
    rack = load_layout(SMALL).racks[0].id
    text = small_text() + f"scenarios:\n  - name: x\n    edits:\n      - {edit.replace('R01', rack)}\n"
    with pytest.raises(LayoutError) as err:
        loads_layout(text, "room.yaml")
    assert message in str(err.value) and "room.yaml:" in str(err.value)


def test_duplicate_scenario_names_are_refused():
    layout = load_layout(SMALL)
    unit = layout.cooling_units[0].id
    layout.scenarios = [Scenario("a", [Edit("fail", unit)]), Scenario("a", [])]
    with pytest.raises(LayoutError, match="defined twice"):
        validate_layout(layout)
