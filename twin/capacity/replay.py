"""Workload replay: a job trace run through the room under a placement policy.

Jobs arrive at their submit time and wait in one first-come first-served queue
until enough accelerators are free; each then runs for its traced run time on
the servers the policy picks: `thermal` (jobs.py's placement: fewest fabric
domains, then the lowest hottest intake of a preview solve) or `first-fit`
(racks in file order). Between two events the room is in one power state: its
servers at the load of the jobs on them (idle otherwise), solved with the
preview model (the runner's); states whose racks differ by less than `power_step_kw` share a
solve. docs/capacity.md#workload-replay.
"""
from __future__ import annotations

import heapq
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Optional

from twin.capacity.fabric import domain_of
from twin.capacity.jobs import JobError, candidate_sets, first_fit, inventory, with_loads
from twin.thermal import SolveCancelled
from twin.thermal.metrics import inlet_class

POLICIES = ("thermal", "first-fit")


@dataclass(frozen=True)
class State:
    """What the room does in one power state."""
    it_kw: float
    cooling_kw: float
    facility_kw: float
    hottest_intake_c: float
    hottest_rack: str
    racks_above_recommended: int
    intake_c: dict                  # rack id -> hottest intake
    cdu_load_kw: dict               # CDU id -> liquid heat it carries
    key: tuple


@dataclass(frozen=True)
class Interval:
    start_s: float
    end_s: float
    running_jobs: int
    busy_gpus: int
    state: State

    @property
    def hours(self) -> float:
        return (self.end_s - self.start_s) / 3600.0


@dataclass
class JobRun:
    job: object                     # the TraceJob
    gpus: int
    start_s: Optional[float] = None # None: still queued at the end of the replay
    servers: list = field(default_factory=list)

    @property
    def wait_s(self) -> Optional[float]:
        return None if self.start_s is None else self.start_s - self.job.submit_s

    @property
    def end_s(self) -> float:
        return self.start_s + self.job.run_s


@dataclass
class ReplayRun:
    policy: str
    intervals: list
    jobs: list
    recommended_max_c: float
    peaks: list = field(default_factory=list)   # (Interval, accurate hottest intake, rack)

    def _sum(self, get) -> float:
        return sum(get(i) * i.hours for i in self.intervals)

    @property
    def hours(self) -> float:
        return sum(i.hours for i in self.intervals)

    @property
    def hottest(self) -> Interval:
        return max(self.intervals, key=lambda i: i.state.hottest_intake_c)

    @property
    def hours_above_recommended(self) -> float:
        return self._sum(lambda i: float(i.state.hottest_intake_c > self.recommended_max_c))

    @property
    def rack_hours_above_recommended(self) -> float:
        return self._sum(lambda i: i.state.racks_above_recommended)

    it_kwh = property(lambda self: self._sum(lambda i: i.state.it_kw))
    cooling_kwh = property(lambda self: self._sum(lambda i: i.state.cooling_kw))
    facility_kwh = property(lambda self: self._sum(lambda i: i.state.facility_kw))

    @property
    def peak_facility_kw(self) -> float:
        return max(i.state.facility_kw for i in self.intervals)

    @property
    def peak_cdu_kw(self) -> dict:
        out: dict = {}
        for i in self.intervals:
            for cdu, kw in i.state.cdu_load_kw.items():
                out[cdu] = max(out.get(cdu, 0.0), kw)
        return out

    @property
    def started(self) -> list:
        return [j for j in self.jobs if j.start_s is not None]

    @property
    def mean_wait_h(self) -> float:
        waits = [j.wait_s for j in self.started]
        return sum(waits) / len(waits) / 3600.0 if waits else 0.0

    @property
    def max_wait_h(self) -> float:
        return max((j.wait_s for j in self.started), default=0.0) / 3600.0


