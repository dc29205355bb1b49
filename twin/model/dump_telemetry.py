"""Writing the `telemetry` section: one flow mapping per host."""
from __future__ import annotations

from typing import Any

from twin.model.dump_power import _flow_item
from twin.model.telemetry import HOST_KEYS


def section(layout: Any) -> list[str]:
    """The `telemetry` lines, or nothing when the layout has no such section."""
    mapping = getattr(layout, "telemetry", None)
    if mapping is None:
        return []
    if not mapping.hosts:
        return ["telemetry: {}"]
    return ["telemetry:", "  hosts:"] + [f"    - {_flow_item(h, HOST_KEYS)}"
                                         for h in mapping.hosts]
