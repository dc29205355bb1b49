"""Layout format 2: reading, checking (file:line:field errors) and writing the new keys;
format-1 files stay format 1."""
from __future__ import annotations

import pytest

from twin.model import (Box, LayoutError, Obstacle, bundled_layout, bundled_layout_names,
                        containment_panels, dump_layout, load_layout, loads_layout, save_layout)

# The numbers on the right are the line numbers the assertions below rely on.
BASE = """\
dctwin: 2                             # 1
name: test room                       # 2
room:                                 # 3
  size_m: [6.0, 6.0, 3.0]             # 4
cooling_units:                        # 5
  - id: IRC-1                         # 6
    kind: inrow                       # 7
    position_m: [1.8, 1.2]            # 8
    size_m: [0.3, 1.2, 2.0]           # 9
    facing: "-y"                      # 10
    airflow_m3s: 2.0                  # 11
    supply_temp_c: 20.0               # 12
    return: rear                      # 13
    supply_zone_m: {z: [0.1, 1.9], width_m: 0.3}
racks:                                # 15
  - id: A1                            # 16
    position_m: [1.2, 1.2]            # 17
    size_m: [0.6, 1.2, 2.0]           # 18
    facing: "-y"                      # 19
    power_kw: 5                       # 20
    delta_t_k: 12.0                   # 21
    air_zone_m: {z: [0.3, 1.77], width_m: 0.45}
    rear_door: {capacity_kw: 30, water_supply_c: 18, approach_k: 3}
obstacles:                            # 24
  - id: beam-1                        # 25
    box_m: {x: [2.5, 2.75], y: [0, 6.0], z: [2.65, 3.0]}
containment:                          # 27
  - id: HAC-1                         # 28
    kind: hot                         # 29
    aisle_m: {x: [1.2, 4.8], y: [2.4, 3.6]}
    height_m: 2.0                     # 31
    roof: true                        # 32
    doors: [-x, +x]                   # 33
    door_gap_m: 0.1                   # 34
sensors:                              # 35
  - id: S1                            # 36
    kind: air_temperature             # 37
    position_m: [1.5, 1.1, 0.4]       # 38
"""


def edit(line: int, new: str) -> str:
    """BASE with one line replaced (1-based)."""
    lines = BASE.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


def error_of(text: str) -> LayoutError:
    with pytest.raises(LayoutError) as err:
        loads_layout(text, "room.yaml")
    return err.value


def test_the_format2_example_loads_and_round_trips():
    layout = loads_layout(BASE, "room.yaml")
    unit, rack = layout.cooling_units[0], layout.racks[0]
    assert unit.inrow and unit.facing == "-y" and unit.return_ == "rear"
    assert unit.supply_zone_m.width_m == 0.3 and rack.air_zone_m.z_m == (0.3, 1.77)
    assert rack.rear_door.floor_c == 21.0
    assert layout.obstacles[0].box_m.z_m == (2.65, 3.0)
    assert layout.containment[0].doors == ["-x", "+x"]
    assert layout.sensors[0].position_m == (1.5, 1.1, 0.4)
    text = dump_layout(layout)
    assert text.startswith("dctwin: 2\n")
    again = loads_layout(text)
    assert again == layout and dump_layout(again) == text


