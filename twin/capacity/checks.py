"""The constraints a placement is checked against, each with its margin.

A check says whether the placed layout still fits one resource (`ok`,
`exceeded`, or `unchecked` when the layout does not describe it) and the
margin left, in its own unit and as a percentage of what the resource
offers, so that the tightest resource (the binding one) can be named.
New resources plug in with `register_check`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

from twin.capacity.fabric import free_ports
from twin.capacity.power import layout_margin
from twin.capacity.sites import Placed
from twin.thermal.metrics import inlet_class

RESOURCES = ("floor", "power", "air", "liquid", "fabric")


@dataclass
class Check:
    resource: str
    status: str                      # ok | exceeded | unchecked
    margin: Optional[float] = None   # in `unit`; negative when exceeded
    unit: str = ""
    margin_pct: Optional[float] = None
    detail: str = ""

    def as_dict(self) -> dict:
        return {"resource": self.resource, "status": self.status, "margin": _finite(self.margin),
                "unit": self.unit, "margin_pct": _finite(self.margin_pct), "detail": self.detail}


def _finite(value):
    return None if value is None or not math.isfinite(value) else round(float(value), 3)


def _status(margin: float) -> str:
    return "ok" if margin >= 0 else "exceeded"


def floor_check(sites_left: int, sites_total: int) -> Check:
    """The floor: the candidate exists, so the margin is the single-rack sites left."""
    pct = 100.0 * sites_left / sites_total if sites_total else 0.0
    return Check("floor", "ok", sites_left, "sites", pct,
                 f"{sites_left} of {sites_total} free rack positions facing a cold aisle left")


def space_check(placed: Placed, units_left: int, rack_units: int) -> Check:
    """Servers into an existing rack: the rack units left in it afterwards."""
    rack_id = placed.rack_ids[0]
    return Check("floor", "ok", float(units_left), "U", 100.0 * units_left / rack_units,
                 f"into rack {rack_id}; {units_left} of its {rack_units} U left free")


def power_check(placed: Placed) -> Check:
    """The power chain with every single feed, UPS and PDU failed in turn (N-1)."""
    layout = placed.layout
    if layout.power is None or not layout.power.pdus:
        return Check("power", "unchecked", detail="the layout has no power chain")
    loose = [r for r in placed.rack_ids if not placed.cords.get(r)]
    if loose:
        return Check("power", "exceeded", -math.inf, "kW", -math.inf,
                     f"no powered rack to plug {', '.join(loose)} in next to")
    margin = layout_margin(layout)
    if margin is None:
        return Check("power", "unchecked", detail="no rated component")
    pct = 100.0 * margin.margin_kw / margin.limit_kw if margin.limit_kw else -math.inf
    return Check("power", _status(margin.margin_kw), margin.margin_kw, "kW", pct,
                 f"N-1 headroom {margin.margin_kw:.1f} kW: {margin.describe()}")


def air_check(placed: Placed, result) -> Check:
    """Every rack's hottest intake within the allowable range of the room's ASHRAE class."""
    cls = inlet_class(placed.layout.ashrae_class)
    worst_id, worst = max(((rid, float(r.inlet_max_c)) for rid, r in result.racks.items()),
                          key=lambda t: t[1])
    span = cls.allowable_max_c - cls.recommended_min_c      # the share is of this range
    margin = cls.allowable_max_c - worst
    return Check("air", _status(margin), margin, "K", 100.0 * margin / span,
                 f"hottest intake {worst:.1f} °C at {worst_id} ({result.model} model); "
                 f"{cls.name} allowable max {cls.allowable_max_c:g} °C")


def liquid_check(placed: Placed, result=None) -> Check:
    """CDU capacity and redundancy (twin.liquid.capacity); unchecked without a liquid section."""
    from twin.power.analysis import rack_loads
    liquid_kw = sum(rack_loads(placed.layout)[r].liquid_kw for r in placed.rack_ids)
    if liquid_kw <= 0:
        return Check("liquid", "unchecked", detail="the new racks have no liquid-cooled heat")
    if getattr(placed.layout, "liquid", None) is not None:
        from twin.liquid.capacity import cdu_check
        return cdu_check(placed, Check)
    return Check("liquid", "unchecked", detail=f"the new racks send {liquid_kw:.0f} kW to liquid "
                 "cooling; the layout describes no CDUs, so it is not checked")


def fabric_check(placed: Placed) -> Check:
    """Every new rack served by a leaf (or rail group) in cable reach with free ports."""
    layout = placed.layout
    if layout.network is None:
        return Check("fabric", "unchecked", detail="the layout has no network section")
    unserved = [r for r in placed.rack_ids if not placed.homes.get(r)]
    leaves = sorted({leaf for r in placed.rack_ids for leaf in placed.homes.get(r, ())})
    free = free_ports(layout)
    if unserved:
        return Check("fabric", "exceeded", -float(len(unserved)), "racks", -100.0,
                     f"no leaf within {layout.network.max_cable_m:g} m of cable has the free "
                     f"ports for {', '.join(unserved)}")
    if not placed.rack_ids:
        leaves = [s.id for s in layout.network.leaves]
    short = [leaf for leaf in leaves if free[leaf] < 0]
    if short:
        return Check("fabric", "exceeded", float(min(free[leaf] for leaf in short)), "ports", -100.0,
                     f"{', '.join(short)} would need {-sum(free[leaf] for leaf in short)} "
                     "more ports than they have")
    left = sum(free[leaf] for leaf in leaves)
    total = sum(layout.network.switch(leaf).ports for leaf in leaves)
    detail = (f"served by {', '.join(leaves)}; {left} free ports left on them" if placed.rack_ids
              else f"{left} free leaf ports")
    return Check("fabric", "ok", float(left), "ports", 100.0 * left / total if total else 0.0,
                 detail)


PLUGGABLE: dict[str, Callable] = {"liquid": liquid_check}


def register_check(resource: str, check: Callable) -> None:
    """Replace the check of a resource: `check(placed, thermal_result) -> Check`."""
    PLUGGABLE[resource] = check


def binding(checks: dict[str, Check]) -> Optional[Check]:
    """The tightest checked resource: the most exceeded one, else the least margin."""
    checked = [c for c in checks.values() if c.status != "unchecked" and c.margin_pct is not None]
    if not checked:
        return None
    return min(checked, key=lambda c: (c.status != "exceeded", c.margin_pct))
