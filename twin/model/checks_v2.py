"""Checks of the format-2 objects: values, ids, in-row rules, zones, boxes in the room, overlaps.

Field paths: `obstacles[1].box_m.z`, `racks[3].air_zone_m.width_m`,
`containment[0].doors[1]`, `cooling_units[2].facing`.
"""
from __future__ import annotations

from typing import Any, Iterator

from twin.model import schema, schema_v2 as keys
from twin.model.findings import Findings, check_values as check_values_of
from twin.model.layout import Layout
from twin.model.objects import Box, containment_panels

TOLERANCE_M = 1e-6


def format2_fields(layout: Layout) -> Iterator[tuple[str, int]]:
    """(field, version) for every value that needs format 2; empty for a format-1 layout."""
    for i, u in enumerate(layout.cooling_units):
        for name in ("kind", "facing", "supply", "supply_zone_m"):
            if getattr(u, name) is not None:
                yield f"cooling_units[{i}].{name}", 2
        if u.return_ != "top":
            yield f"cooling_units[{i}].return", 2
    for i, rack in enumerate(layout.racks):
        for name in ("air_zone_m", "rear_door"):
            if getattr(rack, name) is not None:
                yield f"racks[{i}].{name}", 2
    if layout.room.raised_floor is not None:
        yield "room.raised_floor", 2
    for i, tile in enumerate(layout.tiles):
        if tile.open_pct is not None:
            yield f"tiles[{i}].open_pct", 2
    for name in ("obstacles", "containment", "sensors"):
        if getattr(layout, name):
            yield name, 2


def required_version(layout: Layout) -> int:
    """The lowest format version that can say everything in the layout."""
    return max([1] + [v for _, v in format2_fields(layout)])


def check_values(f: Findings, layout: Layout) -> None:
    """Schema checks of every format-2 value (an edited layout may hold anything)."""
    if layout.room.raised_floor is not None:
        check_values_of(f, layout.room.raised_floor, keys.RAISED_FLOOR_KEYS, "room.raised_floor")
    for i, tile in enumerate(layout.tiles):
        check_values_of(f, tile, schema.TILE_KEYS, f"tiles[{i}]")
    for i, u in enumerate(layout.cooling_units):
        if u.supply_zone_m is not None:
            check_values_of(f, u.supply_zone_m, keys.ZONE_KEYS, f"cooling_units[{i}].supply_zone_m")
    for i, rack in enumerate(layout.racks):
        if rack.air_zone_m is not None:
            check_values_of(f, rack.air_zone_m, keys.ZONE_KEYS, f"racks[{i}].air_zone_m")
        if rack.rear_door is not None:
            check_values_of(f, rack.rear_door, keys.DOOR_KEYS, f"racks[{i}].rear_door")
    for i, ob in enumerate(layout.obstacles):
        check_values_of(f, ob, keys.OBSTACLE_KEYS, f"obstacles[{i}]")
        check_values_of(f, ob.box_m, keys.BOX_KEYS, f"obstacles[{i}].box_m")
    for i, c in enumerate(layout.containment):
        check_values_of(f, c, keys.CONTAINMENT_KEYS, f"containment[{i}]")
        check_values_of(f, c.aisle_m, schema.AREA_KEYS, f"containment[{i}].aisle_m")
    for i, s in enumerate(layout.sensors):
        check_values_of(f, s, keys.SENSOR_KEYS, f"sensors[{i}]")


def ids(layout: Layout) -> list[tuple[str, str]]:
    """(field, id) of the format-2 objects, for the file-wide unique-id check."""
    out = [(f"obstacles[{i}]", o.id) for i, o in enumerate(layout.obstacles)]
    out += [(f"containment[{i}]", c.id) for i, c in enumerate(layout.containment)]
    return out + [(f"sensors[{i}]", s.id) for i, s in enumerate(layout.sensors)]


def face_width_m(size_m, facing: str) -> float:
    """Horizontal width of the face that looks along `facing` (x faces span y, y faces span x)."""
    return float(size_m[1] if facing[1] == "x" else size_m[0])


