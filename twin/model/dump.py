"""Writing layouts: readable YAML in contract key order (saved atomically by twin.files).

The text is emitted by hand (not `yaml.dump`) so files look like the
reference room: block mappings, flow-style short lists, quoted facings.
Every number and string is spelled so that PyYAML reads it back exactly.
"""
from __future__ import annotations

from typing import Any

import yaml

from twin.model import dump_liquid, dump_network, dump_power, dump_telemetry, scenarios, schema
from twin.model.layout import Layout


def number(value: Any) -> str:
    """A number spelled so YAML 1.1 reads back the same int or float."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = repr(float(value))
    if "e" in text and "." not in text:  # PyYAML floats need a dot: 1e-05 -> 1.0e-05
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def text(value: str, quote: bool = False) -> str:
    """A string, plain when YAML reads it back unchanged, else double-quoted."""
    if not quote:
        plain = yaml.safe_dump(value, width=float("inf"), allow_unicode=True)
        if plain.endswith("\n...\n") and plain[: -len("\n...\n")] == value:
            return value
    quoted = yaml.safe_dump(value, default_style='"', width=float("inf"), allow_unicode=True)
    return quoted.rstrip("\n")


def flow(values: Any) -> str:
    """A short list of numbers in flow style: `[0.6, 1.2, 2.0]`."""
    return "[" + ", ".join(number(v) for v in values) + "]"


def flow_text(value: str) -> str:
    """A string inside a flow list or mapping (`[A1, "1,2"]`), quoted when it must be."""
    candidate = text(value)
    try:
        if yaml.safe_load(f"[{candidate}]") == [value]:
            return candidate
    except yaml.YAMLError:
        pass
    return text(value, quote=True)


def _value(key: schema.Key, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(key.kind, (schema.Vector, schema.Interval)):
        return flow(value)
    if isinstance(key.kind, schema.Curve):
        return "[" + ", ".join(flow(point) for point in value) + "]"
    if isinstance(key.kind, schema.IdList) or isinstance(value, list):
        return "[" + ", ".join(flow_text(v) for v in value) + "]"
    if isinstance(key.kind, schema.Number):
        return number(value)
    return text(value, quote=key.name == "facing")


def _item(obj: Any, keys: tuple, indent: str = "  ") -> list[str]:
    """One list item: `  - first: ...` then the remaining keys indented under it."""
    lines = []
    for key in keys:
        value = None if key.kind is None else getattr(obj, key.attribute)
        if value is None and not key.required:
            continue
        prefix = f"{indent}- " if not lines else f"{indent}  "
        lines.append(f"{prefix}{key.name}: {_value(key, value)}")
    return lines


def _section(name: str, items: list, render) -> list[str]:
    if not items:
        return [f"{name}: []"]
    out = [f"{name}:"]
    for item in items:
        out.extend(render(item))
    return out


def _tile(tile: Any) -> list[str]:
    out = [f"  - area_m: {{x: {flow(tile.x_m)}, y: {flow(tile.y_m)}}}"]
    if tile.open_pct is not None:
        out.append(f"    open_pct: {number(tile.open_pct)}")
    return out


def dump_layout(layout: Layout) -> str:
    """The YAML text of a layout; loads back equal to `layout`.

    The version written is the layout's own, raised to 2 when it uses a format-2 key.
    """
    from twin.model import checks_v2, dump_v2
    version = max(int(layout.version), schema.format_version(layout),
                  checks_v2.required_version(layout))
    out = [f"dctwin: {version}", f"name: {text(layout.name or '')}"]
    if layout.ashrae_class != "A1":
        out.append(f"ashrae_class: {text(layout.ashrae_class)}")
    out += ["room:", f"  size_m: {flow(layout.room.size_m)}",
            f"  tile_m: {number(layout.room.tile_m)}"]
    out += dump_v2.room_lines(layout.room)
    out += ["air:", f"  density_kgm3: {number(layout.air.density_kgm3)}",
            f"  cp_jkgk: {number(layout.air.cp_jkgk)}"]
    out += _section("cooling_units", layout.cooling_units, dump_v2.unit_lines)
    out += _section("tiles", layout.tiles, _tile)
    out += _section("racks", layout.racks, _rack)
    out += dump_v2.sections(layout)
    out += dump_power.sections(layout)
    out += dump_network.section(layout)
    out += dump_liquid.section(layout)
    out += dump_telemetry.section(layout)
    out += scenarios.lines(layout)
    return "\n".join(out) + "\n"


def _rack(rack: Any) -> list[str]:
    """A rack item; with equipment, power_kw is left out (it follows from the equipment)."""
    keys = tuple(k for k in schema.RACK_KEYS if not (rack.equipment and k.name == "power_kw"))
    from twin.model import dump_v2
    return _item(rack, keys) + dump_v2.rack_lines(rack) + dump_power.equipment_lines(rack)

