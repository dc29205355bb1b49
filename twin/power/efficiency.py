"""Loss and efficiency models of the power chain and the cooling plant, with defaults.

Sources (docs/power.md discusses each):
- UPS and distribution losses: fixed, proportional and square-law parts,
  N. Rasmussen, "Electrical Efficiency Modeling for Data Centers", Schneider
  Electric (APC) White Paper 113.
- Chiller COP: a fixed fraction of the Carnot COP between evaporating and
  condensing temperature (second-law efficiency), Gordon & Ng, "Cool
  Thermodynamics" (2000); ASHRAE Handbook - HVAC Systems and Equipment.
- Fan power: specific fan power classes of EN 16798-3:2017 (formerly EN 13779).
"""
from __future__ import annotations

from typing import Optional, Sequence

# Load % -> efficiency % of a current large double-conversion UPS (representative of
# published 500-1500 kW datasheets: about 95 % at 25 % load, 96.5-97 % from 50 % up).
DEFAULT_UPS_CURVE_PCT = ((10.0, 90.0), (25.0, 95.0), (50.0, 96.5), (75.0, 96.8), (100.0, 96.5))
DEFAULT_LOSS_PCT = {"pdu": 1.5, "busway": 0.5}   # loss at rated load, % of rating
DEFAULT_LIMIT_PCT = 80.0          # continuous load limit (NEC 210.19/215.2: 125 % sizing)
DEFAULT_FAN_KW_PER_M3S = 0.75     # EN 16798-3 class SFP 2 upper bound, 750 W/(m3/s)
DEFAULT_CONDENSER_TEMP_C = 40.0   # air-cooled chiller condensing on a warm day
DEFAULT_APPROACH_K = 8.0          # supply air to evaporating temperature (coil + evaporator)
DEFAULT_CARNOT_FRACTION = 0.45    # whole chilled-water plant (chiller, pumps, heat rejection)
DEFAULT_LIQUID_SUPPLY_TEMP_C = 30.0   # facility water to cold plates (ASHRAE W32 class)
MIN_LIFT_K = 5.0                  # below this the Carnot model is no longer meaningful
KELVIN = 273.15

Curve = Sequence[tuple[float, float]]


def interpolate(points: Curve, x: float) -> float:
    """Piecewise-linear y(x) through points sorted by x, held constant beyond the ends."""
    if x <= points[0][0]:
        return float(points[0][1])
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:
            return float(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
    return float(points[-1][1])


def ups_loss_kw(output_kw: float, rating_kw: float, curve_pct: Optional[Curve] = None) -> float:
    """UPS loss from its efficiency curve (load %, efficiency %); below the first
    point the loss stays at that point's value (no-load losses dominate, WP 113)."""
    curve = curve_pct or DEFAULT_UPS_CURVE_PCT
    load_pct = max(100.0 * output_kw / rating_kw, float(curve[0][0]))
    efficiency = interpolate(curve, load_pct) / 100.0
    return rating_kw * load_pct / 100.0 * (1.0 / efficiency - 1.0)


def distribution_loss_kw(output_kw: float, rating_kw: float, loss_pct: float) -> float:
    """Conductor (I^2 R) loss of a PDU or busway: loss_pct of rating at rated load,
    scaling with the square of the load (WP 113 square-law loss)."""
    return loss_pct / 100.0 * rating_kw * (output_kw / rating_kw) ** 2


def carnot_cop(supply_temp_c: float, condenser_temp_c: float = DEFAULT_CONDENSER_TEMP_C,
               approach_k: float = DEFAULT_APPROACH_K,
               carnot_fraction: float = DEFAULT_CARNOT_FRACTION) -> float:
    """COP = f T_evap / (T_cond - T_evap), T_evap = supply - approach (Gordon & Ng 2000).

    Warmer supply raises T_evap and shrinks the lift: about 3-4 % less chiller
    power per kelvin near 18 degC, in line with the usual rules of thumb.
    """
    evaporating_k = supply_temp_c - approach_k + KELVIN
    lift_k = max(condenser_temp_c + KELVIN - evaporating_k, MIN_LIFT_K)
    return carnot_fraction * evaporating_k / lift_k


def plant_cop(plant, supply_temp_c: float) -> float:
    """COP of the cooling plant at a supply temperature: the layout's (supply, COP)
    table when given, else the Carnot-fraction model with the plant's parameters."""
    if plant is not None and plant.chiller_cop:
        return interpolate(plant.chiller_cop, supply_temp_c)
    return carnot_cop(supply_temp_c, _or(plant, "condenser_temp_c", DEFAULT_CONDENSER_TEMP_C),
                      _or(plant, "approach_k", DEFAULT_APPROACH_K),
                      _or(plant, "carnot_fraction", DEFAULT_CARNOT_FRACTION))


def fan_kw(unit, plant) -> float:
    """Fan power of a running cooling unit: its fan_power_kw, else specific fan
    power (kW per m3/s, EN 16798-3) times its airflow; 0 when failed."""
    if not unit.running:
        return 0.0
    if unit.fan_power_kw is not None:
        return float(unit.fan_power_kw)
    return _or(plant, "fan_kw_per_m3s", DEFAULT_FAN_KW_PER_M3S) * float(unit.airflow_m3s)


def _or(obj, name: str, default: float) -> float:
    """obj.name when obj exists and the value is set, else default."""
    value = getattr(obj, name, None) if obj is not None else None
    return float(default if value is None else value)
