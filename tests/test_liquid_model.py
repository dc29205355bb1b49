"""The coolant loop against hand calculations: CDU supply and return, the over-capacity
rise, N-1 redistribution, the facility-water-loss transient against its analytic
solution, heat conservation on random rooms, free-cooling hours and annual energy."""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from scipy.optimize import brentq

from liquid_rooms import cdu, liquid, rack, room
from twin.liquid import (ClimateError, annual_energy, cdu_failure, facility_water_loss,
                         loop_graph, parse_climate, solve_liquid, water_class)
from twin.liquid.energy import CONDENSER_LIFT_K, LATENT_HEAT_KJKG
from twin.model import loads_layout
from twin.power import analyze
from twin.power.efficiency import carnot_cop

RHO_CP = 1000.0 * 4000.0          # the test rooms' coolant, J/(m3 K)


def _one(capacity_kw: float = 100) -> object:
    return loads_layout(room(rack("R1", 2.0), liquid(cdu("CDU-A", 1.0, "R1", capacity_kw))))


def test_a_cdu_within_capacity_against_a_hand_calculation():
    result = solve_liquid(_one())
    a, r1 = result.cdus["CDU-A"], result.racks["R1"]
    # 5 x 10 kW at 80 % liquid: 40 kW, 60 L/min; 40000 W / (0.001 m3/s x 4e6) = 10 K.
    assert (r1.it_kw, r1.liquid_kw, r1.air_kw, r1.flow_lpm) == pytest.approx((50, 40, 10, 60))
    assert (a.load_kw, a.supply_c, a.return_c, a.rise_k) == pytest.approx((40, 33, 43, 0))
    assert (r1.supply_c, r1.return_c) == pytest.approx((33, 43))
    assert not r1.over_limit and result.ok and result.water_class == "W32"
    assert result.pumps_kw == 2


def test_a_cdu_over_capacity_raises_its_supply_by_the_approach_times_the_overload():
    result = solve_liquid(_one(capacity_kw=32))
    a = result.cdus["CDU-A"]
    # approach 3 K x 40 / 32 = 3.75 K: supply 33.75 °C, 0.75 K above facility + approach.
    assert (a.supply_c, a.return_c, a.rise_k) == pytest.approx((33.75, 43.75, 0.75))
    assert a.over_capacity and not result.ok
    assert "CDU-A carries 40.0 kW, above its 32 kW capacity: its secondary supply rises 0.75 K" \
        in result.notes


def test_the_coolant_limit_is_checked_per_rack():
    layout = loads_layout(room(rack("R1", 2.0), liquid(cdu("CDU-A", 1.0, "R1"), supply_c=43)))
    result = solve_liquid(layout)
    assert result.racks["R1"].supply_c == pytest.approx(46) and result.over_limit == ("R1",)
    assert water_class(17) == "W17" and water_class(17.1) == "W27" and water_class(46) == "W+"


TWO = rack("R1", 2.0) + rack("R2", 2.6)


def test_n_minus_1_moves_a_failed_cdus_racks_to_its_group():
    layout = loads_layout(room(TWO, liquid(cdu("CDU-A", 1.0, "R1", group="G")
                                           + cdu("CDU-B", 3.0, "R2", group="G"))))
    failure = cdu_failure(layout, "CDU-A")
    b = failure.result.cdus["CDU-B"]
    assert failure.result.racks["R1"].cdus == ("CDU-B",) and b.racks == ("R1", "R2")
    assert (b.load_kw, b.flow_lpm, b.supply_c) == pytest.approx((80, 120, 33))
    assert failure.result.cdus["CDU-A"].load_kw == 0 and failure.stranded_s == {} and failure.ok
    assert set(loop_graph(layout).successors("CDU-A")) == {"R1"}


def test_a_shared_rack_splits_equally_and_a_cdu_without_group_strands_its_racks():
    shared = loads_layout(room(TWO, liquid(cdu("CDU-A", 1.0, "R1, R2") + cdu("CDU-B", 3.0, "R2"))))
    loads = {c.id: c.load_kw for c in solve_liquid(shared).cdus.values()}
    assert loads == pytest.approx({"CDU-A": 60, "CDU-B": 20})
    alone = loads_layout(room(TWO, liquid(cdu("CDU-A", 1.0, "R1") + cdu("CDU-B", 3.0, "R2"))))
    failure = cdu_failure(alone, "CDU-A")
    assert failure.result.racks["R1"].stranded and failure.result.over_limit == ("R1",)
    # 20 L x 4e6 J/(m3 K) = 80 kJ/K from the mean coolant 38 °C to 45 °C at 40 kW: 14 s.
    assert failure.stranded_s["R1"] == pytest.approx(14.0)
    assert not failure.ok


