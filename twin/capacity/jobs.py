"""Job placement: which servers with free accelerators a job of N GPUs should run on.

The job is kept within the fewest fabric domains (a leaf, or a rail group); among
the ways to do that, the one whose preview solve gives the lowest hottest intake
(then the lowest cooling power) wins. A naive first-fit (racks in file order) is
evaluated the same way for comparison. docs/capacity.md#job-placement.
"""
from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Optional

from twin.capacity.fabric import domain_of, fabric_graph, switch_hops
from twin.model.catalog import equipment_types
from twin.model.layout import Equipment, Layout

BUSY_UTILIZATION_PCT = 10.0    # a GPU at or above this utilisation is taken by another job


class JobError(ValueError):
    """A job that cannot be placed (no fabric, too few free GPUs); the message says why."""


@dataclass(frozen=True)
class Server:
    rack: str
    index: int                   # 0-based server number in the rack's equipment (as telemetry)
    model: str
    gpus: int
    free: tuple[int, ...]        # free GPU indices
    host: str = ""               # the monitored host bound to it, when known


@dataclass
class Assignment:
    """Servers (with the GPU indices taken on each) chosen for a job, and how it fares."""
    name: str
    servers: list = field(default_factory=list)      # (Server, gpu indices)
    hottest_intake_c: Optional[float] = None
    hottest_rack: str = ""
    cooling_kw: Optional[float] = None
    facility_kw: Optional[float] = None
    domains: int = 0
    max_hops: int = 0
    thermal_model: str = ""

    @property
    def racks(self) -> list[str]:
        return list(dict.fromkeys(s.rack for s, _ in self.servers))

    @property
    def gpus(self) -> int:
        return sum(len(g) for _, g in self.servers)


def busy_gpus(layout: Layout, samples) -> dict[tuple[str, int], set]:
    """(rack, server) -> GPU indices telemetry shows at work (utilisation >= 10 %)."""
    from twin.telemetry.mapping import bindings
    samples = list(samples)
    bound = bindings(layout, {s.host for s in samples})
    out: dict[tuple[str, int], set] = {}
    for s in samples:
        b = bound.get(s.host)
        if b is not None and b.server is not None and (s.utilization_pct or 0.0) >= BUSY_UTILIZATION_PCT:
            out.setdefault((b.rack_id, b.server), set()).add(s.gpu)
    return out


def inventory(layout: Layout, busy: Optional[dict] = None) -> list[Server]:
    """Every accelerator server in racks the fabric serves, in file order, with free GPUs."""
    types, served = equipment_types(layout), domain_of(layout)
    hosts = {(h.rack, h.server): h.host for h in (layout.telemetry.hosts if layout.telemetry else ())
             if h.server is not None}
    out = []
    for rack in layout.racks:
        if rack.id not in served:
            continue
        units = [e.model for e in rack.equipment if e.model in types for _ in range(e.units)]
        for index, model in enumerate(units):
            gpus = types[model].accelerator_count
            taken = (busy or {}).get((rack.id, index), set())
            free = tuple(g for g in range(gpus) if g not in taken)
            if free:
                out.append(Server(rack.id, index, model, gpus, free, hosts.get((rack.id, index), "")))
    return out


def _take(servers, gpus: int) -> list:
    """Free GPUs of `servers` in order until `gpus` are taken."""
    out, left = [], gpus
    for server in servers:
        if left <= 0:
            break
        chosen = server.free[:left]
        out.append((server, chosen))
        left -= len(chosen)
    return out if left <= 0 else []


def first_fit(servers: list[Server], gpus: int) -> list:
    """The naive placement: racks in file order, servers in rack order."""
    return _take(servers, gpus)


def candidate_sets(layout: Layout, servers: list[Server], gpus: int, intake_c: dict) -> list:
    """Ways to place the job within the fewest domains: for each small enough set of domains,
    coolest racks first, and spread round-robin over the racks from the coolest."""
    domain = domain_of(layout)
    by_domain: dict[str, list[Server]] = {}
    for s in servers:
        by_domain.setdefault(domain[s.rack], []).append(s)
    free = {d: sum(len(s.free) for s in ss) for d, ss in by_domain.items()}
    for size in range(1, len(by_domain) + 1):
        combos = [c for c in itertools.combinations(sorted(by_domain), size)
                  if sum(free[d] for d in c) >= gpus]
        if combos:
            break
    else:
        return []
    combos.sort(key=lambda c: -sum(free[d] for d in c))
    out = []
    for combo in combos[:4]:
        pool = sorted((s for d in combo for s in by_domain[d]),
                      key=lambda s: (intake_c.get(s.rack, 0.0), s.rack, s.index))
        out.append(_take(pool, gpus))
        out.append(_take(_round_robin(pool), gpus))
    return [c for c in out if c]


