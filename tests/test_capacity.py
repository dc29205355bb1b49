"""Capacity planning on a hand-built room: each constraint binds in turn, N-1 headroom
against a hand calculation, stranded capacity, growth months, the CLI."""
from __future__ import annotations

import json

import pytest

from capacity_rooms import TWO_FREE, room, room_text
from twin.capacity import checks
from twin.capacity.checks import Check
from twin.capacity.growth import grow, parse_growth
from twin.capacity.plan import CapacityError, Request, plan_capacity
from twin.capacity.power import headroom_kw, layout_margin
from twin.capacity.stranded import stranded_table
from twin.cli import main
from twin.model import loads_layout
from twin.model.catalog import equipment_types
from twin.scenario import Runner


def runner():
    return Runner(cell_m=0.3, model="preview")


def plan(layout, count=2, **kw):
    return plan_capacity(layout, Request("test-gpu", count, per_rack=1), runner(), confirm=0,
                         screen=kw.pop("screen", 4), **kw)


def test_n1_headroom_matches_the_hand_calculation():
    # 2N chain, lossless: with one side failed the other UPS carries all 10 kW;
    # its limit is 80 % of 50 kW = 40 kW, so 30 kW more fit (on any racks).
    layout = room(ups_kw=50)
    margin = layout_margin(layout)
    assert margin.margin_kw == pytest.approx(40.0 - 10.0)
    assert margin.failed in ("UTIL-A", "UPS-A", "PDU-A", "UTIL-B", "UPS-B", "PDU-B")
    assert headroom_kw(layout, ["E1", "E2"]) == pytest.approx(30.0, abs=0.5)
    assert headroom_kw(layout, ["E1"]) == pytest.approx(30.0, abs=0.5)


def test_power_binds_when_the_ups_is_nearly_full():
    # two new 10 kW racks: 30 kW on one UPS after a failure, limit 0.8 x 33 = 26.4 kW
    site = plan(room(ups_kw=33)).sites[0]
    power = site.checks["power"]
    assert power.status == "exceeded" and power.margin == pytest.approx(26.4 - 30.0)
    assert site.binding.resource == "power" and site.exceeded == ["power"]
    assert "with UTIL-A failed" in power.detail or "with UPS-A failed" in power.detail \
        or "with PDU-A failed" in power.detail


def test_power_binds_while_it_still_fits():
    # 0.8 x 40 = 32 kW limit, 30 kW after placing: 2 kW (6 %) is the tightest margin
    site = plan(room(ups_kw=40)).sites[0]
    assert not site.exceeded
    assert site.checks["power"].margin == pytest.approx(2.0)
    assert site.binding.resource == "power"


def test_fabric_binds_when_the_leaf_has_no_ports_left():
    # 64-port leaf: 1 link + 8 ports per new rack; 10 ports leave room for one rack only
    site = plan(room(leaf_ports=10)).sites[0]
    assert site.checks["fabric"].status == "exceeded"
    assert site.binding.resource == "fabric"
    assert "no leaf within 30 m of cable has the free ports for NEW2" in site.checks["fabric"].detail
    tight = plan(room(leaf_ports=18)).sites[0]       # 18 - 1 - 16 = 1 port left
    assert tight.checks["fabric"].margin == 1 and tight.binding.resource == "fabric"


def test_fabric_binds_when_no_leaf_is_in_cable_reach():
    # the leaf in E1 reaches only racks within 4.9 m of cable (4 m of it vertical)
    site = plan(room(max_cable_m=4.9)).sites[0]
    assert site.checks["fabric"].status == "exceeded" and site.binding.resource == "fabric"


def test_air_binds_when_the_supply_is_at_the_allowable_limit():
    site = plan(room(supply_c=31.5)).sites[0]
    air = site.checks["air"]
    assert air.margin < 0.5 and site.binding.resource == "air"
    assert "A1 allowable max 32 °C" in air.detail


def test_free_positions_face_the_cold_aisle():
    # tiles x 1.2-3.6: the row's two east of E2, four facing back across the aisle (y 3.6),
    # and two facing west from the aisle's east end
    result = plan(room(tile_x=(1.2, 3.6)))
    assert result.free_sites == 2 + 4 + 2
    assert plan(room(tile_x=(1.2, 3.6)), count=5).sites == []


def test_floor_binds_when_the_last_positions_are_taken():
    layout = room(**TWO_FREE)
    site = plan(layout, count=2).sites[0]
    assert plan(layout).free_sites == 2
    assert site.positions_m == [(2.4, 1.2), (3.0, 1.2)]
    assert site.checks["floor"].margin == 0 and site.binding.resource == "floor"
    assert plan(layout, count=3).sites == []


