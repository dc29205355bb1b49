"""Room metrics on tiny fabricated results, checked against hand-computed values."""
import math

import numpy as np
import pytest

from twin.model.layout import Layout, Room
from twin.thermal.metrics import INLET_CLASS_TABLE, compute, inlet_class, rci_hi, rci_lo, rti, shi
from twin.thermal.results import RackResult, ThermalResult, UnitResult


def rack(rid, inlet_mean_c, exhaust_mean_c=None, airflow_m3s=1.0, inlet_max_c=None, power_kw=5.0):
    """A rack result with a uniform front face unless inlet_max_c is given."""
    t_max = inlet_mean_c if inlet_max_c is None else inlet_max_c
    exhaust = inlet_mean_c + 10.0 if exhaust_mean_c is None else exhaust_mean_c
    return RackResult(rid, inlet_mean_c, t_max, inlet_mean_c, inlet_mean_c, t_max,
                      exhaust, power_kw, airflow_m3s)


def unit(uid, supply_c, return_c, airflow_m3s=1.0, state="running"):
    return UnitResult(uid, state, return_c, 0.0, supply_c, airflow_m3s)


def result(racks, units=()):
    return ThermalResult(
        layout_name="tiny", model="preview", cell_m=0.2, fluid_cells=10, solve_seconds=0.1,
        racks={r.id: r for r in racks}, cooling_units={u.id: u for u in units},
        it_power_kw=sum(r.power_kw for r in racks), removed_kw=0.0,
        temperature_c=np.zeros((1, 1, 1)), velocity_ms=np.zeros((1, 1, 1, 3)))


def layout(ashrae_class="A1"):
    return Layout(room=Room(size_m=(4.0, 4.0, 3.0)), name="tiny", ashrae_class=ashrae_class)


@pytest.mark.parametrize("name, recommended, allowable", [
    ("A1", (18, 27), (15, 32)),
    ("A2", (18, 27), (10, 35)),
    ("A3", (18, 27), (5, 40)),
    ("A4", (18, 27), (5, 45)),
    ("H1", (18, 22), (5, 25)),
])
def test_class_table_matches_ashrae_2021(name, recommended, allowable):
    cls = inlet_class(name)
    assert (cls.recommended_min_c, cls.recommended_max_c) == recommended
    assert (cls.allowable_min_c, cls.allowable_max_c) == allowable


def test_class_lookup_is_case_insensitive_and_rejects_unknown():
    assert inlet_class(" a2 ").name == "A2"
    assert set(INLET_CLASS_TABLE) == {"A1", "A2", "A3", "A4", "H1"}
    with pytest.raises(ValueError, match="A5"):
        inlet_class("A5")


def test_rci_hand_computed():
    # A1: rec max 27, allowable max 32 (band 5); over-temperatures 1 + 3 = 4 K over n = 5.
    intakes = [25.0, 28.0, 30.0, 17.0, 14.0]
    assert rci_hi(intakes, 27.0, 32.0) == pytest.approx((1 - 4 / (5 * 5)) * 100)  # 84
    # rec min 18, allowable min 15 (band 3); under-temperatures 1 + 4 = 5 K.
    assert rci_lo(intakes, 18.0, 15.0) == pytest.approx((1 - 5 / (5 * 3)) * 100)  # 66.67


def test_rci_is_not_clipped_and_ignores_nan():
    assert rci_hi([42.0], 27.0, 32.0) == pytest.approx(-200.0)
    assert rci_hi([28.0, float("nan")], 27.0, 32.0) == pytest.approx(80.0)
    assert math.isnan(rci_hi([], 27.0, 32.0))


def test_all_cold_room_scores_rci_hi_100():
    m = compute(result([rack("R1", 19.0), rack("R2", 22.0, inlet_max_c=26.9)],
                       [unit("U1", 18.0, 28.0)]), layout())
    assert m.rci_hi_pct == 100.0
    assert m.rci_lo_pct == 100.0
    assert m.racks_above_recommended == () and m.racks_above_allowable == ()


def test_rti_and_shi_hand_computed_airflow_weighted():
    # Units (running): supply (2*18 + 1*21)/3 = 19, return (2*30 + 1*33)/3 = 31.
    units = [unit("U1", 18.0, 30.0, 2.0), unit("U2", 21.0, 33.0, 1.0),
             unit("U3", 10.0, float("nan"), 5.0, state="failed")]
    # Racks: intake (1*20 + 3*24)/4 = 23, exhaust (1*30 + 3*34)/4 = 33.
    racks = [rack("R1", 20.0, 30.0, 1.0), rack("R2", 24.0, 34.0, 3.0)]
    m = compute(result(racks, units), layout())
    assert m.rti_pct == pytest.approx((31 - 19) / (33 - 23) * 100)  # 120
    # SHI = sum Q (T_in - 19) / sum Q (T_out - 19) = (1 + 15) / (11 + 45).
    assert m.shi == pytest.approx(16 / 56)


def test_rti_shi_direct_functions():
    assert rti([30.0], [20.0], [1.0], [20.0], [30.0], [1.0]) == pytest.approx(100.0)
    assert shi([20.0], [30.0], [1.0], 20.0) == pytest.approx(0.0)
    assert math.isnan(rti([], [], [], [20.0], [30.0], [1.0]))
    assert math.isnan(shi([20.0], [20.0], [1.0], 20.0))


def test_above_lists_use_intake_max_and_the_layout_class():
    racks = [rack("R1", 24.0, inlet_max_c=28.0), rack("R2", 30.0, inlet_max_c=33.0),
             rack("R3", 20.0)]
    m = compute(result(racks, [unit("U1", 18.0, 30.0)]), layout("A1"))
    assert m.racks_above_recommended == ("R1", "R2")
    assert m.racks_above_allowable == ("R2",)
    h1 = compute(result(racks, [unit("U1", 18.0, 30.0)]), layout("H1"))
    assert h1.ashrae_class == "H1" and h1.racks_above_allowable == ("R1", "R2")


def test_hot_spots_are_hottest_first_with_signed_excess():
    racks = [rack(f"R{i}", 20.0, inlet_max_c=20.0 + i) for i in range(8)]
    m = compute(result(racks, [unit("U1", 18.0, 30.0)]), layout(), top_n=3)
    assert [h.rack_id for h in m.hot_spots] == ["R7", "R6", "R5"]
    assert m.hot_spots[0].excess_k == pytest.approx(0.0)    # 27 - 27
    assert m.hot_spots[2].excess_k == pytest.approx(-2.0)   # headroom


def test_room_without_racks_or_units_gives_nan_not_errors():
    m = compute(result([]), layout())
    assert all(math.isnan(v) for v in (m.rci_hi_pct, m.rci_lo_pct, m.rti_pct, m.shi))
    assert m.hot_spots == ()


def test_rci_counts_a_hot_upper_third_even_when_the_face_mean_is_fine():
    hot_top = RackResult("R1", 24.0, 31.0, 19.0, 22.0, 31.0, 36.0, 5.0, 1.0)
    m = compute(result([hot_top], [unit("U1", 18.0, 30.0)]), layout("A1"))
    # intakes 19, 22, 31 against 27 / 32: one 4 K excess over n = 3 intakes of a 5 K band
    assert m.rci_hi_pct == pytest.approx((1 - 4 / (3 * 5)) * 100)
    assert m.racks_above_recommended == ("R1",)
