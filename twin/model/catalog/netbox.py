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

from twin.model import limits
from twin.model.catalog.text import check_type
from twin.model.errors import LayoutError
from twin.model.findings import Findings
from twin.model.layout import AIRFLOWS, EquipmentType
from twin.model.schema import is_number, show
from twin.model.yamlio import compose_yaml


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
    for index, port in enumerate(ports if isinstance(ports, list) else ()):
        value = port.get(key) if isinstance(port, dict) else None
        if value is None:
            continue
        if not is_number(value) or not 0 <= value <= _MAX_PORT_W:
            raise ValueError(f"power-ports[{index}].{key}: must be a number of watts from 0 to "
                             f"{_MAX_PORT_W:g} (got {show(value)})")
        total += value
    return total


def _label(doc: dict, key: str) -> Optional[str]:
    """A text field (model, slug, manufacturer) as text; numbers are spelled out."""
    value = doc.get(key)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise ValueError(f"{key}: must be text (got {show(value)})")
    return limits.clip_text(str(value), 200)


_MAX_PORT_W = 1_000_000.0       # one power port draws at most a megawatt


def devicetype_to_type(doc: Any, source: str) -> EquipmentType:
    """One device type as an EquipmentType; ValueError says why it cannot be used."""
    if not isinstance(doc, dict) or not (doc.get("model") or doc.get("slug")):
        raise ValueError("not a NetBox device type (no model or slug)")
    name, maker, slug = _label(doc, "model"), _label(doc, "manufacturer"), _label(doc, "slug")
    ports = doc.get("power-ports") or []
    max_w, allocated_w = _watts(ports, "maximum_draw"), _watts(ports, "allocated_draw")
    if max_w <= 0 and allocated_w <= 0:
        raise ValueError("no power draw (power-ports maximum_draw or allocated_draw)")
    airflow = doc.get("airflow")
    kind = EquipmentType(
        model=slug or slugify(f"{maker or ''} {name}"),
        name=name,
        manufacturer=maker,
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
            kind = devicetype_to_type(read_devicetype(path, label), label)
        except (OSError, ValueError, ArithmeticError, RecursionError) as exc:
            out.skipped.append((label, _reason(exc)))     # one bad file: the rest still import
            continue
        if kind.model in seen:
            out.skipped.append((label, f'model id "{kind.model}" already imported'))
            continue
        seen.add(kind.model)
        out.types.append(kind)
    return out


def read_devicetype(path: Path, label: str):
    """One device-type file as plain data, by the layout reader's rules: bounded size, no
    FIFOs or devices, nesting and integer limits, aliases never expanded."""
    data = limits.read_bounded(str(path), limits.MAX_DEVICETYPE_BYTES, "device type")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LayoutError(label, data.count(b"\n", 0, exc.start) + 1, "",
                          "the file is not UTF-8 text") from None
    return compose_yaml(text, label)


def _reason(exc: BaseException) -> str:
    """Why a file was skipped, one line: `line N: field: message` when the reader knows it."""
    if isinstance(exc, LayoutError):
        where = f"line {exc.line}: " if exc.line is not None else ""
        return f"{where}{exc.field + ': ' if exc.field else ''}{exc.message}"
    if isinstance(exc, limits.InputLimitError):
        return str(exc).split(": ", 1)[-1]
    if isinstance(exc, OSError):
        return f"cannot read the file: {exc.strerror or exc}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return limits.clip_text(str(exc), limits.MAX_MESSAGE_CHARS) or type(exc).__name__


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
