"""Annual energy of the liquid loop's heat rejection over a site climate.

Each climate row: free cooling when the outdoor temperature (dry bulb for a
dry cooler, wet bulb for an evaporative tower) plus the rejection approach is
at or below the facility-water supply; otherwise a chiller lifts the heat at
a Carnot-fraction COP. Pumps run all year; fans move every kWh rejected;
evaporative rejection uses water (docs/liquid.md gives every equation).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from twin.liquid.climate import Climate
from twin.liquid.solve import LiquidResult, solve_liquid
from twin.model.layout import Layout
from twin.power.efficiency import DEFAULT_CARNOT_FRACTION, carnot_cop

# Estimated defaults (docs/liquid.md): outdoor-to-facility-water approach, fans per kW rejected.
DEFAULT_APPROACH_K = {"dry_cooler": 6.0, "evaporative": 4.0, "chiller": 6.0}
DEFAULT_FAN_KW_PER_KW = {"dry_cooler": 0.02, "evaporative": 0.01, "chiller": 0.02}
DEFAULT_CYCLES = 4.0                 # cycles of concentration of an evaporative tower
CHILLER_EVAP_APPROACH_K = 3.0        # facility water supply to evaporating temperature
CONDENSER_LIFT_K = 5.0               # condensing temperature above the rejection's outlet
LATENT_HEAT_KJKG = 2430.0            # water near 30 degC


@dataclass(frozen=True)
class LiquidEnergy:
    facility_supply_c: float
    water_class: str
    rejection: str
    heat_kw: float                   # liquid heat plus pump heat rejected
    hours: float
    free_cooling_hours: float
    chiller_mwh: float
    pump_mwh: float
    fan_mwh: float
    water_m3: Optional[float]        # evaporative only
    it_mwh: float
    other_facility_mwh: float        # air side, losses and other loads from the power model
    pue: Optional[float]
    wue_l_per_kwh: Optional[float]

    @property
    def liquid_mwh(self) -> float:
        return self.chiller_mwh + self.pump_mwh + self.fan_mwh


def _outdoor_c(row, kind: str) -> float:
    hours, dry, wet = row
    return wet if kind == "evaporative" else dry


def free_cooling(outdoor_c: float, supply_c: float, approach_k: float, kind: str) -> bool:
    """True when the outdoor air (or wet bulb) alone can make the facility water."""
    return kind != "chiller" and outdoor_c + approach_k <= supply_c + 1e-12


def annual_energy(layout: Layout, climate: Climate, facility_supply_c: Optional[float] = None,
                  power=None) -> LiquidEnergy:
    """Free-cooling hours, chiller, pump and fan energy, water, PUE and WUE over the climate.

    `power` is a PowerResult of the layout (twin.power.analyze) for the air side;
    its liquid terms are replaced by the ones computed here.
    """
    liquid = layout.liquid
    rejection = liquid.rejection
    kind = rejection.kind
    if kind == "evaporative" and not climate.has_wet_bulb:
        raise ValueError(f"{climate.name}: evaporative heat rejection needs a wet_bulb_c column")
    steady: LiquidResult = solve_liquid(layout, facility_supply_c)
    supply_c = steady.facility_supply_c
    approach = DEFAULT_APPROACH_K[kind] if rejection.approach_k is None else float(rejection.approach_k)
    fans = DEFAULT_FAN_KW_PER_KW[kind] if rejection.fan_kw_per_kw is None else float(rejection.fan_kw_per_kw)
    cycles = DEFAULT_CYCLES if rejection.cycles is None else float(rejection.cycles)
    heat_kw = steady.liquid_kw + steady.pumps_kw
    free_h = chiller_kwh = rejected_kwh = 0.0
    for row in climate.rows:
        hours, outdoor = row[0], _outdoor_c(row, kind)
        if free_cooling(outdoor, supply_c, approach, kind):
            free_h += hours
            rejected_kwh += heat_kw * hours
            continue
        cop = carnot_cop(supply_c, outdoor + approach + CONDENSER_LIFT_K, CHILLER_EVAP_APPROACH_K,
                         _carnot_fraction(layout))
        chiller_kwh += heat_kw / cop * hours
        rejected_kwh += heat_kw * (1.0 + 1.0 / cop) * hours
    hours = climate.hours
    pump_kwh = steady.pumps_kw * hours
    fan_kwh = fans * rejected_kwh
    water = None
    if kind == "evaporative":
        water = rejected_kwh * 3600.0 / LATENT_HEAT_KJKG * cycles / (cycles - 1.0) / 1000.0
    it_kwh = steady.it_kw * hours
    other_kw = 0.0
    if power is not None:
        other_kw = power.facility_kw - power.it_kw - power.liquid_chiller_kw - power.liquid_pumps_kw
    facility_kwh = it_kwh + other_kw * hours + chiller_kwh + pump_kwh + fan_kwh
    pue = facility_kwh / it_kwh if it_kwh > 0 else None
    wue = water * 1000.0 / it_kwh if water is not None and it_kwh > 0 else None
    return LiquidEnergy(supply_c, steady.water_class, kind, heat_kw, hours, free_h,
                        chiller_kwh / 1000.0, pump_kwh / 1000.0, fan_kwh / 1000.0, water,
                        it_kwh / 1000.0, other_kw * hours / 1000.0, pue, wue)


def _carnot_fraction(layout: Layout) -> float:
    plant = layout.power.cooling if layout.power is not None else None
    value = getattr(plant, "carnot_fraction", None) if plant is not None else None
    return DEFAULT_CARNOT_FRACTION if value is None else float(value)


def parse_supplies(text: str) -> list[float]:
    """Facility-water supply temperatures from '17, 32, 40' (ValueError naming the bad part)."""
    out = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"not a number: {part.strip()!r}") from None
        if not 0 < value <= 90:
            raise ValueError(f"{value:g} °C is outside 0..90 °C")
        out.append(value)
    return out


def compare_supplies(layout: Layout, climate: Climate, supplies_c, power=None) -> list[LiquidEnergy]:
    """The same hall at several facility-water supply temperatures."""
    return [annual_energy(layout, climate, float(t), power) for t in supplies_c]
