"""Placement advisor and supply setpoint optimisation (preview model, small rooms)."""
from pathlib import Path

import pytest

from twin.cli import main
from twin.commands import CommandStack
from twin.model import load_layout, validate_layout
from twin.scenario import Runner, apply_scenario, evaluate
from twin.scenario.placement import _edits as placement_edits
from twin.scenario.placement import advise, candidates, placement_command, rack_template
from twin.scenario.setpoint import _edits, inside, optimise

REPO = Path(__file__).resolve().parents[1]
HALL = REPO / "twin" / "layouts" / "air_hall.yaml"
SMALL = REPO / "twin" / "layouts" / "small_room.yaml"


def test_candidates_face_a_tile_area_and_are_free():
    layout = load_layout(HALL)
    size, _ = rack_template(layout)
    found = candidates(layout, 2, size)
    assert found
    for cand in found:
        stack = CommandStack(layout)
        cand.edits = placement_edits(layout, cand, 5.0, 12.0)
        stack.push(placement_command(cand))          # refused (CommandError) if not free
        assert not any("stands on tile area" in str(w) for w in validate_layout(layout))
        stack.undo()


def test_advice_is_ranked_explained_and_applies_as_one_undo_step():
    layout = load_layout(HALL)
    runner = Runner(0.3, "preview")
    ranked = advise(layout, 2, 8.0, runner, top=3, solve_limit=4)
    assert 1 <= len(ranked) <= 3
    worst = [c.worst_inlet_c for c in ranked]
    assert worst == sorted(worst)
    assert all(len(c.reasons) >= 4 and "worst intake" in c.reasons[0] for c in ranked)
    assert runner.solves == 1 + min(4, len(candidates(layout, 2, rack_template(layout)[0])))
    before = len(layout.racks)
    stack = CommandStack(layout)
    stack.push(placement_command(ranked[0]))
    assert len(layout.racks) == before + 2
    stack.undo()
    assert len(layout.racks) == before


def test_setpoint_stays_inside_the_recommended_range():
    layout = load_layout(SMALL)
    runner = Runner(0.3, "preview")
    result = optimise(layout, runner, tol_k=0.25, tol_scale=0.05)
    assert result.base_ok and result.supply_offset_k > 0
    assert result.saved_kw > 0
    warmer = evaluate(apply_scenario(layout, _edits(layout, result.supply_offset_k)), runner)
    assert inside(warmer)
    hotter = evaluate(apply_scenario(layout, _edits(layout, result.supply_offset_k + 0.5)), runner)
    assert not inside(hotter)
    assert 0.4 <= result.airflow_scale <= 1.0


def test_place_and_setpoint_commands(capsys):
    assert main(["place", str(SMALL), "--kw", "4", "--cell-m", "0.3", "--quiet", "--top", "1",
                 "--solve-limit", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(("1. facing", "no free position"))
    assert main(["place", str(SMALL), "--kw", "0", "--quiet"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == ("dctwin place: error: argument --kw: "
                                                        "must be a number above 0 and at most 1000 (got '0')")


def test_accurate_confirmation_is_warm_started_from_the_baseline():
    layout = load_layout(REPO / "twin" / "layouts" / "ab_failover_room.yaml")
    runner = Runner(0.3, "preview")
    ranked = advise(layout, 1, 4.0, runner, top=2, solve_limit=2, confirm=1)
    assert ranked[0].confirmed and "accurate" in ranked[0].reasons[-1]
    assert runner._warm is not None                         # the accurate baseline state
    from twin.thermal import solve
    applied = apply_scenario(layout, ranked[0].edits)
    cold = solve(applied.layout, cell_m=0.3, model="accurate")
    worst = max(r.inlet_max_c for r in cold.racks.values())
    assert abs(worst - ranked[0].worst_inlet_c) < 0.1          # warm start: same answer
    again = runner.solves
    runner.solve(applied.layout, model="accurate")
    assert runner.solves == again                              # cached by layout hash
