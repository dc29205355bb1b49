"""Checks for equipment and the power chain: values, references, rack units, warnings.

Called from `checks.check_layout`, so files and edited layouts obey the same
rules. Field paths: `equipment_types[2].typical_power_kw`,
`racks[3].equipment[1].position_u`, `power.pdus[0].racks[4]`.
"""
from __future__ import annotations

import difflib
from typing import Any

from twin.model.catalog import equipment_types
from twin.model.catalog.text import check_type_figures
from twin.model.equipment import rack_power
from twin.model.findings import Findings, check_values as check_values_of
from twin.model.layout import Layout
from twin.model.parse_power import unknown_model
from twin.model.schema_power import (COOLING_KEYS, EQUIPMENT_KEYS, EQUIPMENT_TYPE_KEYS,
                                     FEED_KEYS, PDU_KEYS, POWER_KEYS, SITE_KEYS, UPS_KEYS)

TOLERANCE_U = 1e-9


def check_values(f: Findings, layout: Layout) -> None:
    """Schema checks of every new value (an edited layout may hold anything)."""
    for i, kind in enumerate(layout.equipment_types):
        check_values_of(f, kind, EQUIPMENT_TYPE_KEYS, f"equipment_types[{i}]")
    for i, rack in enumerate(layout.racks):
        for j, item in enumerate(rack.equipment):
            check_values_of(f, item, EQUIPMENT_KEYS, f"racks[{i}].equipment[{j}]")
    chain = layout.power
    if chain is None:
        return
    check_values_of(f, chain, POWER_KEYS, "power")
    for name, objects, keys in (("utility_feeds", chain.utility_feeds, FEED_KEYS),
                                ("ups", chain.ups, UPS_KEYS), ("pdus", chain.pdus, PDU_KEYS)):
        for i, obj in enumerate(objects):
            check_values_of(f, obj, keys, f"power.{name}[{i}]")
    check_values_of(f, chain.cooling, COOLING_KEYS, "power.cooling")
    check_values_of(f, chain.site, SITE_KEYS, "power.site")


def component_ids(layout: Layout) -> list[tuple[str, str]]:
    """(field, id) of every power-chain component, for the file-wide unique-id check."""
    if layout.power is None:
        return []
    out = []
    for name in ("utility_feeds", "ups", "pdus"):
        out += [(f"power.{name}[{i}]", c.id) for i, c in enumerate(getattr(layout.power, name))]
    return out


def check_references(f: Findings, layout: Layout) -> None:
    """Equipment models and rack units, derived rack power, power-chain links."""
    _check_types(f, layout)
    types = equipment_types(layout)
    for i, rack in enumerate(layout.racks):
        if rack.equipment and _check_models(f, rack, i, types):
            _check_units(f, rack, i, types)
            _check_power_kw(f, rack, i, types)
    if layout.power is not None:
        _check_links(f, layout)


def _check_types(f: Findings, layout: Layout) -> None:
    """Model ids unique within the file; idle <= typical <= max power."""
    first: dict[str, int] = {}
    for i, kind in enumerate(layout.equipment_types):
        field = f"equipment_types[{i}]"
        if kind.model in first:
            f.error(f"{field}.model", f'duplicate model "{kind.model}" (already defined by '
                    f"equipment_types[{first[kind.model]}])")
        first.setdefault(kind.model, i)
        check_type_figures(f, kind, field)


def _check_models(f: Findings, rack: Any, i: int, types: dict) -> bool:
    """Every listed model exists; False when one does not."""
    ok = True
    for j, item in enumerate(rack.equipment):
        if item.model not in types:
            f.error(f"racks[{i}].equipment[{j}].model", unknown_model(item.model, types))
            ok = False
    return ok


def _span_u(item: Any, height_u: float) -> tuple[float, float]:
    """Lowest and highest rack unit an entry occupies (inclusive)."""
    return item.position_u, item.position_u + height_u * item.units - 1


def _units(low: float, high: float) -> str:
    return f"U {low:g}" if high <= low else f"U {low:g}-{high:g}"


