"""Reading the equipment and power sections (optional additions to format v1).

Same rules as the rest of the reader: the first bad value stops with
`file:line: field: message`. A rack that lists equipment takes its
`power_kw` (heat into the air) from the equipment, so the file leaves it out.
"""
from __future__ import annotations

import difflib
from typing import Mapping, Optional

from twin.model import schema
from twin.model.catalog import merge_types
from twin.model.electrical import CoolingPlant, Pdu, PowerChain, Site, Ups, UtilityFeed
from twin.model.equipment import rack_power
from twin.model.layout import Equipment, EquipmentType, Rack
from twin.model.reader import Reader, items
from twin.model.schema import Key
from twin.model.schema_power import (COOLING_KEYS, EQUIPMENT_KEYS, EQUIPMENT_TYPE_KEYS,
                                     FEED_KEYS, PDU_KEYS, POWER_KEYS, SITE_KEYS, UPS_KEYS)
from twin.model.yamlio import YMap

# A rack that lists equipment: the same keys, but power_kw comes from the equipment.
EQUIPPED_RACK_KEYS = tuple(k for k in schema.RACK_KEYS if k.name != "power_kw")


def equipment_types(r: Reader, doc: YMap) -> list[EquipmentType]:
    """The file's own `equipment_types` list."""
    return [EquipmentType(**r.values(m, EQUIPMENT_TYPE_KEYS, f))
            for f, _, m in items(r, doc, "equipment_types", "", "equipment types")]


def catalog(own: list[EquipmentType]) -> dict[str, EquipmentType]:
    """Models the racks may use: the bundled catalog overlaid with the file's own."""
    return merge_types(own)


def unknown_model(model: str, types: Mapping[str, EquipmentType]) -> str:
    """The message for a model that is in neither catalog, with the nearest id."""
    near = difflib.get_close_matches(model, list(types), n=1, cutoff=0.5)
    hint = f'; did you mean "{near[0]}"?' if near else ""
    return (f'unknown equipment model "{model}"{hint} (models come from the bundled catalog '
            "and the file's equipment_types)")


def rack(r: Reader, m: YMap, field: str, types: Mapping[str, EquipmentType]) -> Rack:
    """One rack; with equipment its power_kw is derived (electrical minus liquid share)."""
    listed = list(items(r, m, "equipment", field, "equipment entries"))
    if not listed:
        return Rack(**r.values(m, schema.RACK_KEYS, field))
    if "power_kw" in m:
        raise r.fail(m.key_lines["power_kw"], f"{field}.power_kw", "leave power_kw out: a rack "
                     "that lists equipment takes its power from the equipment")
    values = r.values(m, EQUIPPED_RACK_KEYS, field)
    equipment = []
    for sub, _, item in listed:
        entry = Equipment(**r.values(item, EQUIPMENT_KEYS, sub))
        if entry.model not in types:
            raise r.fail(item.value_lines["model"], f"{sub}.model", unknown_model(entry.model, types))
        equipment.append(entry)
    out = Rack(power_kw=0.0, equipment=equipment, **values)
    out.power_kw = rack_power(out, types).air_kw
    return out


def _group(r: Reader, m: YMap, key: str, keys: tuple[Key, ...], cls, what: str):
    """An optional sub-mapping such as `power.cooling`; absent or empty gives cls()."""
    if m.get(key) is None:
        return cls()
    field = f"power.{key}"
    sub = r.mapping(m[key], m.value_lines[key], field, what)
    return cls(**r.values(sub, keys, field))


def power(r: Reader, doc: YMap) -> Optional[PowerChain]:
    """The `power` section, or None when the file has none."""
    if doc.get("power") is None:
        return None
    m = r.mapping(doc["power"], doc.value_lines["power"], "power", "power-chain keys")
    top = r.values(m, POWER_KEYS, "power")
    feeds = [UtilityFeed(**r.values(x, FEED_KEYS, f))
             for f, _, x in items(r, m, "utility_feeds", "power", "utility feeds")]
    ups = [Ups(**r.values(x, UPS_KEYS, f)) for f, _, x in items(r, m, "ups", "power", "UPS systems")]
    pdus = [Pdu(**r.values(x, PDU_KEYS, f)) for f, _, x in items(r, m, "pdus", "power", "PDUs")]
    cooling = _group(r, m, "cooling", COOLING_KEYS, CoolingPlant, "cooling-plant keys")
    site = _group(r, m, "site", SITE_KEYS, Site, "site keys")
    return PowerChain(utility_feeds=feeds, ups=ups, pdus=pdus, cooling=cooling, site=site, **top)
