"""Rack power from listed equipment: electrical input, heat to liquid, heat to air.

A rack that lists equipment gets `power_kw` (the heat into the room air, which
the thermal models read) from here: electrical power minus the liquid share.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from twin.model.catalog import equipment_types
from twin.model.layout import Equipment, EquipmentType, Layout, Rack


def unit_power_kw(kind: EquipmentType, utilization_pct: Optional[float]) -> float:
    """Input power of one unit in kW: typical without a utilisation, else the linear
    idle-to-max model P = P_idle + (P_max - P_idle) u (Fan, Weber & Barroso, ISCA 2007)."""
    if utilization_pct is None:
        return kind.typical_kw
    return kind.idle_kw + (float(kind.max_power_kw) - kind.idle_kw) * float(utilization_pct) / 100.0


@dataclass(frozen=True)
class RackPower:
    """A rack's electrical input and where its heat goes, in kW."""
    it_kw: float
    liquid_kw: float = 0.0

    @property
    def air_kw(self) -> float:
        return self.it_kw - self.liquid_kw


def item_power(item: Equipment, kind: EquipmentType) -> RackPower:
    """Power of one equipment entry (all `count` units)."""
    it_kw = unit_power_kw(kind, item.utilization_pct) * item.units
    return RackPower(it_kw, it_kw * kind.liquid_share)


def rack_power(rack: Rack, types: Mapping[str, EquipmentType]) -> RackPower:
    """Power of a rack: from its equipment when listed, else `power_kw` all into the air.

    Raises KeyError for a model not in `types`.
    """
    if not rack.equipment:
        return RackPower(float(rack.power_kw))
    it_kw = liquid_kw = 0.0
    for item in rack.equipment:
        part = item_power(item, types[item.model])
        it_kw += part.it_kw
        liquid_kw += part.liquid_kw
    return RackPower(it_kw, liquid_kw)


def refresh_rack_power(layout: Layout) -> None:
    """Set `power_kw` of every rack that lists equipment (call after editing equipment)."""
    types = equipment_types(layout)
    for rack in layout.racks:
        if rack.equipment:
            rack.power_kw = rack_power(rack, types).air_kw
