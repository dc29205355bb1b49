"""New racks of a catalog model and the layout with them placed: plugged into the power
chain next to the nearest powered rack and served by a leaf with free ports in reach."""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Optional

from twin.capacity.fabric import free_ports, leaves_in_reach
from twin.capacity.power import cords_of_nearest
from twin.model.catalog import equipment_types
from twin.model.equipment import rack_power
from twin.model.layout import DEFAULT_RACK_U, Equipment, EquipmentType, Layout, Rack
from twin.model.network import rack_ports

U_M = 0.04445             # one rack unit in metres
RACK_FRAME_M = 0.2        # frame, top and plinth above the units


@dataclass
class Placed:
    """A layout with new racks in it, and how they were connected."""
    layout: Layout
    rack_ids: list[str]
    cords: dict = field(default_factory=dict)        # rack id -> PDU ids
    homes: dict = field(default_factory=dict)        # rack id -> leaf ids (empty: none fits)


def rack_height(kind: EquipmentType, per_rack: int, size_m: tuple) -> tuple[int, tuple]:
    """Rack units and size for `per_rack` units of a model (taller than 42U when needed)."""
    units = max(DEFAULT_RACK_U, int(math.ceil(kind.u_height * per_rack)))
    height_m = max(float(size_m[2]), units * U_M + RACK_FRAME_M)
    return units, (float(size_m[0]), float(size_m[1]), round(height_m, 3))


def default_per_rack(kind: EquipmentType) -> int:
    """Units of a model in one rack: one rack-scale system, else as many as 42U hold."""
    if kind.u_height <= 0 or kind.u_height > DEFAULT_RACK_U / 2:
        return 1
    return max(1, int(DEFAULT_RACK_U // kind.u_height))


def new_ids(layout: Layout, count: int, prefix: str = "NEW") -> list[str]:
    used = {r.id for r in layout.racks} | {u.id for u in layout.cooling_units}
    if layout.network is not None:
        used |= {s.id for s in layout.network.switches}
    ids, n = [], 1
    while len(ids) < count:
        if f"{prefix}{n}" not in used:
            ids.append(f"{prefix}{n}")
        n += 1
    return ids


def make_racks(layout: Layout, model: str, per_rack: int, positions, facing: str, size_m: tuple,
               delta_t_k: float, utilization_pct: float, prefix: str = "NEW") -> list[Rack]:
    """Racks holding `per_rack` units of `model` each, at the given south-west corners."""
    types = equipment_types(layout)
    units, size = rack_height(types[model], per_rack, size_m)
    out = []
    for rid, pos in zip(new_ids(layout, len(positions), prefix), positions):
        rack = Rack(rid, tuple(pos), size, facing, 0.0, delta_t_k=float(delta_t_k), height_u=units,
                    equipment=[Equipment(model, 1, count=per_rack if per_rack > 1 else None,
                                         utilization_pct=float(utilization_pct))])
        rack.power_kw = rack_power(rack, types).air_kw
        out.append(rack)
    return out


def place(layout: Layout, racks: list[Rack]) -> Placed:
    """A copy of `layout` with `racks` added, corded like their nearest powered rack and
    served by the nearest leaf (or rail group) in cable reach with enough free ports."""
    out = copy.deepcopy(layout)
    out.scenarios = []
    placed = Placed(out, [r.id for r in racks])
    types = equipment_types(out)
    for rack in racks:
        centre = (rack.position_m[0] + rack.size_m[0] / 2, rack.position_m[1] + rack.size_m[1] / 2)
        cords = cords_of_nearest(out, *centre)
        out.racks.append(copy.deepcopy(rack))
        for pdu in out.power.pdus if out.power is not None else ():
            if pdu.id in cords:
                pdu.racks = list(pdu.racks) + [rack.id]
        placed.cords[rack.id] = cords
        placed.homes[rack.id] = _serve(out, rack, rack_ports(rack, types))
    return placed


def _serve(layout: Layout, rack: Rack, ports: int) -> list[str]:
    """Add the rack to the nearest leaf (or whole rail group) in reach with the free ports."""
    net = layout.network
    if net is None:
        return []
    free = free_ports(layout)
    in_reach = dict(leaves_in_reach(layout, rack))
    for leaf_id in in_reach:
        leaf = net.switch(leaf_id)
        home = [s for s in net.leaves if s.group == leaf.group] if leaf.group else [leaf]
        share = -(-ports // len(home))
        if all(s.id in in_reach and free[s.id] >= share for s in home):
            for s in home:
                s.serves = s.served + [rack.id]
            return [s.id for s in home]
    return []


def _taken_units(rack: Rack, types) -> set:
    taken = set()
    for item in rack.equipment:
        height = float(types[item.model].u_height) if item.model in types else 0.0
        low = int(item.position_u)
        taken.update(range(low, low + int(math.ceil(height * item.units))))
    return taken


def free_runs(rack: Rack, types) -> list[tuple[int, int]]:
    """(first unit, length) of every run of free rack units, bottom up."""
    taken, runs, start = _taken_units(rack, types), [], None
    for u in range(1, rack.rack_units + 2):
        free = u <= rack.rack_units and u not in taken
        if free and start is None:
            start = u
        elif not free and start is not None:
            runs.append((start, u - start))
            start = None
    return runs


def free_unit_start(rack: Rack, types, units_needed: float) -> Optional[int]:
    """The lowest rack unit from which `units_needed` free units run contiguously, or None.
    Only racks that list equipment are known to have free units."""
    if not rack.equipment or units_needed <= 0:
        return None
    return next((start for start, length in free_runs(rack, types)
                 if length >= units_needed), None)


def place_into(layout: Layout, rack_id: str, model: str, count: int,
               utilization_pct: float) -> Optional[Placed]:
    """A copy of `layout` with `count` units of `model` added to an existing rack's free
    units (None when they do not fit); the rack keeps its cords, and a rack no leaf serves
    is given one as a new rack would be."""
    types = equipment_types(layout)
    rack = layout.rack(rack_id)
    start = free_unit_start(rack, types, types[model].u_height * count)
    if start is None:
        return None
    out = copy.deepcopy(layout)
    out.scenarios = []
    target = out.rack(rack_id)
    target.equipment.append(Equipment(model, start, count=count if count > 1 else None,
                                      utilization_pct=float(utilization_pct)))
    target.power_kw = rack_power(target, types).air_kw
    placed = Placed(out, [rack_id])
    placed.cords[rack_id] = [p.id for p in (out.power.pdus if out.power else ()) if rack_id in p.racks]
    homes = [s.id for s in out.network.leaves if rack_id in s.served] if out.network else []
    if out.network is not None and not homes:
        homes = _serve(out, target, rack_ports(target, types))
    placed.homes[rack_id] = homes
    return placed
