"""Room-level cooling metrics from a thermal result (Qt-free, numpy only).

- ASHRAE TC 9.9 inlet classes (recommended and allowable intake ranges).
- RCI_HI / RCI_LO: Rack Cooling Index, Herrlin 2005.
- RTI: Return Temperature Index, Herrlin 2007 and 2008.
- SHI: Supply Heat Index, Sharma, Bash & Patel 2002.

Equations and the choices made here are written out in docs/metrics.md.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Source: ASHRAE TC 9.9, "Thermal Guidelines for Data Processing Environments",
# 5th edition (2021), and the TC 9.9 reference card "2021 Equipment Thermal
# Guidelines for Data Processing Environments": dry-bulb equipment intake
# temperatures in degC. Classes A1-A4 share the 18-27 degC recommended envelope;
# H1 (high-density air-cooled) has its own 18-22 degC recommended envelope.
INLET_CLASS_TABLE: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    #       recommended      allowable
    "A1": ((18.0, 27.0), (15.0, 32.0)),
    "A2": ((18.0, 27.0), (10.0, 35.0)),
    "A3": ((18.0, 27.0), (5.0, 40.0)),
    "A4": ((18.0, 27.0), (5.0, 45.0)),
    "H1": ((18.0, 22.0), (5.0, 25.0)),
}

DEFAULT_HOT_SPOTS = 5


@dataclass(frozen=True)
class InletClass:
    """One ASHRAE inlet class: recommended and allowable intake ranges in degC."""
    name: str
    recommended_min_c: float
    recommended_max_c: float
    allowable_min_c: float
    allowable_max_c: float


def inlet_class(name: str) -> InletClass:
    """Look up an ASHRAE class by name (case-insensitive); ValueError if unknown."""
    key = str(name).strip().upper()
    if key not in INLET_CLASS_TABLE:
        known = ", ".join(INLET_CLASS_TABLE)
        raise ValueError(f"unknown ASHRAE class {name!r} (expected one of {known})")
    (rec_lo, rec_hi), (all_lo, all_hi) = INLET_CLASS_TABLE[key]
    return InletClass(key, rec_lo, rec_hi, all_lo, all_hi)


@dataclass(frozen=True)
class HotSpot:
    """A rack among the hottest: intake max and its excess over the recommended maximum.

    excess_k is signed: negative means headroom below the recommended maximum.
    """
    rack_id: str
    inlet_max_c: float
    excess_k: float


@dataclass(frozen=True)
class Metrics:
    """Room metrics; NaN where a metric is undefined (e.g. no racks, no running unit)."""
    ashrae_class: str
    recommended_c: tuple[float, float]
    allowable_c: tuple[float, float]
    rci_hi_pct: float
    rci_lo_pct: float
    rti_pct: float
    shi: float
    racks_above_recommended: tuple[str, ...]
    racks_above_allowable: tuple[str, ...]
    hot_spots: tuple[HotSpot, ...]


def rci_hi(intake_c, max_recommended_c: float, max_allowable_c: float) -> float:
    """Herrlin's RCI_HI in percent: 100 when no intake is above the recommended maximum.

    RCI_HI = (1 - sum(T_x - T_max_rec for T_x > T_max_rec) / (n (T_max_all - T_max_rec))) * 100.
    Not clipped: it drops below 0 when the mean over-temperature exceeds the band width.
    """
    t = _finite(intake_c)
    if t.size == 0:
        return float("nan")
    over_k = np.clip(t - max_recommended_c, 0.0, None).sum()
    return float((1.0 - over_k / (t.size * (max_allowable_c - max_recommended_c))) * 100.0)


def rci_lo(intake_c, min_recommended_c: float, min_allowable_c: float) -> float:
    """Herrlin's RCI_LO in percent: 100 when no intake is below the recommended minimum.

    RCI_LO = (1 - sum(T_min_rec - T_x for T_x < T_min_rec) / (n (T_min_rec - T_min_all))) * 100.
    """
    t = _finite(intake_c)
    if t.size == 0:
        return float("nan")
    under_k = np.clip(min_recommended_c - t, 0.0, None).sum()
    return float((1.0 - under_k / (t.size * (min_recommended_c - min_allowable_c))) * 100.0)


def rti(return_c, supply_c, unit_airflow_m3s, intake_c, exhaust_c, rack_airflow_m3s) -> float:
    """Herrlin's Return Temperature Index in percent, airflow-weighted.

    RTI = (T_return - T_supply) / (T_exhaust - T_intake) * 100: 100 is balanced,
    below 100 means cold air bypasses the racks, above 100 means hot air recirculates.
    """
    t_return = _weighted_mean(return_c, unit_airflow_m3s)
    t_supply = _weighted_mean(supply_c, unit_airflow_m3s)
    t_exhaust = _weighted_mean(exhaust_c, rack_airflow_m3s)
    t_intake = _weighted_mean(intake_c, rack_airflow_m3s)
    rise_k = t_exhaust - t_intake
    if not np.isfinite(rise_k) or abs(rise_k) < 1e-12:
        return float("nan")
    return float((t_return - t_supply) / rise_k * 100.0)


def shi(intake_c, exhaust_c, rack_airflow_m3s, supply_c: float) -> float:
    """Sharma et al.'s Supply Heat Index, flow-weighted: 0 is ideal (no recirculation).

    SHI = sum(Q_r (T_in,r - T_sup)) / sum(Q_r (T_out,r - T_sup)).
    """
    t_in, t_out, q = _aligned(intake_c, exhaust_c, rack_airflow_m3s)
    if t_in.size == 0 or not np.isfinite(supply_c):
        return float("nan")
    denominator = float(np.sum(q * (t_out - supply_c)))
    if abs(denominator) < 1e-12:
        return float("nan")
    return float(np.sum(q * (t_in - supply_c)) / denominator)


def hot_spots(inlet_max_by_rack: dict[str, float], max_recommended_c: float,
              top_n: int = DEFAULT_HOT_SPOTS) -> tuple[HotSpot, ...]:
    """The top_n racks by intake maximum, hottest first (ties by rack id)."""
    finite = [(rid, float(t)) for rid, t in inlet_max_by_rack.items() if np.isfinite(t)]
    finite.sort(key=lambda item: (-item[1], item[0]))
    return tuple(HotSpot(rid, t, t - max_recommended_c) for rid, t in finite[:max(top_n, 0)])


def compute(result, layout, top_n: int = DEFAULT_HOT_SPOTS) -> Metrics:
    """All room metrics for `result`, judged against `layout.ashrae_class`.

    RCI counts three intakes per rack, the lower, middle and upper thirds of its
    front face (ASHRAE's bottom/middle/top inlet measurement points); the
    "above" lists use each rack's intake *max*, so a rack is flagged when any
    part of its front face is above the limit.
    """
    cls = inlet_class(getattr(layout, "ashrae_class", "A1") or "A1")
    racks = list(result.racks.values())
    intake_c = np.array([r.inlet_mean_c for r in racks], dtype=float)
    thirds_c = np.array([(r.inlet_lower_c, r.inlet_middle_c, r.inlet_upper_c) for r in racks],
                        dtype=float).ravel()
    exhaust_c = np.array([r.exhaust_mean_c for r in racks], dtype=float)
    rack_q = np.array([r.airflow_m3s for r in racks], dtype=float)
    running = [u for u in result.cooling_units.values() if u.state == "running"]
    unit_q = np.array([u.airflow_m3s for u in running], dtype=float)
    supply_c = np.array([u.supply_temp_c for u in running], dtype=float)
    return_c = np.array([u.return_temp_c for u in running], dtype=float)
    inlet_max = {r.id: r.inlet_max_c for r in racks}
    return Metrics(
        ashrae_class=cls.name,
        recommended_c=(cls.recommended_min_c, cls.recommended_max_c),
        allowable_c=(cls.allowable_min_c, cls.allowable_max_c),
        rci_hi_pct=rci_hi(thirds_c, cls.recommended_max_c, cls.allowable_max_c),
        rci_lo_pct=rci_lo(thirds_c, cls.recommended_min_c, cls.allowable_min_c),
        rti_pct=rti(return_c, supply_c, unit_q, intake_c, exhaust_c, rack_q),
        shi=shi(intake_c, exhaust_c, rack_q, _weighted_mean(supply_c, unit_q)),
        racks_above_recommended=_ids_above(inlet_max, cls.recommended_max_c),
        racks_above_allowable=_ids_above(inlet_max, cls.allowable_max_c),
        hot_spots=hot_spots(inlet_max, cls.recommended_max_c, top_n),
    )


def _ids_above(values_c: dict[str, float], limit_c: float) -> tuple[str, ...]:
    """Ids whose value is above limit_c, in the order given (NaN never counts)."""
    return tuple(rid for rid, t in values_c.items() if np.isfinite(t) and t > limit_c)


def _finite(values) -> np.ndarray:
    """1-D float array of the finite entries."""
    a = np.asarray(values, dtype=float).ravel()
    return a[np.isfinite(a)]


def _aligned(*columns) -> tuple[np.ndarray, ...]:
    """The columns as float arrays, keeping only rows where every column is finite."""
    arrays = [np.asarray(c, dtype=float).ravel() for c in columns]
    keep = np.logical_and.reduce([np.isfinite(a) for a in arrays])
    return tuple(a[keep] for a in arrays)


def _weighted_mean(values, weights) -> float:
    """Weighted mean over rows where both are finite; plain mean if weights sum to 0."""
    v, w = _aligned(values, weights)
    if v.size == 0:
        return float("nan")
    total = w.sum()
    if total <= 0:
        return float(v.mean())
    return float((v * w).sum() / total)
