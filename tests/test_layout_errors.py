"""Every kind of bad layout gives one `file:line: field: message` line, at the right line."""
from __future__ import annotations

import pytest

from twin.model import LayoutError, load_layout, loads_layout

# The numbers on the right are the line numbers the assertions below rely on.
BASE = """\
dctwin: 1                             # 1
name: test room                       # 2
room:                                 # 3
  size_m: [6.0, 6.0, 3.0]             # 4
  tile_m: 0.6                         # 5
cooling_units:                        # 6
  - id: CRAH-1                        # 7
    position_m: [0.0, 1.8]            # 8
    size_m: [0.8, 2.4, 2.0]           # 9
    airflow_m3s: 2.5                  # 10
    supply_temp_c: 18.0               # 11
tiles:                                # 12
  - area_m: {x: [2.4, 4.2], y: [2.4, 3.6]}
racks:                                # 14
  - id: A1                            # 15
    position_m: [2.4, 1.2]            # 16
    size_m: [0.6, 1.2, 2.0]           # 17
    facing: "+y"                      # 18
    power_kw: 5                       # 19
    delta_t_k: 12.0                   # 20
  - id: A2                            # 21
    position_m: [3.0, 1.2]            # 22
    size_m: [0.6, 1.2, 2.0]           # 23
    facing: "+y"                      # 24
    power_kw: 5                       # 25
    delta_t_k: 12.0                   # 26
  - id: B1                            # 27
    position_m: [2.4, 3.6]            # 28
    size_m: [0.6, 1.2, 2.0]           # 29
    facing: "-y"                      # 30
    power_kw: 5                       # 31
    airflow_m3s: 0.35                 # 32
"""


def edit(line_no: int, new: str, insert: bool = False) -> str:
    """BASE with line `line_no` replaced (or `new` inserted after it)."""
    lines = BASE.splitlines()
    if insert:
        lines.insert(line_no, new)
    else:
        lines[line_no - 1] = new
    return "\n".join(lines) + "\n"


def error_of(text: str) -> LayoutError:
    with pytest.raises(LayoutError) as info:
        loads_layout(text, "room.yaml")
    return info.value


def test_base_loads_without_warnings():
    layout = loads_layout(BASE, "room.yaml")
    assert [r.id for r in layout.racks] == ["A1", "A2", "B1"]
    assert layout.racks[2].airflow_m3s == 0.35
    assert layout.warnings == []


