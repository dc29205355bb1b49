"""Writing the equipment and power sections, in key-table order.

Only what the layout holds is written (None values are left out), so a file
without these sections is written exactly as before.
"""
from __future__ import annotations

from typing import Any

from twin.model import dump, schema_power as keys


def _flow_item(obj: Any, table: tuple) -> str:
    """A flow mapping on one line: `{model: dgx-h100, position_u: 1}`."""
    parts = []
    for key in table:
        value = getattr(obj, key.attribute)
        if value is None and not key.required:
            continue
        if isinstance(value, str):
            parts.append(f"{key.name}: {dump.flow_text(value)}")
        else:
            parts.append(f"{key.name}: {dump.number(value)}")
    return "{" + ", ".join(parts) + "}"


def equipment_lines(rack: Any) -> list[str]:
    """A rack's `equipment:` block, one flow mapping per entry (nothing if none)."""
    if not rack.equipment:
        return []
    return ["    equipment:"] + [f"      - {_flow_item(e, keys.EQUIPMENT_KEYS)}"
                                  for e in rack.equipment]


def _group(name: str, obj: Any, table: tuple) -> list[str]:
    """An indented sub-mapping such as `  site:`; nothing when all its values are None."""
    body = [f"    {k.name}: {dump._value(k, getattr(obj, k.attribute))}" for k in table
            if getattr(obj, k.attribute) is not None]
    return [f"  {name}:"] + body if body else []


def _list(name: str, objects: list, table: tuple) -> list[str]:
    if not objects:
        return []
    out = [f"  {name}:"]
    for obj in objects:
        out.extend(dump._item(obj, table, indent="    "))
    return out


def _power(chain: Any) -> list[str]:
    body = []
    if chain.continuous_limit_pct is not None:
        body.append(f"  continuous_limit_pct: {dump.number(chain.continuous_limit_pct)}")
    body += _list("utility_feeds", chain.utility_feeds, keys.FEED_KEYS)
    body += _list("ups", chain.ups, keys.UPS_KEYS)
    body += _list("pdus", chain.pdus, keys.PDU_KEYS)
    body += _group("cooling", chain.cooling, keys.COOLING_KEYS)
    body += _group("site", chain.site, keys.SITE_KEYS)
    return ["power:"] + body if body else ["power: {}"]


def sections(layout: Any) -> list[str]:
    """The `equipment_types` and `power` sections, when the layout has them."""
    out = []
    if layout.equipment_types:
        out.append("equipment_types:")
        for kind in layout.equipment_types:
            out.extend(dump._item(kind, keys.EQUIPMENT_TYPE_KEYS))
    if layout.power is not None:
        out += _power(layout.power)
    return out
