"""Facility power: cooling from the thermal result, chain losses, PUE, annual figures.

PUE = total facility power / IT equipment power (The Green Grid, White Paper
49, "PUE: A Comprehensive Examination of the Metric", 2012; ISO/IEC
30134-2:2016). IT power is taken at the equipment input, so PDU and busway
losses count as facility power (The Green Grid's PUE category 3 boundary).
"""
from __future__ import annotations

import math
from typing import Optional

from twin.model.electrical import CoolingPlant, Site
from twin.model.layout import Layout
from twin.power.efficiency import DEFAULT_LIQUID_SUPPLY_TEMP_C, fan_kw, plant_cop
from twin.power.results import Annual, UnitCooling

HOURS_PER_YEAR = 8760.0


def room_heat_kw(layout: Layout, thermal=None) -> dict[str, tuple[float, float]]:
    """Unit id -> (heat taken from the room air in kW, supply temperature in degC).

    From the thermal result's per-unit loads when given; otherwise the racks'
    air-side heat shared among running units by airflow (an estimate).
    """
    if thermal is not None:
        out = {}
        for unit in layout.cooling_units:
            result = thermal.cooling_units.get(unit.id)
            load = float(result.load_kw) if result is not None else 0.0
            supply = float(result.supply_temp_c) if result is not None else float(unit.supply_temp_c)
            out[unit.id] = (max(load, 0.0) if math.isfinite(load) else 0.0, supply)
        return out
    running = [u for u in layout.cooling_units if u.running]
    total_m3s = sum(float(u.airflow_m3s) for u in running)
    air_kw = float(layout.it_power_kw)
    return {u.id: (air_kw * float(u.airflow_m3s) / total_m3s if u.running and total_m3s > 0
                   else 0.0, float(u.supply_temp_c)) for u in layout.cooling_units}


def unit_cooling(layout: Layout, plant: Optional[CoolingPlant], thermal=None) -> dict[str, UnitCooling]:
    """Fans and chiller power per cooling unit. The coil removes the room heat plus
    the fan's own heat; the plant turns that into electrical power at COP(supply)."""
    out = {}
    room = room_heat_kw(layout, thermal)
    for unit in layout.cooling_units:
        heat_room_kw, supply_c = room[unit.id]
        fans = fan_kw(unit, plant)
        heat = heat_room_kw + fans
        cop = plant_cop(plant, supply_c)
        out[unit.id] = UnitCooling(unit.id, fans, heat, supply_c, cop, heat / cop)
    return out


def liquid_chiller_kw(plant: Optional[CoolingPlant], liquid_kw: float,
                      layout: Optional[Layout] = None) -> float:
    """Plant power for the heat taken by liquid cooling, at the facility-water temperature
    (the layout's liquid.facility_water.supply_c when it has a liquid section)."""
    if liquid_kw <= 0:
        return 0.0
    supply_c = DEFAULT_LIQUID_SUPPLY_TEMP_C
    if layout is not None and getattr(layout, "liquid", None) is not None:
        supply_c = float(layout.liquid.facility_water.supply_c)
    elif plant is not None and plant.liquid_supply_temp_c is not None:
        supply_c = float(plant.liquid_supply_temp_c)
    return liquid_kw / plant_cop(plant, supply_c)


def cdu_pumps_kw(layout: Layout) -> float:
    """Electrical power of the running CDU pumps (0 without a liquid section)."""
    liquid = getattr(layout, "liquid", None)
    return 0.0 if liquid is None else sum(float(c.pump_kw) for c in liquid.cdus if c.running)


def annual(facility_kw: float, it_kw: float, site: Optional[Site]) -> Annual:
    """Energy over a year at this operating point, with cost and CO2 when the site gives
    a tariff and a grid carbon intensity."""
    site = site or Site()
    hours = HOURS_PER_YEAR if site.hours_per_year is None else float(site.hours_per_year)
    kwh = facility_kw * hours
    cost = None if site.tariff_per_kwh is None else kwh * float(site.tariff_per_kwh)
    co2 = None if site.grid_kgco2_per_kwh is None else kwh * float(site.grid_kgco2_per_kwh) / 1000.0
    return Annual(hours, kwh / 1000.0, it_kw * hours / 1000.0, cost, site.currency, co2)