CASES = [
    (edit(19, '    power_kw: "8kw"'), 'room.yaml:19: racks[0].power_kw: must be a number >= 0 and <= 1000 (got "8kw")'),
    (edit(19, "    power_kw: -5"), "room.yaml:19: racks[0].power_kw: must be a number >= 0 and <= 1000 (got -5)"),
    (edit(19, "    power_kw: .nan"), "room.yaml:19: racks[0].power_kw: must be a number >= 0 and <= 1000 (got nan)"),
    (edit(19, "    power_kw: true"), "room.yaml:19: racks[0].power_kw: must be a number >= 0 and <= 1000 (got true)"),
    (edit(19, "    powr_kw: 5"), 'room.yaml:19: racks[0].powr_kw: unknown key "powr_kw"; did you mean "power_kw"?'),
    (edit(14, "rackz:"), 'room.yaml:14: rackz: unknown key "rackz"; did you mean "racks"?'),
    (edit(5, "  tile_mm: 0.6"), 'room.yaml:5: room.tile_mm: unknown key "tile_mm"; did you mean "tile_m"?'),
    (edit(1, "dctwin: 3"), "room.yaml:1: dctwin: this file uses layout format version 3, but this "
     "program reads only up to version 2; update dctwin to open it"),
    (edit(1, "# no version"), 'room.yaml:2: dctwin: missing required key "dctwin" '
     '(the format version; start the file with "dctwin: 1")'),
    (edit(1, "dctwin: 1.0"), "room.yaml:1: dctwin: must be an integer format version such as 1 (got 1.0)"),
    (edit(19, "    # no power"), 'room.yaml:15: racks[0].power_kw: missing required key "power_kw"'),
    (edit(17, "    size_m: big"), 'room.yaml:17: racks[0].size_m: must be a list of 3 numbers > 0 (got "big")'),
    (edit(17, "    size_m: [0.6, 1.2]"), "room.yaml:17: racks[0].size_m: must be a list of 3 numbers > 0 "
     "(got [0.6, 1.2])"),
    (edit(17, "    size_m: [0.6, -1.2, 2.0]"), "room.yaml:17: racks[0].size_m[1]: must be a number > 0 (got -1.2)"),
    (edit(4, "  size_m: [6.0, 6.0, 0]"), "room.yaml:4: room.size_m[2]: must be a number > 0 (got 0)"),
    (edit(5, "  tile_m: 0"), "room.yaml:5: room.tile_m: must be a number > 0 and <= 10 (got 0)"),
    (edit(10, "    airflow_m3s: 0"), "room.yaml:10: cooling_units[0].airflow_m3s: must be a number > 0 and <= 100 (got 0)"),
    (edit(11, '    supply_temp_c: "cold"'), 'room.yaml:11: cooling_units[0].supply_temp_c: must be a number >= 0 and <= 50 '
     '(got "cold")'),
    (edit(20, "    delta_t_k: 0"), "room.yaml:20: racks[0].delta_t_k: must be a number >= 1 and <= 60 (got 0)"),
    (edit(20, "    airflow_m3s: 0.4", insert=True), "room.yaml:21: racks[0].airflow_m3s: give exactly one "
     "of delta_t_k or airflow_m3s, not both"),
    (edit(20, "    # no rise"), "room.yaml:15: racks[0]: give exactly one of delta_t_k (air temperature "
     "rise, K) or airflow_m3s (m3/s); neither is set"),
    (edit(18, '    facing: "+z"'), 'room.yaml:18: racks[0].facing: must be one of "+x", "-x", "+y", "-y" '
     '(got "+z")'),
    (edit(11, "    state: broken", insert=True), 'room.yaml:12: cooling_units[0].state: must be one of '
     '"running", "failed" (got "broken")'),
    (edit(11, "    return: bottom", insert=True), 'room.yaml:12: cooling_units[0].return: must be one of '
     '"top", "rear" (got "bottom")'),
    (edit(2, "ashrae_class: A5"), 'room.yaml:2: ashrae_class: must be one of "A1", "A2", "A3", "A4", "H1" '
     '(got "A5")'),
    (edit(15, "  - id: 101"), 'room.yaml:15: racks[0].id: must be text (got 101; quote it: "101")'),
    (edit(27, "  - id: A1"), 'room.yaml:27: racks[2].id: duplicate id "A1" (already used by racks[0] at '
     "line 15); ids must be unique across the whole file"),
    (edit(27, "  - id: CRAH-1"), 'room.yaml:27: racks[2].id: duplicate id "CRAH-1" (already used by '
     "cooling_units[0] at line 7); ids must be unique across the whole file"),
    (edit(28, "    position_m: [5.6, 3.6]"), 'room.yaml:28: racks[2].position_m: rack "B1" spans x '
     "5.6..6.2 m, outside the room (x 0..6 m)"),
    (edit(28, "    position_m: [2.4, -0.2]"), 'room.yaml:28: racks[2].position_m: rack "B1" spans y '
     "-0.2..1 m, outside the room (y 0..6 m)"),
    (edit(29, "    size_m: [0.6, 1.2, 3.2]"), "room.yaml:29: racks[2].size_m: height 3.2 m is above the "
     "room height 3 m"),
    (edit(28, "    position_m: [2.8, 1.6]"), 'room.yaml:28: racks[2].position_m: rack "B1" overlaps rack '
     '"A1" (racks[0]) by 0.2 x 0.8 m'),
    (edit(8, "    position_m: [1.8, 0.0]"), 'room.yaml:16: racks[0].position_m: rack "A1" overlaps '
     'cooling unit "CRAH-1" (cooling_units[0]) by 0.2 x 1.2 m'),
    (edit(13, "  - area_m: {x: [2.4, 6.6], y: [2.4, 3.6]}"), "room.yaml:13: tiles[0].area_m.x: tile area "
     "spans x 2.4..6.6 m, outside the room (x 0..6 m)"),
    (edit(13, "  - area_m: {x: [4.2, 2.4], y: [2.4, 3.6]}"), "room.yaml:13: tiles[0].area_m.x: must be "
     "[low, high] with low < high (got [4.2, 2.4])"),
    (edit(13, "  - area_m: {x: [2.4, 4.2]}"), 'room.yaml:13: tiles[0].area_m.y: missing required key "y"'),
    (edit(20, "    power_kw: 6"), 'room.yaml:20: racks[0].power_kw: duplicate key "power_kw" '
     "(first given at line 19)"),
    (edit(5, "\ttile_m: 0.6"), "room.yaml:5: YAML syntax error: while scanning for the next token: "
     "found character '\\t' that cannot start any token"),
    (edit(10, "    airflow_m3s: [2.5"), "room.yaml:11: YAML syntax error: while parsing a flow sequence: "
     "expected ',' or ']', but got ':'"),
    (edit(15, "  - id: !!python/object:os.system A1"), "room.yaml:15: unsupported YAML (only plain safe "
     "YAML is read): could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object:os.system'"),
    (edit(14, "racks: 5"), "room.yaml:15: YAML syntax error: mapping values are not allowed here"),
    (edit(3, "room: [6, 6, 3]") .replace("  size_m: [6.0, 6.0, 3.0]             # 4\n  tile_m: 0.6 "
                                         "                        # 5\n", ""),
     "room.yaml:3: room: must be a mapping of size_m and tile_m (got a list)"),
    ("", 'room.yaml:1: the file is empty; a layout starts with "dctwin: 1"'),
    ("- 1\n", "room.yaml:1: must be a mapping with keys dctwin, room, racks, ... (got a list)"),
    (BASE + "---\ndctwin: 1\n", "room.yaml:33: YAML syntax error: expected a single document in the "
     "stream: but found another document"),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[1].split(": ", 2)[1][:40] for c in CASES])
