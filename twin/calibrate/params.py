"""The parameters a calibration may fit, and the twin's value of every measured channel.

Each parameter is physically meaningful and bounded, with a prior at its
nominal value (the layout as written):
- per running cooling unit: an airflow factor (x airflow_m3s) and a supply
  offset in K (+ supply_temp_c);
- per rack group (each rack, each row, or the whole room): an airflow factor
  (x the rack's airflow; a rack given by delta_t_k gets delta_t_k / factor).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from twin.calibrate.measured import Channel
from twin.model.layout import Layout

RACK_GROUPINGS = ("rack", "row", "room")
AIRFLOW_BOUNDS = (0.3, 1.6)       # factor on a nominal airflow
AIRFLOW_PRIOR_SD = 0.25           # the prior's standard deviation on a factor
SUPPLY_BOUNDS_K = (-6.0, 6.0)
SUPPLY_PRIOR_SD_K = 1.5


@dataclass(frozen=True)
class Parameter:
    """One fitted quantity: `kind` is unit_airflow, unit_supply or rack_airflow."""
    id: str                       # e.g. "CRAH-2 airflow"
    kind: str
    targets: tuple[str, ...]      # the unit id, or the rack ids of the group
    nominal: float
    lower: float
    upper: float
    prior_sd: float

    def describe_change(self, value: float) -> str:
        """`airflow about 30 % low` / `supply about 1.5 K high` for a fitted or inferred value."""
        if self.kind == "unit_supply":
            return f"supply about {abs(value):.1f} K {'high' if value >= 0 else 'low'}"
        pct = 100.0 * (value - 1.0)
        return f"airflow about {abs(pct):.0f} % {'high' if pct >= 0 else 'low'}"

    @property
    def unit(self) -> str:
        return "K" if self.kind == "unit_supply" else "x"


def rack_groups(layout: Layout, grouping: str) -> list[tuple[str, list[str]]]:
    """(name, rack ids) for each rack group: every rack, every row, or the room."""
    if grouping not in RACK_GROUPINGS:
        raise ValueError(f"rack grouping must be one of {', '.join(RACK_GROUPINGS)}")
    if grouping == "rack":
        return [(r.id, [r.id]) for r in layout.racks]
    if grouping == "room":
        return [("racks", [r.id for r in layout.racks])] if layout.racks else []
    from twin.capacity.stranded import rows
    return [(f"row {name}", [r.id for r in racks]) for name, racks in rows(layout)]


def parameters(layout: Layout, grouping: str = "row") -> list[Parameter]:
    """The candidate parameters of a layout, units first."""
    out = []
    for unit in layout.cooling_units:
        if not unit.running:
            continue
        out.append(Parameter(f"{unit.id} airflow", "unit_airflow", (unit.id,), 1.0,
                             *AIRFLOW_BOUNDS, AIRFLOW_PRIOR_SD))
        out.append(Parameter(f"{unit.id} supply", "unit_supply", (unit.id,), 0.0,
                             *SUPPLY_BOUNDS_K, SUPPLY_PRIOR_SD_K))
    for name, ids in rack_groups(layout, grouping):
        out.append(Parameter(f"{name} airflow", "rack_airflow", tuple(ids), 1.0,
                             *AIRFLOW_BOUNDS, AIRFLOW_PRIOR_SD))
    return out


def apply(layout: Layout, params: list[Parameter], values, rounded: bool = False) -> Layout:
    """A copy of `layout` with every parameter set to its value (the original is untouched).

    `rounded` writes figures as a file would keep them (airflow 4 decimals, temperatures 2).
    """
    out = copy.deepcopy(layout)
    units = {u.id: u for u in out.cooling_units}
    racks = {r.id: r for r in out.racks}
    for p, value in zip(params, np.asarray(values, float)):
        if p.kind == "unit_airflow":
            units[p.targets[0]].airflow_m3s = float(units[p.targets[0]].airflow_m3s * value)
        elif p.kind == "unit_supply":
            units[p.targets[0]].supply_temp_c = float(units[p.targets[0]].supply_temp_c + value)
        else:
            for rid in p.targets:
                scale_rack_airflow(racks[rid], float(value))
    if rounded:
        _round(out, params)
    return out


def _round(layout: Layout, params: list[Parameter]) -> None:
    touched = {t for p in params for t in p.targets}
    for unit in layout.cooling_units:
        if unit.id in touched:
            unit.airflow_m3s = round(unit.airflow_m3s, 4)
            unit.supply_temp_c = round(unit.supply_temp_c, 2)
    for rack in layout.racks:
        if rack.id in touched and rack.airflow_m3s is not None:
            rack.airflow_m3s = round(rack.airflow_m3s, 4)
        if rack.id in touched and rack.delta_t_k is not None:
            rack.delta_t_k = round(rack.delta_t_k, 3)


def scale_rack_airflow(rack, factor: float) -> None:
    """Multiply a rack's airflow, keeping how the layout states it (airflow or rise)."""
    if rack.airflow_m3s is not None:
        rack.airflow_m3s = float(rack.airflow_m3s) * factor
    elif rack.delta_t_k is not None:
        rack.delta_t_k = float(rack.delta_t_k) / factor


def apply_inputs(layout: Layout, channels: dict[str, Channel], values: dict[str, float]) -> Layout:
    """A copy of `layout` whose racks with a measured power carry it (their equipment dropped)."""
    out = copy.deepcopy(layout)
    racks = {r.id: r for r in out.racks}
    for name, ch in channels.items():
        if ch.role == "input" and name in values:
            rack = racks[ch.target]
            if rack.airflow_m3s is None and rack.delta_t_k is None:
                rack.airflow_m3s = rack.airflow(out.air)    # the airflow stays, the rise follows power
            rack.power_kw = float(values[name])
            rack.equipment = []
    return out


def predict(layout: Layout, result, channel: Channel) -> float:
    """The twin's value of an observed channel in a solved `layout`."""
    if channel.kind == "sensor":
        return float(result.sensors[channel.target].value_c)
    if channel.kind == "rack":
        return float(result.racks[channel.target].inlet_mean_c)
    unit = layout.unit(channel.target)
    if channel.quantity == "supply_c":
        return float(unit.supply_temp_c)
    if channel.quantity == "return_c":
        return float(result.cooling_units[channel.target].return_temp_c)
    nominal = unit.airflow_m3s if unit.running else 0.0
    return float(nominal)


def predict_fan_pct(layout: Layout, nominal: Layout, channel: Channel) -> float:
    """Fan speed in % of the nominal layout's airflow (fan affinity: flow follows speed)."""
    q0 = nominal.unit(channel.target).airflow_m3s
    return 100.0 * layout.unit(channel.target).airflow_m3s / q0 if q0 > 0 else 0.0


def predictions(layout: Layout, nominal: Layout, result, channels: list[Channel]) -> np.ndarray:
    """The twin's values of `channels` (observed ones) for a solved layout."""
    return np.array([predict_fan_pct(layout, nominal, ch) if ch.quantity == "fan_pct"
                     else predict(layout, result, ch) for ch in channels])
