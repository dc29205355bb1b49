"""Plain-text tables of a capacity plan and the stranded-capacity table."""
from __future__ import annotations

import math

from twin.capacity.checks import RESOURCES


def _kw(value) -> str:
    if value is None:
        return "-"
    return "unlimited" if math.isinf(value) else f"{value:.0f}"


def _check_cell(check) -> str:
    if check is None or check.status == "unchecked":
        return "n/a"
    mark = "" if check.status == "ok" else "!"
    return f"{mark}{check.margin:.1f} {check.unit}" if math.isfinite(check.margin) else f"{mark}none"


def format_plan(plan) -> str:
    """Ranked candidates: where, whether they fit, the binding resource, every margin."""
    req = plan.request
    if req.into_racks:
        lines = [f"{req.count} x {req.model} into one existing rack at {req.utilization_pct:g} % "
                 f"load; {plan.screened} candidates screened with the preview model, the leading "
                 f"{plan.confirmed} confirmed with the accurate model"]
    else:
        lines = [f"{req.count} rack(s) of {req.model} ({plan.per_rack} per rack at "
                 f"{req.utilization_pct:g} % load): {plan.free_sites} free rack positions face "
                 f"a cold aisle; {plan.screened} candidates screened with the preview model, "
                 f"the leading {plan.confirmed} confirmed with the accurate model"]
    lines += [f"today: {c.resource}: {c.detail}" for c in plan.today.values()
              if c.status != "unchecked"]
    if not plan.sites:
        lines.append(f"no place: no rack that lists equipment has {req.count} x {req.model} of "
                     "free rack units (binding: rack space)" if req.into_racks else
                     f"no place: the floor has no {req.count} free side-by-side positions facing "
                     "a cold aisle (binding: floor)")
        return "\n".join(lines) + "\n"
    head = f"{'#':>2}  {'where':<26} {'fits':<4} {'binding':<8} " + " ".join(
        f"{r:>11}" for r in RESOURCES) + "  model"
    lines += ["", head]
    for n, site in enumerate(plan.sites, 1):
        x, y = site.positions_m[0]
        where = f"{site.facing} at ({x:g}, {y:g})" + (f" +{len(site.positions_m) - 1}"
                                                       if len(site.positions_m) > 1 else "")
        if site.into_rack:
            where = f"into {site.into_rack}"
        tight = site.binding
        cells = " ".join(f"{_check_cell(site.checks.get(r)):>11}" for r in RESOURCES)
        lines.append(f"{n:>2}  {where:<26} {'yes' if not site.exceeded else 'no':<4} "
                     f"{tight.resource if tight else '-':<8} {cells}  {site.model}")
    lines += ["", "why (candidate 1):"]
    lines += [f"  {c.resource}: {c.detail}" for c in plan.sites[0].checks.values()]
    return "\n".join(lines) + "\n"


def format_stranded(rows) -> str:
    """Per row: headroom of each resource in kW, the usable kW, what is stranded and by what."""
    lines = ["stranded capacity per row (kW of more load on the row's racks):",
             f"{'row':<8} {'load':>6} {'power':>9} {'air':>9} {'liquid':>9} {'fabric':>9} "
             f"{'usable':>9} {'free pos':>8}  stranded"]
    for row in rows:
        h = row.headroom_kw
        stranded = ", ".join(f"{k} {_kw(v)} kW" for k, v in row.stranded_kw().items()
                             if not math.isinf(v))
        why = f"{stranded} (by {row.binding})" if stranded else "-"
        lines.append(f"{row.row:<8} {row.load_kw:>6.0f} {_kw(h.get('power')):>9} "
                     f"{_kw(h.get('air')):>9} {_kw(h.get('liquid')):>9} {_kw(h.get('fabric')):>9} "
                     f"{_kw(row.usable_kw):>9} {row.free_positions:>8}  {why}")
    return "\n".join(lines) + "\n"