def test_error_names_file_line_field(text, expected):
    err = error_of(text)
    assert str(err) == expected
    assert "\n" not in str(err)


def test_error_attributes():
    err = error_of(edit(19, '    power_kw: "8kw"'))
    assert (err.path, err.line, err.field) == ("room.yaml", 19, "racks[0].power_kw")
    assert err.message == 'must be a number >= 0 and <= 1000 (got "8kw")'
    assert err.errors == [err]


def test_unknown_key_without_near_match_lists_known_keys():
    err = error_of(edit(19, "    colour: red"))
    assert err.line == 19 and err.field == "racks[0].colour"
    assert err.message.startswith('unknown key "colour"; known keys here: id, position_m, size_m')


def test_all_geometry_errors_are_collected_in_file_order():
    text = edit(28, "    position_m: [2.8, 1.6]")
    text = text.replace("  - id: A2 ", "  - id: A1 ")
    err = error_of(text)
    assert [(e.line, e.field) for e in err.errors] == [
        (21, "racks[1].id"), (28, "racks[2].position_m"), (28, "racks[2].position_m")]


def test_newer_version_is_refused_before_unknown_keys():
    text = edit(1, "dctwin: 3") + "pdus:\n  - id: P1\n"
    assert "version 3" in error_of(text).message


def test_touching_faces_and_walls_are_fine():
    layout = loads_layout(edit(28, "    position_m: [5.4, 4.8]"), "room.yaml")  # corner at (6, 6)
    assert layout.racks[2].position_m == (5.4, 4.8)


def test_rack_on_tiles_is_a_warning():
    layout = loads_layout(edit(28, "    position_m: [3.6, 3.0]"), "room.yaml")
    assert [str(w) for w in layout.warnings] == [
        'room.yaml:28: racks[2].position_m: rack "B1" stands on tile area tiles[0]: '
        "the 0.36 m2 of tiles it covers are blocked"]
    assert layout.warnings[0].line == 28


def test_room_without_running_unit_loads():
    layout = loads_layout(edit(11, "    state: failed", insert=True), "room.yaml")
    assert not any(u.running for u in layout.cooling_units)


def test_room_without_units_at_all_loads():
    lines = BASE.splitlines(keepends=True)
    text = "".join(lines[:5]) + "cooling_units: []\n" + "".join(lines[11:])
    layout = loads_layout(text, "room.yaml")
    assert layout.cooling_units == [] and len(layout.racks) == 3


def test_missing_file_is_a_layout_error(tmp_path):
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(LayoutError) as info:
        load_layout(path)
    assert info.value.path == str(path) and info.value.line is None
    assert str(info.value).startswith(f"{path}: cannot read the file")


def test_non_utf8_file_is_a_layout_error(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(BASE.replace("test room", "caf\u00e9").encode("latin-1"))
    with pytest.raises(LayoutError) as info:
        load_layout(path)
    assert info.value.line == 2 and "UTF-8" in info.value.message


def test_alias_cycle_is_refused():
    err = error_of(BASE.replace("name: test room", "name: &n [*n]"))
    assert err.line == 2


def test_merge_keys_work_like_safe_load():
    lines = BASE.splitlines(keepends=True)
    text = "".join(lines[:14]) + """\
  - &a1
    id: A1
    position_m: [2.4, 1.2]
    size_m: [0.6, 1.2, 2.0]
    facing: "+y"
    power_kw: 5
    delta_t_k: 12.0
  - <<: *a1
    id: A2
    position_m: [3.0, 1.2]
"""
    layout = loads_layout(text, "room.yaml")
    assert layout.racks[1].facing == "+y" and layout.racks[1].power_kw == 5
    assert layout.racks[1].position_m == (3.0, 1.2)