def _analytic_supply_c(t, q_w=40000.0, g=4000.0, c_cdu=0.2 * RHO_CP, c_rack=0.02 * RHO_CP, t0=33.0):
    """One CDU volume and one rack volume exchanging flow g, heat q into the rack, no rejection."""
    d0, d_inf = q_w / g, q_w * c_cdu / (g * (c_rack + c_cdu))
    k = g * (c_rack + c_cdu) / (c_rack * c_cdu)
    return t0 + g / c_cdu * (d_inf * t + (d0 - d_inf) * (1 - math.exp(-k * t)) / k)


def test_facility_water_loss_matches_the_analytic_two_volume_solution():
    loss = facility_water_loss(_one())
    expected_s = brentq(lambda t: _analytic_supply_c(t) - 45.0, 0.0, 1e4)
    assert loss.seconds["R1"] == pytest.approx(expected_s, rel=1e-6)
    for t, value in zip(loss.times_s[::40], loss.supply_c["R1"][::40]):
        assert value == pytest.approx(_analytic_supply_c(t), abs=1e-9)
    # Lumped bound: all 220 L heat together from 33 °C: later than the analytic answer.
    assert expected_s < 0.22 * RHO_CP * 12.0 / 40000.0 + 0.1 * RHO_CP / 4000.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["cold-1", "warm-1", "gb200-nvl72", "dlc-server-2u",
                                           "hgx-b200-8gpu-lc"]),
                          st.integers(1, 4), st.floats(0, 100), st.integers(0, 2)),
                min_size=1, max_size=7),
       st.lists(st.booleans(), min_size=3, max_size=3))
def test_air_plus_liquid_heat_is_the_it_power_on_random_rooms(racks, running):
    text, served = "", {0: [], 1: [], 2: []}
    for i, (model, count, util, which) in enumerate(racks):
        count = 1 if model == "gb200-nvl72" else count
        text += rack(f"R{i}", 1.5 + 0.6 * i, model, count).replace(
            "count:", f"utilization_pct: {util:.3f}, count:")
        served[which].append(f"R{i}")
    cdus = "".join(cdu(f"CDU-{j}", 1.0 + 3.0 * j, ", ".join(served[j]), group="G",
                       state="running" if running[j] else "failed") for j in range(3))
    layout = loads_layout(room(text, liquid(cdus)))
    result = solve_liquid(layout)
    carried = sum(c.load_kw for c in result.cdus.values())
    stranded = sum(r.liquid_kw for r in result.racks.values() if r.stranded)
    it_kw = analyze(layout).it_kw
    assert result.air_kw + carried + stranded == pytest.approx(it_kw, rel=1e-12, abs=1e-9)
    assert result.air_kw == pytest.approx(sum(r.power_kw for r in layout.racks), rel=1e-12, abs=1e-9)
    assert (stranded > 0) == (not any(running) and result.liquid_kw > 0)


MONTHS = "month,dry_bulb_c\n" + "".join(f"{m},{t}\n" for m, t in enumerate(
    (5, 11, 11.5, 15, 20, 25, 28, 27, 22, 14, 10, 6), 1))


def test_free_cooling_hours_against_a_hand_count():
    climate = parse_climate(MONTHS, "site.csv")
    energy = annual_energy(_one(), climate, 17.0)
    # Dry cooler, 6 K approach: free up to 11 °C: Jan 744 + Feb 672 + Nov 720 + Dec 744 h.
    assert climate.hours == 8760 and energy.free_cooling_hours == 2880
    heat_kw = 40 + 2                                    # liquid heat plus the pump's heat
    chiller_kwh = sum(heat_kw / carnot_cop(17, t + 6 + CONDENSER_LIFT_K, 3.0, 0.45) * h for h, t, _
                      in climate.rows if t > 11)
    assert energy.chiller_mwh == pytest.approx(chiller_kwh / 1000, rel=1e-12)
    assert energy.pump_mwh == pytest.approx(2 * 8760 / 1000)
    hours = parse_climate("hour,dry_bulb_c\n0,10\n1,12\n2,11\n3,11.01\n4,-3\n5,30\n", "h.csv")
    assert annual_energy(_one(), hours, 17.0).free_cooling_hours == 3
    assert annual_energy(_one(), climate, 40.0).free_cooling_hours == 8760


