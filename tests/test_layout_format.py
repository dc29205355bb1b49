"""Layout format v1: the reference room, bundled layouts, round trips, atomic saves."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from paths import C1
from twin.model import (Air, CoolingUnit, Layout, LayoutError, Rack, Room, TileArea,
                        bundled_layout, bundled_layout_names, default_layout_path, dump_layout,
                        load_layout, loads_layout, save_layout, validate_layout)

REPO = Path(__file__).resolve().parents[1]
needs_c1 = pytest.mark.skipif(not C1.exists(), reason="reference room C1 not present")

BUNDLED = ["air_hall", "hall_200", "small_room", "symmetric_room", "failed_unit_room",
           "starved_room", "mixed_density_room"]


@needs_c1
def test_c1_loads_with_the_reference_values():
    layout = load_layout(C1)
    assert layout.source_path == str(C1)
    assert layout.version == 1 and layout.name == "reference room C1_baseline"
    assert layout.room == Room(size_m=(10.8, 7.2, 3.0), tile_m=0.6)
    assert layout.air == Air(density_kgm3=1.19, cp_jkgk=1006.0)
    assert layout.ashrae_class == "A1"
    assert layout.cooling_units[0] == CoolingUnit(
        id="CRAH-1", position_m=(0.0, 0.6), size_m=(0.9, 2.4, 1.9), airflow_m3s=4.00956,
        supply_temp_c=18.0, return_="top", state="running")
    assert layout.cooling_units[1].position_m == (9.9, 4.2)
    assert layout.tiles == [TileArea(x_m=(2.4, 6.0), y_m=(3.0, 4.2))]
    assert [r.id for r in layout.racks] == [f"A{i}" for i in range(1, 7)] + [f"B{i}" for i in range(1, 7)]
    assert layout.rack("B3") == Rack(id="B3", position_m=(3.6, 4.2), size_m=(0.6, 1.2, 2.0),
                                     facing="-y", power_kw=8, delta_t_k=12.0)
    assert layout.it_power_kw == 96
    assert layout.racks[0].airflow(layout.air) == pytest.approx(0.557, abs=1e-3)
    assert layout.warnings == []


@needs_c1
def test_c1_dumps_back_byte_for_byte():
    text = C1.read_text()
    assert dump_layout(loads_layout(text)) == text


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_layout_loads_cleanly(name):
    layout = load_layout(bundled_layout(name))
    assert layout.racks and layout.cooling_units and layout.tiles
    assert layout.warnings == []
    assert loads_layout(dump_layout(layout)) == layout


def _tile_numbers(layout: Layout) -> tuple[float, float, float]:
    rack_m3s = sum(r.airflow(layout.air) for r in layout.racks)
    supply_m3s = sum(u.airflow_m3s for u in layout.cooling_units if u.running)
    area_m2 = sum(t.area_m2 for t in layout.tiles)
    return rack_m3s, supply_m3s, supply_m3s / area_m2


@pytest.mark.parametrize("name", ["air_hall", "hall_200"])
def test_halls_are_realistic(name):
    layout = load_layout(bundled_layout(name))
    rack_m3s, supply_m3s, tile_velocity_ms = _tile_numbers(layout)
    assert 1.1 <= supply_m3s / rack_m3s <= 1.3
    assert 1.0 <= tile_velocity_ms <= 2.5
    assert {r.facing for r in layout.racks} == {"+y", "-y"}
    powers = [r.power_kw for r in layout.racks]
    assert min(powers) >= 10 and max(powers) <= 40
    assert all(12 <= r.delta_t_k <= 20 for r in layout.racks)
    assert 3.6 <= layout.room.size_m[2] <= 4.0


def test_default_hall_size_and_racks():
    layout = load_layout(default_layout_path())
    assert len(layout.racks) >= 36 and len(layout.cooling_units) >= 4
    assert layout.liquid is not None and layout.containment and layout.network is not None
    assert len(load_layout(bundled_layout("hall_200")).racks) == 200


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_dimensions_sit_on_a_0_2_m_grid(name):
    layout = load_layout(bundled_layout(name))
    values = list(layout.room.size_m)
    for box in layout.racks + layout.cooling_units:
        values += list(box.position_m) + list(box.size_m)
    for tile in layout.tiles:
        values += list(tile.x_m) + list(tile.y_m)
    assert all(abs(v / 0.2 - round(v / 0.2)) < 1e-9 for v in values)


def test_symmetric_room_is_a_mirror_image():
    layout = load_layout(bundled_layout("symmetric_room"))
    lx = layout.room.size_m[0]

    def mirrored(boxes):
        return sorted((round(lx - b.position_m[0] - b.size_m[0], 6), b.position_m[1], b.size_m,
                       getattr(b, "power_kw", None)) for b in boxes)

    def plain(boxes):
        return sorted((round(b.position_m[0], 6), b.position_m[1], b.size_m,
                       getattr(b, "power_kw", None)) for b in boxes)

    assert mirrored(layout.racks) == plain(layout.racks)
    assert mirrored(layout.cooling_units) == plain(layout.cooling_units)
    assert all(abs(t.x_m[0] + t.x_m[1] - lx) < 1e-9 for t in layout.tiles)


def test_small_rooms_show_what_their_names_say():
    failed = load_layout(bundled_layout("failed_unit_room"))
    assert sorted(u.state for u in failed.cooling_units) == ["failed", "running"]
    mixed = load_layout(bundled_layout("mixed_density_room"))
    assert sorted({r.power_kw for r in mixed.racks}) == [6, 20]
    starved = load_layout(bundled_layout("starved_room"))
    rack_east_m = max(r.position_m[0] + r.size_m[0] for r in starved.racks)
    assert max(t.x_m[1] for t in starved.tiles) < rack_east_m - 0.5
    for name in ("small_room", "symmetric_room", "failed_unit_room", "starved_room",
                 "mixed_density_room"):
        lx, ly, lz = load_layout(bundled_layout(name)).room.size_m
        assert lx <= 8 and ly <= 7 and lz <= 3


def test_bundled_layout_lookup():
    assert bundled_layout("small_room") == bundled_layout("small_room.yaml")
    assert default_layout_path().name == "default_hall.yaml"
    assert set(BUNDLED) <= set(bundled_layout_names())
    with pytest.raises(FileNotFoundError, match="available: .*small_room"):
        bundled_layout("no_such_room")


def test_ashrae_class_round_trips_and_default_is_omitted():
    layout = load_layout(bundled_layout("small_room"))
    assert "ashrae_class" not in dump_layout(layout)
    layout.ashrae_class = "H1"
    text = dump_layout(layout)
    assert text.splitlines()[2] == "ashrae_class: H1"
    assert loads_layout(text).ashrae_class == "H1"


def test_airflow_racks_and_awkward_text_round_trip():
    layout = load_layout(bundled_layout("small_room"))
    layout.racks[0].delta_t_k, layout.racks[0].airflow_m3s = None, 0.5
    layout.name = 'hall "7": north\n#2'
    layout.racks[1].id = "101"
    layout.air = Air(density_kgm3=1.2, cp_jkgk=1005)
    layout.cooling_units[0].supply_temp_c = 1e-7
    back = loads_layout(dump_layout(layout))
    assert back == layout
    assert back.racks[1].id == "101" and back.cooling_units[0].supply_temp_c == 1e-7


def test_save_is_atomic_and_keeps_a_backup(tmp_path):
    layout = load_layout(bundled_layout("small_room"))
    path = tmp_path / "room.yaml"
    save_layout(layout, path)
    assert sorted(os.listdir(tmp_path)) == ["room.yaml"]
    first_text = path.read_text()
    layout.racks[0].power_kw = 7.5
    save_layout(layout, str(path))
    assert sorted(os.listdir(tmp_path)) == ["room.yaml", "room.yaml.bak"]
    assert (tmp_path / "room.yaml.bak").read_text() == first_text
    assert load_layout(path) == layout
    assert layout.source_path == str(path)


def test_invalid_layout_is_not_saved(tmp_path):
    layout = load_layout(bundled_layout("small_room"))
    path = tmp_path / "room.yaml"
    save_layout(layout, path)
    before = path.read_text()
    layout.racks[1].position_m = layout.racks[0].position_m
    with pytest.raises(LayoutError) as info:
        save_layout(layout, path)
    assert info.value.path == str(path) and info.value.line is None
    assert "overlaps" in info.value.message
    assert path.read_text() == before and sorted(os.listdir(tmp_path)) == ["room.yaml"]


def test_failed_write_leaves_the_old_file_and_no_temp_files(tmp_path, monkeypatch):
    layout = load_layout(bundled_layout("small_room"))
    path = tmp_path / "room.yaml"
    save_layout(layout, path)
    before = path.read_text()
    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(dst) == path:
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    layout.racks[0].power_kw = 9
    with pytest.raises(OSError):
        save_layout(layout, path)
    assert path.read_text() == before
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


def test_validate_layout_checks_edited_values():
    layout = load_layout(bundled_layout("small_room"))
    layout.racks[2].power_kw = -1
    layout.racks[3].facing = "up"
    with pytest.raises(LayoutError) as info:
        validate_layout(layout)
    assert str(info.value) == "<layout>: racks[2].power_kw: must be a number >= 0 and <= 1000 (got -1)"
    assert [e.field for e in info.value.errors] == ["racks[2].power_kw", "racks[3].facing"]


def test_validate_layout_names_top_level_fields():
    layout = load_layout(bundled_layout("small_room"))
    layout.ashrae_class = "A9"
    with pytest.raises(LayoutError) as info:
        validate_layout(layout)
    assert str(info.value) == ('<layout>: ashrae_class: must be one of "A1", "A2", "A3", "A4", "H1" '
                               '(got "A9")')


def test_a_bundled_yml_layout_is_found_by_name(monkeypatch, tmp_path):
    """bundled_layout_names lists .yml files too, so bundled_layout must open them by name."""
    import shutil
    from twin.model import resources
    folder = tmp_path / "layouts"
    folder.mkdir()
    shutil.copy(bundled_layout("small_room"), folder / "tiny.yml")
    monkeypatch.setattr(resources, "_package_folder", lambda name: tmp_path / name)
    assert resources.bundled_layout_names() == ["tiny"]
    assert resources.bundled_layout("tiny") == folder / "tiny.yml"
    assert len(load_layout(resources.bundled_layout("tiny.yml")).racks) == 6
