"""Whole-layout checks: values, ids, boxes in the room, overlaps, blocked tiles.

Runs on `Layout` dataclasses, so the same rules guard a file being loaded
and an edited layout being saved. `lines` maps field paths such as
`racks[3].position_m` to file lines when the layout came from a file.
"""
from __future__ import annotations

from typing import Any, Iterator, Optional

from twin.model import (checks_liquid, checks_network, checks_power, checks_telemetry, checks_v2,
                        scenarios, schema)
from twin.model.errors import LayoutError, LayoutWarning
from twin.model.findings import Findings as _Findings, check_values as _check_values
from twin.model.layout import Layout

TOLERANCE_M = 1e-6


def _check_all_values(f: _Findings, layout: Layout) -> None:
    if layout.version not in range(1, schema.FORMAT_VERSION + 1):
        f.error("dctwin", f"version must be 1 to {schema.FORMAT_VERSION} "
                f"(got {schema.show(layout.version)})")
    _check_values(f, layout, schema.TOP_KEYS, "")
    _check_values(f, layout.room, schema.ROOM_KEYS, "room")
    _check_values(f, layout.air, schema.AIR_KEYS, "air")
    for i, unit in enumerate(layout.cooling_units):
        _check_values(f, unit, schema.UNIT_KEYS, f"cooling_units[{i}]")
    for i, tile in enumerate(layout.tiles):
        _check_values(f, tile, schema.AREA_KEYS, f"tiles[{i}].area_m")
    for i, rack in enumerate(layout.racks):
        _check_values(f, rack, schema.RACK_KEYS, f"racks[{i}]")
        _check_rack_airflow(f, rack, f"racks[{i}]")
    checks_power.check_values(f, layout)
    checks_telemetry.check_values(f, layout)
    checks_network.check_values(f, layout)
    checks_liquid.check_values(f, layout)
    checks_v2.check_values(f, layout)


def _check_rack_airflow(f: _Findings, rack: Any, field: str) -> None:
    """A rack gives exactly one of delta_t_k and airflow_m3s."""
    has_dt, has_q = rack.delta_t_k is not None, rack.airflow_m3s is not None
    if has_dt and has_q:
        f.error(f"{field}.airflow_m3s", "give exactly one of delta_t_k or airflow_m3s, not both")
    elif not has_dt and not has_q:
        f.error(field, "give exactly one of delta_t_k (air temperature rise, K) "
                "or airflow_m3s (m3/s); neither is set")


def _boxes(layout: Layout) -> Iterator[tuple[str, str, Any]]:
    """(field, id, object) for every solid box: cooling units then racks."""
    for i, unit in enumerate(layout.cooling_units):
        yield f"cooling_units[{i}]", unit.id, unit
    for i, rack in enumerate(layout.racks):
        yield f"racks[{i}]", rack.id, rack


def _check_ids(f: _Findings, layout: Layout) -> None:
    """Ids are unique across cooling units, racks and power-chain components."""
    first: dict[str, str] = {}
    ids = [(field, box_id) for field, box_id, _ in _boxes(layout)]
    for field, box_id in ids + checks_power.component_ids(layout) + checks_network.switch_ids(layout) \
            + checks_liquid.cdu_ids(layout) + checks_v2.ids(layout):
        if box_id in first:
            where = first[box_id]
            line = f.line(where + ".id")
            at = f" at line {line}" if line is not None else ""
            f.error(f"{field}.id", f'duplicate id "{box_id}" (already used by {where}{at}); '
                    "ids must be unique across the whole file")
        else:
            first[box_id] = field


def _extent(box: Any) -> tuple[float, float, float, float]:
    """Footprint (x0, x1, y0, y1) of a rack or cooling unit, in metres."""
    x, y = box.position_m
    return x, x + box.size_m[0], y, y + box.size_m[1]


def _span(lo: float, hi: float) -> str:
    return f"{lo:g}..{hi:g} m"


def _what(field: str, box_id: str) -> str:
    kind = "rack" if field.startswith("racks") else "cooling unit"
    return f'{kind} "{box_id}"'


