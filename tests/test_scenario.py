"""Scenario edits, the result cache, comparison, ride-through and the N-1 sweep."""
import copy
import math
from pathlib import Path

import numpy as np
import pytest

from twin.model import load_layout
from twin.scenario import (Edit, ResultCache, Runner, ScenarioError, Scenario, apply_scenario,
                           baseline, compare, evaluate, fail_edits, find_scenario, layout_hash)
from twin.scenario.ridethrough import format_time, heat_capacity_j_k, ride_through
from twin.scenario.sweep import format_sweep, sweep

REPO = Path(__file__).resolve().parents[1]
LAYOUTS = REPO / "twin" / "layouts"


@pytest.fixture
def hall():
    return load_layout(LAYOUTS / "air_hall.yaml")


@pytest.fixture
def small():
    return load_layout(LAYOUTS / "small_room.yaml")


def test_apply_leaves_the_baseline_untouched(hall):
    before = copy.deepcopy(hall)
    unit, rack = hall.cooling_units[0], hall.racks[0]
    applied = apply_scenario(hall, [Edit("fail", unit.id), Edit("set", unit.id, supply_temp_c=16.0),
                                    Edit("set", rack.id, airflow_m3s=1.0)])
    assert hall == before
    assert applied.layout.unit(unit.id).state == "failed"
    assert applied.layout.unit(unit.id).supply_temp_c == 16.0
    edited = applied.layout.rack(rack.id)
    assert edited.airflow_m3s == 1.0 and edited.delta_t_k is None


def test_add_move_remove_and_restore(small):
    rack = small.racks[0]
    free = (0.0, 0.0)
    edits = [Edit("remove", rack.id),
             Edit("add", "NEW1", position_m=rack.position_m, size_m=rack.size_m, facing=rack.facing,
                  power_kw=4.0, delta_t_k=10.0),
             Edit("fail", small.cooling_units[0].id), Edit("restore", small.cooling_units[0].id)]
    applied = apply_scenario(small, edits, "swap")
    ids = [r.id for r in applied.layout.racks]
    assert rack.id not in ids and "NEW1" in ids
    assert applied.layout.cooling_units[0].running
    assert applied.name == "swap" and free == (0.0, 0.0)


def test_refused_edits_name_the_edit(small):
    a, b = small.racks[0], small.racks[1]
    with pytest.raises(ScenarioError, match=rf"edit 1 \(move {a.id} .*overlap"):
        apply_scenario(small, [Edit("move", a.id, position_m=b.position_m)])
    with pytest.raises(ScenarioError, match="is a rack"):
        apply_scenario(small, [Edit("fail", a.id)])
    with pytest.raises(ScenarioError, match='no scenario named "x"'):
        find_scenario(small, "x")


def test_failing_a_pdu_moves_its_load_to_the_other_cord(hall):
    pdu = hall.power.pdus[0]
    runner = Runner(0.3, "preview")
    base = evaluate(baseline(hall), runner)
    scen = evaluate(apply_scenario(hall, fail_edits([pdu.id])), runner)
    assert runner.solves == 1 and runner.cache.hits == 1       # same thermal layout: one solve
    assert pdu.id not in scen.power.components
    assert scen.failed_power == {pdu.id}
    deltas = compare(base, scen)
    assert deltas["failed_power_components"] == [pdu.id]
    assert deltas["max_inlet_rise_k"] == 0.0
    others = [c for c in scen.power.components.values() if c.kind == pdu.kind]
    assert any(c.load_kw > base.power.components[c.id].load_kw + 1e-6 for c in others)


def test_cache_key_ignores_scenarios_and_sees_edits(small):
    key = layout_hash(small)
    with_scenarios = copy.deepcopy(small)
    with_scenarios.scenarios = [Scenario("s", [Edit("fail", small.cooling_units[0].id)])]
    assert layout_hash(with_scenarios) == key
    edited = apply_scenario(small, [Edit("set", small.racks[0].id, power_kw=1.5)]).layout
    assert layout_hash(edited) != key
    cache = ResultCache(max_entries=2)
    for name in "abc":
        cache.put(name, name)
    assert len(cache) == 2 and cache.get("a") is None and cache.get("c") == "c"


def test_compare_reports_rises_and_unit_loads(hall):
    runner = Runner(0.3, "preview")
    unit = hall.cooling_units[0].id
    base = evaluate(baseline(hall), runner)
    scen = evaluate(apply_scenario(hall, fail_edits([unit])), runner)
    d = compare(base, scen)
    assert d["max_inlet_rise_k"] > 0
    assert d["cooling_units"][unit]["scenario_state"] == "failed"
    assert d["cooling_units"][unit]["scenario_load_kw"] == 0.0
    running = [u for u, v in d["cooling_units"].items() if v["scenario_state"] == "running"]
    assert sum(d["cooling_units"][u]["load_delta_kw"] for u in running) > 0
    assert set(d["newly_above_allowable"]) <= set(d["above_allowable"])
    already = set(base.metrics.racks_above_allowable)
    worse = [r for r in already if d["racks"][r]["inlet_max_delta_k"] > 0.5]
    assert d["verdict"]["holds"] == (not d["newly_above_allowable"] and not worse
                                     and not d["dark_racks"] and not d["newly_overloaded"])
    if already:
        assert any("already above" in w for w in d["verdict"]["warnings"])


