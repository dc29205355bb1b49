"""The capacity planner's liquid check: do the CDUs carry the new racks, also N-1?

New racks that no CDU lists are connected to the nearest running CDU (centre to
centre along rows and aisles). The loop is then solved in normal operation and
with each CDU of a redundancy group failed; the margin is the least spare CDU
capacity over those cases. A rack whose coolant passes its limit, or that no
running CDU carries, exceeds it.
"""
from __future__ import annotations

import copy

from twin.liquid.failures import with_failed
from twin.liquid.solve import solve_liquid


def _centre(box) -> tuple[float, float]:
    return box.position_m[0] + box.size_m[0] / 2, box.position_m[1] + box.size_m[1] / 2


def connect_new_racks(layout, rack_ids) -> dict[str, str]:
    """Add each unlisted new rack to its nearest running CDU (in place); rack -> CDU."""
    liquid = layout.liquid
    listed = {r for c in liquid.cdus for r in c.racks}
    running = [c for c in liquid.cdus if c.running]
    out = {}
    for rack_id in rack_ids:
        if rack_id in listed or not running:
            continue
        rx, ry = _centre(layout.rack(rack_id))
        nearest = min(running, key=lambda c: abs(_centre(c)[0] - rx) + abs(_centre(c)[1] - ry))
        nearest.racks.append(rack_id)
        out[rack_id] = nearest.id
    return out


def cdu_check(placed, check_cls):
    """A `check_cls` ("liquid", status, margin kW, ...) for a placed layout with a liquid section."""
    layout = copy.deepcopy(placed.layout)
    homes = connect_new_racks(layout, placed.rack_ids)
    cases = [("normal operation", layout)]
    cases += [(f"{c.id} failed", with_failed(layout, c.id)) for c in layout.liquid.cdus
              if c.running and c.group is not None]
    margin_kw, capacity_kw, worst = float("inf"), 0.0, ""
    for label, case in cases:
        result = solve_liquid(case)
        if result.over_limit:
            return check_cls("liquid", "exceeded", -1.0, "racks", -100.0,
                             f"{label}: coolant of {', '.join(result.over_limit)} over the "
                             f"{result.coolant_limit_c:g} °C limit or not carried by a running CDU")
        for cdu in result.cdus.values():
            if cdu.running and cdu.capacity_kw - cdu.load_kw < margin_kw:
                margin_kw, capacity_kw = cdu.capacity_kw - cdu.load_kw, cdu.capacity_kw
                worst = f"{cdu.id} carries {cdu.load_kw:.0f} of {cdu.capacity_kw:g} kW ({label})"
    where = ", ".join(f"{r} on {c}" for r, c in homes.items())
    detail = (f"{where}; " if where else "") + worst
    if margin_kw == float("inf"):
        return check_cls("liquid", "unchecked", detail="no running CDU carries any rack")
    status = "ok" if margin_kw >= 0 else "exceeded"
    return check_cls("liquid", status, margin_kw, "kW", 100.0 * margin_kw / capacity_kw, detail)
