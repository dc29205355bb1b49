"""Checks of the `liquid` section: values, CDU ids and boxes, the racks CDUs serve.

A liquid-cooled rack that no CDU serves is an error (its liquid heat has
nowhere to go); a CDU serving a rack with no liquid heat is a warning.
Field paths: `liquid.cdus[1].racks[2]`, `liquid.facility_water.supply_c`.
"""
from __future__ import annotations

import difflib

from twin.model.catalog import equipment_types
from twin.model.equipment import rack_power
from twin.model.findings import Findings, check_values as check_values_of
from twin.model.layout import Layout
from twin.model.liquid import CDU_KEYS, COOLANT_KEYS, FACILITY_KEYS, LIQUID_KEYS, REJECTION_KEYS

TOLERANCE_M = 1e-6


def check_values(f: Findings, layout: Layout) -> None:
    """Schema checks of the section (an edited layout may hold anything)."""
    liquid = getattr(layout, "liquid", None)
    if liquid is None:
        return
    check_values_of(f, liquid, LIQUID_KEYS, "liquid")
    check_values_of(f, liquid.facility_water, FACILITY_KEYS, "liquid.facility_water")
    if liquid.coolant is not None:
        check_values_of(f, liquid.coolant, COOLANT_KEYS, "liquid.coolant")
    if liquid.heat_rejection is not None:
        check_values_of(f, liquid.heat_rejection, REJECTION_KEYS, "liquid.heat_rejection")
    for i, cdu in enumerate(liquid.cdus):
        check_values_of(f, cdu, CDU_KEYS, f"liquid.cdus[{i}]")


def cdu_ids(layout: Layout) -> list[tuple[str, str]]:
    """(field, id) of every CDU, for the file-wide unique-id check."""
    liquid = getattr(layout, "liquid", None)
    return [] if liquid is None else [(f"liquid.cdus[{i}]", c.id) for i, c in enumerate(liquid.cdus)]


def _extent(box) -> tuple[float, float, float, float]:
    x, y = box.position_m
    return x, x + box.size_m[0], y, y + box.size_m[1]


def _overlap(a, b) -> bool:
    dx = min(a[1], b[1]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[2], b[2])
    return dx > TOLERANCE_M and dy > TOLERANCE_M


def _check_boxes(f: Findings, layout: Layout) -> None:
    """A CDU stands inside the room and shares no floor with a rack, unit or other CDU."""
    width, depth, height = layout.room.size_m
    others = [(f"racks[{i}]", r) for i, r in enumerate(layout.racks)]
    others += [(f"cooling_units[{i}]", u) for i, u in enumerate(layout.cooling_units)]
    for i, cdu in enumerate(layout.liquid.cdus):
        field = f"liquid.cdus[{i}]"
        x0, x1, y0, y1 = box = _extent(cdu)
        if x0 < -TOLERANCE_M or y0 < -TOLERANCE_M or x1 > width + TOLERANCE_M or \
                y1 > depth + TOLERANCE_M or cdu.size_m[2] > height + TOLERANCE_M:
            f.error(f"{field}.position_m", f'CDU "{cdu.id}" ({x0:g}..{x1:g} m x {y0:g}..{y1:g} m, '
                    f"{cdu.size_m[2]:g} m tall) is not inside the room ({width:g} x {depth:g} x "
                    f"{height:g} m)")
            continue
        for other_field, other in others:
            if _overlap(box, _extent(other)):
                f.error(f"{field}.position_m", f'CDU "{cdu.id}" overlaps "{other.id}" ({other_field})')
                break
        others.append((field, cdu))


def check_references(f: Findings, layout: Layout) -> None:
    """CDU boxes, the racks CDUs serve exist, every liquid-cooled rack is served."""
    liquid = getattr(layout, "liquid", None)
    if liquid is None:
        return
    _check_boxes(f, layout)
    racks = [r.id for r in layout.racks]
    for i, cdu in enumerate(liquid.cdus):
        for j, rack_id in enumerate(cdu.racks):
            if rack_id not in racks:
                near = difflib.get_close_matches(rack_id, racks, n=1, cutoff=0.5)
                hint = f'; did you mean "{near[0]}"?' if near else ""
                f.error(f"liquid.cdus[{i}].racks[{j}]", f'unknown rack "{rack_id}"{hint}')
    served = {rack_id for cdu in liquid.cdus for rack_id in cdu.racks}
    for i, rack_id, liquid_kw in _liquid_racks(layout):
        if liquid_kw > 0 and rack_id not in served:
            f.error(f"racks[{i}].id", f'rack "{rack_id}" sends {liquid_kw:.3g} kW to liquid '
                    "cooling but no CDU in liquid.cdus serves it; add it to a CDU's racks")


def _liquid_racks(layout: Layout):
    """(index, id, liquid kW) of every rack whose equipment models are all known."""
    types = equipment_types(layout)
    for i, rack in enumerate(layout.racks):
        if all(e.model in types for e in rack.equipment):
            yield i, rack.id, rack_power(rack, types).liquid_kw


def warn(f: Findings, layout: Layout) -> None:
    """CDUs serving racks with no liquid heat."""
    liquid = getattr(layout, "liquid", None)
    if liquid is None:
        return
    heat = {rack_id: kw for _, rack_id, kw in _liquid_racks(layout)}
    for i, cdu in enumerate(liquid.cdus):
        for j, rack_id in enumerate(cdu.racks):
            if heat.get(rack_id, 1.0) <= 0:
                f.warn(f"liquid.cdus[{i}].racks[{j}]", f'CDU "{cdu.id}" serves rack "{rack_id}", '
                       "which has no liquid-cooled equipment (no heat to liquid)")