def _round_robin(pool: list[Server]) -> list[Server]:
    """One server per rack in turn (racks in the pool's order), spreading the heat."""
    racks: dict[str, list[Server]] = {}
    for s in pool:
        racks.setdefault(s.rack, []).append(s)
    columns = itertools.zip_longest(*racks.values())
    return [s for row in columns for s in row if s is not None]


def with_job(layout: Layout, servers: list, power_pct: float, free: list[Server]) -> Layout:
    """The layout with the job's servers at `power_pct` load and the other free servers idle;
    busy servers keep their design power. Equipment entries are split into single units."""
    job = {(s.rack, s.index) for s, _ in servers}
    idle = {(s.rack, s.index) for s in free if len(s.free) == s.gpus} - job
    return with_loads(layout, {**{key: 0.0 for key in idle}, **{key: power_pct for key in job}})


def with_loads(layout: Layout, loads_pct: dict) -> Layout:
    """The layout with server (rack, index) at loads_pct[(rack, index)] % of its idle-to-max
    range; other units keep their design load. Entries of those racks become single units."""
    from twin.model.equipment import refresh_rack_power
    out = copy.deepcopy(layout)
    out.scenarios = []
    types = equipment_types(out)
    racks = {rack_id for rack_id, _ in loads_pct}
    for rack in out.racks:
        if rack.id not in racks:
            continue
        units, index = [], 0
        for entry in rack.equipment:
            height = types[entry.model].u_height if entry.model in types else 0
            for k in range(entry.units):
                load = loads_pct.get((rack.id, index), entry.utilization_pct)
                units.append(Equipment(entry.model, entry.position_u + k * height, None, load))
                index += 1
        rack.equipment = units
    refresh_rack_power(out)
    return out


def hops(graph, racks: list[str], servers: int) -> int:
    """Most switches between two of the job's servers (1 within a rack: through its leaf)."""
    if servers <= 1:
        return 0
    pairs = [switch_hops(graph, a, b) for a, b in itertools.combinations(racks, 2)]
    return max([1] + [p for p in pairs if p is not None])


def evaluate(layout: Layout, assignment: Assignment, power_pct: float, free: list[Server],
             runner, model: str = "preview") -> None:
    """Fill in the hottest intake, cooling and facility power, domains and hops."""
    from twin.power import analyze
    placed = with_job(layout, assignment.servers, power_pct, free)
    result = runner.solve(placed, assignment.name, model=model)
    rack_id, rack = max(result.racks.items(), key=lambda kv: float(kv[1].inlet_max_c))
    power = analyze(placed, result)
    domain = domain_of(layout)
    assignment.hottest_intake_c, assignment.hottest_rack = float(rack.inlet_max_c), rack_id
    assignment.cooling_kw, assignment.facility_kw = power.cooling_kw, power.facility_kw
    assignment.domains = len({domain[r] for r in assignment.racks})
    assignment.max_hops = hops(fabric_graph(layout), assignment.racks, len(assignment.servers))
    assignment.thermal_model = result.model


def place_job(layout: Layout, gpus: int, runner, power_pct: float = 90.0,
              samples=None) -> tuple[Assignment, Assignment]:
    """(chosen, first-fit) assignments of a job of `gpus` accelerators; JobError if impossible."""
    if layout.network is None:
        raise JobError("the layout has no network section: job placement needs the fabric "
                       "(see docs/layout-format.md#network-format-2)")
    free = inventory(layout, busy_gpus(layout, samples) if samples is not None else None)
    total = sum(len(s.free) for s in free)
    if total == 0:
        raise JobError("no free accelerators: no rack the fabric serves lists equipment with "
                       "accelerators, or telemetry shows them all busy")
    if gpus < 1 or gpus > total:
        raise JobError(f"--gpus must be 1 to {total}: the free accelerators in racks the fabric "
                       f"serves (got {gpus})")
    base = runner.solve(with_job(layout, [], power_pct, free), "no job", model="preview")
    intake = {rid: float(r.inlet_max_c) for rid, r in base.racks.items()}
    naive = Assignment("first fit", first_fit(free, gpus))
    evaluate(layout, naive, power_pct, free, runner)
    options = []
    for n, servers in enumerate(candidate_sets(layout, free, gpus, intake)):
        option = Assignment(f"option {n + 1}", servers)
        evaluate(layout, option, power_pct, free, runner)
        options.append(option)
    best = min(options, key=lambda a: (a.domains, round(a.hottest_intake_c, 2), a.cooling_kw))
    best.name = "placed"
    return best, naive
