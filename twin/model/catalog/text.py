"""Catalog files: an `equipment_types:` list on its own, in the layout's format.

`dctwin import-devicetypes` prints one; its entries can be pasted into a
layout's `equipment_types`. Reading one gives the same file:line:field errors.
"""
from __future__ import annotations

from typing import Iterable, Optional

from twin.model import dump
from twin.model.findings import Findings, check_values
from twin.model.layout import EquipmentType
from twin.model.reader import Reader, items
from twin.model.schema import Key
from twin.model.schema_power import EQUIPMENT_TYPE_KEYS
from twin.model.yamlio import YMap, compose_yaml


def dump_types(types: Iterable[EquipmentType]) -> str:
    """YAML text `equipment_types:` with one block per model."""
    out = ["equipment_types:"]
    for kind in types:
        out.extend(dump._item(kind, EQUIPMENT_TYPE_KEYS))
    return "\n".join(out) + "\n" if len(out) > 1 else "equipment_types: []\n"


def loads_types(text: str, filename: Optional[str] = "<string>") -> list[EquipmentType]:
    """Read a catalog text; raises LayoutError at the first problem."""
    doc = compose_yaml(text, filename)
    r = Reader(filename)
    if not isinstance(doc, YMap):
        raise r.fail(getattr(doc, "line", 1), "", "a catalog file is a mapping with one key, "
                     "equipment_types")
    r.no_unknown(doc, (Key("equipment_types", None),), "")
    types = [EquipmentType(**r.values(m, EQUIPMENT_TYPE_KEYS, f))
             for f, _, m in items(r, doc, "equipment_types", "", "equipment types")]
    f = Findings(filename, r.lines)
    for i, kind in enumerate(types):
        check_type(f, kind, f"equipment_types[{i}]")
    if f.errors:
        raise f.errors[0]
    return types


def check_type(f: Findings, kind: EquipmentType, field: str) -> None:
    """Schema checks plus idle <= typical <= max for one model."""
    check_values(f, kind, EQUIPMENT_TYPE_KEYS, field)
    if not f.errors:
        check_type_figures(f, kind, field)


def check_type_figures(f: Findings, kind: EquipmentType, field: str) -> None:
    """Idle <= typical <= max power (values already of the right kind)."""
    if kind.typical_power_kw is not None and kind.typical_power_kw > kind.max_power_kw:
        f.error(f"{field}.typical_power_kw", f"typical power {kind.typical_power_kw:g} kW "
                f"is above the maximum {kind.max_power_kw:g} kW")
    elif kind.idle_power_kw is not None and kind.idle_power_kw > kind.typical_kw:
        f.error(f"{field}.idle_power_kw", f"idle power {kind.idle_power_kw:g} kW is above "
                f"the typical {kind.typical_kw:g} kW")