def test_evaporative_rejection_uses_the_wet_bulb_and_water():
    text = room(rack("R1", 2.0), liquid(cdu("CDU-A", 1.0, "R1"),
                                        extra="  heat_rejection: {kind: evaporative, cycles: 4}\n"))
    layout = loads_layout(text)
    climate = parse_climate("month,dry_bulb_c,wet_bulb_c\n" + "".join(
        f"{m},{20 if m < 7 else 30},{12 if m < 7 else 16}\n" for m in range(1, 13)), "w.csv")
    energy = annual_energy(layout, climate, 17.0, analyze(layout))
    assert energy.free_cooling_hours == 181 * 24          # wet bulb 12 + 4 K <= 17 °C, Jan-Jun
    rejected = 42 * 181 * 24 + sum(42 * (1 + 1 / carnot_cop(17, 16 + 4 + CONDENSER_LIFT_K, 3.0, 0.45))
                                   * 24 * d for d in (31, 31, 30, 31, 30, 31))
    assert energy.water_m3 == pytest.approx(rejected * 3600 / LATENT_HEAT_KJKG * 4 / 3 / 1000)
    assert energy.wue_l_per_kwh == pytest.approx(energy.water_m3 * 1000 / (50 * 8760))
    assert energy.pue == pytest.approx((energy.it_mwh + energy.other_facility_mwh
                                        + energy.liquid_mwh) / energy.it_mwh)
    with pytest.raises(ValueError, match="needs a wet_bulb_c column"):
        annual_energy(layout, parse_climate(MONTHS, "site.csv"))


@pytest.mark.parametrize("text, message", [
    ("month,dry\n1,2\n", "bad.csv:1: the header must be hour,dry_bulb_c or month,dry_bulb_c"),
    ("# note\nmonth,dry_bulb_c\n1,2\n2,x\n", "bad.csv:4: dry_bulb_c must be a number (got 'x')"),
    ("month,dry_bulb_c\n1,2\n1,3\n", "bad.csv:3: month must be 1 to 12, each once (got 1)"),
    ("month,dry_bulb_c\n1,2\n", "bad.csv: a monthly table needs all 12 months (got 1)"),
    ("hour,dry_bulb_c\n0,2\n2,3\n", "bad.csv:3: hours must count up by one from 0 or 1 (got 2 after 0)"),
    ("hour,dry_bulb_c,wet_bulb_c\n1,2,5\n", "bad.csv:2: wet_bulb_c (5) cannot be above dry_bulb_c (2)"),
    ("hour,dry_bulb_c\n1,2,3\n", "bad.csv:2: expected 2 values (hour,dry_bulb_c), got 3"),
])
def test_bad_climate_files_name_file_and_line(text, message):
    with pytest.raises(ClimateError) as info:
        parse_climate(text, "bad.csv")
    assert str(info.value).startswith(message)


def test_the_power_model_counts_cdu_pumps_and_the_facility_water_temperature():
    layout = _one()
    power = analyze(layout)
    assert power.liquid_pumps_kw == 2
    assert power.cooling_kw == pytest.approx(power.fans_kw + power.chiller_kw
                                             + power.liquid_chiller_kw + 2)
    layout.liquid.cdus[0].state = "failed"
    assert analyze(layout).liquid_pumps_kw == 0
    warm = _one()
    warm.liquid.facility_water.supply_c = 40
    assert analyze(warm).liquid_chiller_kw < power.liquid_chiller_kw


@pytest.mark.parametrize("capacity_kw, status, margin_kw", [(130, "ok", 10.0), (100, "exceeded", -20.0)])
def test_the_capacity_planner_checks_cdus_with_the_new_rack_normally_and_n_minus_1(
        capacity_kw, status, margin_kw):
    from twin.capacity.checks import liquid_check
    from twin.capacity.sites import Placed
    text = room(TWO + rack("R3", 3.2), liquid(cdu("CDU-A", 1.0, "R1", capacity_kw, group="G")
                                              + cdu("CDU-B", 3.0, "R2, R3", capacity_kw, group="G")))
    layout = loads_layout(text)
    layout.liquid.cdu("CDU-B").racks.remove("R3")          # R3 is the planner's new rack
    check = liquid_check(Placed(layout, ["R3"]))
    # R3 joins the nearer CDU-B; with CDU-A failed, CDU-B carries 3 x 40 = 120 kW.
    assert (check.status, check.margin, check.unit) == (status, pytest.approx(margin_kw), "kW")
    assert check.detail.startswith("R3 on CDU-B; CDU-B carries 120 of")
    assert layout.liquid.cdu("CDU-B").racks == ["R2"]      # the planner's layout is untouched