def test_ride_through_without_cooling_rises_at_p_over_c(small):
    runner = Runner(0.3, "preview")
    base = evaluate(baseline(small), runner)
    failed = apply_scenario(small, fail_edits([u.id for u in small.cooling_units])).layout
    ride = ride_through(base, failed, None, allowable_c=32.0, minutes=5)
    rate_k_s = small.it_power_kw * 1000.0 / heat_capacity_j_k(failed)
    assert ride.rise_k_per_min == pytest.approx(60 * rate_k_s)
    for rid, t in ride.time_to_allowable_s.items():
        t0 = base.result.racks[rid].inlet_max_c
        assert t == pytest.approx((32.0 - t0) / rate_k_s)
    heavier = ride_through(base, failed, None, 32.0, 5, equipment_kj_per_k_kw=20.0)
    assert all(heavier.time_to_allowable_s[r] > t for r, t in ride.time_to_allowable_s.items())


def test_ride_through_with_a_unit_left_approaches_the_steady_state(hall):
    runner = Runner(0.3, "preview")
    base = evaluate(baseline(hall), runner)
    applied = apply_scenario(hall, fail_edits([hall.cooling_units[0].id]))
    steady = evaluate(applied, runner)
    ride = ride_through(base, applied.layout, steady, 32.0, minutes=30)
    for rid, series in ride.inlet_max_c.items():
        assert series[0] == pytest.approx(base.result.racks[rid].inlet_max_c)
        assert series[-1] == pytest.approx(steady.result.racks[rid].inlet_max_c, abs=1e-3)
        t = ride.time_to_allowable_s[rid]
        if t is not None and t > 0:
            k = int(np.searchsorted(ride.times_s, t))
            assert series[k] >= 32.0 - 1e-9 and series[max(k - 1, 0)] <= 32.0 + 1e-9
    assert format_time(None) == "never" and format_time(75.0) == "1 min 15 s"


def test_sweep_covers_every_unit_and_solves_each_case_once(small):
    runner = Runner(0.3, "preview")
    result = sweep(small, runner)
    running = [u.id for u in small.cooling_units if u.running]
    assert result.cases[:len(running)] == running
    assert runner.solves <= 1 + len(running)
    for rid, worst in result.worst_inlet_max_c.items():
        assert worst >= result.baseline_inlet_max_c[rid]
    again = sweep(small, runner)
    assert again.worst_inlet_max_c == result.worst_inlet_max_c
    assert runner.solves <= 1 + len(running)              # all from the cache
    assert not math.isnan(sum(result.worst_inlet_max_c.values()))


def test_setting_the_power_of_an_equipped_rack_replaces_its_equipment():
    layout = load_layout(LAYOUTS / "ab_failover_room.yaml")
    rack = next(r for r in layout.racks if r.equipment)
    applied = apply_scenario(layout, [Edit("set", rack.id, power_kw=rack.power_kw + 2.0)])
    edited = applied.layout.rack(rack.id)
    assert edited.equipment == [] and edited.power_kw == pytest.approx(rack.power_kw + 2.0)
    assert layout.rack(rack.id).equipment                # the baseline keeps its equipment


def test_a_study_runs_in_the_background_and_can_be_cancelled(hall):
    from twin.scenario.jobs import StudyJob
    from twin.thermal import SolveCancelled
    job = StudyJob(lambda runner: sweep(hall, runner, power=False), Runner(0.3, "preview")).start()
    assert job.wait(120)
    assert len(job.result().cases) == len(hall.cooling_units)
    assert job.progress[0] > 0 and job.progress[1]
    stopped = StudyJob(lambda runner: sweep(hall, runner, power=False), Runner(0.3, "preview"))
    stopped.cancel()
    stopped.start()
    assert stopped.wait(60)
    with pytest.raises(SolveCancelled):
        stopped.result()


def test_sweep_ranks_with_preview_and_confirms_the_hottest_with_accurate():
    layout = load_layout(LAYOUTS / "ab_failover_room.yaml")
    runner = Runner(0.3, "preview")
    result = sweep(layout, runner, power=False, confirm=1)
    assert result.model == "preview" and len(result.confirmed) == 1
    (cid, confirmed), = result.confirmed.items()
    hottest = {c: max(r.inlet_max_c for r in runner.solve(
        apply_scenario(layout, fail_edits([c])).layout).racks.values()) for c in result.cases}
    assert cid == max(hottest, key=hottest.get)                       # the leading case
    assert confirmed["ranked_hottest_inlet_max_c"] == pytest.approx(hottest[cid])
    assert runner.warm_state is not None                             # the accurate baseline
    accurate = runner.solve(apply_scenario(layout, fail_edits([cid])).layout, model="accurate")
    assert confirmed["hottest_inlet_max_c"] == max(r.inlet_max_c for r in accurate.racks.values())
    assert runner.solves == 1 + len(result.cases) + 2                 # nothing solved twice
    assert "confirmed with the accurate model" in format_sweep(result)