@pytest.mark.parametrize("text, expected", [
    (edit(7, "    kind: inrows"), 'room.yaml:7: cooling_units[0].kind: must be one of "crah", '
     '"inrow" (got "inrows")'),
    (edit(10, "    facin: \"-y\""), 'room.yaml:10: cooling_units[0].facin: unknown key "facin"; '
     'did you mean "facing"?'),
    (edit(14, "    supply_zone_m: {z: [1.9, 0.1], width_m: 0.3}"),
     "room.yaml:14: cooling_units[0].supply_zone_m.z: must be [low, high] with low < high "
     "(got [1.9, 0.1])"),
    (edit(22, "    air_zone_m: {z: [0.3, 1.77], width: 0.45}"),
     'room.yaml:22: racks[0].air_zone_m.width: unknown key "width"; did you mean "width_m"?'),
    (edit(22, "    air_zone_m: {z: [0.3, 1.77], width_m: 0.9}"),
     "room.yaml:22: racks[0].air_zone_m.width_m: zone 0.9 m wide (offset 0 m) does not fit in "
     "the 0.6 m wide face"),
    (edit(23, "    rear_door: {capacity_kw: -1, water_supply_c: 18}"),
     "room.yaml:23: racks[0].rear_door.capacity_kw: must be a number >= 0 (got -1)"),
    (edit(26, "    box_m: {x: [2.5, 2.75], y: [0, 6.0], z: [2.65, 3.5]}"),
     'room.yaml:26: obstacles[0].box_m: obstacle "beam-1" spans z 2.65..3.5 m, outside the '
     "room (z 0..3 m)"),
    (edit(26, "    box_m: {x: [1.3, 1.5], y: [1.0, 1.5], z: [1.0, 3.0]}"),
     'room.yaml:26: obstacles[0].box_m: obstacle "beam-1" overlaps rack "A1" (racks[0]) by '
     "0.2 x 0.3 x 1 m"),
    (edit(29, "    kind: warm"), 'room.yaml:29: containment[0].kind: must be one of "hot", '
     '"cold" (got "warm")'),
    (edit(33, "    doors: [-x, x]"), "room.yaml:33: containment[0].doors[1]: must be one of "
     '-x, +x, -y, +y (got "x")'),
    (edit(32, "    roof: yes please"), 'room.yaml:32: containment[0].roof: must be true or '
     'false (got "yes please")'),
    (edit(31, "    height_m: 2.95"), "room.yaml:31: containment[0].height_m: the roof panel on "
     "top of 2.95 m does not fit under the 3 m ceiling"),
    (edit(37, "    kind: humidity"), 'room.yaml:37: sensors[0].kind: must be one of '
     '"air_temperature" (got "humidity")'),
    (edit(36, "  - id: A1"), 'room.yaml:36: sensors[0].id: duplicate id "A1" (already used by '
     "racks[0] at line 16); ids must be unique across the whole file"),
    (edit(1, "dctwin: 1"), 'room.yaml:7: cooling_units[0].kind: is a layout format 2 key, but '
     'the file says "dctwin: 1"; change the first line to "dctwin: 2"'),
    (edit(7, "    kind: crah"), 'room.yaml:7: cooling_units[0]: only an in-row unit '
     '(kind: inrow) takes "facing"; a floor unit supplies through the tiles'.replace(
         "room.yaml:7: cooling_units[0]: ", "room.yaml:10: cooling_units[0].facing: ")),
    (edit(10, "    state: running"), 'room.yaml:6: cooling_units[0]: an in-row unit needs '
     '"facing" (the direction its supply face looks: +x, -x, +y or -y)'),
])
def test_bad_format2_values_name_file_line_field(text, expected):
    assert str(error_of(text)) == expected


def test_a_format1_file_using_a_format2_key_must_say_dctwin_2():
    lines = edit(1, "dctwin: 1").splitlines()
    text = "\n".join(line for n, line in enumerate(lines, 1) if n not in (7, 10, 13, 14)) + "\n"
    err = error_of(text)
    assert err.line == 22 - 4
    assert err.field == "racks[0].air_zone_m" and "dctwin: 2" in err.message


@pytest.mark.parametrize("name", [n for n in bundled_layout_names()
                                  if load_layout(bundled_layout(n)).version == 1])
def test_format1_files_stay_format1_byte_for_byte(name, tmp_path):
    layout = load_layout(bundled_layout(name))
    text = dump_layout(layout)
    assert text.startswith("dctwin: 1\n")
    for key in ("kind: crah", "kind: inrow", "obstacles", "containment", "sensors", "air_zone_m",
                "rear_door", "return: rear"):
        assert key not in text
    path = tmp_path / "room.yaml"
    path.write_text(text)
    save_layout(load_layout(path), path)
    assert path.read_text() == text
    assert (tmp_path / "room.yaml.bak").read_text() == text


