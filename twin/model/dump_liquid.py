"""Writing the `liquid` section: plain keys, flow-style sub-mappings, one block per CDU."""
from __future__ import annotations

from typing import Any

from twin.model import dump
from twin.model.liquid import CDU_KEYS, COOLANT_KEYS, FACILITY_KEYS, LIQUID_KEYS, REJECTION_KEYS


def _flow(obj: Any, table: tuple, skip_defaults: tuple = ()) -> str:
    """A sub-mapping on one line, None values (and the named keys at their default) left
    out: `{supply_c: 32}`."""
    parts = [f"{k.name}: {dump._value(k, getattr(obj, k.attribute))}" for k in table
             if getattr(obj, k.attribute) is not None
             and not (k.name in skip_defaults and getattr(obj, k.attribute) == k.default)]
    return "{" + ", ".join(parts) + "}"


def section(layout: Any) -> list[str]:
    """The `liquid` lines, or nothing when the layout has none."""
    liquid = getattr(layout, "liquid", None)
    if liquid is None:
        return []
    water = _flow(liquid.facility_water, FACILITY_KEYS, skip_defaults=("state",))
    out = ["liquid:", f"  facility_water: {water}"]
    for key in LIQUID_KEYS:
        if key.kind is not None and getattr(liquid, key.attribute) is not None:
            out.append(f"  {key.name}: {dump._value(key, getattr(liquid, key.attribute))}")
    if liquid.coolant is not None:
        out.append(f"  coolant: {_flow(liquid.coolant, COOLANT_KEYS)}")
    if liquid.heat_rejection is not None:
        out.append(f"  heat_rejection: {_flow(liquid.heat_rejection, REJECTION_KEYS)}")
    if liquid.cdus:
        out.append("  cdus:")
        for cdu in liquid.cdus:
            out += dump._item(cdu, CDU_KEYS, indent="    ")
    return out