def _check_zone(f: Findings, zone: Any, size_m, facing: str, field: str) -> None:
    """A face zone lies within its face."""
    height, width = float(size_m[2]), face_width_m(size_m, facing)
    if zone.z_m[0] < -TOLERANCE_M or zone.z_m[1] > height + TOLERANCE_M:
        f.error(f"{field}.z", f"zone spans z {zone.z_m[0]:g}..{zone.z_m[1]:g} m, outside the "
                f"face (0..{height:g} m)")
    offset = float(zone.offset_m or 0.0)
    if abs(offset) + zone.width_m / 2 > width / 2 + TOLERANCE_M:
        f.error(f"{field}.width_m", f"zone {zone.width_m:g} m wide (offset {offset:g} m) does "
                f"not fit in the {width:g} m wide face")


def _check_units(f: Findings, layout: Layout) -> None:
    """In-row units need a facing; floor units take none of the in-row keys."""
    for i, u in enumerate(layout.cooling_units):
        field = f"cooling_units[{i}]"
        if u.inrow:
            if u.facing is None:
                f.error(field, 'an in-row unit needs "facing" (the direction its supply face '
                        'looks: +x, -x, +y or -y)')
            elif u.supply_zone_m is not None:
                _check_zone(f, u.supply_zone_m, u.size_m, u.facing, f"{field}.supply_zone_m")
            continue
        for name in ("facing", "supply", "supply_zone_m"):
            if getattr(u, name) is not None:
                f.error(f"{field}.{name}", f'only an in-row unit (kind: inrow) takes "{name}"; '
                        "a floor unit supplies through the tiles")
        if u.return_ != "top":
            f.error(f"{field}.return", f'a floor unit returns through its top; "{u.return_}" '
                    "needs kind: inrow")


def _box_of(item: Any) -> Box:
    x, y = item.position_m
    sx, sy, sz = item.size_m
    return Box((x, x + sx), (y, y + sy), (0.0, sz))


def _overlap(a: Box, b: Box) -> list[float]:
    return [min(p[1], q[1]) - max(p[0], q[0]) for p, q in zip(a.extents(), b.extents())]


def _outside(box: Box, size_m) -> str:
    for axis, (lo, hi), size in zip("xyz", box.extents(), size_m):
        if lo < -TOLERANCE_M or hi > size + TOLERANCE_M:
            return f"spans {axis} {lo:g}..{hi:g} m, outside the room ({axis} 0..{size:g} m)"
    return ""


def _check_under_floor(f: Findings, layout: Layout) -> None:
    """Under-floor obstacles lie in the plenum: below z = 0, above its bottom, inside the room."""
    plenum = layout.room.raised_floor
    for i, ob in enumerate(layout.obstacles):
        if not ob.under_floor:
            continue
        field, (z0, z1) = f"obstacles[{i}].box_m", ob.box_m.z_m
        if plenum is None:
            f.error(f"{field}.z", f'obstacle "{ob.id}" spans z {z0:g}..{z1:g} m, below the floor; '
                    "only a room with room.raised_floor has space under it")
        elif z1 > TOLERANCE_M:
            f.error(f"{field}.z", f'obstacle "{ob.id}" spans z {z0:g}..{z1:g} m, through the '
                    "floor; an under-floor obstacle ends at z = 0 (split it in two)")
        elif z0 < -plenum.height_m - TOLERANCE_M:
            f.error(f"{field}.z", f'obstacle "{ob.id}" spans z {z0:g}..{z1:g} m, below the '
                    f"{plenum.height_m:g} m deep plenum (z {-plenum.height_m:g}..0 m)")
        else:
            flat = Box(ob.box_m.x_m, ob.box_m.y_m, (0.0, 0.0))
            bad = _outside(flat, layout.room.size_m)
            if bad:
                f.error(field, f'obstacle "{ob.id}" {bad}')