def test_a_registered_check_takes_part_in_the_binding_choice():
    def cdu_full(placed, result):
        return Check("liquid", "exceeded", -12.0, "kW", -10.0, "CDU-1 over capacity")
    saved = dict(checks.PLUGGABLE)
    checks.register_check("liquid", cdu_full)
    try:
        site = plan(room()).sites[0]
    finally:
        checks.PLUGGABLE.clear()
        checks.PLUGGABLE.update(saved)
    assert site.binding.resource == "liquid" and site.exceeded == ["liquid"]


def test_candidates_are_ranked_by_their_least_margin():
    result = plan(room(), screen=6)
    keys = [s.rank_key() for s in result.sites]
    assert keys == sorted(keys)
    assert all(s.model == "preview" for s in result.sites)


def test_stranded_capacity_names_what_strands_it():
    # row E: power 30 kW more (hand calculation above), fabric 63 free ports x 1.25 kW = 78.75
    layout = room(ups_kw=50)
    (row,) = stranded_table(layout, runner(), equipment_types(layout)["test-gpu"])
    assert row.racks == ["E1", "E2"] and row.load_kw == 10.0
    assert row.headroom_kw["power"] == pytest.approx(30.0, abs=0.5)
    assert row.headroom_kw["fabric"] == pytest.approx(63 * 1.25)
    assert row.headroom_kw["air"] > row.headroom_kw["power"]
    assert row.binding == "power" and row.usable_kw == pytest.approx(30.0, abs=0.5)
    assert row.stranded_kw()["fabric"] == pytest.approx(63 * 1.25 - row.usable_kw)


def test_growth_runs_out_in_the_months_worked_out_by_hand():
    # one 10 kW, 8-port rack a month. Power: 10 + 10 m <= 0.8 x 75 = 60 until m = 5.
    # Fabric: 44 ports, 1 link: 43 / 8 -> 5 racks, the 6th month finds no port.
    layout = room(ups_kw=75, leaf_ports=44, tile_x=(1.2, 6.0))
    run = grow(layout, Request("test-gpu", 1, per_rack=1), 8, runner(), screen=2)
    assert run.runs_out["power"] == 6
    assert run.runs_out["fabric"] == 6
    assert [m.month for m in run.months] == list(range(9))
    assert run.months[5].checks["power"].margin == pytest.approx(0.0, abs=1e-6)


def test_growth_stops_when_the_floor_runs_out():
    run = grow(room(**TWO_FREE), Request("test-gpu", 1, per_rack=1), 6, runner(), screen=1)
    assert run.runs_out["floor"] == 3 and run.stopped.startswith("month 3:")
    assert [m.racks for m in run.months] == [[], ["NEW1"], ["NEW2"]]


def test_parse_growth():
    assert parse_growth("4 x gb200-nvl72 per month") == Request("gb200-nvl72", 4)
    with pytest.raises(CapacityError, match='expected "N x MODEL per month"'):
        parse_growth("4 gb200 monthly")


