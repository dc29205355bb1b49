"""The bundled AI hall (bench/default_hall.py): what it is made of and its liquid and power checks,
recomputed by hand from the catalog's typical powers."""
import pytest

from twin.liquid import n1_sweep, solve_liquid
from twin.model import bundled_layout, bundled_layout_names, load_layout
from twin.model.catalog import equipment_types
from twin.power import analyze

GB200_LIQUID_KW = 120.0 * 0.85        # typical power, 85 % to liquid
GB200_AIR_KW = 120.0 - GB200_LIQUID_KW


@pytest.fixture(scope="module")
def hall():
    return load_layout(bundled_layout("default_hall"))


def test_the_file_is_what_its_generator_writes(hall):
    import importlib.util
    from pathlib import Path
    spec = importlib.util.spec_from_file_location("default_hall", Path(__file__).parents[1] / "bench/default_hall.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert bundled_layout("default_hall").read_text() == module.text()
    assert "default_hall" in bundled_layout_names()


def test_rows_of_gpu_servers_and_gb200_racks_with_containment(hall):
    types = equipment_types(hall)
    rows = {}
    for rack in hall.racks:
        rows.setdefault(rack.id[0], set()).update(e.model for e in rack.equipment)
        assert all(types[e.model].accelerators for e in rack.equipment)
    assert rows == {"A": {"hgx-h200-8gpu"}, "B": {"dgx-h100"}, "C": {"gb200-nvl72"},
                    "D": {"gb200-nvl72"}}
    assert [(c.id, c.roof, c.doors) for c in hall.containment] == [("HAC-AB", True, ["-x", "+x"])]
    inrow = [u for u in hall.cooling_units if u.inrow]
    assert len(inrow) == 16 and all(u.return_ == "rear" for u in inrow)
    # the pod's coolers draw a little more than its racks blow, so its doors leak inwards
    racks_m3s = sum(r.airflow(hall.air) for r in hall.racks if r.id[0] in "AB")
    assert 1.0 < sum(u.airflow_m3s for u in inrow) / racks_m3s < 1.05
    assert all(r.rear_door is not None for r in hall.racks if r.id[0] in "CD")
    # air heat: 96 servers at 8 kW typical, and the 15 % of each GB200 the cold plates leave
    assert hall.it_power_kw == pytest.approx(96 * 8.0 + 12 * GB200_AIR_KW)


def test_each_cdu_carries_three_racks_and_only_row_d_fails_n1(hall):
    result = solve_liquid(hall)
    assert result.ok and result.water_class == "W32"
    for cdu in result.cdus.values():
        assert cdu.load_kw == pytest.approx(3 * GB200_LIQUID_KW)
        assert cdu.supply_c == pytest.approx(32.0 + 3.0)
    cases = {f.cdu: f for f in n1_sweep(hall)}
    assert cases["CDU-C1"].ok and cases["CDU-C2"].ok            # 612 kW on a 700 kW CDU
    survivor = cases["CDU-D1"].result.cdus["CDU-D2"]
    assert survivor.load_kw == pytest.approx(6 * GB200_LIQUID_KW) and survivor.over_capacity
    assert survivor.rise_k == pytest.approx(3.0 * (6 * GB200_LIQUID_KW / 500.0 - 1.0))
    assert not cases["CDU-D1"].result.over_limit                # 35.7 °C: under the 45 °C limit
    assert not cases["CDU-D1"].stranded_s


def test_power_chain_holds_n1_with_the_whole_hall_on_one_side(hall):
    result = analyze(hall)
    assert result.failover.ok
    it_kw = 96 * 8.0 + 12 * 120.0
    assert result.it_kw == pytest.approx(it_kw)
    assert it_kw <= 0.8 * 3000.0                                 # one UPS carries it all


def test_at_baseline_no_rack_is_above_the_allowable_range_and_the_air_balances(hall):
    """The accurate model on the shipped hall: every intake (mean and highest cell) within
    ASHRAE A1 allowable, the room's air heat all removed by the CRAHs, a converged answer."""
    from twin.thermal import solve
    result = solve(hall, 0.2, "accurate")
    assert result.converged and result.uncertainty_k <= 0.05
    assert abs(result.energy_error_pct) < 0.5
    assert result.removed_kw == pytest.approx(hall.it_power_kw, rel=0.005)
    assert max(r.inlet_max_c for r in result.racks.values()) < 32.0
    # each rear door cools its GB200 rack's exhaust down to its floor, 18 + 3 = 21 degC
    # (the 20 kW capacity is not reached): rho cp Q (intake + rise - 21) per rack
    door_kw = 0.0
    for rack in hall.racks:
        if rack.rear_door is not None:
            q, intake = rack.airflow(hall.air), result.racks[rack.id].inlet_mean_c
            door_kw += min(20.0, hall.air.rho_cp * q * (intake + rack.delta_t(hall.air) - 21.0) / 1000.0)
    assert result.door_kw == pytest.approx(door_kw, rel=1e-3)
    assert all(r.inlet_mean_c >= 18.0 - 0.01 for r in result.racks.values())   # never below supply
    assert solve_liquid(hall).ok                                  # no CDU over capacity or rack over its coolant limit
