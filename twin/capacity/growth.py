"""Growth: add N racks of a model every month at the best-ranked place and report the month
each resource runs out (its margin first goes below zero), as a table and an SVG chart."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from twin.capacity.checks import RESOURCES
from twin.capacity.plan import CapacityError, Request, plan_capacity, today_checks

PATTERN = re.compile(r"^\s*(\d+)\s*x\s*(\S+)\s+per\s+month\s*$", re.IGNORECASE)


def parse_growth(text: str, per_rack: Optional[int] = None,
                 utilization_pct: float = 100.0) -> Request:
    """`"4 x gb200-nvl72 per month"` -> Request(model, 4); CapacityError otherwise."""
    match = PATTERN.match(text or "")
    if not match or int(match.group(1)) < 1:
        raise CapacityError(f'--growth: expected "N x MODEL per month" with N >= 1, e.g. '
                            f'"4 x gb200-nvl72 per month" (got "{text}")')
    return Request(match.group(2), int(match.group(1)), per_rack, utilization_pct)


@dataclass
class Month:
    month: int
    racks: list[str]                 # racks added this month (empty: no floor left)
    checks: dict                     # resource -> Check after this month's racks

    def as_dict(self) -> dict:
        return {"month": self.month, "racks": self.racks,
                "checks": [c.as_dict() for c in self.checks.values()]}


@dataclass
class Growth:
    request: Request
    months: list = field(default_factory=list)       # Month 0 (today) first
    runs_out: dict = field(default_factory=dict)     # resource -> first month exceeded
    stopped: Optional[str] = None                    # why the run ended early

    def as_dict(self) -> dict:
        return {"model": self.request.model, "racks_per_month": self.request.count,
                "runs_out": {r: self.runs_out.get(r) for r in RESOURCES},
                "stopped": self.stopped, "months": [m.as_dict() for m in self.months]}


def grow(layout, request: Request, months: int, runner, screen: int = 4,
         progress=None) -> Growth:
    """Month by month, place `request.count` racks at the best-ranked candidate."""
    run = Growth(request)
    today = today_checks(layout, runner.solve(layout, "today", model="preview"))
    _record(run, Month(0, [], today))
    current = layout
    for month in range(1, months + 1):
        plan = plan_capacity(current, request, runner, top=1, screen=screen, confirm=0)
        if not plan.sites:
            run.runs_out.setdefault("floor", month)
            run.stopped = (f"month {month}: no {request.count} free side-by-side positions "
                           "facing a cold aisle")
            break
        best = plan.sites[0]
        current = best.placed.layout
        _record(run, Month(month, best.placed.rack_ids, best.checks))
        if progress is not None:
            progress(month / months, f"month {month}")
    return run


def _record(run: Growth, month: Month) -> None:
    run.months.append(month)
    for resource, check in month.checks.items():
        if check.status == "exceeded":
            run.runs_out.setdefault(resource, month.month)


def format_growth(run: Growth) -> str:
    """Month by month margins and the month each resource runs out."""
    req = run.request
    lines = [f"growth: {req.count} x {req.model} per month (best-ranked place each month, "
             "preview model)", "",
             f"{'month':>5}  {'racks':<24} " + " ".join(f"{r:>11}" for r in RESOURCES)]
    from twin.capacity.text import _check_cell
    for m in run.months:
        added = ", ".join(m.racks) if m.racks else ("today" if m.month == 0 else "-")
        lines.append(f"{m.month:>5}  {added[:24]:<24} " +
                     " ".join(f"{_check_cell(m.checks.get(r)):>11}" for r in RESOURCES))
    lines += ["", "runs out:"]
    for resource in RESOURCES:
        month = run.runs_out.get(resource)
        when = ("not within the run" if month is None else
                "already exceeded today" if month == 0 else f"month {month}")
        unchecked = all(m.checks.get(resource) is None or m.checks[resource].status == "unchecked"
                        for m in run.months)
        lines.append(f"  {resource:<7} {'not checked' if unchecked and month is None else when}")
    if run.stopped:
        lines.append(f"stopped at {run.stopped}")
    return "\n".join(lines) + "\n"


COLOURS = {"floor": "#7f7f7f", "power": "#d62728", "air": "#1f77b4", "liquid": "#17becf",
           "fabric": "#2ca02c"}


def chart_svg(run: Growth, width: int = 640, height: int = 360) -> str:
    """Each resource's margin (% of what it offers) against the month, zero line marked."""
    left, right, top, bottom = 56, 170, 20, 40
    months = [m.month for m in run.months]
    last = max(months[-1], 1)
    series = {r: [(m.month, m.checks[r].margin_pct) for m in run.months
                  if r in m.checks and m.checks[r].margin_pct is not None
                  and m.checks[r].status != "unchecked"] for r in RESOURCES}
    values = [max(-100.0, v) for pts in series.values() for _, v in pts] + [0.0, 100.0]
    lo, hi = min(values), max(values)
    x = lambda mo: left + (width - left - right) * mo / last            # noqa: E731
    y = lambda v: top + (height - top - bottom) * (hi - max(-100.0, v)) / (hi - lo)  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" '
           'stroke="black" stroke-dasharray="4 3"/>',
           f'<text x="{left - 6}" y="{y(0) + 4:.1f}" text-anchor="end">0 %</text>',
           f'<text x="{left - 6}" y="{y(hi) + 4:.1f}" text-anchor="end">{hi:.0f} %</text>',
           f'<text x="{left - 6}" y="{y(lo) + 4:.1f}" text-anchor="end">{lo:.0f} %</text>',
           f'<text x="{(width - right + left) / 2:.0f}" y="{height - 8}" text-anchor="middle">'
           f'month (margin left, % of each resource)</text>']
    for mo in range(0, last + 1, max(1, last // 12)):
        out.append(f'<text x="{x(mo):.1f}" y="{height - bottom + 14}" text-anchor="middle">{mo}</text>')
    for n, (resource, pts) in enumerate((r, p) for r, p in series.items() if p):
        path = " ".join(f"{x(mo):.1f},{y(v):.1f}" for mo, v in pts)
        out.append(f'<polyline fill="none" stroke="{COLOURS[resource]}" stroke-width="2" '
                   f'points="{path}"/>')
        end = run.runs_out.get(resource)
        label = resource + (f" (out: month {end})" if end is not None else "")
        out.append(f'<text x="{width - right + 6}" y="{top + 14 * (n + 1)}" '
                   f'fill="{COLOURS[resource]}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