class Room:
    """The layout's servers, and a cache of solved power states."""

    def __init__(self, layout, runner, power_step_kw: float = 1.0):
        if layout.network is None:
            raise JobError("the layout has no network section: the replay places jobs within "
                           "the fabric (see docs/layout-format.md#network-format-2)")
        self.layout, self.runner, self.step_kw = layout, runner, power_step_kw
        self.servers = inventory(layout)
        if not self.servers:
            raise JobError("no rack the fabric serves lists equipment with accelerators")
        self.total_gpus = sum(s.gpus for s in self.servers)
        self.gpus_per_node = Counter(s.gpus for s in self.servers).most_common(1)[0][0]
        self.domain = domain_of(layout)
        self.recommended_max_c = inlet_class(layout.ashrae_class or "A1").recommended_max_c
        self.gpus_at = {(s.rack, s.index): s.gpus for s in self.servers}
        self.results: dict = {}            # state key -> thermal result
        self.solved_loads: dict = {}       # state key -> the loads first solved for it

    def loads(self, busy: dict) -> dict:
        """(rack, server) -> load %: the GPU-weighted load of the jobs on each server."""
        out = {(s.rack, s.index): 0.0 for s in self.servers}
        for key, parts in busy.items():
            out[key] = sum(len(g) * pct for g, pct in parts.values()) / self.gpus_at[key]
        return out

    def state(self, loads: dict) -> State:
        """The room in this power state (thermal solve shared with states within the step)."""
        from twin.power import analyze
        placed = with_loads(self.layout, loads)
        key = tuple(round(r.power_kw / self.step_kw) for r in placed.racks)
        if key not in self.results:
            self.solved_loads[key] = loads
            self.results[key] = self.runner.solve(placed, "replay")
        result = self.results[key]
        power = analyze(placed, result)
        intake = {rid: float(r.inlet_max_c) for rid, r in result.racks.items()}
        rack = max(intake, key=intake.get)
        return State(power.it_kw, power.cooling_kw, power.facility_kw, intake[rack], rack,
                     sum(t > self.recommended_max_c for t in intake.values()), intake,
                     _cdu_loads(placed), key)

    def gpus_of(self, job) -> int:
        return job.gpus if job.gpus is not None else job.nodes * self.gpus_per_node


def _cdu_loads(layout) -> dict:
    if layout.liquid is None:
        return {}
    from twin.liquid.solve import solve_liquid
    return {cid: c.load_kw for cid, c in solve_liquid(layout).cdus.items()}


def _free(room: Room, busy: dict) -> list:
    taken = {key: {g for gs, _ in parts.values() for g in gs} for key, parts in busy.items()}
    return inventory(room.layout, taken)


def _choose(room: Room, policy: str, run: JobRun, busy: dict, now: State, screen: int) -> list:
    """The servers (Server, GPU indices) the policy gives the job."""
    free = _free(room, busy)
    if policy == "first-fit":
        return first_fit(free, run.gpus)
    best = None
    for servers in candidate_sets(room.layout, free, run.gpus, now.intake_c)[:max(screen, 1)]:
        state = room.state(room.loads(_with(busy, run, servers)))
        score = (len({room.domain[s.rack] for s, _ in servers}), round(state.hottest_intake_c, 2),
                 state.cooling_kw)
        if best is None or score < best[0]:
            best = (score, servers)
    return best[1]


def _with(busy: dict, run: JobRun, servers: list) -> dict:
    out = {key: dict(parts) for key, parts in busy.items()}
    for server, gpus in servers:
        out.setdefault((server.rack, server.index), {})[run.job.job_id] = (tuple(gpus), run.job.power_pct)
    return out


