"""The layout model: dataclasses plus reading, checking and writing format v1.

    layout = load_layout("hall.yaml")      # raises LayoutError
    for warning in layout.warnings: ...    # non-fatal findings (LayoutWarning)
    save_layout(layout, "hall.yaml")       # atomic; previous file kept as hall.yaml.bak;
                                           # a file read from text keeps its comments
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

from twin.model.checks import check_layout
from twin.model.dump import dump_layout
from twin.model.checks_v2 import required_version
from twin.model.errors import LayoutError, LayoutWarning
from twin.model.electrical import CoolingPlant, Pdu, PowerChain, Site, Ups, UtilityFeed
from twin.model.equipment import RackPower, rack_power, refresh_rack_power
from twin.model.objects import (Aisle, Box, Containment, FaceZone, Obstacle, RearDoor, Sensor,
                                containment_panels)
from twin.model.layout import (AIRFLOWS, ASHRAE_CLASSES, FACINGS, UNIT_STATES, Air, CoolingUnit,
                               Equipment, EquipmentType, Layout, Rack, Room, TileArea)
from twin.model import limits
from twin.model.parse import build_layout
from twin.model.resources import bundled_layout, bundled_layout_names, default_layout_path
from twin.model.schema import FORMAT_VERSION
from twin.model.splice import splice_layout_text
from twin.model.telemetry import TelemetryHost, TelemetryMap
from twin.model.yamlio import compose_yaml

PathLike = Union[str, "os.PathLike[str]"]

__all__ = [
    "AIRFLOWS", "ASHRAE_CLASSES", "FACINGS", "FORMAT_VERSION", "UNIT_STATES",
    "Air", "CoolingUnit", "Layout", "LayoutError", "LayoutWarning", "Rack", "Room", "TileArea",
    "CoolingPlant", "Equipment", "EquipmentType", "Pdu", "PowerChain", "RackPower", "Site", "TelemetryHost",
    "TelemetryMap", "Ups",
    "UtilityFeed", "rack_power", "refresh_rack_power",
    "bundled_layout", "bundled_layout_names", "default_layout_path", "dump_layout",
    "layout_text", "load_layout", "loads_layout", "save_layout", "validate_layout",
    "Aisle", "Box", "Containment", "FaceZone", "Obstacle", "RearDoor", "Sensor",
    "containment_panels", "required_version",
]


def _raise_first(errors: list[LayoutError]) -> None:
    if errors:
        first = errors[0]
        first.errors = list(errors)
        raise first


def loads_layout(text: str, filename: Optional[str] = "<string>") -> Layout:
    """Parse and check layout text; `filename` only labels error messages.

    Raises LayoutError (the first problem in file order). Non-fatal findings
    are on `layout.warnings`.
    """
    doc = compose_yaml(text, filename)
    layout, lines = build_layout(doc, filename)
    errors, warnings = check_layout(layout, filename, lines)
    _raise_first(errors)
    layout.warnings = warnings
    layout.source_text = text
    layout.lines = lines
    return layout


def load_layout(path: PathLike) -> Layout:
    """Read a layout file; sets `layout.source_path` and `layout.warnings`.

    Every failure, unreadable files included, is a LayoutError naming the file.
    FIFOs, devices and files over limits.MAX_LAYOUT_BYTES are refused unread.
    """
    name = os.fspath(path)
    try:
        data = limits.read_bounded(name, limits.MAX_LAYOUT_BYTES, "layout")
    except limits.InputLimitError as exc:
        raise LayoutError(name, None, "", str(exc).split(": ", 1)[-1]) from None
    except OSError as exc:
        raise LayoutError(name, None, "", f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LayoutError(name, line, "", "the file is not UTF-8 text") from None
    layout = loads_layout(text, name)
    layout.source_path = name
    return layout


def validate_layout(layout: Layout, path: Optional[str] = None) -> list[LayoutWarning]:
    """Check an in-memory layout by the same rules as a file; returns the warnings.

    Raises LayoutError for the first problem (all of them on `.errors`).
    """
    errors, warnings = check_layout(layout, path)
    _raise_first(errors)
    return warnings


def save_layout(layout: Layout, path: PathLike, check: bool = True) -> Path:
    """Write a layout atomically, keeping the previous file as `<name>.bak`.

    With `check`, an invalid layout is refused (LayoutError) rather than
    written as a file that would not load. Sets `layout.source_path`.
    """
    name = os.fspath(path)
    if check:
        layout.warnings = validate_layout(layout, name)
    from twin.files import write_text_atomic
    text = layout_text(layout)
    target = write_text_atomic(name, text, backup=True)
    layout.source_path = name
    layout.source_text = text
    layout.version = max(layout.version, required_version(layout))
    return target


def layout_text(layout: Layout) -> str:
    """The text to save: the file it was read from with only the changes made, else canonical.

    Comments, key order and spelling of a hand-written file are kept; a splice
    that does not load back equal to `layout` is never written (canonical text is).
    """
    new = dump_layout(layout)
    original = layout.source_text
    if original is None:
        return new
    try:
        base = dump_layout(loads_layout(original, None))
        spliced = splice_layout_text(original, base, new)
        if spliced is not None and (spliced == original or loads_layout(spliced, None) == layout):
            return spliced
    except LayoutError:
        pass
    return new
