"""Power model: totals add up, losses, overloads, N-1 failover, cooling power, accelerators."""
from __future__ import annotations

import math

import numpy as np
import pytest

from twin.model import (Equipment, Pdu, PowerChain, Rack, Ups, UtilityFeed, bundled_layout,
                        load_layout, refresh_rack_power)
from twin.model.catalog import builtin_types
from twin.power import accelerators, analyze, find_accelerator
from twin.power.efficiency import (DEFAULT_UPS_CURVE_PCT, carnot_cop, distribution_loss_kw,
                                   ups_loss_kw)
from twin.power.equipment import unit_power_kw
from twin.power.report import power_lines, power_to_dict
from twin.thermal.results import ThermalResult, UnitResult


@pytest.fixture(scope="module")
def hall():
    return load_layout(bundled_layout("air_hall"))


@pytest.fixture
def ab_room():
    return load_layout(bundled_layout("ab_failover_room"))


def fake_thermal(layout, loads_kw):
    """A thermal result with given per-unit loads (no fields needed by the power model)."""
    units = {u.id: UnitResult(u.id, u.state, 30.0, load, u.supply_temp_c, u.airflow_m3s)
             for u, load in zip(layout.cooling_units, loads_kw)}
    return ThermalResult(layout.name, "preview", 0.3, 10, 0.0, {}, units, layout.it_power_kw,
                         sum(loads_kw), np.zeros((1, 1, 1)), np.zeros((1, 1, 1, 3)))


def test_totals_add_up(hall):
    p = analyze(hall)
    assert p.it_kw == pytest.approx(sum(r.power_kw for r in hall.racks)) == pytest.approx(968)
    assert p.facility_kw == pytest.approx(p.it_kw + p.cooling_kw + p.losses_kw + p.other_kw)
    assert p.pue == pytest.approx(p.facility_kw / p.it_kw)
    assert p.cooling_kw == pytest.approx(p.fans_kw + p.chiller_kw + p.liquid_chiller_kw)
    assert p.losses_kw == pytest.approx(sum(c.loss_kw for c in p.components.values()))
    data = power_to_dict(p)
    assert data["facility_kw"] == pytest.approx(data["it_kw"] + data["cooling_kw"]
                                                + data["losses_kw"] + data["other_kw"])
    assert 1.2 < p.pue < 1.6


def test_load_flows_down_the_chain_with_losses(hall):
    p = analyze(hall)
    c = p.components
    busways = [cid for cid in c if cid.startswith("BW-")]
    assert sum(c[b].load_kw for b in busways) == pytest.approx(968)
    for side in "AB":
        below = sum(c[b].input_kw for b in busways if c[b].feed == side)
        assert c[f"UPS-{side}"].load_kw == pytest.approx(below)
        assert c[f"UTIL-{side}"].load_kw == pytest.approx(c[f"UPS-{side}"].input_kw)
    assert c["BW-C-A"].load_kw == pytest.approx(180)        # half of row C's 360 kW
    assert all(comp.ok for comp in c.values()) and p.overloaded == ()


def test_default_hall_passes_n_minus_1(hall):
    f = analyze(hall).failover
    assert f.ok and f.cases == 12 and f.violations == () and f.single_corded == ()
    failed, component, pct = f.worst
    assert component == "BW-B-B" and 70 < pct < 80          # row B (320 kW) on one 430 kW busway


def test_overloaded_pdu_is_flagged(ab_room):
    ab_room.power.pdus[0].rating_kw = 20
    p = analyze(ab_room)
    assert p.overloaded == ("PDU-A",)
    pdu = p.components["PDU-A"]
    assert not pdu.ok and pdu.utilization_pct > 100 and pdu.limit_kw == 16
    assert power_to_dict(p)["components"]["PDU-A"]["ok"] is False
    assert any("PDU-A" in line and "OVER 80 % LIMIT" in line for line in power_lines(p))


def test_failover_that_overloads_the_partner_is_caught(ab_room):
    p = analyze(ab_room)
    assert p.components["PDU-A"].ok and p.components["PDU-B"].ok   # fine in normal operation
    f = p.failover
    assert not f.ok
    by_failed = {v.failed: v for v in f.violations}
    v = by_failed["PDU-A"]
    assert (v.problem, v.component) == ("overload", "PDU-B")
    assert v.load_kw == pytest.approx(52.5) and v.limit_kw == pytest.approx(32)
    assert v.racks == ("A1", "A2", "A3", "B1", "B2", "B3")
    assert by_failed["UTIL-B"].component == "PDU-A"
    data = power_to_dict(p)["failover"]
    assert data["ok"] is False
    assert {(v["failed"], v["component"]) for v in data["violations"]} >= {("PDU-A", "PDU-B")}


def test_bigger_pdus_make_the_ab_room_pass(ab_room):
    for pdu in ab_room.power.pdus:
        pdu.rating_kw = 70
    assert analyze(ab_room).failover.ok


def test_both_cords_on_one_ups_is_an_outage(ab_room):
    ab_room.power.pdus[1].from_ = "UPS-A"
    f = analyze(ab_room).failover
    outages = [v for v in f.violations if v.problem == "outage"]
    assert [v.failed for v in outages] == ["UTIL-A", "UPS-A"]
    assert outages[0].racks == ("A1", "A2", "A3", "B1", "B2", "B3")
    assert "lose both cords" in outages[0].message()