def _check_inside(f: _Findings, layout: Layout) -> None:
    """Every box and tile area lies within the room (faces on the walls are fine)."""
    lx, ly, lz = layout.room.size_m
    for field, box_id, box in _boxes(layout):
        x0, x1, y0, y1 = _extent(box)
        for axis, lo, hi, size in (("x", x0, x1, lx), ("y", y0, y1, ly)):
            if lo < -TOLERANCE_M or hi > size + TOLERANCE_M:
                f.error(f"{field}.position_m", f"{_what(field, box_id)} spans {axis} "
                        f"{_span(lo, hi)}, outside the room ({axis} {_span(0, size)})")
                break
        if box.size_m[2] > lz + TOLERANCE_M:
            f.error(f"{field}.size_m", f"height {box.size_m[2]:g} m is above the room "
                    f"height {lz:g} m")
    for i, tile in enumerate(layout.tiles):
        for axis, (lo, hi), size in (("x", tile.x_m, lx), ("y", tile.y_m, ly)):
            if lo < -TOLERANCE_M or hi > size + TOLERANCE_M:
                f.error(f"tiles[{i}].area_m.{axis}", f"tile area spans {axis} {_span(lo, hi)}, "
                        f"outside the room ({axis} {_span(0, size)})")


def _overlap_m(a: tuple, b: tuple) -> tuple[float, float]:
    """Overlap lengths in x and y of two (x0, x1, y0, y1) rectangles (<= 0: none)."""
    return min(a[1], b[1]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[2], b[2])


def _order(f: _Findings, index: int, field: str) -> tuple:
    line = f.line(field)
    return (line if line is not None else 0, index)


def _check_overlaps(f: _Findings, layout: Layout) -> None:
    """No two solid boxes share volume (they all stand on the floor); sweep along x."""
    boxes = sorted(((_extent(box), i, field, box_id) for i, (field, box_id, box)
                    in enumerate(_boxes(layout))), key=lambda b: b[0][0])
    active: list = []
    for box in boxes:
        active = [a for a in active if a[0][1] > box[0][0] + TOLERANCE_M]
        for other in active:
            dx, dy = _overlap_m(box[0], other[0])
            if dx > TOLERANCE_M and dy > TOLERANCE_M:
                first, later = sorted((box, other), key=lambda b: _order(f, b[1], b[2]))
                f.error(f"{later[2]}.position_m", f"{_what(later[2], later[3])} overlaps "
                        f"{_what(first[2], first[3])} ({first[2]}) by {dx:.3g} x {dy:.3g} m")
        active.append(box)


def _tile_extent(tile: Any) -> tuple[float, float, float, float]:
    return tile.x_m[0], tile.x_m[1], tile.y_m[0], tile.y_m[1]


def _warn_tiles(f: _Findings, layout: Layout) -> None:
    """Boxes standing on tiles block them; overlapping or missing tile areas are suspicious."""
    tiles = [_tile_extent(t) for t in layout.tiles]
    for field, box_id, box in _boxes(layout):
        for i, tile in enumerate(tiles):
            dx, dy = _overlap_m(_extent(box), tile)
            if dx > TOLERANCE_M and dy > TOLERANCE_M:
                f.warn(f"{field}.position_m", f"{_what(field, box_id)} stands on tile area "
                       f"tiles[{i}]: the {dx * dy:.3g} m2 of tiles it covers are blocked")
    for i, a in enumerate(tiles):
        for j in range(i):
            dx, dy = _overlap_m(a, tiles[j])
            if dx > TOLERANCE_M and dy > TOLERANCE_M:
                f.warn(f"tiles[{i}].area_m", f"tile area overlaps tiles[{j}] by {dx * dy:.3g} m2")
    if not tiles and any(u.running and not u.inrow for u in layout.cooling_units):
        f.warn("tiles", "cooling units are running but there is no tile area for their "
               "supply to enter through")


def check_layout(layout: Layout, path: Optional[str] = None,
                 lines: Optional[dict[str, int]] = None
                 ) -> tuple[list[LayoutError], list[LayoutWarning]]:
    """All errors (in file order) and warnings for a layout; geometry only if values are sound."""
    f = _Findings(path, lines)
    _check_all_values(f, layout)
    if not f.errors:
        _check_ids(f, layout)
        _check_inside(f, layout)
        _check_overlaps(f, layout)
        checks_power.check_references(f, layout)
        checks_telemetry.check_references(f, layout)
        checks_network.check_references(f, layout)
        checks_liquid.check_references(f, layout)
        checks_v2.check_geometry(f, layout)
        scenarios.check(f, layout)
    if not f.errors:
        _warn_tiles(f, layout)
        checks_power.warn(f, layout)
        checks_liquid.warn(f, layout)
    key = lambda e: e.line if e.line is not None else 0  # noqa: E731 (stable sort)
    return sorted(f.errors, key=key), sorted(f.warnings, key=key)
