"""Saving over a hand-written layout keeps its comments, order and spelling; only edits change."""
import copy

import pytest

from twin import commands as C
from twin.model import bundled_layout, dump_layout, layout_text, load_layout, loads_layout, save_layout
from twin.model.splice import splice_layout_text

HAND = """\
# Hand-written test room.
# Keep these notes!

dctwin: 1
name: 'hand room'     # quoted on purpose
room:
  size_m: [6.0, 6.0, 3.0]   # x, y, z
  tile_m: 0.60
air:
  density_kgm3: 1.19
  cp_jkgk: 1006
cooling_units:
- id: CRAH-1            # the only unit
  position_m: [0.0, 1.8]
  size_m: [0.8, 2.4, 2.0]
  airflow_m3s: 2.50
  supply_temp_c: 18
tiles:
  - area_m: {x: [2.4, 4.2], y: [2.4, 3.6]}

racks:
  # row A, facing north
  - id: A1
    position_m: [2.4, 1.2]   # first
    size_m: [0.6, 1.2, 2.0]
    facing: '+y'
    power_kw: 5
    delta_t_k: 12.0
  # A2 is the storage rack
  - id: A2
    position_m: [3.0, 1.2]
    size_m: [0.6, 1.2, 2.0]
    facing: "+y"
    power_kw: 5   # kW
    delta_t_k: 12.0
  - {id: A3, position_m: [3.6, 1.2], size_m: [0.6, 1.2, 2.0], facing: "+y", power_kw: 5, delta_t_k: 12.0}
  # row B
  - id: B1
    position_m: [2.4, 3.6]
    size_m: [0.6, 1.2, 2.0]
    facing: "-y"
    power_kw: 5
    delta_t_k: 12.0
# end of racks
"""


def comments(text):
    return [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]


@pytest.fixture
def hand_file(tmp_path):
    path = tmp_path / "hand.yaml"
    path.write_text(HAND)
    return path


def test_an_unedited_hand_written_file_saves_byte_for_byte(hand_file):
    save_layout(load_layout(hand_file), hand_file)
    assert hand_file.read_text() == HAND


def test_move_add_and_delete_keep_every_comment_and_load_back_right(hand_file):
    layout = load_layout(hand_file)
    stack = C.CommandStack(layout)
    stack.push(C.move(layout, "A1", (1.8, 1.2)))
    stack.push(C.move(layout, "A3", (4.2, 1.2)))
    stack.push(C.delete(layout, "A2"))
    new = copy.deepcopy(layout.rack("B1"))
    new.id, new.position_m = "N1", (4.2, 3.6)
    stack.push(C.AddItem(new))
    save_layout(layout, hand_file)
    text = hand_file.read_text()
    back = load_layout(hand_file)
    assert back == layout
    assert [r.id for r in back.racks] == ["A1", "A3", "B1", "N1"]
    assert back.rack("A1").position_m == (1.8, 1.2) and back.rack("N1").position_m == (4.2, 3.6)
    # A2's own comment ("# kW") went with it; every other comment is where it was
    assert comments(text) == [c for c in comments(HAND) if c != " kW"]
    assert "    position_m: [1.8, 1.2]   # first\n" in text
    assert '- {id: A3, position_m: [4.2, 1.2], size_m: [0.6, 1.2, 2.0], facing: "+y"' in text
    assert "  # A2 is the storage rack\n  - {id: A3" in text
    assert text.endswith("    delta_t_k: 12.0\n  - id: N1\n    position_m: [4.2, 3.6]\n"
                         '    size_m: [0.6, 1.2, 2.0]\n    facing: "-y"\n    power_kw: 5\n'
                         "    delta_t_k: 12.0\n# end of racks\n")
    # untouched lines keep the user's spelling: quotes, 0.60, 1006, 2.50, the unindented list
    for line in ("name: 'hand room'     # quoted on purpose", "  tile_m: 0.60", "  cp_jkgk: 1006",
                 "- id: CRAH-1            # the only unit", "  airflow_m3s: 2.50", "    facing: '+y'"):
        assert line in text.splitlines()


def test_a_changed_default_is_written_and_an_unchanged_one_stays_left_out():
    layout = loads_layout(HAND)
    layout.cooling_units[0].state = "failed"
    layout.ashrae_class = "A2"
    text = layout_text(layout)
    assert "  supply_temp_c: 18\n  state: failed\ntiles:" in text
    assert "return:" not in text
    assert "name: 'hand room'     # quoted on purpose\nashrae_class: A2\nroom:" in text
    assert loads_layout(text) == layout


