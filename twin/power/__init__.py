"""Power model (Qt-free): equipment power, the power chain, failover, cooling power, PUE.

    from twin.power import analyze
    result = analyze(layout, thermal_result)     # thermal_result optional
    result.pue, result.components["UPS-A"].utilization_pct, result.failover.ok

docs/power.md describes the models and their sources. Names are imported on
first use, so `dctwin --help` does not load the graph library.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "analyze": "twin.power.analysis",
    "AcceleratorRef": "twin.power.equipment", "accelerators": "twin.power.equipment",
    "find_accelerator": "twin.power.equipment",
    "Annual": "twin.power.results", "ComponentLoad": "twin.power.results",
    "Failover": "twin.power.results", "PowerResult": "twin.power.results",
    "RackLoad": "twin.power.results", "UnitCooling": "twin.power.results",
    "Violation": "twin.power.results",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'twin.power' has no attribute {name!r}")