def _what(item: Any, height: float) -> str:
    """`"dgx-h100" (8 U) at U 1-8` or `2 x "dgx-h100" (8 U each) at U 1-16`."""
    low, high = _span_u(item, height)
    if item.units == 1:
        return f'"{item.model}" ({height:g} U) at {_units(low, high)}'
    return f'{item.units} x "{item.model}" ({height:g} U each) at {_units(low, high)}'


def _check_units(f: Findings, rack: Any, i: int, types: dict) -> None:
    """Equipment fits in the rack's units and no two entries share a unit."""
    placed: list[tuple[float, float, int]] = []
    for j, item in enumerate(rack.equipment):
        height = float(types[item.model].u_height)
        if height <= 0:
            continue                     # zero-U devices (e.g. vertical PDUs) take no units
        low, high = _span_u(item, height)
        field = f"racks[{i}].equipment[{j}].position_u"
        if high > rack.rack_units + TOLERANCE_U:
            f.error(field, f"{_what(item, height)} does not fit in the rack's "
                    f"{rack.rack_units} U (set height_u for a taller rack)")
            continue
        for a, b, k in placed:
            if low < b + 1 - TOLERANCE_U and a < high + 1 - TOLERANCE_U:
                f.error(field, f"{_what(item, height)} overlaps equipment[{k}] "
                        f'("{rack.equipment[k].model}" at {_units(a, b)})')
                break
        placed.append((low, high, j))


def _check_power_kw(f: Findings, rack: Any, i: int, types: dict) -> None:
    """An edited rack's power_kw must still match its equipment."""
    air_kw = rack_power(rack, types).air_kw
    if abs(float(rack.power_kw) - air_kw) > 1e-9 * max(1.0, abs(air_kw)):
        f.error(f"racks[{i}].power_kw", f"is {rack.power_kw:g} kW but the listed equipment "
                f"releases {air_kw:g} kW into the air; update it with "
                "twin.model.refresh_rack_power(layout)")


def _reference(f: Findings, field: str, value: str, known: list[str], what: str) -> None:
    if value in known:
        return
    near = difflib.get_close_matches(value, known, n=1, cutoff=0.5)
    hint = f'; did you mean "{near[0]}"?' if near else (
        f"; known: {', '.join(known)}" if known else f"; the file defines no {what}")
    f.error(field, f'unknown {what} "{value}"{hint}')


def _check_links(f: Findings, layout: Layout) -> None:
    """UPS draw from feeds, PDUs from UPS systems or feeds, PDUs feed existing racks."""
    chain = layout.power
    feeds = [c.id for c in chain.utility_feeds]
    sources = [c.id for c in chain.ups] + feeds
    racks = [r.id for r in layout.racks]
    for i, ups in enumerate(chain.ups):
        _reference(f, f"power.ups[{i}].from", ups.from_, feeds, "utility feed")
    for i, pdu in enumerate(chain.pdus):
        _reference(f, f"power.pdus[{i}].from", pdu.from_, sources, "UPS or utility feed")
        for j, rack_id in enumerate(pdu.racks):
            _reference(f, f"power.pdus[{i}].racks[{j}]", rack_id, racks, "rack")


def warn(f: Findings, layout: Layout) -> None:
    """Racks without a power connection; equipment blowing air backwards."""
    if layout.power is not None and layout.power.pdus:
        fed = {rack_id for pdu in layout.power.pdus for rack_id in pdu.racks}
        for i, rack in enumerate(layout.racks):
            if rack.id not in fed:
                f.warn(f"racks[{i}].id", f'rack "{rack.id}" has no power connection: no PDU '
                       "in power.pdus lists it")
    types = equipment_types(layout)
    for i, rack in enumerate(layout.racks):
        for j, item in enumerate(rack.equipment):
            kind = types.get(item.model)
            if kind is not None and kind.airflow == "rear-to-front":
                f.warn(f"racks[{i}].equipment[{j}].model", f'"{item.model}" moves air '
                       "rear-to-front; the thermal model treats every rack as front-to-rear")