def test_single_corded_racks_are_listed_not_failed(ab_room):
    for pdu in ab_room.power.pdus:
        pdu.rating_kw = 70
    ab_room.power.pdus[1].racks.remove("B3")
    f = analyze(ab_room).failover
    assert f.ok and f.single_corded == ("B3",)


def test_cooling_uses_the_thermal_units_loads(ab_room):
    thermal = fake_thermal(ab_room, [30.0, 20.0])
    p = analyze(ab_room, thermal)
    west, east = p.units["CRAH-W"], p.units["CRAH-E"]
    assert west.fan_kw == 1.5 and west.heat_kw == pytest.approx(31.5)
    assert west.chiller_kw == pytest.approx(31.5 / carnot_cop(18.0))
    assert p.chiller_kw == pytest.approx((31.5 + 21.5) / carnot_cop(18.0))
    assert east.cop == west.cop


def test_raising_the_supply_setpoint_saves_cooling_power(ab_room):
    before = analyze(ab_room)
    for unit in ab_room.cooling_units:
        unit.supply_temp_c = 24.0
    after = analyze(ab_room)
    assert after.cooling_kw < before.cooling_kw
    saving = 1 - after.chiller_kw / before.chiller_kw
    assert 0.15 < saving < 0.30            # about 3-4 % per kelvin over 6 K
    assert after.pue < before.pue


def test_cop_table_overrides_the_carnot_model(ab_room):
    ab_room.power.cooling.chiller_cop = ((15.0, 3.0), (25.0, 5.0))
    p = analyze(ab_room)
    assert p.units["CRAH-W"].cop == pytest.approx(3.6)


def test_ups_loss_model():
    rating = 1000.0
    losses = [ups_loss_kw(x, rating) for x in (0, 50, 100, 250, 500, 750, 1000)]
    assert losses[0] == losses[1] == losses[2] > 0                 # no-load loss below 10 %
    assert all(a <= b for a, b in zip(losses, losses[1:]))
    assert ups_loss_kw(500, rating) == pytest.approx(500 * (1 / 0.965 - 1))
    assert DEFAULT_UPS_CURVE_PCT[-1][0] == 100
    assert distribution_loss_kw(100, 200, 1.0) == pytest.approx(0.5)   # 1 % of 200 kW at (1/2)^2


def test_utilisation_model():
    dgx = builtin_types()["dgx-h100"]
    assert unit_power_kw(dgx, None) == dgx.typical_power_kw
    assert unit_power_kw(dgx, 0) == dgx.idle_power_kw
    assert unit_power_kw(dgx, 100) == dgx.max_power_kw


def test_liquid_cooled_share_leaves_the_air(ab_room):
    rack = ab_room.racks[0]
    rack.equipment = [Equipment("gb200-nvl72", 1)]
    rack.height_u = 48
    refresh_rack_power(ab_room)
    assert rack.power_kw == pytest.approx(120 * 0.15)
    p = analyze(ab_room)
    assert p.racks["A1"].it_kw == 120 and p.racks["A1"].liquid_kw == pytest.approx(102)
    assert p.it_kw == pytest.approx(120 + 5 * 8.75)
    assert p.liquid_chiller_kw == pytest.approx(102 / carnot_cop(30.0))


def test_accelerators_are_addressable(ab_room):
    refs = accelerators(ab_room)
    assert len(refs) == 48 == analyze(ab_room).accelerators
    ref = find_accelerator(ab_room, "B2", 0, 7)
    assert ref.address == "B2/0/7" and ref.model == "dgx-h100" and ref.accelerator_type
    with pytest.raises(KeyError, match="B2/1/0"):
        find_accelerator(ab_room, "B2", 1, 0)     # server 1 is the switch


def test_layout_without_power_chain_still_reports():
    small = load_layout(bundled_layout("small_room"))
    p = analyze(small)
    assert p.components == {} and p.failover.ok and p.failover.cases == 0
    assert p.losses_kw == 0 and p.it_kw == 30 and p.pue > 1
    assert "no power chain" in p.notes[0]
    assert math.isfinite(power_to_dict(p)["pue"])


def test_annual_figures(hall):
    p = analyze(hall)
    assert p.annual.facility_mwh == pytest.approx(p.facility_kw * 8760 / 1000)
    assert p.annual.cost == pytest.approx(p.facility_kw * 8760 * 0.15)
    assert p.annual.co2_t == pytest.approx(p.facility_kw * 8760 * 0.35 / 1000)


def test_built_in_memory_chain():
    rack = Rack("R1", (0, 0), (0.6, 1.2, 2), "+y", 10.0, delta_t_k=12)
    layout = load_layout(bundled_layout("small_room"))
    layout.racks = [rack]
    layout.power = PowerChain(utility_feeds=[UtilityFeed("U", "A")],
                              ups=[Ups("UPS", "U", 50)], pdus=[Pdu("P", "UPS", 20, racks=["R1"])])
    p = analyze(layout)
    assert p.components["P"].utilization_pct == pytest.approx(50)
    assert p.failover.single_corded == ("R1",) and p.failover.ok