def replay(layout, jobs: list, policy: str, runner, days: Optional[float] = None,
           screen: int = 4, confirm: int = 1, power_step_kw: float = 1.0,
           progress=None, cancel=None) -> ReplayRun:
    """Run the trace `jobs` (TraceJob) through `layout` under `policy` (thermal / first-fit)."""
    room = Room(layout, runner, power_step_kw)
    runs = [JobRun(j, room.gpus_of(j)) for j in sorted(jobs, key=lambda j: (j.submit_s, j.line))]
    for r in runs:
        if r.gpus > room.total_gpus:
            raise JobError(f"job {r.job.job_id} (trace line {r.job.line}) needs {r.gpus} GPUs; "
                           f"the racks the fabric serves have {room.total_gpus}")
    t0 = runs[0].job.submit_s
    horizon = t0 + days * 86400.0 if days else float("inf")
    runs = [r for r in runs if r.job.submit_s < horizon]     # later submits are not replayed
    arrivals, queue, ends, busy = deque(runs), deque(), [], {}
    now, t, intervals = room.state(room.loads(busy)), t0, []
    while True:
        if cancel is not None and cancel():
            raise SolveCancelled("replay cancelled")
        upcoming = [x for x in (arrivals[0].job.submit_s if arrivals else None,
                                ends[0][0] if ends else None) if x is not None]
        if not upcoming and horizon == float("inf"):
            break
        t_next = min(upcoming + [horizon])
        if t_next > t:
            intervals.append(Interval(t, t_next, len(ends), _busy_gpus(busy), now))
        t = t_next
        if t >= horizon:
            break
        while ends and ends[0][0] <= t:
            _, _, done = heapq.heappop(ends)
            for server, _ in done.servers:
                busy[(server.rack, server.index)].pop(done.job.job_id)
        while arrivals and arrivals[0].job.submit_s <= t:
            queue.append(arrivals.popleft())
        while queue and queue[0].gpus <= room.total_gpus - _busy_gpus(busy):
            run = queue.popleft()
            run.start_s, run.servers = t, _choose(room, policy, run, busy, now, screen)
            busy = _with(busy, run, run.servers)
            heapq.heappush(ends, (run.end_s, run.job.line, run))
            if policy == "thermal":          # the next job is placed against this state
                now = room.state(room.loads(busy))
        now = room.state(room.loads(busy))
        if progress is not None and intervals:
            done_s = t - t0
            total_s = (horizon - t0) if days else max(done_s, _last_end(runs) - t0)
            progress(min(done_s / total_s, 1.0) if total_s > 0 else 1.0,
                     f"{policy}: hour {done_s / 3600:.0f}")
    out = ReplayRun(policy, intervals, runs, room.recommended_max_c)
    out.peaks = _confirm(room, intervals, confirm)
    return out


def at_time(run: ReplayRun, t_s: float) -> Optional[Interval]:
    """The interval of `run` holding time `t_s` (its last one at or after the end), or None."""
    for interval in run.intervals:
        if interval.start_s <= t_s < interval.end_s:
            return interval
    return run.intervals[-1] if run.intervals and t_s >= run.intervals[-1].end_s else None


def rack_power_at(layout, run: ReplayRun, t_s: float) -> dict:
    """Rack id -> power (kW) at `t_s`: the servers of the jobs running then at their loads,
    the others idle, the racks outside the fabric at their own power (as the replay solved)."""
    room = Room(layout, runner=None)
    busy: dict = {}
    for job in run.started:
        if job.start_s <= t_s < job.end_s:
            busy = _with(busy, job, job.servers)
    return {r.id: r.power_kw for r in with_loads(layout, room.loads(busy)).racks}


def _busy_gpus(busy: dict) -> int:
    return sum(len(g) for parts in busy.values() for g, _ in parts.values())


def _last_end(runs: list) -> float:
    return max(r.job.submit_s + r.job.run_s for r in runs)


def _confirm(room: Room, intervals: list, count: int) -> list:
    """The `count` hottest distinct power states re-solved with the accurate model."""
    out, seen = [], set()
    if room.runner.model == "accurate":      # the states are accurate solves already
        return out
    for interval in sorted(intervals, key=lambda i: -i.state.hottest_intake_c):
        if len(out) >= count:
            break
        if interval.state.key in seen:
            continue
        seen.add(interval.state.key)
        loads = room.solved_loads[interval.state.key]
        result = room.runner.solve(with_loads(room.layout, loads), "peak", model="accurate")
        rack_id, rack = max(result.racks.items(), key=lambda kv: float(kv[1].inlet_max_c))
        out.append((interval, float(rack.inlet_max_c), rack_id))
    return out
