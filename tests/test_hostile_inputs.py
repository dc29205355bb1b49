"""Hostile layout files and edits: every bounded input class is refused before work starts,
with file:line:field and the limit or range, never an internal error or an unbounded cost."""
import contextlib
import io
import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from twin import cli, commands
from twin.model import LayoutError, limits, load_layout, loads_layout, validate_layout
from twin.thermal.grid import GridError, build_grid

REPO_ROOT = Path(__file__).resolve().parents[1]
SMALL_ROOM = (REPO_ROOT / "layouts" / "small_room.yaml").read_text(encoding="utf-8")
FAST = settings(max_examples=15, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def with_value(old: str, new: str) -> str:
    assert old in SMALL_ROOM
    return SMALL_ROOM.replace(old, new, 1)


def run_main(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def error_of(text: str, name: str = "room.yaml") -> LayoutError:
    with pytest.raises(LayoutError) as info:
        loads_layout(text, name)
    return info.value


# -- grid cell count -----------------------------------------------------------

@FAST
@given(size=st.tuples(st.floats(2000, 1e7), st.floats(2000, 1e7), st.floats(3, 3000)),
       cell_m=st.sampled_from([0.1, 0.2, 0.5]))
def test_a_room_too_large_for_the_grid_is_refused_at_room_size_before_allocating(size, cell_m):
    text = with_value("size_m: [6.0, 6.0, 3.0]", f"size_m: [{size[0]!r}, {size[1]!r}, {size[2]!r}]")
    layout = loads_layout(text, "hall.yaml")
    layout.source_path = "hall.yaml"
    started = time.monotonic()
    with pytest.raises(GridError) as info:
        build_grid(layout, cell_m)
    assert time.monotonic() - started < 0.5           # refused, not allocated and freed
    message = str(info.value)
    assert message.startswith(f"hall.yaml:{line_of(SMALL_ROOM, 'size_m: [6.0')}: room.size_m: ")
    cells = int(re.search(r"needs ([\d,]+) grid cells", message).group(1).replace(",", "")) \
        if "e+" not in message else None
    if cells is not None:
        expected = 1
        for s in size:
            expected *= max(2, round(s / cell_m))
        assert abs(cells - expected) <= expected * 1e-9
    assert f"the limit is {limits.DEFAULT_MAX_CELLS:,}" in message


def test_the_cell_limit_is_overridable_by_environment_and_option(monkeypatch):
    layout = loads_layout(SMALL_ROOM, "small.yaml")        # 30 x 30 x 15 = 13,500 cells
    monkeypatch.setenv(limits.MAX_CELLS_ENV, "13499")
    with pytest.raises(GridError, match=r"needs 13,500 grid cells; the limit is 13,499"):
        build_grid(layout, 0.2)
    monkeypatch.setenv(limits.MAX_CELLS_ENV, "13500")
    assert build_grid(layout, 0.2).shape == (30, 30, 15)
    monkeypatch.setenv(limits.MAX_CELLS_ENV, "lots")
    with pytest.raises(GridError, match="DCTWIN_MAX_CELLS must be a whole number > 0"):
        build_grid(layout, 0.2)
    monkeypatch.delenv(limits.MAX_CELLS_ENV)
    code, _, err = run_main(["simulate", "small_room", "--model", "preview", "--max-cells", "100",
                             "--quiet"])
    assert code == 2 and "room.size_m: a 6 x 6 x 3 m room" in err and "the limit is 100 " in err
    assert "Traceback" not in err


# -- file kind and size ----------------------------------------------------------

def test_fifos_devices_and_oversized_files_are_refused_unread(tmp_path, monkeypatch):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for path, kind in ((fifo, "a named pipe (FIFO)"), ("/dev/zero", "a character device"),
                       (tmp_path, "a folder")):
        with pytest.raises(LayoutError) as info:
            load_layout(path)                      # would block or read forever if opened
        assert str(info.value) == f"{path}: is {kind}, not a layout file"
    big = tmp_path / "big.yaml"
    big.write_text(SMALL_ROOM + "#" * 2000, encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_LAYOUT_BYTES", 1000)
    with pytest.raises(LayoutError, match=r"big.yaml: the file is 3,\d+ bytes; a layout file "
                                          r"may be at most 1,000 bytes"):
        load_layout(big)
    code, _, err = run_main(["simulate", str(fifo), "--quiet"])
    assert code == 2 and "not a layout file" in err


# -- YAML: aliases, nesting, integers, control characters ------------------------

def alias_bomb(width: int, depth: int) -> str:
    """A list of `width` items, each `depth` levels of lists shared through aliases."""
    node = "[" + ", ".join(["x"] * width) + "]"
    for level in range(depth):
        node = f"[&a{level} {node}" + f", *a{level}" * (width - 1) + "]"
    return node


@FAST
@given(width=st.integers(2, 6), depth=st.integers(4, 12),
       field=st.sampled_from(["name", "ashrae_class", "room.size_m", "room.tile_m",
                              "air.cp_jkgk", "racks[0].power_kw", "racks[0].id"]))
def test_an_error_message_never_expands_shared_aliases(width, depth, field):
    old = {"name": "name: small room with 6 racks and 1 CRAH", "ashrae_class": "name: small",
           "room.size_m": "size_m: [6.0, 6.0, 3.0]", "room.tile_m": "tile_m: 0.6",
           "air.cp_jkgk": "cp_jkgk: 1006.0", "racks[0].power_kw": "power_kw: 5",
           "racks[0].id": "id: A1"}[field]
    key = field.rsplit(".", 1)[-1].split("[")[0]
    if field == "ashrae_class":
        text = SMALL_ROOM.replace(old, f"ashrae_class: {alias_bomb(width, depth)}\nname: small", 1)
    else:
        text = with_value(old, f"{key}: {alias_bomb(width, depth)}")
    started = time.monotonic()
    err = error_of(text)
    assert time.monotonic() - started < 1.0
    assert err.field.startswith(field) and err.line is not None
    assert len(str(err)) <= limits.MAX_MESSAGE_CHARS + 60


@FAST
@given(depth=st.integers(limits.MAX_NESTING_DEPTH + 1, 20_000), block=st.booleans())
def test_nesting_past_the_limit_is_a_line_error_not_a_recursion_error(depth, block):
    if block:
        nested = "".join(" " * i + "- \n" for i in range(1, min(depth, 3000)))
        text = "dctwin: 1\nroom:\n" + nested
    else:
        text = "dctwin: 1\nroom: " + "[" * depth + "]" * depth + "\n"
    err = error_of(text)
    assert err.line is not None and err.line >= 2
    assert f"nested more than {limits.MAX_NESTING_DEPTH} levels" in err.message


@FAST
@given(digits=st.integers(limits.MAX_INT_DIGITS + 1, 6000), sign=st.sampled_from(["", "-", "+"]),
       hexadecimal=st.booleans(),
       where=st.sampled_from([("power_kw: 5", "racks[0].power_kw", "power_kw: {}"),
                              ("position_m: [2.4, 1.2]", "racks[0].position_m[0]", "position_m: [{}, 1.2]"),
                              ("delta_t_k: 12.0", "racks[0].height_u", "delta_t_k: 12.0\n    height_u: {}"),
                              ("dctwin: 1", "dctwin", "dctwin: {}")]))
def test_integers_longer_than_the_limit_are_refused_with_their_field(digits, sign, hexadecimal, where):
    old, field, new = where
    number = sign + ("0x" + "f" * digits if hexadecimal else "9" * digits)
    text = SMALL_ROOM.replace(old, new.format(number), 1)
    err = error_of(text)
    assert err.field == field
    assert f"has more than {limits.MAX_INT_DIGITS} digits" in err.message
    assert len(str(err)) < 300


@FAST
@given(position=st.integers(0, len(SMALL_ROOM) - 1),
       char=st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\ufffe"]))
def test_control_characters_are_refused_at_their_line(position, char):
    text = SMALL_ROOM[:position] + char + SMALL_ROOM[position:]
    err = error_of(text)
    assert err.line == SMALL_ROOM[:position].count("\n") + 1
    assert f"control character U+{ord(char):04X}" in err.message


# -- counts and physical ranges (files and the GUI's edits) -----------------------

RANGES = [  # (text in small_room, field, template, low, high, strict low)
    ("supply_temp_c: 18.0", "cooling_units[0].supply_temp_c", "supply_temp_c: {}", 0, 50, False),
    ("density_kgm3: 1.19", "air.density_kgm3", "density_kgm3: {}", 0.5, 2, False),
    ("cp_jkgk: 1006.0", "air.cp_jkgk", "cp_jkgk: {}", 900, 1200, False),
    ("airflow_m3s: 2.5", "cooling_units[0].airflow_m3s", "airflow_m3s: {}", 0, 100, True),
    ("power_kw: 5", "racks[0].power_kw", "power_kw: {}", 0, 1000, False),
    ("delta_t_k: 12.0", "racks[0].delta_t_k", "delta_t_k: {}", 1, 60, False),
]


def outside(low, high):
    return st.one_of(st.floats(max_value=low, exclude_max=True, allow_nan=False),
                     st.floats(min_value=high, exclude_min=True, allow_nan=False),
                     st.just(float("nan")))


@FAST
@given(data=st.data(), case=st.sampled_from(RANGES))
def test_values_outside_physical_ranges_name_the_range(data, case):
    old, field, template, low, high, strict = case
    value = data.draw(outside(low, high) if not strict else
                      st.one_of(outside(low, high), st.just(float(low))))
    spelled = {float("inf"): ".inf", float("-inf"): "-.inf"}.get(value, repr(value))
    spelled = ".nan" if value != value else spelled
    err = error_of(with_value(old, template.format(spelled)))
    assert err.field == field and err.line == line_of(SMALL_ROOM, old)
    bound = f"> {low:g}" if strict else f">= {low:g}"
    assert f"must be a number {bound} and <= {high:g}" in err.message


@FAST
@given(count=st.integers(101, 10 ** limits.MAX_INT_DIGITS - 1))
def test_equipment_count_is_bounded(count):
    text = SMALL_ROOM.replace(
        "    power_kw: 5\n    delta_t_k: 12.0\n  - id: A2",
        f"    equipment:\n      - {{model: dgx-h100, position_u: 1, count: {count}}}\n"
        "    delta_t_k: 12.0\n  - id: A2", 1)
    err = error_of(text)
    assert err.field == "racks[0].equipment[0].count"
    assert "must be a whole number >= 1 and <= 100" in err.message


@FAST
@given(data=st.data(), case=st.sampled_from([c for c in RANGES if c[1].startswith(("racks", "cooling"))]))
def test_gui_edits_get_the_same_range_checks(data, case):
    _, field, _, low, high, strict = case
    layout = loads_layout(SMALL_ROOM, "small.yaml")
    item = "A1" if field.startswith("racks") else "CRAH-1"
    name = field.rsplit(".", 1)[-1]
    before = getattr(commands.find_item(layout, item)[1], name)
    value = data.draw(st.one_of(outside(low, high), st.integers(10 ** 30, 10 ** 400)))
    reason = commands.problem(layout, commands.set_fields(layout, item, **{name: value}))
    assert reason is not None and name in reason and f"<= {high:g}" in reason
    assert getattr(commands.find_item(layout, item)[1], name) == before   # left as it was


def test_huge_integers_in_an_edited_layout_are_errors_not_overflow():
    layout = loads_layout(SMALL_ROOM, "small.yaml")
    layout.racks[0].position_m = (10 ** 400, 1.2)
    with pytest.raises(LayoutError) as info:
        validate_layout(layout)
    assert info.value.field == "racks[0].position_m[0]"
    assert "an integer of 401 digits" in info.value.message


@FAST
@given(cell_m=st.one_of(st.floats(1e-300, 0.002), st.just(5e-324)))
def test_the_cfd_mesh_has_the_same_cell_limit(cell_m):
    from twin.cfd.geometry import LayoutError as CaseError, build_grid as build_mesh
    layout = loads_layout(SMALL_ROOM, "small.yaml")
    layout.source_path = "small.yaml"
    with pytest.raises(CaseError) as info:
        build_mesh(layout, cell_m)
    assert str(info.value).startswith(f"small.yaml:{line_of(SMALL_ROOM, 'size_m: [6.0')}: room.size_m: ")
    assert f"the limit is {limits.DEFAULT_MAX_CELLS:,}" in str(info.value)