def test_emptied_and_filled_lists_keep_the_comments_around_them():
    layout = loads_layout(HAND)
    layout.racks = []
    text = layout_text(layout)
    assert "racks: []\n  # row A, facing north\n  # A2 is the storage rack\n  # row B\n# end of racks\n" in text
    assert loads_layout(text) == layout
    refill = loads_layout(text)
    refill.racks = copy.deepcopy(loads_layout(HAND).racks[:1])
    again = layout_text(refill)
    assert "racks:\n  - id: A1\n" in again and loads_layout(again) == refill
    assert comments(again) == comments(text)


def test_windows_line_ends_are_kept_in_inserted_lines():
    layout = loads_layout(HAND.replace("\n", "\r\n"))
    rack = copy.deepcopy(layout.racks[0])
    rack.id, rack.position_m = "N1", (4.8, 4.2)
    layout.racks.append(rack)
    text = layout_text(layout)
    assert "\n" not in text.replace("\r\n", "")
    assert loads_layout(text) == layout


def test_a_splice_that_cannot_be_made_falls_back_to_the_canonical_text():
    anchored = HAND.replace("  size_m: [0.8, 2.4, 2.0]", "  size_m: &unit [0.8, 2.4, 2.0]").replace(
        "    size_m: [0.6, 1.2, 2.0]\n    facing: \"-y\"", "    size_m: *unit\n    facing: \"-y\"")
    layout = loads_layout(anchored)
    assert layout.rack("B1").size_m == (0.8, 2.4, 2.0)
    layout.cooling_units[0].size_m = (0.9, 2.4, 2.0)
    text = layout_text(layout)
    assert loads_layout(text) == layout
    assert text == dump_layout(layout)          # the anchor could not be split: canonical text


def test_unknown_sections_are_spliced_without_knowing_their_keys():
    base = "a: 1\n# note\nfuture:\n  - {k: 1}   # one\n  - k: 2\n    extra: [1, 2]\n"
    new = "a: 1\nfuture:\n- k: 1\n- k: 3\n  extra: [1, 5]\n- k: 4\nlater: x\n"
    canonical_base = "a: 1\nfuture:\n- k: 1\n- k: 2\n  extra: [1, 2]\n"
    out = splice_layout_text(base, canonical_base, new)
    assert out == ("a: 1\n# note\nfuture:\n  - {k: 1}   # one\n  - k: 3\n    extra: [1, 5]\n"
                   "  - k: 4\nlater: x\n")


@pytest.mark.parametrize("name", ["air_hall", "ab_failover_room", "mixed_density_room"])
def test_bundled_layouts_change_only_the_edited_lines(name, tmp_path):
    original = bundled_layout(name).read_text()
    layout = loads_layout(original)
    stack = C.CommandStack(layout)
    stack.push(C.rotate(layout, layout.racks[0].id))
    stack.push(C.set_fields(layout, layout.cooling_units[0].id, state="failed"))
    path = tmp_path / "copy.yaml"
    save_layout(layout, path)
    assert load_layout(path) == layout
    before, after = original.splitlines(), path.read_text().splitlines()
    assert len(before) == len(after) and original.split("dctwin:")[0].count("#") >= 1
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    # a quarter turn swaps the footprint about its centre: position, size and facing
    assert [b.split(":")[0].strip() for _, b in changed] == ["state", "position_m", "size_m", "facing"]


def test_the_network_section_is_spliced_without_the_splice_knowing_it():
    original = bundled_layout("air_hall").read_text()
    layout = loads_layout(original)
    switches = layout.network.switches
    switches[0].ports = 48
    spine = copy.deepcopy(switches[4])
    spine.id = "SPINE-3"
    switches.append(spine)
    layout.network.links.append(("LEAF-A", "SPINE-3"))
    text = layout_text(layout)
    assert loads_layout(text) == layout
    before, after = original.splitlines(), text.splitlines()
    added = [line for line in after if line not in before]
    removed = [line for line in before if line not in after]
    assert len(removed) == 2 and len(added) == 3                  # LEAF-A and links changed, SPINE-3 new
    assert "    - {id: SPINE-3, kind: spine, rack: B7, ports: 64}" in added
    assert any(line.startswith("    - {id: LEAF-A, kind: leaf, rack: A6, ports: 48,") for line in added)
    assert "  # Leaf/spine fabric: each leaf serves the 12 racks of its row and links to both spines." in after
