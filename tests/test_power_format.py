"""Layout format: equipment, equipment_types and power keys read, check and write back exactly."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paths import C1
from twin.model import (Equipment, EquipmentType, LayoutError, Pdu, PowerChain, Site, Ups,
                        UtilityFeed, bundled_layout, dump_layout, load_layout, loads_layout,
                        refresh_rack_power, save_layout, validate_layout)
from twin.model.catalog import BUILTIN_TYPES, builtin_types
from twin.model.catalog.text import dump_types, loads_types


# The numbers on the right are the line numbers the assertions below rely on.
BASE = """\
dctwin: 1                             # 1
name: power room                      # 2
room:                                 # 3
  size_m: [6.0, 6.0, 3.0]             # 4
cooling_units:                        # 5
  - id: CRAH-1                        # 6
    position_m: [0.0, 1.8]            # 7
    size_m: [0.8, 2.4, 2.0]           # 8
    airflow_m3s: 2.5                  # 9
    supply_temp_c: 18.0               # 10
    fan_power_kw: 1.2                 # 11
tiles:                                # 12
  - area_m: {x: [2.4, 4.2], y: [2.4, 3.6]}
racks:                                # 14
  - id: A1                            # 15
    position_m: [2.4, 1.2]            # 16
    size_m: [0.6, 1.2, 2.0]           # 17
    facing: "+y"                      # 18
    delta_t_k: 12.0                   # 19
    equipment:                        # 20
      - {model: dgx-h100, position_u: 1, utilization_pct: 50}
      - {model: acme-1u, position_u: 9, count: 2}
  - id: A2                            # 23
    position_m: [3.0, 1.2]            # 24
    size_m: [0.6, 1.2, 2.0]           # 25
    facing: "+y"                      # 26
    power_kw: 5                       # 27
    delta_t_k: 12.0                   # 28
equipment_types:                      # 29
  - model: acme-1u                    # 30
    u_height: 1                       # 31
    max_power_kw: 0.6                 # 32
    typical_power_kw: 0.4             # 33
    liquid_heat_pct: 25               # 34
power:                                # 35
  utility_feeds:                      # 36
    - {id: UTIL-A, side: A}           # 37
    - {id: UTIL-B, side: B}           # 38
  ups:                                # 39
    - id: UPS-A                       # 40
      from: UTIL-A                    # 41
      rating_kw: 100                  # 42
      efficiency_pct: [[25, 95.0], [50, 96.5], [100, 96.0]]
  pdus:                               # 44
    - id: PDU-A                       # 45
      from: UPS-A                     # 46
      rating_kw: 30                   # 47
      racks: [A1, A2]                 # 48
    - id: PDU-B                       # 49
      from: UTIL-B                    # 50
      kind: busway                    # 51
      rating_kw: 30                   # 52
      racks: [A1, A2]                 # 53
  site:                               # 54
    other_kw: 1.5                     # 55
