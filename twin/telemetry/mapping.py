"""Binding monitored hosts to racks, and rack heat from measured GPU power.

A host is bound by the layout's `telemetry.hosts` entry, else by its name: a
host named like a rack id (`B5`), or a rack id, a dash and a server number
(`B5-2`). A bound host's draw is its measured GPU power plus the rest of the
server (CPUs, memory, network, fans) estimated from the catalog. GPUs of
unbound hosts are listed in `LivePower.unmapped`, never dropped silently.
See docs/telemetry.md for the estimates.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Iterable, Optional

from twin.model.catalog import equipment_types
from twin.model.equipment import item_power
from twin.model.layout import EquipmentType, Layout, Rack
from twin.telemetry.sample import METRIC_RANGES, GpuSample, plausible_power_w

REST_KW_PER_GPU = 0.25     # non-GPU server draw per GPU when the model is unknown (DGX H100 idle / 8)


@dataclass(frozen=True)
class Binding:
    """Where a host sits: rack, server index (None: not a listed server), model."""
    host: str
    rack_id: str
    server: Optional[int] = None
    kind: Optional[EquipmentType] = None
    rest_kw: Optional[float] = None


@dataclass(frozen=True)
class HostPower:
    """A bound host's live draw in kW: measured GPUs plus the estimated rest."""
    binding: Binding
    gpus: int
    gpu_kw: float
    rest_kw: float
    stale: bool

    @property
    def it_kw(self) -> float:
        return self.gpu_kw + self.rest_kw

    @property
    def air_kw(self) -> float:
        share = self.binding.kind.liquid_share if self.binding.kind is not None else 0.0
        return self.it_kw * (1.0 - share)


@dataclass(frozen=True)
class RackLive:
    """A rack's design and live heat into the air, in kW, and the hosts behind it."""
    rack_id: str
    design_kw: float
    live_kw: float
    hosts: tuple[HostPower, ...]

    @property
    def stale(self) -> bool:
        return any(h.stale for h in self.hosts)


@dataclass(frozen=True)
class LivePower:
    """Live rack heat for racks with data; unmapped GPUs and silent hosts listed."""
    timestamp_s: float
    racks: dict[str, RackLive]
    unmapped: tuple[tuple[str, int], ...] = ()
    silent_hosts: tuple[str, ...] = ()       # bound in the layout, no data
    notes: tuple[str, ...] = field(default=())

    def rack_kw(self, layout: Layout, live: bool = True) -> dict[str, float]:
        """Every rack's heat into the air: live where known (if `live`), else design."""
        return {r.id: (self.racks[r.id].live_kw if live and r.id in self.racks else r.power_kw)
                for r in layout.racks}


def _servers(rack: Rack, types: dict) -> list[tuple[EquipmentType, object]]:
    """(model, equipment entry) per server unit of a rack, in address order."""
    return [(types[e.model], e) for e in rack.equipment if e.model in types for _ in range(e.units)]


def _implicit(host: str, racks: dict[str, Rack]) -> Optional[tuple[str, Optional[int]]]:
    """(rack id, server) from a host name such as `B5` or `B5-2`, else None."""
    if host in racks:
        return host, None
    head, dash, tail = host.rpartition("-")
    if dash and head in racks and tail.isdigit():
        return head, int(tail)
    return None


def bindings(layout: Layout, hosts: Iterable[str]) -> dict[str, Binding]:
    """The binding of every host that has one (explicit entries first, then by name)."""
    racks = {r.id: r for r in layout.racks}
    types = equipment_types(layout)
    explicit = {h.host: h for h in (layout.telemetry.hosts if layout.telemetry else ())}
    out = {}
    for host in set(hosts) | set(explicit):
        entry = explicit.get(host)
        if entry is not None:
            place, model, rest = (entry.rack, entry.server), entry.model, entry.rest_kw
        else:
            place, model, rest = _implicit(host, racks), None, None
        if place is None or place[0] not in racks:
            continue
        rack_id, server = place
        units = _servers(racks[rack_id], types)
        if server is not None and server >= len(units):
            server = None
        kind = units[server][0] if server is not None else types.get(model or "")
        out[host] = Binding(host, rack_id, server, kind, rest)
    return out


def rest_kw(binding: Binding, gpus: int) -> float:
    """Non-GPU draw of a server: given, else the model's idle draw, else a per-GPU figure."""
    if binding.rest_kw is not None:
        return float(binding.rest_kw)
    if binding.kind is not None:
        return binding.kind.idle_kw
    return REST_KW_PER_GPU * gpus


def host_power(binding: Binding, samples: list[GpuSample]) -> HostPower:
    """A host's draw; implausible GPU readings (see `flagged`) count as no reading."""
    gpu_kw = sum(s.power_w for s in samples if plausible_power_w(s.power_w)) / 1000.0
    return HostPower(binding, len(samples), gpu_kw, rest_kw(binding, len(samples)),
                     any(s.stale for s in samples))


def _rack_live(rack: Rack, hosts: list[HostPower], types: dict) -> float:
    """Live air kW: listed servers without data keep their design share."""
    if not rack.equipment:
        return sum(h.air_kw for h in hosts)
    live = {h.binding.server: h for h in hosts if h.binding.server is not None}
    total = sum(h.air_kw for h in hosts if h.binding.server is None)
    for index, (kind, entry) in enumerate(_servers(rack, types)):
        if index in live:
            total += live[index].air_kw
        else:
            total += item_power(entry, kind).air_kw / entry.units
    return total


def live_power(layout: Layout, samples: Iterable[GpuSample], timestamp_s: float = 0.0) -> LivePower:
    """Bind samples to racks and compute each rack's live heat into the air."""
    samples = list(samples)
    by_host: dict[str, list[GpuSample]] = {}
    for sample in samples:
        by_host.setdefault(sample.host, []).append(sample)
    bound = bindings(layout, by_host)
    types = equipment_types(layout)
    per_rack: dict[str, list[HostPower]] = {}
    for host, found in by_host.items():
        if host in bound:
            per_rack.setdefault(bound[host].rack_id, []).append(host_power(bound[host], found))
    racks = {rack.id: RackLive(rack.id, rack.power_kw, _rack_live(rack, per_rack[rack.id], types),
                               tuple(per_rack[rack.id]))
             for rack in layout.racks if rack.id in per_rack}
    unmapped = tuple(sorted(s.key for s in samples if s.host not in bound))
    silent = tuple(sorted(h for h in bound if h not in by_host))
    return LivePower(timestamp_s, racks, unmapped, silent, flagged(samples))


def flagged(samples: Iterable[GpuSample]) -> tuple[str, ...]:
    """Notes for GPU power readings no GPU can give (negative, NaN, over the limit)."""
    return tuple(f"{s.host}/{s.gpu}: power {s.power_w:g} W ignored (a GPU draws 0 to "
                 f"{METRIC_RANGES['power_w'][1]:g} W)" for s in samples
                 if s.power_w is not None and not plausible_power_w(s.power_w))


def apply_live_power(layout: Layout, live: LivePower) -> Layout:
    """A copy of the layout whose racks with data carry their live heat as `power_kw`.

    Such racks drop their equipment list in the copy (their power no longer
    follows from it); the original layout is not changed.
    """
    out = copy.deepcopy(layout)
    for rack in out.racks:
        if rack.id in live.racks:
            rack.power_kw = live.racks[rack.id].live_kw
            rack.equipment = []
    return out
