"""Stranded capacity per row: kW one resource could still take that another forbids.

For each row of racks the headroom for more load on its racks is worked out
per resource, in kW of electrical load: the power chain (the N-1 check
still holding, by bisection), air cooling (a preview solve with the row's
load raised, extrapolated linearly to the ASHRAE allowable maximum) and the
fabric (free ports on the row's leaves times the kW each port brings with
the planned model, at its maximum power); all in electrical kW of
the planned model; with a liquid section, the spare capacity of the CDUs
carrying the row (least over normal operation and each grouped CDU failed)
over the model's liquid share. The usable kW is the least of them; what the
others offer beyond it is stranded by that one. The free rack positions in
line with the row (space for new racks, not more load on these) are listed
beside, in kW of the planned model's racks at maximum power.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Optional

from twin.capacity.fabric import free_ports
from twin.capacity.power import headroom_kw
from twin.model.layout import Layout
from twin.thermal.metrics import inlet_class

PROBE_SHARE = 0.2          # the air probe raises the row's heat by this share (at least 5 kW)
RISE_FLOOR_K = 0.05        # intake rises below this are solver noise, not the row's doing


@dataclass
class RowCapacity:
    row: str
    racks: list[str]
    load_kw: float                                   # the row's electrical load today
    headroom_kw: dict = field(default_factory=dict)  # resource -> kW (None: not described)
    free_positions: int = 0                          # rack positions free in line with the row
    space_kw: Optional[float] = None                 # those positions, in the model's kW

    @property
    def binding(self) -> Optional[str]:
        known = {k: v for k, v in self.headroom_kw.items() if v is not None}
        return min(known, key=known.get) if known else None

    @property
    def usable_kw(self) -> Optional[float]:
        return None if self.binding is None else self.headroom_kw[self.binding]

    def stranded_kw(self) -> dict:
        """Resource -> kW it offers beyond the usable kW (stranded by the binding one)."""
        usable = self.usable_kw
        return {k: v - usable for k, v in self.headroom_kw.items() if v is not None
                and usable is not None and k != self.binding and v - usable > 0.05}

    def unbounded(self) -> list[str]:
        """Resources for which no limit was found (air when no intake warms measurably)."""
        return [k for k, v in self.headroom_kw.items() if v is not None and math.isinf(v)]

    def as_dict(self) -> dict:
        fin = lambda v: None if v is None or not math.isfinite(v) else round(v, 1)  # noqa: E731
        return {"row": self.row, "racks": self.racks, "load_kw": round(self.load_kw, 1),
                "headroom_kw": {k: fin(v) for k, v in self.headroom_kw.items()},
                "usable_kw": fin(self.usable_kw), "binding": self.binding,
                "stranded_kw": {k: fin(v) for k, v in self.stranded_kw().items()},
                "unbounded": self.unbounded(), "free_positions": self.free_positions,
                "space_kw": fin(self.space_kw)}


def rows(layout: Layout) -> list[tuple[str, list]]:
    """Racks grouped into rows: same facing and the same front line, west/south first."""
    groups: dict[tuple, list] = {}
    for rack in layout.racks:
        axis = 1 if rack.facing in ("+y", "-y") else 0
        groups.setdefault((rack.facing, round(rack.position_m[axis], 2)), []).append(rack)
    out = []
    for (_, _), racks in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        racks.sort(key=lambda r: (r.position_m[0], r.position_m[1]))
        prefix = _common_prefix([r.id for r in racks])
        name = prefix or f"{racks[0].id}-{racks[-1].id}"
        out.append((name, racks))
    return out


def _common_prefix(ids: list[str]) -> str:
    prefix = ids[0]
    for rid in ids[1:]:
        while not rid.startswith(prefix):
            prefix = prefix[:-1]
    return prefix.rstrip("-_ ")


def air_headroom_kw(layout: Layout, racks: list, runner, base_result) -> float:
    """kW more the row can release into the air before an intake it warms reaches the
    allowable maximum: one preview solve with the row's heat raised, each rack whose
    intake rises extrapolated linearly (a rack already above the maximum that warms: 0)."""
    limit_c = inlet_class(layout.ashrae_class).allowable_max_c
    row_kw = sum(r.power_kw for r in racks)
    probe_kw = max(PROBE_SHARE * row_kw, 5.0)
    result = runner.solve(_probe(layout, racks, probe_kw), f"row probe {racks[0].id}",
                          model="preview")
    best = math.inf
    for rid, rack in result.racks.items():
        before = float(base_result.racks[rid].inlet_max_c) if rid in base_result.racks else None
        rise = float(rack.inlet_max_c) - before if before is not None else 0.0
        if rise > RISE_FLOOR_K:
            best = min(best, max(0.0, probe_kw * (limit_c - before) / rise))
    return best


def _probe(layout: Layout, racks: list, probe_kw: float) -> Layout:
    """The layout with `probe_kw` more heat shared over `racks` at their temperature rise."""
    probe = copy.deepcopy(layout)
    probe.scenarios = []
    for rack in (probe.rack(r.id) for r in racks):
        extra = probe_kw / len(racks)
        if rack.airflow_m3s is not None and rack.power_kw > 0:
            rack.airflow_m3s *= (rack.power_kw + extra) / rack.power_kw
        elif rack.airflow_m3s is not None:
            rack.airflow_m3s, rack.delta_t_k = None, 12.0
        rack.equipment = []
        rack.power_kw += extra
    return probe


def liquid_headroom_kw(layout: Layout, ids: list[str], kind) -> Optional[float]:
    """Spare capacity of the running CDUs that carry the row's racks, least over normal
    operation and each grouped CDU failed, in electrical kW of the model (its liquid share);
    None without a liquid section, unlimited for an air-cooled model, 0 when no CDU carries
    the row."""
    if getattr(layout, "liquid", None) is None:
        return None
    share = kind.liquid_share if kind is not None else 0.0
    if share <= 0:
        return math.inf
    from twin.liquid.failures import with_failed
    from twin.liquid.solve import solve_liquid
    cases = [layout] + [with_failed(layout, c.id) for c in layout.liquid.cdus
                        if c.running and c.group is not None]
    spare = math.inf
    for case in cases:
        result = solve_liquid(case)
        cdus = {c for rid in ids for c in result.racks[rid].cdus}
        spare = min(spare, sum(result.cdus[c].capacity_kw - result.cdus[c].load_kw for c in cdus))
    return max(0.0, spare) / share if math.isfinite(spare) else 0.0


def free_positions(layout: Layout, racks: list) -> int:
    """Single-rack positions facing a cold aisle in line with the row, not overlapping."""
    from twin.scenario import placement
    size, _ = placement.rack_template(layout)
    facing = racks[0].facing
    axis = 1 if facing in ("+y", "-y") else 0
    line = round(racks[0].position_m[axis], 2)
    spots = sorted(c.positions_m[0][1 - axis] for c in placement.candidates(layout, 1, size)
                   if c.facing == facing and round(c.positions_m[0][axis], 2) == line)
    width = size[0]                      # the template is +y facing: x runs along the row
    count, edge = 0, -math.inf
    for along in spots:
        if along >= edge - 1e-6:
            count, edge = count + 1, along + width
    return count


def rack_kw(layout: Layout, kind) -> Optional[float]:
    """Maximum electrical kW of one new rack of the model (as `dctwin capacity` fills it)."""
    if kind is None:
        return None
    from twin.capacity.sites import default_per_rack
    return float(kind.max_power_kw) * default_per_rack(kind)


def fabric_headroom_kw(layout: Layout, racks: list, kw_per_port: Optional[float]) -> Optional[float]:
    """Free ports on the leaves serving the row, times the kW one port brings."""
    if layout.network is None or kw_per_port is None:
        return None
    free = free_ports(layout)
    ids = {r.id for r in racks}
    leaves = {s.id for s in layout.network.leaves if ids & set(s.served)}
    return max(0, sum(free[leaf] for leaf in leaves)) * kw_per_port


def kw_per_port(kind) -> Optional[float]:
    """Maximum electrical kW that one fabric port (one accelerator) of a model brings."""
    if kind is None or not kind.accelerator_count:
        return None
    return float(kind.max_power_kw) / kind.accelerator_count


def stranded_table(layout: Layout, runner, kind=None) -> list[RowCapacity]:
    """One RowCapacity per row of racks (see the module docstring), in kW of electrical load
    of the planned equipment model `kind` (its liquid share does not load the air; its kW
    per accelerator port converts free ports to kW); without a model, air-cooled and no
    fabric figure."""
    from twin.capacity.power import rack_it_kw
    base = runner.solve(layout, "baseline", model="preview")
    it_kw = rack_it_kw(layout)
    out = []
    for name, racks in rows(layout):
        ids = [r.id for r in racks]
        row = RowCapacity(name, ids, sum(it_kw[r] for r in ids))
        row.headroom_kw["power"] = headroom_kw(layout, ids)
        air_share = 1.0 - (kind.liquid_share if kind is not None else 0.0)
        air_kw = air_headroom_kw(layout, racks, runner, base)
        row.headroom_kw["air"] = air_kw / air_share if air_share > 0 else math.inf
        row.headroom_kw["fabric"] = fabric_headroom_kw(layout, racks, kw_per_port(kind))
        row.headroom_kw["liquid"] = liquid_headroom_kw(layout, ids, kind)
        row.free_positions = free_positions(layout, racks)
        per_rack_kw = rack_kw(layout, kind)
        row.space_kw = None if per_rack_kw is None else row.free_positions * per_rack_kw
        out.append(row)
    return out
