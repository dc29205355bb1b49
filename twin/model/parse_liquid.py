"""Reading the `liquid` section (format 2): facility water, coolant, heat rejection, CDUs.

Same rules as the rest of the reader: the first bad value stops with
`file:line: field: message`.
"""
from __future__ import annotations

from typing import Optional

from twin.model.liquid import (CDU_KEYS, COOLANT_KEYS, FACILITY_KEYS, LIQUID_KEYS, REJECTION_KEYS,
                               Cdu, Coolant, FacilityWater, HeatRejection, Liquid)
from twin.model.reader import Reader, items
from twin.model.yamlio import YMap

LIQUID_VERSION = 2


def _group(r: Reader, m: YMap, key: str, keys, cls, what: str, required: bool = False):
    """An optional (or required) sub-mapping such as `liquid.coolant`."""
    field = f"liquid.{key}"
    if m.get(key) is None:
        if required:
            raise r.fail(m.line, field, f'missing required key "{key}" (e.g. '
                         "facility_water: {supply_c: 32})")
        return None
    sub = r.mapping(m[key], m.value_lines[key], field, what)
    return cls(**r.values(sub, keys, field))


def liquid(r: Reader, doc: YMap, version: int) -> Optional[Liquid]:
    """The `liquid` section, or None when the file has none."""
    if doc.get("liquid") is None:
        return None
    if version < LIQUID_VERSION:
        raise r.fail(doc.key_lines["liquid"], "liquid", "the liquid section is part of layout "
                     f'format {LIQUID_VERSION}; start the file with "dctwin: {LIQUID_VERSION}"')
    m = r.mapping(doc["liquid"], doc.value_lines["liquid"], "liquid", "liquid-cooling keys")
    top = r.values(m, LIQUID_KEYS, "liquid")
    water = _group(r, m, "facility_water", FACILITY_KEYS, FacilityWater,
                   "facility-water keys (supply_c, state)", required=True)
    coolant = _group(r, m, "coolant", COOLANT_KEYS, Coolant, "coolant keys (density_kgm3, cp_jkgk)")
    rejection = _group(r, m, "heat_rejection", REJECTION_KEYS, HeatRejection,
                       "heat-rejection keys (kind, approach_k, fan_kw_per_kw, cycles)")
    cdus = []
    for f, _, x in items(r, m, "cdus", "liquid", "CDUs"):
        values = r.values(x, CDU_KEYS, f)
        values.setdefault("racks", [])
        cdus.append(Cdu(**values))
    return Liquid(facility_water=water, cdus=cdus, coolant=coolant, heat_rejection=rejection, **top)
