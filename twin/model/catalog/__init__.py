"""Equipment catalog: the bundled models and the ones a layout defines itself.

    types = equipment_types(layout)          # model id -> EquipmentType
    types["dgx-h100"].max_power_kw           # 10.2

Layout-defined models (`equipment_types:` in the file) take precedence over
bundled ones of the same id. `netbox.py` imports NetBox device types.
"""
from __future__ import annotations

import dataclasses
from typing import Iterable, Optional

from twin.model.catalog.builtin import BUILTIN_TYPES
from twin.model.layout import EquipmentType

__all__ = ["BUILTIN_TYPES", "builtin_types", "equipment_types", "merge_types"]


def builtin_types() -> dict[str, EquipmentType]:
    """The bundled catalog, model id -> EquipmentType (fresh copies, safe to edit)."""
    return {t.model: dataclasses.replace(t) for t in BUILTIN_TYPES}


def merge_types(own: Iterable[EquipmentType]) -> dict[str, EquipmentType]:
    """The bundled catalog overlaid with `own` models (same id: own wins)."""
    types = builtin_types()
    types.update({t.model: t for t in own})
    return types


def equipment_types(layout: Optional[object] = None) -> dict[str, EquipmentType]:
    """Every model a layout may use: bundled plus its own `equipment_types`."""
    return merge_types(getattr(layout, "equipment_types", None) or ())
