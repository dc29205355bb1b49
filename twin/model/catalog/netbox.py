"""Equipment models from NetBox device types (the netbox-community devicetype-library).

A device type file gives `manufacturer`, `model`, `slug`, `u_height` (default 1),
`airflow` and `power-ports` with `maximum_draw` and `allocated_draw` in watts.
As in NetBox's own power utilisation, a device's draw is the sum over its
power ports: maximum power = sum of maximum_draw, typical = sum of
allocated_draw. Files without any draw are skipped with a reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from twin.model.catalog.text import check_type
from twin.model.findings import Findings
from twin.model.layout import AIRFLOWS, EquipmentType


@dataclass
class Imported:
    types: list[EquipmentType] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (file, reason)


def slugify(text: str) -> str:
    """NetBox-style slug: lower case, runs of other characters become one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _watts(ports: list, key: str) -> float:
    """Sum of one draw field over the power ports, in W (missing values count as 0)."""
    total = 0.0
    for port in ports:
        value = port.get(key) if isinstance(port, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            total += value
    return total


def devicetype_to_type(doc: Any, source: str) -> EquipmentType:
    """One device type as an EquipmentType; ValueError says why it cannot be used."""
    if not isinstance(doc, dict) or not (doc.get("model") or doc.get("slug")):
        raise ValueError("not a NetBox device type (no model or slug)")
    name, maker = doc.get("model"), doc.get("manufacturer")
    ports = doc.get("power-ports") or []
    max_w, allocated_w = _watts(ports, "maximum_draw"), _watts(ports, "allocated_draw")
    if max_w <= 0 and allocated_w <= 0:
        raise ValueError("no power draw (power-ports maximum_draw or allocated_draw)")
    airflow = doc.get("airflow")
    kind = EquipmentType(
        model=str(doc.get("slug") or slugify(f"{maker or ''} {name}")),
        name=None if name is None else str(name),
        manufacturer=None if maker is None else str(maker),
        u_height=doc.get("u_height", 1),
        max_power_kw=max(max_w, allocated_w) / 1000.0,
        typical_power_kw=allocated_w / 1000.0 if allocated_w > 0 else None,
        airflow=airflow if airflow in AIRFLOWS else None,
        source=f"NetBox device type {source}")
    found = Findings(source, None)
    check_type(found, kind, "")
    if found.errors:
        raise ValueError(found.errors[0].message)
    return kind


def _files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def import_devicetypes(folder) -> Imported:
    """Every usable device type in a folder (searched recursively) or a single file."""
    root = Path(folder)
    out, seen = Imported(), set()
    for path in _files(root):
        label = str(path.relative_to(root)) if path != root else path.name
        try:
            kind = devicetype_to_type(yaml.safe_load(path.read_text(encoding="utf-8")), label)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
            out.skipped.append((label, _reason(exc)))
            continue
        if kind.model in seen:
            out.skipped.append((label, f'model id "{kind.model}" already imported'))
            continue
        seen.add(kind.model)
        out.types.append(kind)
    return out


def _reason(exc: Exception) -> str:
    if isinstance(exc, yaml.YAMLError):
        return "YAML syntax error"
    return str(exc) or type(exc).__name__


def type_to_devicetype(kind: EquipmentType) -> dict:
    """An EquipmentType as a NetBox device type with one power port (draws in W)."""
    port: dict[str, Any] = {"name": "PSU", "maximum_draw": round(kind.max_power_kw * 1000)}
    if kind.typical_power_kw is not None:
        port["allocated_draw"] = round(kind.typical_power_kw * 1000)
    doc: dict[str, Optional[Any]] = {"manufacturer": kind.manufacturer,
                                     "model": kind.name or kind.model, "slug": kind.model,
                                     "u_height": kind.u_height, "airflow": kind.airflow,
                                     "power-ports": [port]}
    return {k: v for k, v in doc.items() if v is not None}