def test_cli_capacity_json_and_errors(tmp_path, capsys):
    path = tmp_path / "room.yaml"
    path.write_text(room_text(ups_kw=40))
    out = tmp_path / "cap.json"
    code = main(["capacity", str(path), "--add", "test-gpu", "--count", "2", "--per-rack", "1",
                 "--confirm", "0", "--screen", "3", "--cell-m", "0.3", "--quiet", "--json", str(out)])
    assert code == 0
    data = json.loads(out.read_text())
    assert data["candidates"][0]["binding"] == "power"
    assert data["confirmed_with_accurate"] == 0 and data["screened_with_preview"] == 3
    assert data["stranded"][0]["row"] == "E"
    text = capsys.readouterr().out
    assert "binding" in text and "stranded capacity per row" in text
    assert main(["capacity", str(path), "--add", "test-gpx", "--quiet"]) == 2
    assert 'unknown equipment model "test-gpx"; did you mean "test-gpu"?' in capsys.readouterr().err
    assert main(["capacity", str(path), "--add", "test-gpu", "--chart", "c.svg", "--quiet"]) == 2
    assert "--chart goes with --growth" in capsys.readouterr().err
    assert main(["capacity", str(path), "--add", "test-gpu", "--per-rack", "1", "--confirm", "0",
                 "--screen", "1", "--cell-m", "0.3", "--quiet", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["count"] == 1     # JSON alone on stdout


def test_cli_growth_writes_a_chart(tmp_path, capsys):
    path = tmp_path / "room.yaml"
    path.write_text(room_text(**TWO_FREE))
    chart = tmp_path / "growth.svg"
    code = main(["capacity", str(path), "--growth", "1 x test-gpu per month", "--per-rack", "1",
                 "--months", "6", "--screen", "1", "--cell-m", "0.3", "--quiet",
                 "--chart", str(chart)])
    assert code == 0
    assert "floor   month 3" in capsys.readouterr().out
    svg = chart.read_text()
    assert svg.startswith("<svg") and "floor (out: month 3)" in svg


def test_servers_go_into_the_free_units_of_existing_racks():
    # E1 lists two 10U servers at U 1-20: 22 U free, room for two more (U 21-40), not three
    text = room_text(ups_kw=40).replace(
        'power_kw: 5, delta_t_k: 12}\n  - {id: E2',
        'delta_t_k: 12, equipment: [{model: test-gpu, position_u: 1, count: 2}]}\n  - {id: E2', 1)
    assert "equipment: [{model: test-gpu" in text
    layout = loads_layout(text)
    request = Request("test-gpu", 2, utilization_pct=100.0, into_racks=True)
    result = plan_capacity(layout, request, runner(), confirm=0, screen=2)
    (site,) = result.sites                           # E2 lists no equipment: no known free units
    assert site.into_rack == "E1"
    rack = site.placed.layout.rack("E1")
    assert [(e.position_u, e.units) for e in rack.equipment] == [(1, 2), (21, 2)]
    assert site.checks["floor"].margin == 2 and site.checks["floor"].unit == "U"
    # power: E1 16 kW typical + 20 kW new, E2 5 kW: 41 kW on one UPS after a failure, limit 32
    assert site.checks["power"].margin == pytest.approx(32.0 - 41.0)
    assert site.binding.resource == "power"
    # fabric: E1 already on LEAF-1: 64 - 1 link - 16 - 16 ports
    assert site.checks["fabric"].margin == 64 - 1 - 32
    assert plan_capacity(layout, Request("test-gpu", 3, into_racks=True), runner(),
                         confirm=0).sites == []


@pytest.mark.slow
def test_the_leading_candidates_are_confirmed_with_the_accurate_model():
    result = plan_capacity(room(ups_kw=40), Request("test-gpu", 2, per_rack=1), runner(),
                           screen=3, confirm=1)
    assert result.confirmed == 1
    assert [s.model for s in result.sites] == ["accurate", "preview", "preview"]
    assert "(accurate model)" in result.sites[0].checks["air"].detail


def test_rows_show_liquid_headroom_and_free_positions():
    """The liquid row's CDUs (900 kW each, one group) carry 8 x 102 kW of GB200 liquid heat:
    with either failed the other has 84 kW spare, 98.8 kW of electrical load at 85 % liquid.
    Without G7 and G8, 288 kW spare (338.8 kW), and one tile-grid position is free in their
    place: x 6.0 m; the row starts off the 0.6 m grid (x 2.0 m), so 5.4 m would overlap G6
    and 6.6 m the CDU cabinet at 7.0 m."""
    from twin.model import load_layout
    from twin.model.resources import bundled_file
    layout = load_layout(bundled_file("liquid_row.yaml"))
    kind = equipment_types(layout)["gb200-nvl72"]
    (row,) = stranded_table(layout, runner(), kind)
    assert row.headroom_kw["liquid"] == pytest.approx(84 / 0.85)
    assert row.free_positions == 0 and row.space_kw == 0.0
    layout.racks = [r for r in layout.racks if r.id not in ("G7", "G8")]
    for cdu in layout.liquid.cdus:
        cdu.racks = [r for r in cdu.racks if r not in ("G7", "G8")]
    (row,) = stranded_table(layout, runner(), kind)
    assert row.headroom_kw["liquid"] == pytest.approx(288 / 0.85)
    assert row.free_positions == 1 and row.space_kw == pytest.approx(132.0)


def test_every_candidate_is_a_valid_layout_also_when_it_faces_along_x():
    """Racks facing +-x are turned (1.2 m along x, 0.6 m along y) and stepped by their width:
    a candidate that kept the +-y footprint overlapped its own racks and left the room."""
    from twin.model import bundled_layout, load_layout
    hall = load_layout(bundled_layout("default_hall"))

    def box(item):
        (x, y), (sx, sy) = item.position_m, item.size_m[:2]
        return x, x + sx, y, y + sy

    def overlap(a, b):
        return min(a[1], b[1]) - max(a[0], b[0]) > 1e-6 and min(a[3], b[3]) - max(a[2], b[2]) > 1e-6
    plan = plan_capacity(hall, Request("gb200-nvl72", 2), Runner(cell_m=0.6, model="preview"),
                         confirm=0, screen=0)
    turned = [s for s in plan.sites if s.facing in ("+x", "-x")]
    assert turned
    for site in plan.sites:
        new = [r for r in site.placed.layout.racks if r.id in site.placed.rack_ids]
        for rack in new:
            along_x = rack.facing in ("+x", "-x")
            assert (rack.size_m[0] > rack.size_m[1]) == along_x, (rack.id, rack.facing, rack.size_m)
        lx, ly = hall.room.size_m[:2]
        standing = [box(r) for r in hall.racks] + [box(u) for u in hall.cooling_units]
        for k, rack in enumerate(new):
            b = box(rack)
            assert 0 <= b[0] and b[1] <= lx + 1e-9 and 0 <= b[2] and b[3] <= ly + 1e-9, rack
            assert not any(overlap(b, o) for o in standing + [box(r) for r in new[:k]]), rack