def check_geometry(f: Findings, layout: Layout) -> None:
    """Obstacles, aisles and sensors in the room; no solid shares volume with a rack or unit."""
    _check_units(f, layout)
    for i, rack in enumerate(layout.racks):
        if rack.air_zone_m is not None:
            _check_zone(f, rack.air_zone_m, rack.size_m, rack.facing, f"racks[{i}].air_zone_m")
    size = layout.room.size_m
    _check_under_floor(f, layout)
    solids = [(f"obstacles[{i}].box_m", f'obstacle "{o.id}"', o.box_m)
              for i, o in enumerate(layout.obstacles) if not o.under_floor]
    for i, c in enumerate(layout.containment):
        aisle = Box(c.aisle_m.x_m, c.aisle_m.y_m, (0.0, c.height_m))
        bad = _outside(aisle, size)
        if bad:
            f.error(f"containment[{i}].aisle_m", f"aisle {bad}")
        if c.roof and c.height_m + 0.1 > size[2] + TOLERANCE_M:
            f.error(f"containment[{i}].height_m", f"the roof panel on top of {c.height_m:g} m "
                    f"does not fit under the {size[2]:g} m ceiling")
        if c.door_gap_m >= c.height_m:
            f.error(f"containment[{i}].door_gap_m", f"door gap {c.door_gap_m:g} m leaves no "
                    f"door under the {c.height_m:g} m roof")
        solids += [(f"containment[{i}]", f'containment "{c.id}" {name}', b)
                   for name, b in containment_panels(c, size)]
    for field, what, b in solids:
        bad = _outside(b, size) if field.startswith("obstacles") else ""
        if bad:
            f.error(field, f"{what} {bad}")
    boxes = [(f"cooling_units[{i}]", f'cooling unit "{u.id}"', _box_of(u))
             for i, u in enumerate(layout.cooling_units)]
    boxes += [(f"racks[{i}]", f'rack "{r.id}"', _box_of(r)) for i, r in enumerate(layout.racks)]
    if layout.liquid is not None:         # CDU cabinets block the air like racks
        boxes += [(f"liquid.cdus[{i}]", f'CDU "{c.id}"', _box_of(c))
                  for i, c in enumerate(layout.liquid.cdus)]
    for field, what, b in solids:
        for other_field, other, ob in boxes:
            d = _overlap(b, ob)
            if min(d) > TOLERANCE_M:
                f.error(field, f"{what} overlaps {other} ({other_field}) by "
                        f"{d[0]:.3g} x {d[1]:.3g} x {d[2]:.3g} m")
    if not f.errors:                      # the flows need a sound layout
        _warn_aisle_leaks(f, layout)
    for i, s in enumerate(layout.sensors):
        p = s.position_m
        bad = _outside(Box((p[0], p[0]), (p[1], p[1]), (p[2], p[2])), size)
        if bad:
            f.error(f"sensors[{i}].position_m", f"sensor {bad}")
        elif any(all(lo <= v <= hi for v, (lo, hi) in zip(p, b.extents())) for _, _, b in boxes):
            f.warn(f"sensors[{i}].position_m", "sensor stands inside a rack or cooling unit; "
                   "it reports the nearest air")


def _warn_aisle_leaks(f: Findings, layout: Layout) -> None:
    """A contained aisle whose surplus air must leave through its gaps faster than fans push."""
    from twin.geometry import GeometryError
    from twin.geometry.aisles import FAN_MARGIN_PA, aisle_leaks, back_pressure_pa
    try:
        leaks = aisle_leaks(layout)
    except GeometryError:
        return                       # reported where the solvers build their geometry
    for i, leak in enumerate(leaks):
        if leak.open_m2 <= 0:
            continue                 # sealed: the solvers refuse it with the flows that do not balance
        pa = back_pressure_pa(leak, layout.air.density_kgm3)
        if pa > FAN_MARGIN_PA:
            way = "into it than is drawn out" if leak.net_in_m3s > 0 else "out of it than is blown in"
            f.warn(f"containment[{i}]", f'the racks, units and tiles at aisle "{leak.containment}" move '
                   f"{abs(leak.net_in_m3s):.1f} m3/s more air {way}, and its "
                   f"gaps ({leak.open_m2:.2g} m2) pass that only at {leak.speed_ms:.0f} m/s "
                   f"(~{pa:.0f} Pa, more than server fans hold their flow against): give the "
                   "aisle a return path (in-row coolers with rear return, or no roof)")
