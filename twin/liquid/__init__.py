"""Direct-to-chip liquid cooling: the coolant loop of a layout's `liquid` section.

    result = solve_liquid(layout)               # CDU loads, secondary and rack temperatures
    failure = cdu_failure(layout, "CDU-1")      # N-1: racks move within the redundancy group
    loss = facility_water_loss(layout)          # seconds until each rack's coolant passes its limit
    energy = annual_energy(layout, load_climate("example-temperate"), 32.0)
    graph = loop_graph(layout)                  # networkx: facility water -> CDUs -> racks

Qt-free; equations and sources in docs/liquid.md.
"""
from __future__ import annotations

from twin.liquid.climate import (BUNDLED, DEFAULT_CLIMATE, Climate, ClimateError, load_climate,
                                 parse_climate)
from twin.liquid.energy import LiquidEnergy, annual_energy, compare_supplies, free_cooling
from twin.liquid.failures import CduFailure, as_edited, cdu_failure, n1_sweep, with_failed
from twin.liquid.loop import FACILITY, RackLiquid, loop_graph, rack_liquids, serving
from twin.liquid.output import csv_rows, result_dict
from twin.liquid.solve import (CduResult, LiquidResult, RackCoolant, cdu_supply_c, solve_liquid,
                               water_class)
from twin.liquid.study import LiquidStudy, study
from twin.liquid.transient import FacilityLoss, facility_water_loss

__all__ = [
    "BUNDLED", "DEFAULT_CLIMATE", "FACILITY", "CduFailure", "CduResult", "Climate", "ClimateError",
    "FacilityLoss", "LiquidEnergy", "LiquidResult", "LiquidStudy", "RackCoolant", "RackLiquid",
    "annual_energy", "as_edited", "cdu_failure", "cdu_supply_c", "compare_supplies", "csv_rows",
    "facility_water_loss", "free_cooling", "load_climate", "loop_graph", "n1_sweep",
    "parse_climate", "rack_liquids", "result_dict", "serving", "solve_liquid", "study",
    "water_class", "with_failed",
]