def test_saving_a_format1_layout_with_an_obstacle_writes_format2(tmp_path):
    layout = load_layout(bundled_layout("small_room"))
    layout.obstacles.append(Obstacle("duct", Box((0.0, 0.6), (0.0, 0.6), (2.5, 2.8))))
    path = tmp_path / "room.yaml"
    save_layout(layout, path)
    assert path.read_text().startswith("dctwin: 2\n") and layout.version == 2
    assert load_layout(path).obstacles == layout.obstacles


def test_containment_expands_to_the_reference_panels():
    layout = loads_layout(BASE)
    panels = dict(containment_panels(layout.containment[0], layout.room.size_m))
    assert set(panels) == {"door -x", "door +x", "roof"}
    assert panels["door -x"].x_m == pytest.approx((1.1, 1.2))
    assert panels["door -x"].z_m == pytest.approx((0.1, 2.1))      # gap up to the roof's top
    assert panels["door +x"].x_m == pytest.approx((4.8, 4.9))
    assert panels["roof"].x_m == pytest.approx((1.1, 4.9))          # door to door
    assert panels["roof"].y_m == (2.4, 3.6) and panels["roof"].z_m == pytest.approx((2.0, 2.1))
    layout.containment[0].roof = False
    no_roof = dict(containment_panels(layout.containment[0]))
    assert set(no_roof) == {"door -x", "door +x"}
    assert no_roof["door -x"].z_m == pytest.approx((0.1, 2.0))


def test_the_bundled_format2_example_loads_without_warnings():
    layout = load_layout(bundled_layout("contained_inrow_room"))
    assert layout.version == 2 and not layout.warnings
    assert sum(1 for u in layout.cooling_units if u.inrow and not u.running) == 1
    assert layout.obstacles and layout.containment and layout.sensors
    assert any(r.air_zone_m for r in layout.racks) and any(r.rear_door for r in layout.racks)


def test_a_rear_door_built_in_a_script_is_checked_like_one_read_from_a_file():
    from twin.model import RearDoor, validate_layout
    layout = loads_layout(BASE, "room.yaml")
    rack = layout.racks[0]
    rack.rear_door = RearDoor(capacity_kw=30, water_supply_c=18, approach_k=None)
    assert rack.rear_door.approach_k == 0.0      # None is "no approach", as when omitted
    validate_layout(layout)
    assert "approach_k: 0.0" in dump_layout(layout)
    assert loads_layout(dump_layout(layout)).racks[0].rear_door.floor_c == 18.0
    rack.rear_door.approach_k = -2.0
    with pytest.raises(LayoutError) as err:
        validate_layout(layout, "room.yaml")
    assert str(err.value) == "room.yaml: racks[0].rear_door.approach_k: must be a number >= 0 (got -2.0)"


def test_an_aisle_that_must_pass_its_surplus_through_door_gaps_is_warned_about():
    from rooms_v2 import contained
    from twin.geometry.aisles import aisle_leaks
    rack_m3s = 5000.0 / (1.19 * 1006.0 * 12.0)
    balanced = contained(qa=0.9, qb=0.9, gap=0.1)
    leak = aisle_leaks(balanced)[0]
    assert leak.net_in_m3s == pytest.approx(4 * rack_m3s - 1.8, rel=1e-9)   # 4 rears in, 2 returns out
    assert leak.open_m2 == pytest.approx(2 * 0.1 * 1.2)                       # the rows close the sides
    assert not [w for w in balanced.warnings if "aisle" in w.message]
    starved = contained(qb=0.1, gap=0.01, state_a="failed")                    # a failed unit is solid
    leak = aisle_leaks(starved)[0]
    assert leak.net_in_m3s == pytest.approx(4 * rack_m3s - 0.1, rel=1e-9)
    assert leak.speed_ms == pytest.approx(leak.net_in_m3s / 0.024)
    warning = next(w for w in starved.warnings if "HAC" in w.message)
    assert warning.field == "containment[0]" and "return path" in warning.message


@pytest.mark.parametrize("name", ["default_hall", "contained_inrow_room", "raised_floor_hall"])
def test_bundled_contained_aisles_have_a_way_out(name):
    layout = load_layout(bundled_layout(name))
    assert not [w for w in layout.warnings if "return path" in w.message]