"""


PLAIN = BASE.split("equipment_types:")[0].replace(
    "      - {model: acme-1u, position_u: 9, count: 2}\n", "")


def edit(line_no: int, new: str) -> str:
    lines = BASE.splitlines()
    lines[line_no - 1] = new
    return "\n".join(lines) + "\n"


def error_of(text: str) -> LayoutError:
    with pytest.raises(LayoutError) as info:
        loads_layout(text, "room.yaml")
    return info.value


def test_base_reads_equipment_and_power():
    layout = loads_layout(BASE, "room.yaml")
    assert layout.warnings == []
    a1 = layout.racks[0]
    assert a1.equipment == [Equipment("dgx-h100", 1, utilization_pct=50),
                            Equipment("acme-1u", 9, count=2)]
    # DGX H100 at 50 %: 2.0 + (10.2 - 2.0) / 2 = 6.1 kW; two acme-1u at 0.4 kW, a quarter to liquid
    assert a1.power_kw == pytest.approx(6.1 + 0.8 * 0.75)
    assert layout.racks[1].power_kw == 5
    assert layout.cooling_units[0].fan_power_kw == 1.2
    assert layout.power.ups == [Ups("UPS-A", "UTIL-A", 100, ((25, 95.0), (50, 96.5), (100, 96.0)))]
    assert layout.power.pdus[1] == Pdu("PDU-B", "UTIL-B", 30, kind="busway", racks=["A1", "A2"])
    assert layout.power.site == Site(other_kw=1.5)


def test_base_round_trips_exactly():
    layout = loads_layout(BASE, "room.yaml")
    text = dump_layout(layout)
    back = loads_layout(text, "again.yaml")
    assert back == layout
    assert dump_layout(back) == text
    assert "\n    power_kw" not in text.split("- id: A1")[1].split("- id: A2")[0]   # derived


@pytest.mark.skipif(not C1.exists(), reason="reference room C1 not present")
def test_c1_is_unchanged_by_the_new_keys():
    text = C1.read_text()
    layout = loads_layout(text)
    assert layout.power is None and layout.equipment_types == []
    assert all(not r.equipment for r in layout.racks)
    assert dump_layout(layout) == text


@pytest.mark.parametrize("text, expected", [
    (edit(21, "      - {model: dgx-h10, position_u: 1}"),
     'room.yaml:21: racks[0].equipment[0].model: unknown equipment model "dgx-h10"; '
     'did you mean "dgx-h100"?'),
    (edit(21, "      - {model: dgx-h100, position_u: 0}"),
     "room.yaml:21: racks[0].equipment[0].position_u: must be a number >= 1 and <= 100 (got 0)"),
    (edit(22, "      - {model: acme-1u, position_u: 9, count: 1.5}"),
     "room.yaml:22: racks[0].equipment[1].count: must be a whole number >= 1 and <= 100 (got 1.5)"),
    (edit(21, "      - {model: dgx-h100, position_u: 1, utilization_pct: 120}"),
     "room.yaml:21: racks[0].equipment[0].utilization_pct: must be a number >= 0 and <= 100"),
    (edit(22, "      - {model: acme-1u, position_u: 5}"),
     'room.yaml:22: racks[0].equipment[1].position_u: "acme-1u" (1 U) at U 5 overlaps '
     'equipment[0] ("dgx-h100" at U 1-8)'),
    (edit(22, "      - {model: acme-1u, position_u: 41, count: 3}"),
     'room.yaml:22: racks[0].equipment[1].position_u: 3 x "acme-1u" (1 U each) at U 41-43 '
     "does not fit in the rack's 42 U"),
    (edit(22, "      - {modle: acme-1u, position_u: 9}"),
     'room.yaml:22: racks[0].equipment[1].modle: unknown key "modle"; did you mean "model"?'),
    (edit(19, "    power_kw: 4"),
     "room.yaml:19: racks[0].power_kw: leave power_kw out: a rack that lists equipment"),
    ("".join(l + "\n" for i, l in enumerate(BASE.splitlines(), 1) if i not in (21, 22))
     .replace("    equipment:   ", "    equipment: 3"),
     "room.yaml:20: racks[0].equipment: must be a list of equipment entries (got 3)"),
    (edit(33, "    typical_power_kw: 0.7"),
     "room.yaml:33: equipment_types[0].typical_power_kw: typical power 0.7 kW is above "
     "the maximum 0.6 kW"),
    (edit(34, "    liquid_heat_pct: 101"),
     "room.yaml:34: equipment_types[0].liquid_heat_pct: must be a number >= 0 and <= 100"),
    (edit(31, "    u_hieght: 1"), 'room.yaml:31: equipment_types[0].u_hieght: unknown key '
     '"u_hieght"; did you mean "u_height"?'),
    (edit(38, "    - {id: UTIL-B, side: C}"),
     'room.yaml:38: power.utility_feeds[1].side: must be one of "A", "B" (got "C")'),
    (edit(38, "    - {id: A2, side: B}"),
     'room.yaml:38: power.utility_feeds[1].id: duplicate id "A2" (already used by racks[1]'),
    (edit(41, "      from: UTIL-C"),
     'room.yaml:41: power.ups[0].from: unknown utility feed "UTIL-C"; did you mean'),
    (edit(42, "      rating_kw: 0"), "room.yaml:42: power.ups[0].rating_kw: must be a number > 0"),
    (edit(43, "      efficiency_pct: [[25, 95.0], [20, 96.5]]"),
     "room.yaml:43: power.ups[0].efficiency_pct[1][0]: load_pct must increase from point "
     "to point (got 20 after 25)"),
    (edit(43, "      efficiency_pct: [[25, 95.0]]"),
     "room.yaml:43: power.ups[0].efficiency_pct: must be a list of at least 2 "
     "[load_pct, efficiency_pct] points"),
    (edit(48, "      racks: [A1, A9]"),
     'room.yaml:48: power.pdus[0].racks[1]: unknown rack "A9"'),
    (edit(48, "      racks: [A1, A1]"), 'room.yaml:48: power.pdus[0].racks[1]: "A1" is listed twice'),
    (edit(50, "      from: PDU-A"),
     'room.yaml:50: power.pdus[1].from: unknown UPS or utility feed "PDU-A"'),
    (edit(51, "      kind: cable"), 'room.yaml:51: power.pdus[1].kind: must be one of "pdu", '
     '"busway" (got "cable")'),
    (edit(55, "    other_kwh: 1.5"),
     'room.yaml:55: power.site.other_kwh: unknown key "other_kwh"; did you mean "other_kw"?'),
    (edit(11, "    fan_power_kw: -1"),
     "room.yaml:11: cooling_units[0].fan_power_kw: must be a number >= 0 and <= 500 (got -1)"),
    (edit(36, "  utility_feed:"),
     'room.yaml:36: power.utility_feed: unknown key "utility_feed"; did you mean "utility_feeds"?'),
])
def test_new_keys_fail_with_file_line_and_field(text, expected):
    assert str(error_of(text)).startswith(expected)


def test_rack_without_power_or_equipment_still_needs_power_kw():
    text = BASE.replace("    power_kw: 5                       # 27\n", "")
    assert str(error_of(text)).startswith('room.yaml:23: racks[1].power_kw: missing required key')


def test_unconnected_rack_and_reversed_airflow_are_warnings():
    text = edit(53, "      racks: [A1]").replace("racks: [A1, A2]                 # 48",
                                                  "racks: [A1]")
    text = text.replace("    liquid_heat_pct: 25", "    liquid_heat_pct: 25\n    airflow: rear-to-front")
    warnings = [str(w) for w in loads_layout(text, "room.yaml").warnings]
    assert any('racks[1].id: rack "A2" has no power connection' in w for w in warnings)
    assert any("racks[0].equipment[1].model" in w and "rear-to-front" in w for w in warnings)


def test_edited_equipment_needs_a_power_refresh(tmp_path):
    layout = loads_layout(BASE, "room.yaml")
    layout.racks[0].equipment[0].utilization_pct = 100
    with pytest.raises(LayoutError, match=r"racks\[0\]\.power_kw: is .*refresh_rack_power"):
        save_layout(layout, tmp_path / "room.yaml")
    refresh_rack_power(layout)
    assert layout.racks[0].power_kw == pytest.approx(10.2 + 0.6)
    save_layout(layout, tmp_path / "room.yaml")
    assert load_layout(tmp_path / "room.yaml") == layout


def test_edited_power_chain_is_checked():
    layout = loads_layout(BASE, "room.yaml")
    layout.power.pdus[0].racks.append("Z9")
    layout.power.ups[0].rating_kw = -1
    with pytest.raises(LayoutError) as info:
        validate_layout(layout)
    assert [e.field for e in info.value.errors] == ["power.ups[0].rating_kw"]
    layout.power.ups[0].rating_kw = 100
    with pytest.raises(LayoutError, match=r'power\.pdus\[0\]\.racks\[2\]: unknown rack "Z9"'):
        validate_layout(layout)


def test_empty_power_section_and_defaults_round_trip():
    for tail, expected in (("power: {}\n", PowerChain()), ("power:\n", None)):
        layout = loads_layout(PLAIN + tail)
        assert layout.power == expected
        assert loads_layout(dump_layout(layout)) == layout


def test_bundled_catalog_is_valid_and_round_trips():
    text = dump_types(BUILTIN_TYPES)
    assert loads_types(text, "catalog.yaml") == list(BUILTIN_TYPES)
    types = builtin_types()
    for model in ("dgx-h100", "dgx-b200", "hgx-h200-8gpu", "gb200-nvl72", "cpu-server-1u",
                  "ib-switch-ndr-1u"):
        kind = types[model]
        assert kind.source and kind.u_height > 0 and kind.airflow
        assert kind.idle_kw <= kind.typical_kw <= kind.max_power_kw
    assert types["dgx-h100"].max_power_kw == 10.2 and types["dgx-h100"].accelerators == 8
    assert types["dgx-b200"].max_power_kw == 14.3
    assert types["gb200-nvl72"].accelerators == 72 and types["gb200-nvl72"].liquid_heat_pct > 50


def test_layout_types_override_the_bundled_catalog():
    text = BASE.replace("  - model: acme-1u                    # 30",
                        "  - model: dgx-h100\n    u_height: 8\n    max_power_kw: 4\n"
                        "  - model: acme-1u")
    layout = loads_layout(text)
    assert layout.racks[0].power_kw == pytest.approx(0.4 * 4 + 0.6 * 4 * 0.5 + 0.8 * 0.75)


def test_bundled_layouts_with_power_load_cleanly():
    for name in ("air_hall", "ab_failover_room"):
        layout = load_layout(bundled_layout(name))
        assert layout.warnings == []
        assert layout.power is not None
        assert loads_layout(dump_layout(layout)) == layout


def test_default_hall_racks_are_unchanged():
    layout = load_layout(bundled_layout("air_hall"))
    assert len(layout.racks) == 48 and layout.it_power_kw == 968
    assert all(not r.equipment for r in layout.racks)
    assert {rid for p in layout.power.pdus for rid in p.racks} == {r.id for r in layout.racks}


IDS = st.text("ABCXYZ-_ 01:,#[]{}\"'", min_size=1, max_size=6).filter(lambda s: s.strip())
NUMBER = st.one_of(st.integers(1, 5000), st.floats(0.5, 5000, allow_nan=False))


@st.composite
def chains(draw) -> tuple[PowerChain, list[str]]:
    """Random valid power chains over a few racks with awkward ids."""
    ids = draw(st.lists(IDS, min_size=6, max_size=6, unique=True))
    racks = ids[4:]
    feeds = [UtilityFeed(ids[0], "A", draw(st.none() | NUMBER)), UtilityFeed(ids[1], "B")]
    curve = draw(st.none() | st.just(((0, 80.0), (50.5, 96.25), (100, 96))))
    ups = [Ups(ids[2], ids[0], draw(NUMBER), curve)]
    pdus = [Pdu(ids[3], draw(st.sampled_from([ids[1], ids[2]])), draw(NUMBER),
                draw(st.sampled_from(["pdu", "busway"])), draw(st.none() | st.floats(0, 20)),
                draw(st.lists(st.sampled_from(racks), unique=True)))]
    site = Site(other_kw=draw(st.none() | NUMBER), currency=draw(st.none() | IDS))
    return PowerChain(draw(st.none() | st.just(75)), feeds, ups, pdus, site=site), racks


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chains(), st.lists(st.integers(1, 40), min_size=2, max_size=2))
def test_any_power_chain_round_trips(chain_racks, positions):
    chain, rack_ids = chain_racks
    layout = loads_layout(PLAIN)
    for rack, rack_id in zip(layout.racks, rack_ids):
        rack.id = rack_id
    layout.racks[0].equipment = [Equipment("cpu-server-1u", positions[0], count=2),
                                 Equipment("mgmt-switch-1u", 43, utilization_pct=12.5)]
    layout.racks[0].height_u = 44
    layout.racks[0].equipment[0].position_u = min(positions)
    layout.racks[0].equipment[0].count = None
    layout.power = chain
    layout.equipment_types = [EquipmentType("x:y", 0.5, 1.0, name="a, b", airflow="passive")]
    refresh_rack_power(layout)
    validate_layout(layout)
    text = dump_layout(layout)
    back = loads_layout(text, "generated.yaml")
    assert back == layout
    assert dump_layout(back) == text
