"""Placement advisor: where can N racks of P kW go? Candidates ranked by worst intake.

Candidates are free floor positions on the tile grid whose front faces a
perforated-tile area (the cold aisle) without standing on it; a group of N
racks stands side by side in one row. A cheap pre-rank (baseline air
temperature in front of the group) keeps the `solve_limit` most promising,
which are solved with the runner's model and ranked by the resulting worst
intake and the power headroom; the leading `confirm` can be re-solved with
the accurate model. docs/scenarios.md has the details.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from twin import commands
from twin.group_edits import Group
from twin.model import Layout, Rack
from twin.model.scenarios import Edit
from twin.scenario.apply import apply_scenario
from twin.scenario.compare import evaluate

SIDE = {"+y": (0, 1), "-y": (0, -1), "+x": (1, 0), "-x": (-1, 0)}


@dataclass
class Candidate:
    positions_m: list                      # south-west corners, one per rack
    facing: str
    size_m: tuple
    local_air_c: float                     # baseline air in front of the group, intake height
    worst_inlet_c: Optional[float] = None  # worst rack intake max in the room after placing
    new_racks_inlet_c: Optional[float] = None
    power_headroom_kw: Optional[float] = None
    nearest_unit: str = ""
    nearest_unit_m: float = float("nan")
    confirmed: bool = False                # re-solved with the accurate model
    edits: list = field(default_factory=list)
    reasons: list = field(default_factory=list)


def rack_template(layout: Layout) -> tuple[tuple, float]:
    """The most common rack footprint (for +y facing) and median delta T of the room."""
    shapes = [(r.size_m if r.facing in ("+y", "-y") else (r.size_m[1], r.size_m[0], r.size_m[2]))
              for r in layout.racks]
    size = statistics.mode(shapes) if shapes else (0.6, 1.2, 2.0)
    dts = [r.delta_t(layout.air) for r in layout.racks if r.power_kw > 0]
    return tuple(size), (statistics.median(dts) if dts else 12.0)


def _footprint(size: tuple, facing: str) -> tuple:
    return size if facing in ("+y", "-y") else (size[1], size[0], size[2])


def _front_strip(pos, fp, facing: str, depth_m: float):
    """(x0, x1, y0, y1) of the floor strip in front of a footprint."""
    (x, y), (sx, sy) = pos, fp[:2]
    dx, dy = SIDE[facing]
    if dy:
        y0 = y + sy if dy > 0 else y - depth_m
        return x, x + sx, y0, y0 + depth_m
    x0 = x + sx if dx > 0 else x - depth_m
    return x0, x0 + depth_m, y, y + sy


def _overlaps(a, tile) -> bool:
    return min(a[1], tile.x_m[1]) - max(a[0], tile.x_m[0]) > 1e-6 and \
        min(a[3], tile.y_m[1]) - max(a[2], tile.y_m[0]) > 1e-6


def _fits(layout: Layout, pos, fp, facing: str) -> bool:
    box = (pos[0], pos[0] + fp[0], pos[1], pos[1] + fp[1])
    if commands.placement_problem(layout, "", fp, pos) is not None:
        return False
    if any(_overlaps(box, t) for t in layout.tiles):
        return False
    strip = _front_strip(pos, fp, facing, layout.room.tile_m)
    return any(_overlaps(strip, t) for t in layout.tiles)


def candidates(layout: Layout, count: int, size_m: tuple) -> list[Candidate]:
    """Every group of `count` side-by-side grid positions facing a tile area."""
    tile = layout.room.tile_m
    lx, ly = layout.room.size_m[:2]
    out = []
    for facing in SIDE:
        fp = _footprint(size_m, facing)
        step = (fp[0], 0.0) if facing in ("+y", "-y") else (0.0, fp[1])
        for i in range(int(lx / tile) + 1):
            for j in range(int(ly / tile) + 1):
                group = [(round(i * tile + k * step[0], 6), round(j * tile + k * step[1], 6))
                         for k in range(count)]
                if all(_fits(layout, p, fp, facing) for p in group):
                    out.append(Candidate(group, facing, fp, float("nan")))
    return out


def local_air_c(result, cand: Candidate, height_m: float) -> float:
    """Mean baseline air temperature in the strip in front of the group at height_m."""
    T, h = result.temperature_c, result.cell_m
    k = int(np.clip(round(height_m / h - 0.5), 0, T.shape[2] - 1))
    values = []
    for pos in cand.positions_m:
        x0, x1, y0, y1 = _front_strip(pos, cand.size_m, cand.facing, 0.6)
        i0, i1 = int(max(x0, 0) / h), max(int(np.ceil(x1 / h)), int(max(x0, 0) / h) + 1)
        j0, j1 = int(max(y0, 0) / h), max(int(np.ceil(y1 / h)), int(max(y0, 0) / h) + 1)
        values.append(T[i0:i1, j0:j1, k])
    flat = np.concatenate([v.ravel() for v in values])
    flat = flat[np.isfinite(flat)]
    return float(flat.mean()) if flat.size else float("inf")


def _new_ids(layout: Layout, count: int, prefix: str = "NEW") -> list[str]:
    used = {r.id for r in layout.racks} | {u.id for u in layout.cooling_units}
    ids, n = [], 1
    while len(ids) < count:
        if f"{prefix}{n}" not in used:
            ids.append(f"{prefix}{n}")
        n += 1
    return ids


def _edits(layout: Layout, cand: Candidate, power_kw: float, delta_t_k: float) -> list[Edit]:
    return [Edit("add", rid, position_m=pos, size_m=tuple(cand.size_m), facing=cand.facing,
                 power_kw=float(power_kw), delta_t_k=float(delta_t_k))
            for rid, pos in zip(_new_ids(layout, len(cand.positions_m)), cand.positions_m)]


def _nearest_unit(layout: Layout, cand: Candidate) -> tuple[str, float]:
    x, y = cand.positions_m[0]
    best = ("", float("inf"))
    for u in layout.cooling_units:
        if u.running:
            d = float(np.hypot(u.position_m[0] + u.size_m[0] / 2 - x, u.position_m[1] + u.size_m[1] / 2 - y))
            best = min(best, (u.id, d), key=lambda t: t[1])
    return best


def power_headroom_kw(outcome) -> Optional[float]:
    """Smallest margin (limit - load) among UPS systems and utility feeds, after placing."""
    margins = [c.limit_kw - c.load_kw for c in outcome.power.components.values()
               if c.kind in ("ups", "utility") and c.limit_kw is not None]
    return min(margins) if margins else None


def advise(layout: Layout, count: int, power_kw: float, runner, top: int = 5,
           solve_limit: int = 12, confirm: int = 0, size_m: Optional[tuple] = None,
           delta_t_k: Optional[float] = None, progress=None) -> list[Candidate]:
    """The best `top` placements for `count` racks of `power_kw`, best first."""
    size, dt = rack_template(layout)
    size, dt = tuple(size_m or size), float(delta_t_k or dt)
    base = evaluate(apply_scenario(layout, [], "baseline"), runner)
    height_m = 0.5 * size[2]
    pool = candidates(layout, count, size)
    for cand in pool:
        cand.local_air_c = local_air_c(base.result, cand, height_m)
    pool.sort(key=lambda c: c.local_air_c)
    chosen = pool[:solve_limit]
    _score_all(layout, chosen, power_kw, dt, runner, None, progress)
    chosen.sort(key=_rank)
    if confirm > 0:
        runner.solve(layout, "baseline", model="accurate")    # the warm start for the confirmations
        _score_all(layout, chosen[:confirm], power_kw, dt, runner, "accurate", progress)
    for cand in chosen[:confirm]:
        cand.confirmed = True
    chosen[:confirm] = sorted(chosen[:confirm], key=_rank)
    for cand in chosen[:top]:
        cand.reasons = explain(cand, base, len(pool))
    return chosen[:top]


def _rank(cand: Candidate) -> tuple:
    headroom = cand.power_headroom_kw if cand.power_headroom_kw is not None else 0.0
    return (round(cand.worst_inlet_c, 2), -headroom, cand.local_air_c)


def _score_all(layout, chosen, power_kw, dt, runner, model, progress) -> None:
    """Solve the candidates (on the runner's executor) and score each."""
    applied = []
    for n, cand in enumerate(chosen):
        cand.edits = _edits(layout, cand, power_kw, dt)
        applied.append((apply_scenario(layout, cand.edits, f"candidate {n + 1}").layout,
                        f"candidate {n + 1}/{len(chosen)}"))
    results = runner.solve_many(applied, model=model, progress=progress)
    for cand, (placed, _), result in zip(chosen, applied, results):
        _score(layout, cand, placed, result)


def _score(layout, cand, placed, applied_result) -> None:
    """Fill in a candidate's figures from the solve of `placed` (the layout with its racks)."""
    from twin.scenario.compare import Outcome, power_with_failures
    power, _ = power_with_failures(placed, applied_result, frozenset())
    outcome = Outcome("placement", placed, applied_result, None, power)
    cand.worst_inlet_c = max(float(r.inlet_max_c) for r in applied_result.racks.values())
    cand.new_racks_inlet_c = max(float(applied_result.racks[e.target].inlet_max_c) for e in cand.edits)
    cand.power_headroom_kw = power_headroom_kw(outcome)
    cand.nearest_unit, cand.nearest_unit_m = _nearest_unit(layout, cand)


def explain(cand: Candidate, base, pool_size: int) -> list[str]:
    """Why a candidate ranks where it does, in a few short lines."""
    worst_before = max(float(r.inlet_max_c) for r in base.result.racks.values())
    lines = [f"worst intake in the room {cand.worst_inlet_c:.1f} °C after placing "
             f"({cand.worst_inlet_c - worst_before:+.1f} K against {worst_before:.1f} °C today)",
             f"the new racks draw air at up to {cand.new_racks_inlet_c:.1f} °C",
             f"air in front of the spot today: {cand.local_air_c:.1f} °C "
             f"(coolest spots of {pool_size} free positions facing a cold aisle were solved)",
             f"nearest running cooling unit {cand.nearest_unit} at {cand.nearest_unit_m:.1f} m"]
    if cand.power_headroom_kw is not None:
        lines.append(f"UPS/feed headroom after placing: {cand.power_headroom_kw:.1f} kW")
    if cand.confirmed:
        lines.append("confirmed with the accurate model")
    return lines


class AddGroup(Group):
    """Add several racks as one undoable step (a placement chosen from the advisor)."""

    def __init__(self, racks: list[Rack], label: str = "place racks"):
        super().__init__([commands.AddItem(r) for r in racks], label)


def placement_command(cand: Candidate) -> AddGroup:
    """The undoable edit that places a candidate's racks (push it on a CommandStack)."""
    racks = [Rack(id=e.target, position_m=tuple(e.position_m), size_m=tuple(e.size_m),
                  facing=e.facing, power_kw=e.power_kw, delta_t_k=e.delta_t_k) for e in cand.edits]
    return AddGroup(racks, f"place {', '.join(r.id for r in racks)}")
