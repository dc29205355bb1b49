"""`plan_capacity`: where N racks of a catalog model can go, ranked, each with the
resource that binds it. Non-thermal checks run on every free site; the most promising
are screened with the preview model and the leaders confirmed with the accurate one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from twin.capacity.checks import (PLUGGABLE, RESOURCES, Check, air_check, binding, fabric_check,
                                  floor_check, power_check, space_check)
from twin.capacity.sites import (Placed, default_per_rack, free_runs, make_racks, place,
                                 place_into)
from twin.model.catalog import equipment_types
from twin.model.layout import Layout
from twin.scenario import placement


class CapacityError(ValueError):
    """Bad planning input (unknown model, a count below one); the message says which."""


@dataclass
class Site:
    """One candidate: where the racks stand, the placed layout and every check."""
    positions_m: list
    facing: str
    placed: Placed
    local_air_c: float = float("nan")
    checks: dict = field(default_factory=dict)       # resource -> Check
    model: str = ""                                  # thermal model of the air check

    @property
    def into_rack(self) -> Optional[str]:
        """The existing rack the servers go into (None: new racks)."""
        return self.placed.rack_ids[0] if self.checks.get("floor") and \
            self.checks["floor"].unit == "U" else None

    @property
    def binding(self) -> Optional[Check]:
        return binding(self.checks)

    @property
    def exceeded(self) -> list[str]:
        return [r for r in RESOURCES if r in self.checks and self.checks[r].status == "exceeded"]

    def rank_key(self) -> tuple:
        """Fewest exceeded resources, then the largest least margin (then the next least)."""
        pcts = sorted(c.margin_pct for c in self.checks.values()
                      if c.status != "unchecked" and c.margin_pct is not None)
        return (len(self.exceeded), tuple(-round(p, 6) for p in pcts), self.local_air_c)

    def as_dict(self) -> dict:
        tight = self.binding
        return {"racks": self.placed.rack_ids, "into_rack": self.into_rack,
                "positions_m": [list(p) for p in self.positions_m], "facing": self.facing,
                "fits": not self.exceeded, "binding": tight.resource if tight else None,
                "thermal_model": self.model,
                "pdus": self.placed.cords, "leaves": self.placed.homes,
                "checks": [self.checks[r].as_dict() for r in RESOURCES if r in self.checks]}


@dataclass
class Request:
    model: str
    count: int
    per_rack: Optional[int] = None
    utilization_pct: float = 100.0
    into_racks: bool = False         # servers into existing racks' free units, not new racks


def check_request(layout: Layout, request: Request) -> int:
    """Units per rack for a request; CapacityError for an unknown model or a bad count."""
    types = equipment_types(layout)
    if request.model not in types:
        import difflib
        near = difflib.get_close_matches(request.model, list(types), n=1, cutoff=0.5)
        hint = f'; did you mean "{near[0]}"?' if near else ""
        raise CapacityError(f'unknown equipment model "{request.model}"{hint} (models come from '
                            "the bundled catalog and the layout's equipment_types)")
    if request.count < 1:
        raise CapacityError(f"--count must be at least 1 (got {request.count})")
    return request.per_rack or default_per_rack(types[request.model])


def _sites(layout: Layout, request: Request, per_rack: int, baseline) -> tuple[list[Site], int]:
    size, dt = placement.rack_template(layout)
    groups = placement.candidates(layout, request.count, size)
    singles = placement.candidates(layout, 1, size)
    sites = []
    for group in groups:
        racks = make_racks(layout, request.model, per_rack, group.positions_m, group.facing,
                           group.size_m, dt, request.utilization_pct)   # turned for +-x facing
        site = Site(group.positions_m, group.facing, place(layout, racks))
        left = sum(1 for s in singles if not _overlaps_any(s, group))
        site.checks["floor"] = floor_check(left, len(singles))
        _other_checks(site)
        if baseline is not None:
            site.local_air_c = placement.local_air_c(baseline, group, 0.5 * size[2])
        sites.append(site)
    return sites, len(singles)


def _rack_sites(layout: Layout, request: Request) -> list[Site]:
    """Existing racks with `count` free contiguous units for the model, each a candidate."""
    types = equipment_types(layout)
    sites = []
    for rack in layout.racks:
        placed = place_into(layout, rack.id, request.model, request.count, request.utilization_pct)
        if placed is None:
            continue
        site = Site([rack.position_m], rack.facing, placed)
        after = placed.layout.rack(rack.id)
        left = _free_units(after, types)
        site.checks["floor"] = space_check(placed, left, after.rack_units)
        _other_checks(site)
        sites.append(site)
    return sites


def _free_units(rack, types) -> int:
    """The longest run of free rack units left: what more servers could still use."""
    return max((length for _, length in free_runs(rack, types)), default=0)


def _other_checks(site: Site) -> None:
    site.checks["power"] = power_check(site.placed)
    site.checks["fabric"] = fabric_check(site.placed)
    for resource, check in PLUGGABLE.items():
        site.checks[resource] = check(site.placed, None)


def _overlaps_any(single, group) -> bool:
    (x, y), (sx, sy) = single.positions_m[0], single.size_m[:2]
    for gx, gy in group.positions_m:
        gsx, gsy = group.size_m[:2]
        if min(x + sx, gx + gsx) - max(x, gx) > 1e-6 and min(y + sy, gy + gsy) - max(y, gy) > 1e-6:
            return True
    return False


def _solvable(sites: list[Site], count: int, cell_m: float) -> list[Site]:
    """The first `count` sites, in order, whose room the airflow grid can be built for: a rack
    whose rear (or front) ends up against a wall or another box has no way for its air."""
    from twin.model import LayoutError
    from twin.thermal.grid import GridError, build_grid
    out = []
    for site in sites:
        if len(out) >= count:
            break
        try:
            build_grid(site.placed.layout, cell_m)
        except (GridError, LayoutError):
            continue
        out.append(site)
    return out


def _air(sites: list[Site], runner, model: Optional[str], progress=None) -> None:
    results = runner.solve_many([(s.placed.layout, f"site {i + 1}") for i, s in enumerate(sites)],
                                model=model, progress=progress)
    for site, result in zip(sites, results):
        site.checks["air"] = air_check(site.placed, result)
        site.model = result.model
        site.checks = {r: site.checks[r] for r in RESOURCES if r in site.checks}


@dataclass
class Plan:
    request: Request
    per_rack: int
    sites: list                      # ranked Site objects, best first
    free_sites: int                  # single-rack positions facing a cold aisle
    screened: int                    # sites solved with the preview model
    confirmed: int                   # leading sites re-solved with the accurate model
    today: dict = field(default_factory=dict)   # resource -> Check of the room as it is

    def as_dict(self) -> dict:
        return {"model": self.request.model, "count": self.request.count,
                "into_racks": self.request.into_racks,
                "per_rack": self.per_rack, "utilization_pct": self.request.utilization_pct,
                "free_positions": self.free_sites, "screened_with_preview": self.screened,
                "confirmed_with_accurate": self.confirmed,
                "today": [c.as_dict() for c in self.today.values()],
                "candidates": [s.as_dict() for s in self.sites]}


def plan_capacity(layout: Layout, request: Request, runner, top: int = 5, screen: int = 12,
                  confirm: int = 2, progress=None) -> Plan:
    """Ranked places for `request.count` racks of `request.model` (see docs/capacity.md)."""
    per_rack = check_request(layout, request)
    baseline = runner.solve(layout, "baseline", model="preview")
    if request.into_racks:
        sites, singles, per_rack = _rack_sites(layout, request), 0, request.count
    else:
        sites, singles = _sites(layout, request, per_rack, baseline)
    sites.sort(key=Site.rank_key)
    chosen = _solvable(sites, max(screen, 1), runner.cell_m)
    _air(chosen, runner, "preview", progress)
    chosen.sort(key=Site.rank_key)
    confirm = min(confirm, len(chosen))
    if confirm:
        _air(chosen[:confirm], runner, "accurate", progress)
        chosen[:confirm] = sorted(chosen[:confirm], key=Site.rank_key)
    return Plan(request, per_rack, chosen[:top], singles, len(chosen), confirm,
                today_checks(layout, baseline))


def today_checks(layout: Layout, result) -> dict:
    """Power, air and fabric of the room as it is (the context of every candidate)."""
    here = place(layout, [])
    return {"power": power_check(here), "air": air_check(here, result),
            "fabric": fabric_check(here)}
