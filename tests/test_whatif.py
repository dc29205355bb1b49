"""What the Ride-through and Placement docks run (twin.gui.whatif, Qt-free): input checks,
the crossing order, and the one-step command that places a candidate."""
import json
import subprocess
import sys

import pytest

from test_qt_free import QT_MODULES, REPO_ROOT, headless_env
from twin.commands import CommandError, CommandStack
from twin.gui.whatif import (PlaceRequest, RideRequest, candidate_command, crossing_order,
                             parse_size, place_problem, ride_problem, ride_through_study)
from twin.model import bundled_layout, load_layout
from twin.scenario import Runner
from twin.scenario.placement import Candidate, _edits


@pytest.fixture
def small():
    return load_layout(bundled_layout("small_room"))


def test_whatif_imports_no_qt():
    code = ("import json, sys, twin.gui.whatif; "
            f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=headless_env(), cwd=REPO_ROOT).stdout
    assert json.loads(out) == []


def test_candidate_command_is_one_undo_step_and_refused_whole(small):
    cand = Candidate([(1.2, 2.4), (1.2, 3.0)], "+x", (1.2, 0.6, 2.0), 20.0)
    cand.edits = _edits(small, cand, 8.0, 12.0)
    stack = CommandStack(small)
    stack.push(candidate_command(cand, airflow_m3s=0.6))
    assert [r.id for r in small.racks[-2:]] == ["NEW1", "NEW2"] and len(stack) == 1
    assert all(r.airflow_m3s == 0.6 and r.delta_t_k is None for r in small.racks[-2:])
    stack.undo()
    assert len(small.racks) == 6
    stack.redo()
    assert [tuple(r.position_m) for r in small.racks[-2:]] == [(1.2, 2.4), (1.2, 3.0)]
    stack.undo()
    clash = Candidate([(1.2, 2.4), (2.4, 1.2)], "+x", (1.2, 0.6, 2.0), 20.0)   # 2nd overlaps A1
    clash.edits = _edits(small, clash, 8.0, 12.0)
    with pytest.raises(CommandError, match="overlap"):
        stack.push(candidate_command(clash))
    assert len(small.racks) == 6 and len(stack) == 0          # neither rack stays


def test_input_checks(small):
    ok = PlaceRequest(2, 8.0, (0.6, 1.2, 2.0), delta_t_k=12.0)
    assert place_problem(small, ok) is None
    assert place_problem(small, PlaceRequest(0, 8.0, (0.6, 1.2, 2.0), delta_t_k=12.0)).startswith("number")
    assert place_problem(small, PlaceRequest(1, -1.0, (0.6, 1.2, 2.0), delta_t_k=12.0)).startswith("power")
    assert place_problem(small, PlaceRequest(1, 5.0, (0.6, 1.2, 2.0))).startswith("give the")
    assert "taller than the room" in place_problem(small, PlaceRequest(1, 5.0, (0.6, 1.2, 3.5),
                                                                       delta_t_k=10.0))
    assert PlaceRequest(1, 6.0, (0.6, 1.2, 2.0), airflow_m3s=0.5).rise_k(small) == pytest.approx(
        6000.0 / (1.19 * 1006.0 * 0.5))
    assert parse_size("0,6 x 1.2 × 2") == (0.6, 1.2, 2.0)
    with pytest.raises(ValueError, match="above 0"):
        parse_size("0 x 1 x 2")
    assert ride_problem(small, RideRequest(())) == "choose at least one running cooling unit to fail"
    assert ride_problem(small, RideRequest(("CRAH-9",))) == "not a running cooling unit: CRAH-9"
    assert ride_problem(small, RideRequest(("CRAH-1",), -2.0)).startswith("equipment thermal mass")
    assert ride_problem(small, RideRequest(("CRAH-1",), 0.0, 0.0)).startswith("the horizon")


def test_ride_study_orders_soonest_first_and_reports_progress(small):
    runner = Runner(0.3, "preview")
    seen = []
    runner.progress = lambda fraction, message="": seen.append(fraction)
    study = ride_through_study(small, RideRequest(("CRAH-1",), 0.0, 5.0), runner)
    times = study.ride.time_to_allowable_s
    assert list(study.order) == sorted(times, key=lambda r: times[r])
    assert study.order == crossing_order(study.ride)
    assert len(study.ride.times_s) == 601 and study.ride.times_s[1] == pytest.approx(0.5)
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    assert study.steady_inlet_c is None and study.allowable_c == 32.0
