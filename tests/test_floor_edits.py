"""Raised-floor edits (Qt-free): plenum depth and tile open %, checked and undoable."""
import pytest

from twin.commands import CommandError, CommandStack
from twin.floor_edits import set_raised_floor, set_tile_open_pct, tile_area_text
from twin.model import bundled_layout, dump_layout, load_layout, loads_layout
from twin.model.resources import bundled_layout_names, bundled_layout_titles, layout_title


@pytest.fixture
def hall():
    return load_layout(bundled_layout("raised_floor_hall"))


def test_plenum_depth_is_checked_against_under_floor_obstacles_and_undone(hall):
    stack = CommandStack(hall)
    stack.push(set_raised_floor(hall, 0.8))
    assert hall.room.raised_floor.height_m == 0.8
    with pytest.raises(CommandError, match='"CHW-pipes" spans z -0.6..-0.3 m, below the 0.2 m'):
        stack.push(set_raised_floor(hall, 0.2))
    with pytest.raises(CommandError, match="only a room with room.raised_floor"):
        stack.push(set_raised_floor(hall, None))
    with pytest.raises(CommandError, match=r"height_m: must be a number > 0 and <= 3"):
        stack.push(set_raised_floor(hall, 3.5))
    assert hall.room.raised_floor.height_m == 0.8             # refusals leave it as it was
    stack.undo()
    assert hall.room.raised_floor.height_m == 0.6
    assert hall == load_layout(bundled_layout("raised_floor_hall"))


def test_tile_open_pct_edit_round_trips_through_the_file(hall):
    stack = CommandStack(hall)
    assert tile_area_text(hall, 1) == "tiles[1]: x 6–9.6 m, y 3.6–4.8 m"
    stack.push(set_tile_open_pct(hall, 1, 12.5))
    assert [t.open_pct for t in hall.tiles] == [25, 12.5]
    assert loads_layout(dump_layout(hall)).tiles[1].open_pct == 12.5
    for bad in (0, 101):
        with pytest.raises(CommandError, match=r"tiles\[1\].open_pct: must be a number > 0"):
            stack.push(set_tile_open_pct(hall, 1, bad))
    with pytest.raises(CommandError, match=r"no tile area tiles\[5\]"):
        set_tile_open_pct(hall, 5, 30)
    stack.push(set_tile_open_pct(hall, 1, None))
    assert hall.tiles[1].open_share == 0.25                  # the default
    stack.undo()
    stack.undo()
    assert hall.tiles[1].open_pct == 40


def test_bundled_layout_titles_come_from_the_name_field(tmp_path):
    titles = dict(bundled_layout_titles())
    assert set(titles) == set(bundled_layout_names())
    assert titles["air_hall"] == "AI hall with 48 GPU racks and 8 CRAHs"
    (tmp_path / "x.yaml").write_text("room: [unclosed\n")
    assert layout_title(tmp_path / "x.yaml") == "x"          # unreadable: the file's stem
